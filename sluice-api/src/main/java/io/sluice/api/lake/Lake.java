package io.sluice.api.lake;

import java.util.List;
import java.util.Optional;

/** A catalog of transactional tables. Implementations are thread-safe; one instance per process. */
public interface Lake extends AutoCloseable {
  /**
   * Loads the table, creating it with {@code spec} if it does not exist. An existing table whose
   * columns or partitioning differ from {@code spec} is reported as a USER error (schema evolution
   * is a separate operation).
   */
  LakeTable createOrLoad(TableSpec spec);

  /** Loads an existing table. */
  Optional<LakeTable> load(TableId id);

  /** All tables in a namespace, sorted by name. */
  List<TableId> list(String namespace);

  @Override
  void close();
}
