package io.sluice.api.engine;

import java.util.List;
import java.util.Optional;

/**
 * An engine bound to one warehouse. Used from one thread at a time; {@link #close()} releases the
 * warehouse.
 */
public interface Engine extends AutoCloseable {
  SqlDialect dialect();

  /**
   * Stages, maps and validates one batch and writes the Parquet files of its raw, clean and
   * quarantine tables. Nothing is committed: the caller commits the returned files to the lake.
   * Calling it again for the same input writes equal rows.
   */
  IngestResult ingest(IngestRequest request);

  /** Makes lake tables queryable as {@code schema.name}, replacing earlier definitions. */
  void exposeLakeRelations(List<LakeRelation> relations);

  /**
   * Like {@link #exposeLakeRelations(List)}, and records {@code states} (as {@link #recordState}
   * does) with the definitions. An engine with transactions does both in one, at the cost of one
   * commit: a micro-batch then pays one durable write for its views, and a state never describes
   * views that are not there. By default: the views, then the states.
   */
  default void exposeLakeRelations(
      List<LakeRelation> relations, java.util.Map<String, String> states) {
    exposeLakeRelations(relations);
    states.forEach(this::recordState);
  }

  /** Materializes a model and records its state, in one warehouse transaction. */
  void materialize(ModelRequest request);

  /** Whether the warehouse has a relation of this name in its default schema. */
  boolean relationExists(String name);

  /**
   * State recorded by {@link #materialize} or {@link #recordState} under {@code stateKey}, if any.
   */
  Optional<String> state(String stateKey);

  /**
   * Records {@code value} under {@code stateKey} in the warehouse, replacing what was there, for
   * {@link #state} to return: e.g. what the lake relations were last exposed from, so that a run
   * with nothing new need not expose them again. An engine that keeps no such state ignores it (the
   * default); its callers then redo that work every time.
   */
  default void recordState(String stateKey, String value) {}

  /**
   * Runs a query against the warehouse.
   *
   * @throws io.sluice.api.SluiceException (USER) for SQL the engine rejects, with its message
   */
  QueryResult query(String sql, int maxRows);

  /**
   * Makes the warehouse as it is now readable by {@link WarehouseReader}s of other processes (and
   * of this one) while this engine keeps it open for writing, e.g. by publishing a consistent copy.
   * Does nothing when nothing changed since the last publication, or for a read-only engine.
   */
  default void publishSnapshot() {}

  /**
   * For a read-only engine opened while another holds the warehouse for writing: the time the
   * published snapshot it reads was made. Empty when it reads the warehouse as last written.
   */
  default Optional<java.time.Instant> snapshotTime() {
    return Optional.empty();
  }

  @Override
  void close();
}
