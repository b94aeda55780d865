package io.sluice.core.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.core.history.InMemoryRunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.Project;
import io.sluice.core.project.TestProject;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triggers, pauses, catch-up skip, jitter and the lock, with an injected clock. */
class SchedulerTest {
  @TempDir Path directory;

  private final TestClock clock = new TestClock(Instant.parse("2026-06-01T00:00:00Z"));
  private final InMemoryRunHistory history = new InMemoryRunHistory();
  private final List<String> ran = new ArrayList<>();

  private Project project(String schedules) {
    return new TestProject(directory)
        .file("models/daily.sql", "select 1 as x\n")
        .file("sluice.yaml", "name: shop\nschedules:\n" + schedules)
        .load();
  }

  private RunSummary work(RunRequest request) {
    ran.add(clock.instant() + " " + request.trigger());
    return new RunSummary(
        "r",
        "r",
        0,
        RunStatus.OK,
        "",
        List.of(),
        List.of(),
        List.of(),
        request.trigger(),
        request.select(),
        null);
  }

  private Scheduler.Builder builder(Project project) {
    return Scheduler.builder(project, history, this::work)
        .clock(clock)
        .sleeper(clock.sleeper())
        .random(RandomGenerator.SplittableGenerator.of("L64X128MixRandom"))
        .runsOn(Runnable::run);
  }

  private void advance(Scheduler scheduler, Duration by) {
    Instant end = clock.instant().plus(by);
    for (int i = 0; i < 10_000; i++) {
      Instant next = scheduler.nextWakeup().orElse(end);
      if (next.isAfter(end)) {
        break;
      }
      if (next.isAfter(clock.instant())) {
        clock.set(next);
      }
      scheduler.tick();
      if (next.equals(end)) {
        break;
      }
    }
    clock.set(end);
  }

  @Test
  void newDataIsProbedEveryPollIntervalAndFiresOnce() {
    Project project = project("  - name: on_arrival\n    select: [daily]\n    on: [new-data]\n");
    AtomicBoolean waiting = new AtomicBoolean();
    List<List<String>> probed = new ArrayList<>();
    Scheduler scheduler =
        builder(project)
            .pollInterval(Duration.ofMinutes(5))
            .newData(
                (select, exclude) -> {
                  probed.add(select);
                  return waiting.getAndSet(false); // the run lands it
                })
            .build();
    scheduler.start();
    advance(scheduler, Duration.ofMinutes(12));
    assertThat(ran).isEmpty();
    waiting.set(true);
    advance(scheduler, Duration.ofMinutes(5));
    assertThat(ran).containsExactly("2026-06-01T00:15:00Z schedule:on_arrival");
    assertThat(probed).hasSize(4).allSatisfy(select -> assertThat(select).containsExactly("daily"));
  }

  @Test
  void aFreshnessBreachFiresWhenItBeginsNotWhileItLasts() {
    Project project =
        project(
            "  - name: repair\n    on: [freshness-breach:orders_fresh]\n"
                + "freshness:\n  - name: orders_fresh\n    target: daily\n    max-age: 1h\n");
    Set<String> breached = new HashSet<>();
    Scheduler scheduler =
        builder(project).pollInterval(Duration.ofMinutes(1)).breaches(() -> breached).build();
    scheduler.start();
    advance(scheduler, Duration.ofMinutes(3));
    breached.add("orders_fresh");
    advance(scheduler, Duration.ofMinutes(10));
    breached.clear();
    advance(scheduler, Duration.ofMinutes(2));
    breached.add("orders_fresh");
    advance(scheduler, Duration.ofMinutes(2));
    assertThat(ran)
        .containsExactly(
            "2026-06-01T00:04:00Z schedule:repair", "2026-06-01T00:16:00Z schedule:repair");
  }

  @Test
  void aPausedScheduleRunsNothingAndThePauseSurvivesARestart() {
    Project project = project("  - name: hourly\n    cron: \"0 * * * *\"\n");
    Scheduler scheduler = builder(project).build();
    scheduler.start();
    advance(scheduler, Duration.ofMinutes(61));
    scheduler.pause("hourly");
    advance(scheduler, Duration.ofHours(2));
    assertThat(ran)
        .containsExactly(
            "2026-06-01T00:00:00Z schedule:hourly", "2026-06-01T01:00:00Z schedule:hourly");

    Scheduler restarted = builder(project).build();
    restarted.start();
    assertThat(restarted.schedules().get(0).paused()).isTrue();
    advance(restarted, Duration.ofHours(1)); // 04:00 passes unrun
    restarted.resume("hourly");
    advance(restarted, Duration.ofMinutes(59));
    // due times missed while paused are not caught up at resume
    assertThat(ran).hasSize(3).last().isEqualTo("2026-06-01T05:00:00Z schedule:hourly");
    assertThatThrownBy(() -> restarted.pause("nightly"))
        .isInstanceOf(SluiceException.class)
        .hasMessage("No schedule 'nightly' in this project (its schedules: hourly)");
  }

  @Test
  void catchUpSkipRunsNothingMissedAndGoesOnFromTheNextDueTime() {
    Project project = project("  - name: hourly\n    cron: \"0 * * * *\"\n    catch-up: skip\n");
    builder(project).build().start();
    clock.set(Instant.parse("2026-06-01T05:30:00Z"));
    Scheduler restarted = builder(project).build();
    restarted.start();
    advance(restarted, Duration.ofMinutes(30));
    assertThat(ran).containsExactly("2026-06-01T06:00:00Z schedule:hourly");
  }

  @Test
  void jitterDelaysEachStartByUpToItsAmount() {
    Project project = project("  - name: hourly\n    cron: \"0 * * * *\"\n    jitter: 10m\n");
    Scheduler scheduler = builder(project).build();
    clock.set(Instant.parse("2026-06-01T00:00:01Z"));
    scheduler.start();
    advance(scheduler, Duration.ofHours(24));
    List<RunRecord> runs =
        history.list(100, "").stream()
            .filter(run -> run.status().finished())
            .sorted(Comparator.comparing(RunRecord::createdAt))
            .toList();
    assertThat(runs).hasSizeGreaterThanOrEqualTo(23); // the last may still wait for its start
    assertThat(runs)
        .allSatisfy(
            run -> {
              Duration delay = Duration.between(run.createdAt(), run.attempts().get(0).startedAt());
              assertThat(delay).isBetween(Duration.ZERO, Duration.ofMinutes(10));
            });
    assertThat(
            runs.stream()
                .map(r -> r.attempts().get(0).startedAt().getEpochSecond() % 3600)
                .distinct()
                .count())
        .isGreaterThan(1);
  }

  @Test
  void aScheduleWhoseRunTakesLongerThanItsPeriodQueuesOneRunAndSkipsTheRest() {
    Project project = project("  - name: hourly\n    cron: \"0 * * * *\"\n");
    List<Runnable> started = new ArrayList<>(); // runs that never end during the test
    Scheduler scheduler = builder(project).runsOn(started::add).build();
    scheduler.start();
    advance(scheduler, Duration.ofMinutes(150));
    assertThat(started).hasSize(1);
    Scheduler.ScheduleState hourly = scheduler.schedules().get(0);
    assertThat(hourly.running()).isEqualTo(1);
    assertThat(hourly.queued()).isEqualTo(1);
    assertThat(history.list(100, "schedule:hourly"))
        .extracting(RunRecord::createdAt)
        .containsExactlyInAnyOrder(
            Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2026-06-01T01:00:00Z"));
    started.get(0).run(); // the first run ends: the queued one starts at the next tick
    scheduler.tick();
    assertThat(started).hasSize(2);
  }

  @Test
  void aSecondSchedulerLockIsRefusedNamingItsHolder() {
    Clock utc = Clock.systemUTC();
    SchedulerLock.Attempt first = SchedulerLock.tryAcquire(directory, utc);
    assertThat(first.acquired()).isTrue();
    try (SchedulerLock lock = first.lock().orElseThrow()) {
      SchedulerLock.Attempt second = SchedulerLock.tryAcquire(directory, utc);
      assertThat(second.acquired()).isFalse();
      assertThat(second.refusal())
          .startsWith(
              "the scheduler of this project runs in process "
                  + ProcessHandle.current().pid()
                  + " on host ");
      assertThat(second.heldBy()).contains(lock.holder());
    }
    SchedulerLock.Attempt again = SchedulerLock.tryAcquire(directory, utc);
    assertThat(again.acquired()).isTrue();
    again.lock().orElseThrow().close();
  }
}
