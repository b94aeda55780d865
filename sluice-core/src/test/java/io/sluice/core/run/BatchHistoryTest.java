package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.Snapshot;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading batch bookkeeping from snapshot summaries, with and without checkpoints. */
class BatchHistoryTest {
  private static Snapshot batch(long sequence, String batchId, String splits, long rowsRead) {
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(PipelineRunner.BATCH_ID, batchId);
    summary.put(PipelineRunner.SPLITS, splits);
    summary.put(PipelineRunner.ROWS_READ, Long.toString(rowsRead));
    summary.put(PipelineRunner.ROWS_VALID, Long.toString(rowsRead - 1));
    summary.put(PipelineRunner.ROWS_QUARANTINED, "1");
    summary.put(
        PipelineRunner.INGESTED_AT, Instant.ofEpochMilli(1_000 * sequence - 250).toString());
    summary.put(PipelineRunner.FAILURES, "{\"not_null(id)\":1}");
    return new Snapshot(sequence * 100, sequence, 1_000 * sequence, summary);
  }

  private static Snapshot compaction(long sequence) {
    return new Snapshot(
        sequence * 100, sequence, 1_000 * sequence, Map.of("sluice.operation", "compaction"));
  }

  private static Snapshot checkpoint(long sequence, Map<String, String> summary) {
    return new Snapshot(sequence * 100, sequence, 1_000 * sequence, summary);
  }

  private static final List<Snapshot> FULL =
      List.of(
          batch(1, "b-000001", "{\"a.csv\":\"10\"}", 5),
          batch(2, "b-000002", "{\"a.csv\":\"20\",\"b.csv\":\"7\"}", 3),
          compaction(3));

  @Test
  void withoutACheckpointEverySnapshotIsRead() {
    BatchHistory history = BatchHistory.of(FULL);

    assertThat(history.positions()).isEqualTo(Map.of("a.csv", "20", "b.csv", "7"));
    assertThat(history.nextBatchId()).isEqualTo("b-000003");
    assertThat(history.contains("b-000002")).isTrue();
    assertThat(history.contains("b-000003")).isFalse();
    assertThat(history.batches()).isEqualTo(2);
    assertThat(history.rowsRead()).isEqualTo(8);
    assertThat(history.rowsValid()).isEqualTo(6);
    assertThat(history.rowsQuarantined()).isEqualTo(2);
    assertThat(history.lastBatchAt()).contains(Instant.ofEpochMilli(2_000));
  }

  @Test
  void listsTheSchemaDriftEachBatchRecorded() {
    SchemaDrift.Event event =
        new SchemaDrift.Event(
            "data/2.ndjson", "added", "country", "country", "", "string", "column added");
    Map<String, String> drifted = new LinkedHashMap<>(batch(2, "b-000002", "{}", 3).summary());
    drifted.put(PipelineRunner.SCHEMA_DRIFT, StateStore.toJson(List.of(event)));
    BatchHistory history =
        BatchHistory.of(
            List.of(batch(1, "b-000001", "{}", 5), new Snapshot(200, 2, 2_000, drifted)));

    assertThat(history.batchList().get(0).drift()).isEmpty();
    assertThat(history.batchList().get(1).drift()).containsExactly(event);
  }

  @Test
  void listsEachBatchWithItsCountsFailuresAndDuration() {
    BatchHistory history = BatchHistory.of(FULL);

    assertThat(history.batchList())
        .containsExactly(
            new BatchHistory.Batch(
                "b-000001",
                false,
                java.util.Optional.of(Instant.ofEpochMilli(750)),
                Instant.ofEpochMilli(1_000),
                5,
                4,
                1,
                Map.of("not_null(id)", 1L),
                0),
            new BatchHistory.Batch(
                "b-000002",
                false,
                java.util.Optional.of(Instant.ofEpochMilli(1_750)),
                Instant.ofEpochMilli(2_000),
                3,
                2,
                1,
                Map.of("not_null(id)", 1L),
                0));
    assertThat(history.batchList().get(0).duration()).contains(java.time.Duration.ofMillis(250));
    assertThat(history.batchList().get(1).score()).isEqualTo(2.0 / 3);
    assertThat(history.failuresByRule()).isEqualTo(Map.of("not_null(id)", 2L));
    assertThat(history.score()).isEqualTo(6.0 / 8);
  }

  @Test
  void aCheckpointFoldsTheBatchListIntoTheTotalsAndKeepsTheFailuresPerRule() {
    BatchHistory folded =
        BatchHistory.of(
            List.of(
                checkpoint(4, BatchHistory.of(FULL).checkpoint(3)), batch(5, "b-000003", "{}", 2)));

    assertThat(folded.batchList())
        .extracting(BatchHistory.Batch::batchId)
        .containsExactly("b-000003");
    assertThat(folded.checkpointedBatches()).isEqualTo(2);
    assertThat(folded.failuresByRule()).isEqualTo(Map.of("not_null(id)", 3L));
  }

  @Test
  void listsAReplayWithTheRowsItReplayedAndLanded() {
    Snapshot replay =
        new Snapshot(
            400,
            4,
            4_000,
            Map.of(
                PipelineRunner.BATCH_ID, "b-000003",
                QuarantineReplay.ROWS_REPLAYED, "2",
                QuarantineReplay.ROWS_LANDED, "1"));

    BatchHistory history = BatchHistory.of(List.of(FULL.get(0), FULL.get(1), FULL.get(2), replay));

    BatchHistory.Batch last = history.batchList().get(2);
    assertThat(last.replay()).isTrue();
    assertThat(last.rowsRead()).isEqualTo(2);
    assertThat(last.rowsValid()).isEqualTo(1);
    assertThat(last.rowsQuarantined()).isEqualTo(1);
    assertThat(last.duration()).isEmpty();
    assertThat(history.rowsValid()).isEqualTo(7);
    assertThat(history.rowsQuarantined()).isEqualTo(1);
  }

  @Test
  void aCheckpointAloneSaysWhatTheFullHistorySaid() {
    BatchHistory full = BatchHistory.of(FULL);

    BatchHistory folded = BatchHistory.of(List.of(checkpoint(4, full.checkpoint(3))));

    assertThat(folded.positions()).isEqualTo(full.positions());
    assertThat(folded.nextBatchId()).isEqualTo(full.nextBatchId());
    assertThat(folded.contains("b-000001")).isTrue();
    assertThat(folded.contains("b-000002")).isTrue();
    assertThat(folded.contains("b-000003")).isFalse();
    assertThat(folded.batches()).isEqualTo(2);
    assertThat(folded.rowsRead()).isEqualTo(8);
    assertThat(folded.rowsValid()).isEqualTo(6);
    assertThat(folded.rowsQuarantined()).isEqualTo(2);
    assertThat(folded.lastBatchAt()).isEqualTo(full.lastBatchAt());
  }

  @Test
  void aBatchCommittedWhileTheCheckpointWasWrittenIsReadOnTopOfIt() {
    Map<String, String> folded = BatchHistory.of(FULL).checkpoint(3);
    // The batch landed (sequence 4) between reading the history and committing the checkpoint
    // (sequence 5); then everything up to sequence 3 was expired.
    List<Snapshot> kept =
        List.of(batch(4, "b-000003", "{\"b.csv\":\"9\"}", 2), checkpoint(5, folded));

    BatchHistory history = BatchHistory.of(kept);

    assertThat(history.positions()).isEqualTo(Map.of("a.csv", "20", "b.csv", "9"));
    assertThat(history.nextBatchId()).isEqualTo("b-000004");
    assertThat(history.contains("b-000003")).isTrue();
    assertThat(history.batches()).isEqualTo(3);
    assertThat(history.rowsRead()).isEqualTo(10);
  }

  @Test
  void theCheckpointFoldingTheLongestHistoryWins() {
    Map<String, String> older = BatchHistory.of(FULL.subList(0, 1)).checkpoint(1);
    Map<String, String> newer = BatchHistory.of(FULL).checkpoint(3);
    // Two maintenances raced: the one that read more history committed first.
    List<Snapshot> kept = List.of(checkpoint(4, newer), checkpoint(5, older));

    BatchHistory history = BatchHistory.of(kept);

    assertThat(history.positions()).isEqualTo(Map.of("a.csv", "20", "b.csv", "7"));
    assertThat(history.nextBatchId()).isEqualTo("b-000003");
  }

  @Test
  void anEmptyHistoryStartsAtTheFirstBatch() {
    BatchHistory history = BatchHistory.of(List.of());

    assertThat(history.positions()).isEmpty();
    assertThat(history.nextBatchId()).isEqualTo("b-000001");
    assertThat(history.contains("b-000001")).isFalse();
    assertThat(history.checkpoint(0)).doesNotContainKey(BatchHistory.CHECKPOINT_BATCH_ID);
  }
}
