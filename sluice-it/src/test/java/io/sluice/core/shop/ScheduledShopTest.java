package io.sluice.core.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.history.InMemoryRunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.orchestrate.Scheduler;
import io.sluice.core.orchestrate.Sleeper;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop project (DuckDB and Iceberg, for real) run by its scheduler, with a clock the test
 * moves: an hourly schedule lands the data and builds the models, a later firing finds nothing new,
 * and a {@code new-data} schedule fires again only once a new orders file arrived (whose defects
 * fail the quality threshold: not retried).
 */
class ScheduledShopTest {
  private static final ShopGenerator.Options OPTIONS =
      ShopGenerator.Options.defaults().withOrders(300).withDefectRate(0.0);

  @TempDir Path project;

  /** A clock the test sets; the scheduler's waits advance it. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-05-04T07:59:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void anHourlyScheduleAndANewDataTriggerRunTheShop() throws IOException {
    ShopFixture.create(project, OPTIONS);
    // The example's own schedules and SLAs make way for the two this test drives.
    Path file = project.resolve("sluice.yaml");
    String yaml = Files.readString(file);
    int orchestration = yaml.indexOf("\nschedules:");
    Files.writeString(file, orchestration < 0 ? yaml : yaml.substring(0, orchestration + 1));
    Files.writeString(
        file,
        """

        schedules:
          - name: hourly
            cron: "0 * * * *"
          - name: fresh_orders
            select: [source:orders+]
            on: [new-data]
        """,
        StandardOpenOption.APPEND);
    Project loaded = ProjectLoader.load(project);
    MovableClock clock = new MovableClock();
    Sleeper advance = duration -> clock.now = clock.now.plus(duration);
    InMemoryRunHistory history = new InMemoryRunHistory();
    try (ProjectRuntime runtime = ProjectRuntime.open(loaded, false)) {
      Scheduler scheduler =
          Scheduler.builder(
                  loaded, history, request -> runtime.run(request, clock, RunListener.NONE))
              .clock(clock)
              .sleeper(advance)
              .random(RandomGenerator.SplittableGenerator.of("L64X128MixRandom"))
              .runsOn(Runnable::run)
              .pollInterval(Duration.ofMinutes(10))
              .newData(runtime::hasNewInput)
              .build();
      scheduler.start();
      // 08:00: the hourly run lands everything; the new-data probe saw the generated files too,
      // and its run then finds nothing left to land.
      assertThat(runtime.hasNewInput(List.of("source:orders+"), List.of())).isTrue();
      clock.now = Instant.parse("2026-05-04T08:00:00Z");
      scheduler.tick();
      clock.now = Instant.parse("2026-05-04T09:00:00Z");
      scheduler.tick();
      assertThat(runtime.hasNewInput(List.of("source:orders+"), List.of())).isFalse();
      ShopGenerator.appendBatch(project, OPTIONS, 1);
      assertThat(runtime.hasNewInput(List.of("source:orders+"), List.of())).isTrue();
      clock.now = Instant.parse("2026-05-04T09:30:00Z");
      scheduler.tick();
      clock.now = Instant.parse("2026-05-04T09:45:00Z");
      scheduler.tick(); // nothing new since
    }
    List<RunRecord> runs =
        history.list(100, "").stream()
            .sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id))
            .toList();
    assertThat(runs)
        .extracting(r -> r.createdAt() + " " + r.request().trigger() + " " + r.status())
        .containsExactly(
            "2026-05-04T08:00:00Z schedule:hourly ok",
            "2026-05-04T08:00:00Z schedule:fresh_orders ok",
            "2026-05-04T09:00:00Z schedule:hourly ok",
            // the appended batch has defects: below the project's min-score, a data outcome
            "2026-05-04T09:30:00Z schedule:fresh_orders quality-failed");
    RunSummary hourly = runs.get(0).attempts().get(0).summary().orElseThrow();
    assertThat(hourly.sources())
        .extracting(RunSummary.SourceRun::source)
        .containsExactlyInAnyOrder("clicks", "customers", "orders");
    assertThat(hourly.rowsRead()).isPositive();
    assertThat(runs.get(1).attempts().get(0).summary().orElseThrow().rowsRead()).isZero();
    assertThat(runs.get(2).attempts().get(0).summary().orElseThrow().rowsRead()).isZero();
    RunRecord later = runs.get(3);
    assertThat(later.attempts()).as("a data outcome is not retried").hasSize(1);
    RunSummary landed = later.attempts().get(0).summary().orElseThrow();
    assertThat(landed.sources()).extracting(RunSummary.SourceRun::source).containsExactly("orders");
    assertThat(landed.rowsRead()).isPositive();
  }
}
