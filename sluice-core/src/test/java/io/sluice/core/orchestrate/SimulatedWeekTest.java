package io.sluice.core.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.history.InMemoryRunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.Project;
import io.sluice.core.project.TestProject;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: a week driven by an injected clock, across the spring-forward day in Berlin, with a
 * downtime of the scheduler, a transient failure retried until it succeeds and a data error that is
 * not retried. The failures are injected by the work function: an outside system that fails exactly
 * on cue cannot be produced for real.
 */
class SimulatedWeekTest {
  @TempDir Path directory;

  private final TestClock clock = new TestClock(Instant.parse("2026-03-28T00:00:00Z"));
  private final InMemoryRunHistory history = new InMemoryRunHistory();

  private Project project() {
    return new TestProject(directory)
        .file("models/daily.sql", "select 1 as x\n")
        .file(
            "sluice.yaml",
            """
            name: shop
            retries:
              max-attempts: 3
              initial-backoff: 1m
              multiplier: 2
              jitter: 0
            schedules:
              - name: nightly
                cron: "30 2 * * *"
                time-zone: Europe/Berlin
                catch-up: all
              - name: six_hourly
                interval: 6h
                catch-up: latest
              - name: after_nightly
                on: [success:nightly]
            """)
        .load();
  }

  /** One attempt: fails on cue, by the clock's time when it starts. */
  private RunSummary work(RunRequest request) {
    Instant now = clock.instant();
    String trigger = request.trigger();
    if (trigger.equals("schedule:nightly") && now.equals(Instant.parse("2026-03-30T00:30:00Z"))) {
      throw SluiceException.external(
          "The catalog did not answer", new java.io.IOException("reset"));
    }
    if (trigger.equals("schedule:six_hourly")
        && now.equals(Instant.parse("2026-03-29T12:00:00Z"))) {
      throw new SluiceException(ErrorCategory.DATA, "orders.csv line 3 is not CSV");
    }
    if (trigger.equals("schedule:six_hourly")
        && !now.isBefore(Instant.parse("2026-04-03T06:00:00Z"))
        && now.isBefore(Instant.parse("2026-04-03T06:02:00Z"))) {
      throw SluiceException.external("The bucket is unavailable", null);
    }
    return new RunSummary(
        now.toString(),
        now.toString(),
        0,
        RunStatus.OK,
        "",
        List.of(),
        List.of(),
        List.of(),
        trigger,
        request.select(),
        null);
  }

  private Scheduler scheduler(Project project) {
    Scheduler scheduler =
        Scheduler.builder(project, history, this::work)
            .clock(clock)
            .sleeper(clock.sleeper())
            .random(RandomGenerator.SplittableGenerator.of("L64X128MixRandom"))
            .runsOn(Runnable::run)
            .build();
    scheduler.start();
    return scheduler;
  }

  /** Ticks at every wake-up before {@code end}, advancing the clock to it. */
  private void runUntil(Scheduler scheduler, Instant end) {
    for (int ticks = 0; ticks < 10_000; ticks++) {
      Instant next = scheduler.nextWakeup().orElseThrow();
      if (!next.isBefore(end)) {
        break;
      }
      if (next.isAfter(clock.instant())) {
        clock.set(next);
      }
      scheduler.tick();
    }
    clock.set(end);
  }

  private static String describe(RunRecord run) {
    String attempts =
        run.attempts().stream()
            .map(
                a ->
                    a.startedAt()
                        + " "
                        + a.status()
                        + a.errorCategory().map(c -> "(" + c + ")").orElse(""))
            .collect(Collectors.joining(", "));
    return run.createdAt()
        + " "
        + run.request().trigger()
        + " "
        + run.status()
        + " ["
        + attempts
        + "]";
  }

  @Test
  void aWeekOfSchedulesWithADowntimeRetriesAndADataError() {
    Project project = project();
    runUntil(scheduler(project), Instant.parse("2026-03-31T12:00:00Z"));
    // Down from Tuesday noon to Thursday 06:00 UTC; then a new scheduler on the same state folder.
    clock.set(Instant.parse("2026-04-02T06:00:00Z"));
    runUntil(scheduler(project), Instant.parse("2026-04-04T00:00:00Z"));

    List<String> runs =
        history.list(1000, "").stream()
            .sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id))
            .map(SimulatedWeekTest::describe)
            .toList();
    String n = "schedule:nightly";
    String h = "schedule:six_hourly";
    String a = "schedule:after_nightly";
    assertThat(runs)
        .containsExactly(
            // Saturday: 02:30 CET
            "2026-03-28T01:30:00Z " + n + " ok [2026-03-28T01:30:00Z ok]",
            "2026-03-28T01:30:00Z " + a + " ok [2026-03-28T01:30:00Z ok]",
            "2026-03-28T06:00:00Z " + h + " ok [2026-03-28T06:00:00Z ok]",
            "2026-03-28T12:00:00Z " + h + " ok [2026-03-28T12:00:00Z ok]",
            "2026-03-28T18:00:00Z " + h + " ok [2026-03-28T18:00:00Z ok]",
            // Sunday, spring forward: 02:30 does not exist, due at 03:30 CEST (01:30 UTC)
            "2026-03-29T00:00:00Z " + h + " ok [2026-03-29T00:00:00Z ok]",
            "2026-03-29T01:30:00Z " + n + " ok [2026-03-29T01:30:00Z ok]",
            "2026-03-29T01:30:00Z " + a + " ok [2026-03-29T01:30:00Z ok]",
            "2026-03-29T06:00:00Z " + h + " ok [2026-03-29T06:00:00Z ok]",
            // a data error: one attempt, not retried
            "2026-03-29T12:00:00Z " + h + " failed [2026-03-29T12:00:00Z failed(DATA)]",
            "2026-03-29T18:00:00Z " + h + " ok [2026-03-29T18:00:00Z ok]",
            // Monday: 02:30 CEST; a transient failure, retried after the 1 minute backoff
            "2026-03-30T00:00:00Z " + h + " ok [2026-03-30T00:00:00Z ok]",
            "2026-03-30T00:30:00Z "
                + n
                + " ok [2026-03-30T00:30:00Z failed(EXTERNAL), 2026-03-30T00:31:00Z ok]",
            "2026-03-30T00:31:00Z " + a + " ok [2026-03-30T00:31:00Z ok]",
            "2026-03-30T06:00:00Z " + h + " ok [2026-03-30T06:00:00Z ok]",
            "2026-03-30T12:00:00Z " + h + " ok [2026-03-30T12:00:00Z ok]",
            "2026-03-30T18:00:00Z " + h + " ok [2026-03-30T18:00:00Z ok]",
            "2026-03-31T00:00:00Z " + h + " ok [2026-03-31T00:00:00Z ok]",
            "2026-03-31T00:30:00Z " + n + " ok [2026-03-31T00:30:00Z ok]",
            "2026-03-31T00:30:00Z " + a + " ok [2026-03-31T00:30:00Z ok]",
            "2026-03-31T06:00:00Z " + h + " ok [2026-03-31T06:00:00Z ok]",
            // down; at the restart, catch-up all: both nightly runs, in order
            "2026-04-01T00:30:00Z " + n + " ok [2026-04-02T06:00:00Z ok]",
            // catch-up latest: the six_hourly run of Thursday 00:00 only (five are skipped)
            "2026-04-02T00:00:00Z " + h + " ok [2026-04-02T06:00:00Z ok]",
            "2026-04-02T00:30:00Z " + n + " ok [2026-04-02T06:00:00Z ok]",
            "2026-04-02T06:00:00Z " + h + " ok [2026-04-02T06:00:00Z ok]",
            // two successes of nightly before after_nightly could start: one run
            "2026-04-02T06:00:00Z " + a + " ok [2026-04-02T06:00:00Z ok]",
            "2026-04-02T12:00:00Z " + h + " ok [2026-04-02T12:00:00Z ok]",
            "2026-04-02T18:00:00Z " + h + " ok [2026-04-02T18:00:00Z ok]",
            "2026-04-03T00:00:00Z " + h + " ok [2026-04-03T00:00:00Z ok]",
            "2026-04-03T00:30:00Z " + n + " ok [2026-04-03T00:30:00Z ok]",
            "2026-04-03T00:30:00Z " + a + " ok [2026-04-03T00:30:00Z ok]",
            // two transient failures, retried after 1 and 2 minutes: the third attempt succeeds
            "2026-04-03T06:00:00Z "
                + h
                + " ok [2026-04-03T06:00:00Z failed(EXTERNAL), 2026-04-03T06:01:00Z"
                + " failed(EXTERNAL), 2026-04-03T06:03:00Z ok]",
            "2026-04-03T12:00:00Z " + h + " ok [2026-04-03T12:00:00Z ok]",
            "2026-04-03T18:00:00Z " + h + " ok [2026-04-03T18:00:00Z ok]");
  }
}
