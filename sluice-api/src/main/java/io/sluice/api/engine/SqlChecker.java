package io.sluice.api.engine;

import java.util.List;

/**
 * Compiles SQL the way an engine would run it, against empty relations and without any warehouse,
 * so that {@code sluice validate} finds what a run would fail on (a misspelled column in a check, a
 * model that does not bind) before any data is read or committed. Obtained from {@link
 * EngineFactory#checker}; used from one thread; {@link #close()} releases it. It holds nothing but
 * the relations defined through it, in memory.
 */
public interface SqlChecker extends AutoCloseable {
  /** The dialect of the engine this checker stands for. */
  SqlDialect dialect();

  /**
   * Runs a statement that defines a relation or schema, e.g. {@code CREATE SCHEMA lake} or {@code
   * CREATE VIEW "daily" AS ...}.
   *
   * @throws io.sluice.api.SluiceException (USER) with the engine's own message when it is refused
   */
  void define(String sql);

  /**
   * Compiles {@code query} against the relations defined so far, without reading any row.
   *
   * @return the names of the query's result columns
   * @throws io.sluice.api.SluiceException (USER) with the engine's own message when it is refused
   */
  List<String> columns(String query);

  @Override
  void close();
}
