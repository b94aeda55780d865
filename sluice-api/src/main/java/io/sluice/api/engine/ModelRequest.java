package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Materialize one model in the warehouse.
 *
 * @param name the model's relation name (in the warehouse's default schema)
 * @param sql the rendered SELECT
 * @param materialization how to store it
 * @param uniqueKey for incremental models: merge on these columns (replace rows with equal keys);
 *     empty to append
 * @param incremental for incremental models: true to add {@code sql}'s rows to the existing
 *     relation, false to (re)build it
 * @param stateKey a key to store {@code stateValue} under in the same transaction as the data
 * @param stateValue what the runtime records about this run (e.g. the lake snapshots consumed)
 */
public record ModelRequest(
    String name,
    String sql,
    Materialization materialization,
    List<String> uniqueKey,
    boolean incremental,
    String stateKey,
    String stateValue) {
  public ModelRequest {
    requireNonNull(name, "name is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(materialization, "materialization is null");
    uniqueKey = List.copyOf(uniqueKey);
    requireNonNull(stateKey, "stateKey is null");
    requireNonNull(stateValue, "stateValue is null");
  }

  /** How a model is stored. */
  public enum Materialization {
    VIEW,
    TABLE,
    INCREMENTAL
  }
}
