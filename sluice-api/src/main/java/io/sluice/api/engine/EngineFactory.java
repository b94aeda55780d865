package io.sluice.api.engine;

/** Creates {@link Engine}s; found with {@link java.util.ServiceLoader}. */
public interface EngineFactory {
  /** The name used in {@code sluice.yaml} ({@code engine: duckdb}). */
  String name();

  Engine create(EngineContext context);

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
}
