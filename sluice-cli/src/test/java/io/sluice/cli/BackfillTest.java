package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.TableId;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.BackfillListener;
import io.sluice.core.run.BackfillRecord;
import io.sluice.core.run.BackfillRequest;
import io.sluice.core.run.Backfills;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice backfill}: semantics, modes, dry run and argument errors. */
class BackfillTest {
  @TempDir Path temp;

  record Result(int exit, String out, String err) {}

  static Result sluice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  static Result ok(String... args) {
    Result result = sluice(args);
    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    return result;
  }

  static List<String> rows(Path project, String sql) {
    Result result = ok("query", "-p", project.toString(), "--format", "csv", sql);
    List<String> lines = List.of(result.out().strip().split("\n"));
    return lines.subList(1, lines.size());
  }

  /** A week landed in two runs under the strict rule. */
  private Path landedWeek(String name) throws Exception {
    Path project = BackfillWeek.create(temp.resolve(name), BackfillWeek.STRICT, 10);
    BackfillWeek.writeDays(project, "part-1", 0, 3, 10);
    ok("run", "-p", project.toString(), "--progress=never");
    BackfillWeek.writeDays(project, "part-2", 4, 6, 10);
    ok("run", "-p", project.toString(), "--progress=never");
    return project;
  }

  static Result fails(String... args) {
    Result result = sluice(args);
    assertThat(result.exit()).as(result.out() + result.err()).isNotZero();
    return result;
  }

  private static int snapshots(Path project, String namespace) {
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(project), true)) {
      return runtime.lake().load(new TableId(namespace, "events")).orElseThrow().snapshots().size();
    }
  }

  private static Result backfill(Path project, String from, String to, String... options) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("backfill", "-p", project.toString(), "--from", from, "--to", to));
    args.addAll(List.of(options));
    return ok(args.toArray(String[]::new));
  }

  private static BackfillRecord record(Path project, String id) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(
            Files.readString(project.resolve(".sluice/backfills/" + id + ".json")),
            BackfillRecord.class);
  }

  @Test
  void aFixedRuleChangesTheBackfilledDaysOnly() throws Exception {
    Path project = landedWeek("fix");
    assertThat(rows(project, "SELECT count(*) FROM lake.events WHERE kind = 'c'"))
        .containsExactly("0");
    assertThat(rows(project, "SELECT count(*) FROM quarantine.events")).containsExactly("14");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED);

    Result first = backfill(project, "2024-03-02", "2024-03-04");

    assertThat(first.out())
        .contains("backfill bf-20240302-20240304 (round 1): ok, 4 of 4 steps done");
    String perDay =
        "SELECT CAST(ts AS DATE), count(*) FROM lake.events WHERE kind = 'c' GROUP BY 1 ORDER BY 1";
    assertThat(rows(project, perDay))
        .containsExactly("2024-03-02,2", "2024-03-03,2", "2024-03-04,2");
    // The other days keep what the strict rule quarantined; the model shows the fix.
    assertThat(
            rows(
                project,
                "SELECT regexp_extract(_record, '\"ts\":\"([0-9-]+)T', 1) AS day, count(*)"
                    + " FROM quarantine.events GROUP BY 1 ORDER BY 1"))
        .containsExactly("2024-03-01,2", "2024-03-05,2", "2024-03-06,2", "2024-03-07,2");
    assertThat(rows(project, "SELECT day, events FROM daily WHERE kind = 'c' ORDER BY day"))
        .containsExactly("2024-03-02,2", "2024-03-03,2", "2024-03-04,2");
    assertThat(rows(project, "SELECT count(*), count(DISTINCT id) FROM lake.events"))
        .containsExactly("62,62");
    int clean = snapshots(project, "clean");

    Result again = backfill(project, "2024-03-02", "2024-03-04");

    assertThat(again.out()).contains("(round 1): ok, 4 of 4 steps done");
    assertThat(snapshots(project, "clean")).isEqualTo(clean);
    assertThat(rows(project, perDay)).hasSize(3);
  }

  @Test
  void aStricterRuleMovesTheDaysRowsToQuarantineOnce() throws Exception {
    Path project = landedWeek("stricter");
    BackfillWeek.writeSource(project, BackfillWeek.STRICT, 5);

    backfill(project, "2024-03-01", "2024-03-07", "--parallel", "2");

    assertThat(rows(project, "SELECT count(*) FROM lake.events WHERE amount > 5"))
        .containsExactly("0");
    // Per day: ids 6, 7, 8 (9 is of kind c, quarantined already) leave clean.
    assertThat(
            rows(
                project,
                "SELECT count(*), count(DISTINCT _record) FROM quarantine.events"
                    + " WHERE _rules LIKE '%range%'"))
        .containsExactly("21,21");
    assertThat(rows(project, "SELECT count(*) FROM lake.events")).containsExactly("35");
  }

  @Test
  void aDryRunPrintsThePlanAndWritesNothing() throws Exception {
    Path project = landedWeek("dry");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED);
    int clean = snapshots(project, "clean");
    int quarantine = snapshots(project, "quarantine");

    Result dry = backfill(project, "2024-03-01", "2024-03-02", "--dry-run");

    assertThat(dry.out())
        .contains("backfill bf-20240301-20240302 (dry run: nothing is written)")
        .contains("events    2024-03-01  pending  replace")
        .contains("models rebuilt whole: daily")
        .contains("3 of 3 steps would run");
    assertThat(snapshots(project, "clean")).isEqualTo(clean);
    assertThat(snapshots(project, "quarantine")).isEqualTo(quarantine);
    assertThat(project.resolve(".sluice/backfills")).doesNotExist();
    assertThat(rows(project, "SELECT count(*) FROM lake.events WHERE kind = 'c'"))
        .containsExactly("0");
  }

  @Test
  void modesRedoWhatTheySay() throws Exception {
    Path project = landedWeek("modes");
    String id = "bf-20240301-20240303";
    assertThat(
            fails(
                    "backfill",
                    "-p",
                    project.toString(),
                    "--from",
                    "2024-03-01",
                    "--to",
                    "2024-03-03",
                    "--mode",
                    "failed")
                .err())
        .contains("Backfill " + id + " has not run yet, so nothing of it failed");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED);
    backfill(project, "2024-03-01", "2024-03-03");
    List<String> landed = rows(project, "SELECT * FROM lake.events ORDER BY ALL");
    int clean = snapshots(project, "clean");

    // missing: everything is done, nothing to do.
    backfill(project, "2024-03-01", "2024-03-03", "--mode", "missing");
    assertThat(snapshots(project, "clean")).isEqualTo(clean);

    // failed: only the failed step (here it had committed before it was marked failed: the lake's
    // marker says so, and it is not committed again).
    Path file = project.resolve(".sluice/backfills/" + id + ".json");
    Files.writeString(
        file,
        Files.readString(file)
            .replace(
                "\"partition\":\"2024-03-02\",\"status\":\"done\"",
                "\"partition\":\"2024-03-02\",\"status\":\"failed\""));
    backfill(project, "2024-03-01", "2024-03-03", "--mode", "failed");
    BackfillRecord afterFailed = record(project, id);
    assertThat(afterFailed.steps())
        .extracting(s -> s.key() + " " + s.status() + " " + s.attempts())
        .containsExactly(
            "events/2024-03-01 done 1",
            "events/2024-03-02 done 2",
            "events/2024-03-03 done 1",
            "(models) done 2");
    assertThat(snapshots(project, "clean")).isEqualTo(clean);

    // all: a new round redoes every day, with the same rows.
    Result all = backfill(project, "2024-03-01", "2024-03-03", "--mode", "all");
    assertThat(all.out()).contains("(round 2): ok, 4 of 4 steps done");
    assertThat(snapshots(project, "clean")).isEqualTo(clean + 3);
    assertThat(rows(project, "SELECT * FROM lake.events ORDER BY ALL")).isEqualTo(landed);

    // --resume continues a backfill by its id.
    assertThat(ok("backfill", "-p", project.toString(), "--resume", id).out())
        .contains("(round 2): ok, 4 of 4 steps done");
  }

  @Test
  void badArgumentsArePreciseErrors() throws Exception {
    Path project = landedWeek("errors");
    String dir = project.toString();
    assertThat(fails("backfill", "-p", dir, "--from", "2024-03-05", "--to", "2024-03-01").err())
        .contains("Cannot backfill from 2024-03-05 to 2024-03-01: --from is after --to");
    assertThat(fails("backfill", "-p", dir, "--from", "2024-3-5", "--to", "2024-03-06").err())
        .contains("Cannot read --from '2024-3-5': give a day as YYYY-MM-DD");
    assertThat(fails("backfill", "-p", dir, "--to", "2024-03-06").err())
        .contains("sluice backfill needs --from and --to");
    assertThat(
            fails(
                    "backfill",
                    "-p",
                    dir,
                    "--from",
                    "2024-03-01",
                    "--to",
                    "2024-03-02",
                    "-s",
                    "evnets")
                .err())
        .contains("evnets")
        .contains("events");
    assertThat(
            fails(
                    "backfill",
                    "-p",
                    dir,
                    "--from",
                    "2024-03-01",
                    "--to",
                    "2024-03-02",
                    "--mode",
                    "some")
                .err())
        .contains("Unknown backfill mode 'some': use missing, failed or all");
    assertThat(
            fails(
                    "backfill",
                    "-p",
                    dir,
                    "--from",
                    "2024-03-01",
                    "--to",
                    "2024-03-02",
                    "--parallel",
                    "0")
                .err())
        .contains("--parallel 0");
    assertThat(fails("backfill", "-p", dir, "--resume", "bf-2024").err())
        .contains("No backfill 'bf-2024' in this project");

    Files.writeString(
        project.resolve("sources/plain.yaml"),
        "path: data/*.ndjson\ncolumns:\n  - {name: id, type: bigint}\n");
    ok("run", "-p", dir, "--progress=never");
    assertThat(fails("backfill", "-p", dir, "--from", "2024-03-01", "--to", "2024-03-02").err())
        .contains(
            "Cannot backfill: source 'plain' declares no event-time, so it has no daily"
                + " partitions to reprocess. Leave it out (--exclude source:NAME)");
    assertThat(
            ok(
                    "backfill",
                    "-p",
                    dir,
                    "--from",
                    "2024-03-01",
                    "--to",
                    "2024-03-02",
                    "--exclude",
                    "source:plain")
                .out())
        .contains("ok, 3 of 3 steps done");
  }

  @Test
  void aCancelledBackfillStopsAfterTheStepInFlightAndResumesLater() throws Exception {
    Path project = landedWeek("cancel");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED);
    BackfillRequest request =
        new BackfillRequest(
            java.time.LocalDate.parse("2024-03-01"),
            java.time.LocalDate.parse("2024-03-04"),
            List.of(),
            List.of(),
            BackfillRequest.Mode.MISSING,
            1);
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(project), false)) {
      Backfills backfills = new Backfills(runtime, java.time.Clock.systemUTC());
      BackfillRecord cancelled =
          backfills.run(
              request,
              new BackfillListener() {
                @Override
                public void stepFinished(BackfillRecord.Step step, int finished, int toDo) {
                  assertThat(backfills.cancel(request.id())).isTrue();
                }
              });

      assertThat(cancelled.status()).isEqualTo(BackfillRecord.CANCELLED);
      assertThat(cancelled.steps())
          .extracting(BackfillRecord.Step::status)
          .containsExactly("done", "pending", "pending", "pending", "pending");
      assertThat(backfills.status(request.id())).contains(cancelled);
      assertThat(backfills.list()).containsExactly(cancelled);
      assertThat(backfills.cancel(request.id())).as("no longer running").isFalse();

      BackfillRecord resumed = backfills.run(request, BackfillListener.NONE);

      assertThat(resumed.status()).isEqualTo(BackfillRecord.OK);
      assertThat(resumed.steps())
          .extracting(BackfillRecord.Step::attempts)
          .containsExactly(1, 1, 1, 1, 1);
    }
    assertThat(rows(project, "SELECT count(*) FROM lake.events WHERE kind = 'c'"))
        .containsExactly("8");
  }

  @Test
  void anHourlySourceIsBackfilledByWholeDays() throws Exception {
    Path project = BackfillWeek.create(temp.resolve("hourly"), BackfillWeek.STRICT, 10);
    Files.writeString(
        project.resolve("sources/events.yaml"),
        Files.readString(project.resolve("sources/events.yaml"))
            + "partition: {granularity: hour}\n");
    BackfillWeek.writeDays(project, "part-1", 0, 2, 10);
    ok("run", "-p", project.toString(), "--progress=never");
    Files.writeString(
        project.resolve("sources/events.yaml"),
        Files.readString(project.resolve("sources/events.yaml"))
            .replace(BackfillWeek.STRICT, BackfillWeek.FIXED));

    Result result = backfill(project, "2024-03-02", "2024-03-02", "--progress", "always");

    assertThat(result.err()).contains("[##############################] 2/2 (models) done");
    assertThat(
            rows(
                project,
                "SELECT CAST(ts AS DATE), count(*) FROM lake.events WHERE kind = 'c' GROUP BY 1"))
        .containsExactly("2024-03-02,2");
    assertThat(rows(project, "SELECT count(*), count(DISTINCT id) FROM lake.events"))
        .containsExactly("26,26");
  }

  @Test
  void aRunRequestWithAWindowIsABackfillOfItsDays() throws Exception {
    Path project = landedWeek("window");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED);
    RunRequest request =
        new RunRequest(
            List.of(),
            List.of(),
            false,
            java.util.Optional.of(
                new RunRequest.Window(
                    java.time.Instant.parse("2024-03-06T00:00:00Z"),
                    java.time.Instant.parse("2024-03-08T00:00:00Z"))),
            "api");
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(project), false)) {
      RunSummary summary =
          runtime.run(request, java.time.Clock.systemUTC(), io.sluice.core.run.RunListener.NONE);
      assertThat(summary.status()).isEqualTo(io.sluice.core.run.RunStatus.OK);
    }
    assertThat(
            rows(
                project,
                "SELECT CAST(ts AS DATE), count(*) FROM lake.events WHERE kind = 'c' GROUP BY 1"
                    + " ORDER BY 1"))
        .containsExactly("2024-03-06,2", "2024-03-07,2");
    assertThat(project.resolve(".sluice/backfills/bf-20240306-20240307.json")).exists();
  }

  @Test
  void anIncrementalModelLeftOutOfTheBackfillIsRebuiltWholeByTheNextRun() throws Exception {
    Path project = landedWeek("incremental");
    Files.writeString(
        project.resolve("models/events_copy.sql"),
        "{{ config(materialized='incremental', unique_key='id') }}\n"
            + "SELECT id, kind, amount FROM {{ changes('events') }}\n");
    ok("run", "-p", project.toString(), "--progress=never");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED, 5);

    Result backfill = backfill(project, "2024-03-01", "2024-03-07", "--select", "source:events");

    assertThat(backfill.out()).doesNotContain("(models)");
    assertThat(rows(project, "SELECT count(*) FROM events_copy WHERE amount > 5"))
        .as("not rebuilt by a backfill that did not select it")
        .isNotEqualTo(List.of("0"));
    ok("run", "-p", project.toString(), "--progress=never");
    assertThat(rows(project, "SELECT * FROM events_copy ORDER BY ALL"))
        .isEqualTo(rows(project, "SELECT id, kind, amount FROM lake.events ORDER BY ALL"));
  }
}
