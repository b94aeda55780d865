package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus text of {@code /metrics}: seeded from the history, advanced by micro-batches. */
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

    assertThat(metrics.prometheus())
        .isEqualTo(
            """
            # HELP sluice_batches_total Batches committed per dataset.
            # TYPE sluice_batches_total counter
            sluice_batches_total{dataset="clicks"} 1
            sluice_batches_total{dataset="orders"} 3
            # HELP sluice_rows_read_total Rows read per dataset.
            # TYPE sluice_rows_read_total counter
            sluice_rows_read_total{dataset="clicks"} 0
            sluice_rows_read_total{dataset="orders"} 24
            # HELP sluice_rows_valid_total Rows landed in the clean table per dataset.
            # TYPE sluice_rows_valid_total counter
            sluice_rows_valid_total{dataset="clicks"} 0
            sluice_rows_valid_total{dataset="orders"} 21
            # HELP sluice_rows_quarantined_total Rows landed in the quarantine table per dataset \
            (less those a replay landed).
            # TYPE sluice_rows_quarantined_total counter
            sluice_rows_quarantined_total{dataset="clicks"} 0
            sluice_rows_quarantined_total{dataset="orders"} 3
            # HELP sluice_rule_failures_total Rows failing each rule per dataset.
            # TYPE sluice_rule_failures_total counter
            sluice_rule_failures_total{dataset="orders",rule="not_null(id)"} 3
            # HELP sluice_quality_score Quality score (valid rows / rows read) of every batch of \
            the dataset so far.
            # TYPE sluice_quality_score gauge
            sluice_quality_score{dataset="clicks"} 1
            sluice_quality_score{dataset="orders"} 0.875
            # HELP sluice_batch_quality_score Quality score of the dataset's last batch.
            # TYPE sluice_batch_quality_score gauge
            sluice_batch_quality_score{dataset="clicks"} 1
            sluice_batch_quality_score{dataset="orders"} 0.5
            # HELP sluice_min_quality_score The dataset's min-score threshold (0: none).
            # TYPE sluice_min_quality_score gauge
            sluice_min_quality_score{dataset="clicks"} 0
            sluice_min_quality_score{dataset="orders"} 0.9
            # HELP sluice_last_batch_timestamp_seconds When the dataset's last batch was \
            committed (Unix time; 0: never).
            # TYPE sluice_last_batch_timestamp_seconds gauge
            sluice_last_batch_timestamp_seconds{dataset="clicks"} 1800000000
            sluice_last_batch_timestamp_seconds{dataset="orders"} 1800000000
            # HELP sluice_last_batch_duration_seconds How long the dataset's last batch took, \
            from reading to its clean commit.
            # TYPE sluice_last_batch_duration_seconds gauge
            sluice_last_batch_duration_seconds{dataset="clicks"} 2
            sluice_last_batch_duration_seconds{dataset="orders"} 2
            # HELP sluice_batch_duration_seconds Time per batch of each dataset landed since the \
            server started.
            # TYPE sluice_batch_duration_seconds summary
            sluice_batch_duration_seconds_sum{dataset="clicks"} 2
            sluice_batch_duration_seconds_count{dataset="clicks"} 1
            sluice_batch_duration_seconds_sum{dataset="orders"} 2
            sluice_batch_duration_seconds_count{dataset="orders"} 1
            # HELP sluice_microbatches_total Micro-batches (passes that landed records) since \
            the server started.
            # TYPE sluice_microbatches_total counter
            sluice_microbatches_total 1
            # HELP sluice_microbatch_rows_total Rows read by micro-batches since the server \
            started.
            # TYPE sluice_microbatch_rows_total counter
            sluice_microbatch_rows_total 4
            """);
  }

  @Test
  void escapesLabelValues() {
    assertThat(QualityMetrics.escape("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
  }
}
