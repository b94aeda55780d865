package io.sluice.cli;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.server.pgwire.ResultCursor;
import io.sluice.server.pgwire.SqlBackend;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The SQL endpoint's backend while {@code serve} runs: each statement gets its own sandboxed,
 * read-only warehouse reader ({@link io.sluice.core.run.ProjectRuntime#openReader}), as {@code POST
 * /v1/query} does — never the pipeline's connection, so a slow statement does not delay landing and
 * no statement can change what lands. Rows stream from the reader's cursor; the reader's timeout
 * ({@code serve.query-timeout}) and result-size limit ({@code serve.query-max-mb}) apply on top of
 * the endpoint's own row limit.
 */
final class WarehouseSqlBackend implements SqlBackend {
  private final Supplier<WarehouseReader> readers;

  /**
   * @param readers opens a reader for each statement (sandboxed, with serve's limits)
   */
  WarehouseSqlBackend(Supplier<WarehouseReader> readers) {
    this.readers = requireNonNull(readers, "readers is null");
  }

  @Override
  public ResultCursor execute(String sql, long maxRows) {
    WarehouseReader reader = readers.get();
    QueryCursor cursor;
    try {
      cursor = reader.query(sql);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
    return new ResultCursor() {
      @Override
      public List<String> columnNames() {
        return cursor.columns();
      }

      @Override
      public List<String> columnTypes() {
        return cursor.types();
      }

      @Override
      public Optional<List<Object>> next() {
        return cursor.next() ? Optional.of(cursor.row()) : Optional.empty();
      }

      @Override
      public void cancel() {
        cursor.cancel();
      }

      @Override
      public void close() {
        try {
          cursor.close();
        } finally {
          reader.close();
        }
      }
    };
  }
}
