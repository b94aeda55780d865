package io.sluice.engine.duckdb;

import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.EngineFactory;
import io.sluice.api.engine.ReaderContext;
import io.sluice.api.engine.WarehouseReader;

/**
 * The embedded engine: DuckDB in this process, with the warehouse in one DuckDB database file.
 *
 * <p>Options ({@code engine-options} in {@code sluice.yaml}): {@code memory-limit} (DuckDB's {@code
 * memory_limit}, e.g. {@code 4GB}; default an eighth of the machine's memory, from 256 MB to 768
 * MB: {@link DuckDbEngine#defaultMemoryLimit}) and {@code threads} (default: the number of cores).
 * Spill files go to {@code <state-dir>/tmp}.
 */
public final class DuckDbEngineFactory implements EngineFactory {
  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public Engine create(EngineContext context) {
    return DuckDbEngine.open(context);
  }

  /**
   * A sandboxed reader (see {@link DuckDbWarehouseReader}): memory limit {@code memory-limit}
   * (default 1GB) and {@code threads} (default 2) from the engine options.
   */
  @Override
  public boolean hasSandboxedReader() {
    return true;
  }

  /** Batches of primary-key sources are merged (copy-on-write of the files holding their keys). */
  @Override
  public boolean mergesOnPrimaryKey() {
    return true;
  }

  @Override
  public WarehouseReader openReader(ReaderContext context) {
    return DuckDbWarehouseReader.open(context);
  }

  @Override
  public java.util.Optional<io.sluice.api.engine.SqlChecker> checker(EngineContext context) {
    DuckDbEngine.checkOptions(context.options());
    DuckDbEngine.checkWarehouse(java.nio.file.Path.of(context.warehouse()).toAbsolutePath());
    return java.util.Optional.of(DuckDbChecker.open());
  }

  /** Loads DuckDB's native library (a third of a second) by opening an empty in-memory database. */
  @Override
  public void preload() {
    try {
      java.sql.DriverManager.getConnection("jdbc:duckdb:").close();
    } catch (java.sql.SQLException | RuntimeException | LinkageError e) {
      // Only a head start: the real opening reports whatever is wrong.
    }
  }
}
