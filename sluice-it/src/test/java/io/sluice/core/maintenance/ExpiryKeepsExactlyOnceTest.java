package io.sluice.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.Maintenance;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiring snapshots loses neither the consumed positions nor the batch ids, and incremental models
 * keep diffing (or rebuild whole when their snapshot is gone).
 */
class ExpiryKeepsExactlyOnceTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

  /** Keep one snapshot, expire anything older than a second, compact from 2 files. */
  private static final Project.MaintenanceConfig AGGRESSIVE =
      new Project.MaintenanceConfig(
          128, 2, 1, Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofHours(1));

  @TempDir Path dir;

  /** Iceberg stamps snapshots with the wall clock: "later" must be later than that. */
  private static Clock later() {
    return Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
  }

  @Test
  void afterExpiryARunReadsNothingAgainAndTheNextBatchIdContinues() {
    TickProject project = new TickProject(dir, true);
    try (ProjectRuntime runtime = project.open()) {
      for (int batch = 1; batch <= 6; batch++) {
        project.drop(START.plusSeconds(batch), 3);
        assertThat(TickProject.run(runtime, START.plusSeconds(batch)).status().label())
            .isEqualTo("ok");
      }
      List<String> clean = TickProject.rows(runtime, "clean");
      List<String> raw = TickProject.rows(runtime, "raw");
      List<String> quarantine = TickProject.rows(runtime, "quarantine");

      List<Maintenance.TableResult> results =
          Maintenance.of(runtime, later()).run(AGGRESSIVE, Optional.empty(), false);

      assertThat(results).hasSize(3);
      // Raw and clean have a snapshot per batch; quarantine only one per batch that quarantined
      // something (one here), so there is nothing of it to expire.
      assertThat(results)
          .filteredOn(r -> !r.table().namespace().equals("quarantine"))
          .hasSize(2)
          .allSatisfy(
              r -> {
                assertThat(r.checkpointed()).as(r.table().toString()).isTrue();
                assertThat(r.expiry().snapshotsExpired()).as(r.table().toString()).isPositive();
              });
      LakeTable cleanTable = table(runtime, "clean");
      // Kept: the snapshot the model diffs from, the compaction and the checkpoint.
      assertThat(cleanTable.snapshots())
          .extracting(s -> s.summary().get("sluice.operation"))
          .containsExactly(null, "compaction", "checkpoint");
      assertThat(cleanTable.snapshots().get(0).summary())
          .containsEntry("sluice.batch-id", "b-000006");
      assertThat(TickProject.rows(runtime, "clean")).isEqualTo(clean);
      assertThat(TickProject.rows(runtime, "raw")).isEqualTo(raw);
      assertThat(TickProject.rows(runtime, "quarantine")).isEqualTo(quarantine);
      BatchHistory history = BatchHistory.of(cleanTable.snapshots());
      assertThat(history.batches()).isEqualTo(6);
      assertThat(history.rowsRead()).isEqualTo(19);

      RunSummary again = TickProject.run(runtime, START.plusSeconds(10));
      assertThat(again.rowsRead()).isZero();
      assertThat(again.sources()).singleElement().satisfies(s -> assertThat(s.batchId()).isEmpty());

      project.drop(START.plusSeconds(11), 3);
      RunSummary next = TickProject.run(runtime, START.plusSeconds(11));
      assertThat(next.sources())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.batchId()).isEqualTo("b-000007");
                assertThat(s.rowsRead()).isEqualTo(3);
              });
      assertThat(next.models())
          .singleElement()
          .satisfies(m -> assertThat(m.action()).isEqualTo("incremental"));
      assertThat(TickProject.scalar(runtime, "SELECT count(*) FROM lake.ticks")).isEqualTo(21);
      assertThat(TickProject.scalar(runtime, "SELECT count(DISTINCT id) FROM lake.ticks"))
          .isEqualTo(21);
      assertThat(TickProject.scalar(runtime, "SELECT count(*) FROM raw.ticks")).isEqualTo(22);
      assertThat(TickProject.scalar(runtime, "SELECT count(*) FROM ticks_copy")).isEqualTo(21);
      assertModelHoldsTheLake(runtime);
    }
  }

  @Test
  void anIncrementalModelWhoseSnapshotWasExpiredIsRebuiltWhole() {
    TickProject project = new TickProject(dir, true);
    try (ProjectRuntime runtime = project.open()) {
      runBatches(project, runtime, 3);
      long modelSnapshot = table(runtime, "clean").currentSnapshot().orElseThrow().id();

      // Nothing in use: the model's snapshot is expired like any other.
      new Maintenance(runtime.project(), runtime.lake(), Map::of, later())
          .run(AGGRESSIVE, Optional.empty(), false);
      assertThat(table(runtime, "clean").snapshots())
          .extracting(Snapshot::id)
          .doesNotContain(modelSnapshot);

      project.drop(START.plusSeconds(4), 2);
      RunSummary next = TickProject.run(runtime, START.plusSeconds(4));

      assertThat(next.models())
          .singleElement()
          .satisfies(m -> assertThat(m.action()).isEqualTo("built"));
      assertThat(TickProject.scalar(runtime, "SELECT count(*) FROM ticks_copy")).isEqualTo(8);
      assertModelHoldsTheLake(runtime);
    }
  }

  @Test
  void aDryRunReportsWithoutChangingAnything() {
    TickProject project = new TickProject(dir, false);
    try (ProjectRuntime runtime = project.open()) {
      runBatches(project, runtime, 3);
      List<Snapshot> before = table(runtime, "clean").snapshots();

      List<Maintenance.TableResult> results =
          Maintenance.of(runtime, later()).run(AGGRESSIVE, Optional.of("ticks"), true);

      assertThat(results)
          .filteredOn(r -> r.table().namespace().equals("clean"))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.rewrite().filesRemoved()).isEqualTo(3);
                assertThat(r.checkpointed()).isFalse();
                assertThat(r.expiry().snapshotsExpired()).isEqualTo(2);
              });
      assertThat(table(runtime, "clean").snapshots()).isEqualTo(before);
    }
  }

  private static LakeTable table(ProjectRuntime runtime, String namespace) {
    return runtime.lake().load(new TableId(namespace, "ticks")).orElseThrow();
  }

  /** Drops {@code count} batches of 2 ticks, one second apart, and runs each. */
  private static void runBatches(TickProject project, ProjectRuntime runtime, int count) {
    for (int batch = 1; batch <= count; batch++) {
      project.drop(START.plusSeconds(batch), 2);
      TickProject.run(runtime, START.plusSeconds(batch));
    }
  }

  /** The model {@code ticks_copy} holds every row of the lake table. */
  private static void assertModelHoldsTheLake(ProjectRuntime runtime) {
    assertThat(
            TickProject.scalar(
                runtime,
                "SELECT count(*) FROM (SELECT id, ts, value FROM lake.ticks"
                    + " EXCEPT SELECT id, ts, value FROM ticks_copy)"))
        .isZero();
  }
}
