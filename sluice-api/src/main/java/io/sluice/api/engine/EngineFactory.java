package io.sluice.api.engine;

/** Creates {@link Engine}s; found with {@link java.util.ServiceLoader}. */
public interface EngineFactory {
  /** The name used in {@code sluice.yaml} ({@code engine: duckdb}). */
  String name();

  Engine create(EngineContext context);

  /**
   * Whether the engine merges a batch into its clean table on the source's primary key ({@link
   * IngestRequest#merge}); a project with a primary-key source on an engine that does not is
   * refused before anything runs ({@code sluice validate} included). False by default.
   */
  default boolean mergesOnPrimaryKey() {
    return false;
  }

  /** Whether {@link #openReader} gives a sandboxed reader rather than refusing. */
  default boolean hasSandboxedReader() {
    return false;
  }

  /**
   * Opens a sandboxed, read-only reader of the warehouse (see {@link WarehouseReader}). It never
   * takes the warehouse from a writer: while one writes, it reads the newest published snapshot.
   *
   * @throws io.sluice.api.SluiceException (USER) when this engine has no such reader, or (EXTERNAL)
   *     when the warehouse cannot be read
   */
  default WarehouseReader openReader(ReaderContext context) {
    // hasSandboxedReader() is false: callers that can do without a sandbox query an engine.
    throw io.sluice.api.SluiceException.user(
        "The %s engine cannot run read-only queries on its own; query the warehouse with the duckdb"
            + " engine (--engine duckdb) or a SQL client",
        name());
  }

  /**
   * A checker that compiles SQL as this engine would, in memory, for {@code sluice validate}; empty
   * when this engine cannot compile without running (the default).
   *
   * <p>Checks what {@link #create} would refuse about {@code context} (options, the warehouse's
   * place) without opening the warehouse or creating anything.
   *
   * @param context what {@link #create} would be given
   * @throws io.sluice.api.SluiceException (USER) for what {@link #create} would refuse
   */
  default java.util.Optional<SqlChecker> checker(EngineContext context) {
    return java.util.Optional.empty();
  }

  /**
   * Loads what this engine needs before its first use (e.g. a native library), so that a short
   * command can do it on a background thread while it reads the project. Must be safe to call from
   * any thread, more than once, and must not throw; the default does nothing.
   */
  default void preload() {}
}
