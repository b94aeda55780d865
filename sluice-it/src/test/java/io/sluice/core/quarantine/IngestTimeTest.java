package io.sluice.core.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.PipelineRunner;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a quarantined record's ingest time comes from: the runner's clock, once per batch. */
class IngestTimeTest {
  @TempDir Path dir;

  @Test
  void everyCommitOfABatchRecordsTheIngestTimeFromTheRunnersClock() throws Exception {
    ExampleProject.copyTo(dir);
    ShopGenerator.generate(
        dir, ShopGenerator.Options.defaults().withOrders(200).withDefectRate(0.05).withFiles(1));
    Instant at = Instant.parse("2026-11-24T08:30:00Z");
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(dir), false)) {
      runtime.run(Clock.fixed(at, ZoneOffset.UTC), RunListener.NONE);
      for (String namespace : List.of(LakeLayout.RAW, LakeLayout.QUARANTINE, LakeLayout.CLEAN)) {
        LakeTable table = runtime.lake().load(new TableId(namespace, "orders")).orElseThrow();
        List<Snapshot> batches =
            table.snapshots().stream()
                .filter(s -> s.summary().containsKey(PipelineRunner.BATCH_ID))
                .toList();
        assertThat(batches).as(namespace).isNotEmpty();
        assertThat(batches)
            .as(namespace)
            .allSatisfy(
                s ->
                    assertThat(s.summary())
                        .containsEntry(PipelineRunner.INGESTED_AT, at.toString()));
      }
    }
  }
}
