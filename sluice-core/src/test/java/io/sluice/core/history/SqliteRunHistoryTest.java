package io.sluice.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.ErrorCategory;
import io.sluice.api.engine.StepTiming;
import io.sluice.core.project.TestProject;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRunHistoryTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);

  @TempDir Path dir;

  static RunSummary summary(Instant start, RunStatus status) {
    return new RunSummary(
        start.toString(),
        start.toString(),
        1500,
        status,
        status == RunStatus.QUALITY_FAILED ? "orders: score 90.00% below 95.00%" : "",
        List.of(
            new RunSummary.SourceRun(
                "orders",
                "000003",
                2,
                2048,
                100,
                90,
                10,
                Map.of("not_null(id)", 10L),
                List.of(),
                false,
                700,
                List.of(new RunSummary.CheckRun("fresh", "freshness", "warn", false, "2 days old")),
                0,
                List.of())),
        List.of(new RunSummary.ModelRun("daily", "table", "built", 31, 200)),
        List.of(new RunSummary.TestRun("unique(daily.day)", 2, "", "error")),
        "manual",
        List.of("daily+"),
        null,
        List.of(
            new RunSummary.Timing(
                0, new StepTiming("open engine", 300_000_000, -1, -1, -1, -1, -1)),
            new RunSummary.Timing(
                0,
                new StepTiming(
                    "source orders", 700_000_000, 900_000_000, 100, 2048, -1, 200L << 20)),
            new RunSummary.Timing(
                1,
                new StepTiming(
                    "orders: ingest", 500_000_000, 800_000_000, 100, 2048, 4096, 150L << 20)),
            new RunSummary.Timing(
                2,
                new StepTiming(
                    "orders: stage", 200_000_000, 350_000_000, 100, 2048, -1, 120L << 20))));
  }

  static RunRecord run(String id, Instant created, RunStatus status, String trigger) {
    RunSummary summary = summary(created, status);
    Optional<Instant> end = Optional.of(created.plusMillis(1500));
    return new RunRecord(
        id,
        new RunRequest(List.of("daily+"), List.of("tag:slow"), true, Optional.empty(), trigger),
        status,
        created,
        end,
        List.of(
            new RunRecord.Attempt(
                1,
                created,
                end,
                status,
                status == RunStatus.FAILED ? Optional.of(ErrorCategory.EXTERNAL) : Optional.empty(),
                summary.error(),
                "10:00:00.000 source orders: 2 splits\n",
                Optional.of(summary))));
  }

  private SqliteRunHistory open() {
    return SqliteRunHistory.open(dir.resolve("history.db"), Duration.ofDays(30), CLOCK);
  }

  @Test
  void readsBackARunWithItsRequestAttemptsLogAndSummary() {
    RunRecord run = run("20261201-100000-abcd", T0, RunStatus.QUALITY_FAILED, "manual");
    try (SqliteRunHistory history = open()) {
      history.save(run);
    }
    try (SqliteRunHistory history = open()) {
      assertThat(history.find(run.id())).contains(run);
      assertThat(history.find("20261201-100000-0000")).isEmpty();
    }
  }

  @Test
  void keepsAStepPerSourceBatchModelAndTestForQueries() throws Exception {
    try (SqliteRunHistory history = open()) {
      history.save(run("r1", T0, RunStatus.TESTS_FAILED, "manual"));
    }
    List<String> steps = new ArrayList<>();
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT kind, name, status, millis, rows_read, rows_landed, rows_quarantined,"
                    + " quality_score, error FROM steps WHERE run_id = 'r1' ORDER BY position")) {
      while (rows.next()) {
        steps.add(
            rows.getString(1)
                + " "
                + rows.getString(2)
                + " "
                + rows.getString(3)
                + " "
                + rows.getLong(4)
                + " "
                + rows.getLong(5)
                + "/"
                + rows.getLong(6)
                + "/"
                + rows.getLong(7)
                + " "
                + rows.getObject(8));
      }
    }
    assertThat(steps)
        .containsExactly(
            "source orders ok 700 100/90/10 0.9",
            "model daily ok 200 -1/31/-1 null",
            "test unique(daily.day) fail 0 -1/2/-1 null");
  }

  @Test
  void keepsAStepTimingPerMeasuredStepForQueriesUnknownFiguresNull() throws Exception {
    try (SqliteRunHistory history = open()) {
      history.save(run("r1", T0, RunStatus.OK, "manual"));
      assertThat(history.find("r1").orElseThrow().attempts().get(0).summary().orElseThrow())
          .extracting(RunSummary::timings)
          .isEqualTo(summary(T0, RunStatus.OK).timings());
    }
    assertThat(
            query(
                "SELECT attempt, position, depth, name, wall_nanos, cpu_nanos, row_count,"
                    + " bytes_in, bytes_out, peak_rss_bytes FROM step_timings"
                    + " WHERE run_id = 'r1' ORDER BY position"))
        .containsExactly(
            "1 1 0 open engine 300000000 null null null null null",
            "1 2 0 source orders 700000000 900000000 100 2048 null 209715200",
            "1 3 1 orders: ingest 500000000 800000000 100 2048 4096 157286400",
            "1 4 2 orders: stage 200000000 350000000 100 2048 null 125829120");
  }

  @Test
  void aHistoryFromBeforeStepTimingsGetsTheTableAndKeepsItsRuns() throws Exception {
    try (SqliteRunHistory history = open()) {
      history.save(run("old", T0, RunStatus.OK, "manual"));
    }
    query("DROP TABLE step_timings"); // as a file written before the table existed
    try (SqliteRunHistory history = open()) {
      assertThat(history.find("old")).isPresent();
      history.save(run("new", T0.plusSeconds(10), RunStatus.OK, "manual"));
    }
    assertThat(query("SELECT DISTINCT run_id FROM step_timings")).containsExactly("new");
    try (SqliteRunHistory history = open()) {
      assertThat(history.prune(T0.plus(Duration.ofDays(1)))).isEqualTo(2);
    }
    assertThat(query("SELECT run_id FROM step_timings")).isEmpty();
  }

  /** The rows of {@code sql} on the history file, each as its values joined by spaces. */
  private List<String> query(String sql) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
        Statement statement = connection.createStatement()) {
      if (!statement.execute(sql)) {
        return lines;
      }
      try (ResultSet rows = statement.getResultSet()) {
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
          List<String> values = new ArrayList<>();
          for (int i = 1; i <= columns; i++) {
            values.add(String.valueOf(rows.getObject(i)));
          }
          lines.add(String.join(" ", values));
        }
      }
    }
    return lines;
  }

  @Test
  void savingARunAgainReplacesItsStatusAndAttempts() {
    RunRecord first = run("r1", T0, RunStatus.FAILED, "schedule:nightly");
    RunRecord retried =
        first
            .withAttempt(
                new RunRecord.Attempt(
                    2,
                    T0.plusSeconds(60),
                    Optional.of(T0.plusSeconds(61)),
                    RunStatus.OK,
                    Optional.empty(),
                    "",
                    "",
                    Optional.of(summary(T0.plusSeconds(60), RunStatus.OK))))
            .withStatus(RunStatus.OK, Optional.of(T0.plusSeconds(61)));
    try (SqliteRunHistory history = open()) {
      history.save(first);
      history.save(retried);
      RunRecord read = history.find("r1").orElseThrow();
      assertThat(read).isEqualTo(retried);
      assertThat(read.attempts())
          .extracting(RunRecord.Attempt::status)
          .containsExactly(RunStatus.FAILED, RunStatus.OK);
      assertThat(history.list(10, "")).hasSize(1);
    }
  }

  @Test
  void listsNewestFirstByTriggerPrefixAndStatus() {
    try (SqliteRunHistory history = open()) {
      history.save(run("a", T0, RunStatus.OK, "manual"));
      history.save(run("b", T0.plusSeconds(10), RunStatus.FAILED, "schedule:nightly"));
      history.save(run("c", T0.plusSeconds(20), RunStatus.OK, "schedule:hourly"));
      history.save(run("d", T0.plusSeconds(30), RunStatus.OK, "serve"));

      assertThat(history.list(10, ""))
          .extracting(RunRecord::id)
          .containsExactly("d", "c", "b", "a");
      assertThat(history.list(2, "")).extracting(RunRecord::id).containsExactly("d", "c");
      assertThat(history.list(10, "schedule:")).extracting(RunRecord::id).containsExactly("c", "b");
      assertThat(history.list(10, "", Optional.of(RunStatus.OK)))
          .extracting(RunRecord::id)
          .containsExactly("d", "c", "a");
      assertThat(history.list(10, "schedule:", Optional.of(RunStatus.FAILED)))
          .extracting(RunRecord::id)
          .containsExactly("b");
      assertThat(history.list(10, "schedule:nightly%", Optional.empty())).isEmpty();
    }
  }

  @Test
  void prunesRunsThatEndedBeforeTheCutoffButNeverARunStillRunning() {
    try (SqliteRunHistory history = open()) {
      history.save(run("old", T0, RunStatus.OK, "manual"));
      history.save(run("new", T0.plus(Duration.ofDays(2)), RunStatus.OK, "manual"));
      history.save(
          new RunRecord(
              "running",
              RunRequest.all("manual"),
              RunStatus.RUNNING,
              T0.minus(Duration.ofDays(9)),
              Optional.empty(),
              List.of()));

      assertThat(history.prune(T0.plus(Duration.ofDays(1)))).isEqualTo(1);
      assertThat(history.list(10, "")).extracting(RunRecord::id).containsExactly("new", "running");
    }
  }

  @Test
  void runsOlderThanTheRetentionAreRemovedWhenTheHistoryOpens() {
    Path file = dir.resolve("history.db");
    try (SqliteRunHistory history = SqliteRunHistory.open(file, Duration.ofDays(30), CLOCK)) {
      history.save(run("a", T0, RunStatus.OK, "manual"));
    }
    Clock later = Clock.offset(CLOCK, Duration.ofDays(31));
    try (SqliteRunHistory history = SqliteRunHistory.open(file, Duration.ofDays(30), later)) {
      assertThat(history.list(10, "")).isEmpty();
    }
  }

  @Test
  void writersOnTwoConnectionsAndManyThreadsLoseNoRun() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (SqliteRunHistory one = open();
        SqliteRunHistory two = open()) {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        SqliteRunHistory history = i % 2 == 0 ? one : two;
        String id = String.format("run-%03d", i);
        Instant created = T0.plusSeconds(i);
        writes.add(pool.submit(() -> history.save(run(id, created, RunStatus.OK, "manual"))));
      }
      for (Future<?> write : writes) {
        write.get();
      }
      assertThat(one.list(100, "")).hasSize(40);
      assertThat(two.list(1, "")).extracting(RunRecord::id).containsExactly("run-039");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void processesWritingAtOnceLoseNoRun() throws Exception {
    Path file = dir.resolve("history.db");
    List<Process> writers = new ArrayList<>();
    for (String prefix : List.of("a", "b")) {
      writers.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  HistoryWriterProcess.class.getName(),
                  file.toString(),
                  prefix,
                  "30")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(prefix + ".log").toFile())
              .start());
    }
    try (SqliteRunHistory history =
        SqliteRunHistory.open(file, Duration.ofDays(30), Clock.systemUTC())) {
      for (int i = 0; i < 30; i++) {
        history.save(run("c-" + i, T0.plusSeconds(i), RunStatus.OK, "manual"));
      }
      for (Process writer : writers) {
        assertThat(writer.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue())
            .as(Files.readString(dir.resolve(writers.indexOf(writer) == 0 ? "a.log" : "b.log")))
            .isZero();
      }
      assertThat(history.list(1000, "")).hasSize(90);
      assertThat(history.find("b-29")).isPresent();
    }
  }

  @Test
  void importsTheRunsJsonlOfEarlierVersionsOnce() throws Exception {
    TestProject project = new TestProject(dir.resolve("shop")).minimal();
    ObjectMapper json = new ObjectMapper();
    RunSummary failed =
        new RunSummary(
            "2026-12-01T09:00:00.250Z",
            "2026-12-01T09:00:00.250Z",
            300,
            RunStatus.FAILED,
            "disk full",
            List.of(),
            List.of(),
            List.of(),
            "manual",
            List.of(),
            ErrorCategory.EXTERNAL);
    String lines =
        // a line written before runs had a trigger, a selection or an error category
        "{\"runId\":\"2026-12-01T08:00:00Z\",\"startedAt\":\"2026-12-01T08:00:00Z\","
            + "\"millis\":1200,\"status\":\"ok\",\"error\":\"\",\"sources\":[],\"models\":[],"
            + "\"tests\":[]}\n"
            + json.writeValueAsString(failed)
            + "\n"
            + "{\"runId\":\"2026-12-01T10:0"; // torn by a crash
    project.file(".sluice/runs.jsonl", lines);
    Path state = project.path(".sluice");

    try (RunHistory history = RunHistories.open(project.load(), CLOCK)) {
      List<RunRecord> runs = history.list(10, "");
      assertThat(runs)
          .extracting(RunRecord::id)
          .containsExactly("20261201-090000-250j", "20261201-080000-000j");
      RunRecord.Attempt attempt = runs.get(0).attempts().get(0);
      assertThat(attempt.errorCategory()).contains(ErrorCategory.EXTERNAL);
      assertThat(attempt.error()).isEqualTo("disk full");
      assertThat(attempt.summary()).contains(failed);
      assertThat(runs.get(1).request().trigger()).isEqualTo("manual");
      assertThat(runs.get(1).endedAt()).contains(Instant.parse("2026-12-01T08:00:01.200Z"));
    }
    assertThat(state.resolve("runs.jsonl")).doesNotExist();
    assertThat(state.resolve("runs.jsonl.imported")).hasContent(lines);

    // A crash between the import and the rename: the second import records no run twice.
    Files.copy(state.resolve("runs.jsonl.imported"), state.resolve("runs.jsonl"));
    try (RunHistory history = RunHistories.open(project.load(), CLOCK)) {
      assertThat(history.list(10, "")).hasSize(2);
    }
  }
}
