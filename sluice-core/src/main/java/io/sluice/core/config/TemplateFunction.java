package io.sluice.core.config;

import static java.util.Objects.requireNonNull;

/**
 * A function available in model templates, for the reference docs.
 *
 * @param name the function's name
 * @param usage how it is called, e.g. {@code ref('model')}
 * @param doc what it does
 */
public record TemplateFunction(String name, String usage, String doc) {
  public TemplateFunction {
    requireNonNull(name, "name is null");
    requireNonNull(usage, "usage is null");
    requireNonNull(doc, "doc is null");
  }
}
