package io.sluice.api.engine;

/** Creates {@link Engine}s; found with {@link java.util.ServiceLoader}. */
public interface EngineFactory {
  /** The name used in {@code sluice.yaml} ({@code engine: duckdb}). */
  String name();

  Engine create(EngineContext context);
}
