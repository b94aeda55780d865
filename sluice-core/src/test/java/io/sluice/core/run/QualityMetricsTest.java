package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quality figures of {@code sluice serve}: seeded from the history, advanced by micro-batches.
 */
class QualityMetricsTest {
  private static Snapshot batch(long sequence, long read, long valid, String failures) {
    return new Snapshot(
        sequence,
        sequence,
        10_000 * sequence,
        Map.of(
            PipelineRunner.BATCH_ID, String.format("b-%06d", sequence),
            PipelineRunner.INGESTED_AT, Instant.ofEpochMilli(10_000 * sequence - 500).toString(),
            PipelineRunner.ROWS_READ, Long.toString(read),
            PipelineRunner.ROWS_VALID, Long.toString(valid),
            PipelineRunner.ROWS_QUARANTINED, Long.toString(read - valid),
            PipelineRunner.FAILURES, failures));
  }

  private static RunSummary.SourceRun sourceRun(String source, long read, long valid) {
    return new RunSummary.SourceRun(
        source,
        "b-000009",
        1,
        100,
        read,
        valid,
        read - valid,
        read == valid ? Map.of() : Map.of("not_null(id)", read - valid),
        List.of(),
        false,
        2_000,
        List.of(),
        0,
        List.of());
  }

  @Test
  void startsFromTheCommittedHistoryAndAddsEachMicroBatch() {
    QualityMetrics metrics =
        new QualityMetrics(
            List.of(
                new QualityReport.Dataset(
                    "orders",
                    0.9,
                    BatchHistory.of(
                        List.of(batch(1, 10, 9, "{\"not_null(id)\":1}"), batch(2, 10, 10, "{}")))),
                new QualityReport.Dataset("clicks", 0, BatchHistory.of(List.of()))));

    metrics.record(
        new RunSummary(
            "r",
            "r",
            2_000,
            RunStatus.OK,
            "",
            List.of(sourceRun("orders", 4, 2), sourceRun("clicks", 0, 0)),
            List.of(),
            List.of(),
            "serve",
            List.of(),
            null),
        Instant.ofEpochSecond(1_800_000_000));

    assertThat(metrics.datasets()).containsExactlyInAnyOrder("orders", "clicks");
    assertThat(metrics.figures("orders"))
        .isEqualTo(
            new QualityMetrics.Figures(
                3, 24, 21, 3, Map.of("not_null(id)", 3L), 0.875, 0.5, 0.9, 1_800_000_000, 2));
    assertThat(metrics.figures("clicks"))
        .isEqualTo(new QualityMetrics.Figures(1, 0, 0, 0, Map.of(), 1, 1, 0, 1_800_000_000, 2));
    assertThat(metrics.figures("unknown"))
        .isEqualTo(new QualityMetrics.Figures(0, 0, 0, 0, Map.of(), 1, 1, 0, 0, 0));
    assertThat(metrics.microBatches()).isEqualTo(1);
    assertThat(metrics.microBatchRows()).isEqualTo(4);
  }
}
