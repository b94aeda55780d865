package io.sluice.core.model;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.ModelRequest.Materialization;
import java.util.List;

/**
 * What a model template declares, found by rendering it with recording functions.
 *
 * @param refs the {@code ref()} calls, in the order first made, one per name
 * @param sources the {@code source()} calls, in the order first made, one per name
 * @param materialization from {@code config(materialized=...)}, {@code view} if not set
 * @param uniqueKey from {@code config(unique_key=...)}, empty if not set
 * @param problems what is wrong in the template (syntax, calls, variables); names of models and
 *     sources are not checked here
 */
public record ModelAnalysis(
    List<Call> refs,
    List<Call> sources,
    Materialization materialization,
    List<String> uniqueKey,
    List<String> tags,
    List<TemplateProblem> problems) {
  public ModelAnalysis {
    refs = List.copyOf(refs);
    sources = List.copyOf(sources);
    requireNonNull(materialization, "materialization is null");
    uniqueKey = List.copyOf(uniqueKey);
    tags = List.copyOf(tags);
    problems = List.copyOf(problems);
  }

  /**
   * A call of {@code ref} or {@code source}.
   *
   * @param name the model or source named
   * @param line 1-based line of the call in the template, 0 if unknown
   * @param column 1-based column of the call, 0 if unknown
   */
  public record Call(String name, int line, int column) {
    public Call {
      requireNonNull(name, "name is null");
    }
  }
}
