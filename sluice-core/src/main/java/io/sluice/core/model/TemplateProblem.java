package io.sluice.core.model;

import static java.util.Objects.requireNonNull;

/**
 * A problem in a model template.
 *
 * @param line 1-based line in the template, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param message what is wrong
 */
public record TemplateProblem(int line, int column, String message) {
  public TemplateProblem {
    requireNonNull(message, "message is null");
  }
}
