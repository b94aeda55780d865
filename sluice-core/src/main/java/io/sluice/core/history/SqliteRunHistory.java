package io.sluice.core.history;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.StepTiming;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The run history in an SQLite file ({@code <state-dir>/history.db}): a table of runs, one of
 * attempts (with the attempt's log excerpt and its whole summary as JSON), one of steps (a row per
 * source batch, model build and model test, for queries) and one of step timings (a row per
 * measured step of an attempt, {@link RunSummary#timings()}, for queries on where time goes). A
 * table added by a later version is created when an older file is opened; its rows start with the
 * runs saved from then on. The SQL is plain (no SQLite-only types or functions besides the
 * connection's pragmas and {@code BEGIN IMMEDIATE}), so that another database can take the same
 * tables.
 *
 * <p>Several processes may use the file at once (write-ahead log, a busy timeout, every write one
 * immediate transaction); in a process, calls are serialized on the one connection. Runs that ended
 * more than the retention ago are removed when the history is opened and then at most once an hour
 * as runs are saved.
 */
final class SqliteRunHistory implements RunHistory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);
  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  private static final List<String> SCHEMA =
      List.of(
          """
          CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY,
            trigger_name TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            ended_at BIGINT,
            select_json TEXT NOT NULL,
            exclude_json TEXT NOT NULL,
            full_refresh INTEGER NOT NULL,
            window_start BIGINT,
            window_end BIGINT)""",
          "CREATE INDEX IF NOT EXISTS runs_by_creation ON runs (created_at)",
          """
          CREATE TABLE IF NOT EXISTS attempts (
            run_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            status TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            ended_at BIGINT,
            error_category TEXT,
            error TEXT NOT NULL,
            log TEXT NOT NULL,
            summary_json TEXT,
            PRIMARY KEY (run_id, number))""",
          """
          CREATE TABLE IF NOT EXISTS steps (
            run_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            millis BIGINT NOT NULL,
            rows_read BIGINT NOT NULL,
            rows_landed BIGINT NOT NULL,
            rows_quarantined BIGINT NOT NULL,
            quality_score DOUBLE PRECISION,
            detail TEXT NOT NULL,
            error TEXT NOT NULL,
            PRIMARY KEY (run_id, attempt, position))""",
          // Unknown figures (-1 in a StepTiming) are NULL, so that aggregates leave them out.
          """
          CREATE TABLE IF NOT EXISTS step_timings (
            run_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            position INTEGER NOT NULL,
            depth INTEGER NOT NULL,
            name TEXT NOT NULL,
            wall_nanos BIGINT NOT NULL,
            cpu_nanos BIGINT,
            row_count BIGINT,
            bytes_in BIGINT,
            bytes_out BIGINT,
            peak_rss_bytes BIGINT,
            PRIMARY KEY (run_id, attempt, position))""");

  private final Path file;
  private final Connection connection;
  private final Duration retention;
  private final Clock clock;
  private Instant nextPrune;

  private SqliteRunHistory(Path file, Connection connection, Duration retention, Clock clock) {
    this.file = file;
    this.connection = connection;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Opens (creating when missing) the history in {@code file} and removes the runs that ended more
   * than {@code retention} ago.
   */
  static SqliteRunHistory open(Path file, Duration retention, Clock clock) {
    requireNonNull(retention, "retention is null");
    requireNonNull(clock, "clock is null");
    Connection connection = null;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement statement = connection.createStatement()) {
        // The busy timeout first: switching to the write-ahead log may wait for another process.
        statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
        statement.execute("PRAGMA journal_mode = WAL");
        statement.execute("PRAGMA synchronous = NORMAL");
      }
      SqliteRunHistory history = new SqliteRunHistory(file, connection, retention, clock);
      history.inTransaction(
          () -> {
            try (Statement statement = history.connection.createStatement()) {
              for (String ddl : SCHEMA) {
                statement.execute(ddl);
              }
            }
            return null;
          });
      history.pruneIfDue();
      return history;
    } catch (SQLException | java.io.IOException e) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Cannot open the run history "
              + file
              + ": "
              + e.getMessage()
              + " (if the file is damaged, move it away: a new one is created, without the older"
              + " runs)",
          e);
    }
  }

  Path file() {
    return file;
  }

  @Override
  public synchronized void save(RunRecord run) {
    saveAll(List.of(run));
  }

  /** Saves every run in one transaction. */
  synchronized void saveAll(List<RunRecord> runs) {
    inTransaction(
        () -> {
          for (RunRecord run : runs) {
            write(run);
          }
          return null;
        });
    pruneIfDue();
  }

  private void write(RunRecord run) throws SQLException {
    String id = run.id();
    for (String table : List.of("step_timings", "steps", "attempts")) {
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
        delete.setString(1, id);
        delete.executeUpdate();
      }
    }
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM runs WHERE id = ?")) {
      delete.setString(1, id);
      delete.executeUpdate();
    }
    RunRequest request = run.request();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO runs (id, trigger_name, status, created_at, ended_at, select_json,"
                + " exclude_json, full_refresh, window_start, window_end)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, id);
      insert.setString(2, request.trigger());
      insert.setString(3, run.status().label());
      insert.setLong(4, run.createdAt().toEpochMilli());
      setInstant(insert, 5, run.endedAt());
      insert.setString(6, json(request.select()));
      insert.setString(7, json(request.exclude()));
      insert.setInt(8, request.fullRefresh() ? 1 : 0);
      setInstant(insert, 9, request.window().map(RunRequest.Window::start));
      setInstant(insert, 10, request.window().map(RunRequest.Window::end));
      insert.executeUpdate();
    }
    for (RunRecord.Attempt attempt : run.attempts()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO attempts (run_id, number, status, started_at, ended_at,"
                  + " error_category, error, log, summary_json)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setInt(2, attempt.number());
        insert.setString(3, attempt.status().label());
        insert.setLong(4, attempt.startedAt().toEpochMilli());
        setInstant(insert, 5, attempt.endedAt());
        insert.setString(6, attempt.errorCategory().map(Enum::name).orElse(null));
        insert.setString(7, attempt.error());
        insert.setString(8, attempt.log());
        insert.setString(9, attempt.summary().map(SqliteRunHistory::json).orElse(null));
        insert.executeUpdate();
      }
      if (attempt.summary().isPresent()) {
        writeSteps(id, attempt.number(), RunStep.of(attempt.summary().get()));
        writeTimings(id, attempt.number(), attempt.summary().get().timings());
      }
    }
  }

  private void writeSteps(String runId, int attempt, List<RunStep> steps) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO steps (run_id, attempt, position, kind, name, status, millis, rows_read,"
                + " rows_landed, rows_quarantined, quality_score, detail, error)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int position = 0;
      for (RunStep step : steps) {
        insert.setString(1, runId);
        insert.setInt(2, attempt);
        insert.setInt(3, ++position);
        insert.setString(4, step.kind().label());
        insert.setString(5, step.name());
        insert.setString(6, step.status());
        insert.setLong(7, step.millis());
        insert.setLong(8, step.rowsRead());
        insert.setLong(9, step.rowsLanded());
        insert.setLong(10, step.rowsQuarantined());
        if (step.qualityScore().isPresent()) {
          insert.setDouble(11, step.qualityScore().getAsDouble());
        } else {
          insert.setNull(11, Types.DOUBLE);
        }
        insert.setString(12, step.detail());
        insert.setString(13, step.error());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private void writeTimings(String runId, int attempt, List<RunSummary.Timing> timings)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO step_timings (run_id, attempt, position, depth, name, wall_nanos,"
                + " cpu_nanos, row_count, bytes_in, bytes_out, peak_rss_bytes)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int position = 0;
      for (RunSummary.Timing timing : timings) {
        StepTiming step = timing.figures();
        insert.setString(1, runId);
        insert.setInt(2, attempt);
        insert.setInt(3, ++position);
        insert.setInt(4, timing.depth());
        insert.setString(5, step.name());
        insert.setLong(6, step.wallNanos());
        setKnown(insert, 7, step.cpuNanos());
        setKnown(insert, 8, step.rows());
        setKnown(insert, 9, step.bytesIn());
        setKnown(insert, 10, step.bytesOut());
        setKnown(insert, 11, step.peakRssBytes());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** A figure, or NULL when it is unknown (negative). */
  private static void setKnown(PreparedStatement statement, int index, long value)
      throws SQLException {
    if (value < 0) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  @Override
  public synchronized Optional<RunRecord> find(String id) {
    try {
      return read(id);
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  @Override
  public synchronized List<String> recentIds(int limit) {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id FROM runs ORDER BY created_at DESC, id DESC LIMIT ?")) {
      select.setInt(1, Math.max(0, limit));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  @Override
  public List<RunRecord> list(int limit, String trigger) {
    return list(limit, trigger, Optional.empty());
  }

  @Override
  public synchronized List<RunRecord> list(int limit, String trigger, Optional<RunStatus> status) {
    requireNonNull(trigger, "trigger is null");
    requireNonNull(status, "status is null");
    String sql =
        "SELECT id FROM runs WHERE substr(trigger_name, 1, ?) = ?"
            + (status.isPresent() ? " AND status = ?" : "")
            + " ORDER BY created_at DESC, id DESC LIMIT ?";
    List<String> ids = new ArrayList<>();
    try {
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int i = 0;
        select.setInt(++i, trigger.length());
        select.setString(++i, trigger);
        if (status.isPresent()) {
          select.setString(++i, status.get().label());
        }
        select.setInt(++i, Math.max(0, limit));
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            ids.add(rows.getString(1));
          }
        }
      }
      List<RunRecord> runs = new ArrayList<>();
      for (String id : ids) {
        read(id).ifPresent(runs::add); // pruned meanwhile by another process: left out
      }
      return runs;
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  private Optional<RunRecord> read(String id) throws SQLException {
    RunRequest request;
    RunStatus status;
    Instant createdAt;
    Optional<Instant> endedAt;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT trigger_name, status, created_at, ended_at, select_json, exclude_json,"
                + " full_refresh, window_start, window_end FROM runs WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        Optional<Instant> windowStart = instant(row, 8);
        Optional<Instant> windowEnd = instant(row, 9);
        request =
            new RunRequest(
                strings(row.getString(5)),
                strings(row.getString(6)),
                row.getInt(7) != 0,
                windowStart.isPresent() && windowEnd.isPresent()
                    ? Optional.of(new RunRequest.Window(windowStart.get(), windowEnd.get()))
                    : Optional.empty(),
                row.getString(1));
        status = RunStatus.of(row.getString(2));
        createdAt = Instant.ofEpochMilli(row.getLong(3));
        endedAt = instant(row, 4);
      }
    }
    List<RunRecord.Attempt> attempts = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT number, status, started_at, ended_at, error_category, error, log, summary_json"
                + " FROM attempts WHERE run_id = ? ORDER BY number")) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          String category = row.getString(5);
          String summary = row.getString(8);
          attempts.add(
              new RunRecord.Attempt(
                  row.getInt(1),
                  Instant.ofEpochMilli(row.getLong(3)),
                  instant(row, 4),
                  RunStatus.of(row.getString(2)),
                  category == null
                      ? Optional.empty()
                      : Optional.of(ErrorCategory.valueOf(category)),
                  row.getString(6),
                  row.getString(7),
                  summary == null
                      ? Optional.empty()
                      : Optional.of(fromJson(summary, new TypeReference<RunSummary>() {}))));
        }
      }
    }
    return Optional.of(new RunRecord(id, request, status, createdAt, endedAt, attempts));
  }

  @Override
  public synchronized int prune(Instant cutoff) {
    return inTransaction(
        () -> {
          long before = cutoff.toEpochMilli();
          String ended = "SELECT id FROM runs WHERE ended_at IS NOT NULL AND ended_at < ?";
          for (String table : List.of("step_timings", "steps", "attempts")) {
            try (PreparedStatement delete =
                connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE run_id IN (" + ended + ")")) {
              delete.setLong(1, before);
              delete.executeUpdate();
            }
          }
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM runs WHERE ended_at IS NOT NULL AND ended_at < ?")) {
            delete.setLong(1, before);
            return delete.executeUpdate();
          }
        });
  }

  /** Removes what ended more than the retention ago, when the last removal is an hour old. */
  private void pruneIfDue() {
    Instant now = clock.instant();
    if (nextPrune != null && now.isBefore(nextPrune)) {
      return;
    }
    nextPrune = now.plus(PRUNE_EVERY);
    prune(now.minus(retention));
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw SluiceException.external("Cannot close the run history " + file, e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} in one immediate transaction: it takes the write lock at once (waiting up to
   * the busy timeout for another process), so two writers never deadlock on an upgrade.
   */
  private <T> T inTransaction(Work<T> work) {
    try {
      try (Statement statement = connection.createStatement()) {
        statement.execute("BEGIN IMMEDIATE");
      }
      try {
        T result = work.run();
        try (Statement statement = connection.createStatement()) {
          statement.execute("COMMIT");
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw SluiceException.external("Cannot write the run history " + file, e);
    }
  }

  private SluiceException readFailure(SQLException e) {
    return SluiceException.external("Cannot read the run history " + file, e);
  }

  private static void setInstant(PreparedStatement statement, int index, Optional<Instant> value)
      throws SQLException {
    if (value.isPresent()) {
      statement.setLong(index, value.get().toEpochMilli());
    } else {
      statement.setNull(index, Types.BIGINT);
    }
  }

  private static Optional<Instant> instant(ResultSet row, int index) throws SQLException {
    long millis = row.getLong(index);
    return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw SluiceException.internal("Cannot write JSON for the run history", e);
    }
  }

  static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw SluiceException.internal("Cannot read JSON of the run history: " + json, e);
    }
  }

  private static List<String> strings(String json) {
    return fromJson(json, new TypeReference<List<String>>() {});
  }
}
