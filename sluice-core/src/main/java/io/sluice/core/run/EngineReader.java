package io.sluice.core.run;

import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.WarehouseReader;
import java.time.Instant;
import java.util.Optional;

/**
 * A reader over a read-only engine, for engines without a sandboxed reader: no sandbox, no limits,
 * and the rows of a query are held in memory. Only for the CLI's user, who can read the project's
 * files anyway.
 */
final class EngineReader implements WarehouseReader {
  private final ProjectRuntime runtime;

  EngineReader(ProjectRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public QueryCursor query(String sql) {
    return QueryCursor.of(runtime.engine().query(sql, Integer.MAX_VALUE));
  }

  @Override
  public Optional<Instant> snapshotTime() {
    return runtime.engine().snapshotTime();
  }

  @Override
  public void close() {
    runtime.close();
  }
}
