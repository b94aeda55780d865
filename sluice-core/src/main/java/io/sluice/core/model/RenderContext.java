package io.sluice.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.function.Function;

/**
 * What a model's template sees when it is rendered for a run.
 *
 * @param refRelation model name to the SQL text of its relation, for {@code ref('model')}
 * @param sourceRelation source name to the SQL text of its relation, for {@code source('name')}
 * @param changesRelation source name to the SQL text of the rows this model has not consumed yet,
 *     for {@code changes('name')}
 * @param incremental what {@code is_incremental()} returns
 * @param thisRelation the SQL text of the model's own relation, for {@code this}
 * @param vars values for {@code var('name')}
 */
public record RenderContext(
    Function<String, String> refRelation,
    Function<String, String> sourceRelation,
    Function<String, String> changesRelation,
    boolean incremental,
    String thisRelation,
    Map<String, Object> vars) {
  public RenderContext {
    requireNonNull(refRelation, "refRelation is null");
    requireNonNull(sourceRelation, "sourceRelation is null");
    requireNonNull(changesRelation, "changesRelation is null");
    requireNonNull(thisRelation, "thisRelation is null");
    vars = Map.copyOf(vars);
  }
}
