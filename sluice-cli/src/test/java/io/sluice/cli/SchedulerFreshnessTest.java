package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler of {@code sluice serve} and {@code sluice schedule} evaluates the freshness SLAs: a
 * breach starts the schedules it triggers and is written to {@code events.jsonl}.
 */
class SchedulerFreshnessTest {
  @TempDir Path project;

  @Test
  void aBreachTriggersItsScheduleAndIsRecordedAsAnEvent() throws Exception {
    ShopOrchestration.copyWith(
        project,
        """
        freshness:
          - {name: orders_recent, target: source:orders, max-age: 2h}
        schedules:
          - name: refresh
            select: [source:orders]
            on: [freshness-breach:orders_recent]
        """);
    ShopGenerator.generate(project, ShopGenerator.Options.defaults().withOrders(200));
    Project loaded = ProjectLoader.load(project);
    // The scheduler's clock is three hours ahead of the run that landed the orders.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(3));
    List<RunRecord> ended = new CopyOnWriteArrayList<>();
    try (ProjectRuntime runtime = ProjectRuntime.open(loaded, false)) {
      runtime.run(RunRequest.all("manual"), Clock.systemUTC(), RunListener.NONE);
      try (SchedulerHost host =
          SchedulerHost.start(
              runtime,
              SchedulerHost.tryLock(loaded, later),
              later,
              Optional.of(later.instant().plusSeconds(2)),
              ended::add)) {
        host.await();
        assertThat(host.status()).containsKey("freshness");
      }
    }

    assertThat(ended)
        .extracting(r -> r.request().trigger(), r -> r.status().label())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("schedule:refresh", "ok"));
    assertThat(Files.readString(project.resolve(".sluice/events.jsonl")))
        .contains("\"type\":\"freshness-breached\"")
        .contains("orders_recent");
  }
}
