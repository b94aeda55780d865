package io.sluice.cli;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.QueryResult;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.server.pgwire.ResultCursor;
import io.sluice.server.pgwire.SqlBackend;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The SQL endpoint's backend while {@code serve} runs: each statement runs on the project's engine
 * between micro-batches ({@link ProjectRuntime#runExclusively}), at most {@code maxRows + 1} rows,
 * which the cursor then hands out one by one.
 *
 * <p>This is the one place to swap for the sandboxed read-only warehouse reader: the endpoint
 * already refuses every statement that is not a read, the reader adds file-access and resource
 * limits and streams rows instead of holding them.
 */
final class WarehouseSqlBackend implements SqlBackend {
  private final ProjectRuntime runtime;

  WarehouseSqlBackend(ProjectRuntime runtime) {
    this.runtime = requireNonNull(runtime, "runtime is null");
  }

  @Override
  public ResultCursor execute(String sql, long maxRows) {
    int limit = (int) Math.min(Integer.MAX_VALUE - 1, maxRows) + 1;
    QueryResult result = runtime.runExclusively(() -> runtime.engine().query(sql, limit));
    Iterator<List<Object>> rows = result.rows().iterator();
    return new ResultCursor() {
      @Override
      public List<String> columnNames() {
        return result.columns();
      }

      @Override
      public List<String> columnTypes() {
        return result.types();
      }

      @Override
      public Optional<List<Object>> next() {
        return rows.hasNext() ? Optional.of(rows.next()) : Optional.empty();
      }

      @Override
      public void close() {}
    };
  }
}
