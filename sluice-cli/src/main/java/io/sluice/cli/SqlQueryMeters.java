package io.sluice.cli;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryLimitException;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.server.MeterBuckets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The queries users send over the network, counted and timed per endpoint ({@code http}: {@code
 * POST /v1/query}; {@code console}: the web console's pages, panels and SQL console; {@code
 * pgwire}: the SQL endpoint) and outcome ({@code ok}, {@code refused}: the reader refused the
 * statement or the engine rejected it, {@code limit}: its timeout or result size stopped it, {@code
 * failed}): {@code sluice_sql_queries_seconds} from the statement to its cursor's close, and {@code
 * sluice_sql_rows_total} rows returned.
 */
final class SqlQueryMeters {
  /** Bucket bounds of the query duration histogram: those of the HTTP requests. */
  private static final Duration[] BUCKETS = MeterBuckets.latency();

  private final MeterRegistry registry;

  SqlQueryMeters(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** The readers of {@code readers}, with their queries counted under {@code endpoint}. */
  Supplier<WarehouseReader> metered(String endpoint, Supplier<WarehouseReader> readers) {
    return () -> metered(endpoint, readers.get());
  }

  /** {@code reader}, with its queries counted under {@code endpoint}. */
  WarehouseReader metered(String endpoint, WarehouseReader reader) {
    Counter rows =
        Counter.builder("sluice.sql.rows")
            .description("Rows the queries sent over the network returned, per endpoint.")
            .tag("endpoint", endpoint)
            .register(registry);
    return new WarehouseReader() {
      @Override
      public QueryCursor query(String sql) {
        long start = System.nanoTime();
        QueryCursor cursor;
        try {
          cursor = reader.query(sql);
        } catch (RuntimeException e) {
          record(endpoint, outcome(e), start);
          throw e;
        }
        return new MeteredCursor(cursor, endpoint, start, rows);
      }

      @Override
      public Optional<Instant> snapshotTime() {
        return reader.snapshotTime();
      }

      @Override
      public void close() {
        reader.close();
      }
    };
  }

  private final class MeteredCursor implements QueryCursor {
    private final QueryCursor cursor;
    private final String endpoint;
    private final long start;
    private final Counter rows;
    private String outcome = "ok";
    private long returned; // counted here, added to the counter once, at the close
    private boolean recorded;

    MeteredCursor(QueryCursor cursor, String endpoint, long start, Counter rows) {
      this.cursor = cursor;
      this.endpoint = endpoint;
      this.start = start;
      this.rows = rows;
    }

    @Override
    public List<String> columns() {
      return cursor.columns();
    }

    @Override
    public List<String> types() {
      return cursor.types();
    }

    @Override
    public boolean next() {
      try {
        boolean more = cursor.next();
        if (more) {
          returned++;
        }
        return more;
      } catch (RuntimeException e) {
        outcome = outcome(e);
        throw e;
      }
    }

    @Override
    public List<Object> row() {
      return cursor.row();
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
        if (!recorded) {
          recorded = true;
          rows.increment(returned);
          record(endpoint, outcome, start);
        }
      }
    }
  }

  private static String outcome(RuntimeException e) {
    if (e instanceof QueryLimitException) {
      return "limit";
    }
    if (e instanceof SluiceException sluice && sluice.category() == ErrorCategory.USER) {
      return "refused";
    }
    return "failed";
  }

  private void record(String endpoint, String outcome, long start) {
    Timer.builder("sluice.sql.queries")
        .description(
            "Queries sent over the network, per endpoint and outcome, from the statement to the"
                + " close of its result.")
        .tag("endpoint", endpoint)
        .tag("outcome", outcome)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }
}
