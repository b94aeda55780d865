package io.sluice.lake.iceberg;

import static io.sluice.api.lake.PartitionField.Transform.DAY;
import static io.sluice.api.lake.PartitionField.Transform.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.RewriteResult;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.type.Column;
import io.sluice.api.type.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

class IcebergCompactionTest extends LakeFixture {
  private static final TableId EVENTS = new TableId("clean", "events");
  private static final List<Column> COLUMNS =
      List.of(
          new Column("id", DataType.BIGINT),
          new Column("country", DataType.STRING),
          new Column("amount", DataType.decimal(12, 2)),
          new Column("ts", DataType.TIMESTAMP));
  private static final TableSpec SPEC =
      new TableSpec(
          EVENTS,
          COLUMNS,
          List.of(new PartitionField("ts", DAY), new PartitionField("country", IDENTITY)));
  private static final int MARCH_1 = (int) LocalDate.of(2024, 3, 1).toEpochDay();
  private static final long LARGE = 128L * 1024 * 1024;

  @Test
  void rewritesTheSmallFilesOfEachPartitionKeepingEveryRow() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    for (int batch = 0; batch < 6; batch++) {
      appendBatch(events, batch);
    }
    List<String> before = rows(events);
    assertThat(events.files()).hasSize(12);

    RewriteResult result = events.rewriteSmallFiles(LARGE, 2);

    assertThat(result.partitionsRewritten()).isEqualTo(2);
    assertThat(result.filesRemoved()).isEqualTo(12);
    assertThat(result.filesAdded()).isEqualTo(2);
    assertThat(result.snapshot()).isPresent();
    assertThat(events.files()).hasSize(2);
    assertThat(events.files())
        .extracting(DataFile::partition)
        .containsExactlyInAnyOrder(List.of(MARCH_1, "NL"), List.of(MARCH_1, "DE"));
    assertThat(rows(events)).isEqualTo(before);
    assertThat(events.files().stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(18);
  }

  @Test
  void rewrittenFilesKeepTheTableFieldIds() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    appendBatch(events, 0);
    appendBatch(events, 1);

    events.rewriteSmallFiles(LARGE, 2);

    // Appending a DuckDB file with field ids next to the rewritten ones and reading all back by
    // field id proves the rewritten files carry the same ids.
    appendBatch(events, 2);
    assertThat(rows(events)).hasSize(9).doesNotContainNull();
  }

  @Test
  void theReplaceSnapshotAddsNoRowsForIncrementalReadersAndKeepsEarlierSummaries()
      throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    appendBatch(events, 0);
    Snapshot last = appendBatch(events, 1);

    events.rewriteSmallFiles(LARGE, 2);

    assertThat(events.filesAddedSince(Optional.of(last.id()))).isEmpty();
    assertThat(events.snapshots())
        .extracting(s -> s.summary().get("sluice.batch-id"))
        .containsExactly("b0", "b1", null);
    assertThat(events.currentSnapshot().orElseThrow().summary())
        .containsEntry("sluice.operation", "compaction")
        .containsEntry("added-records", "6")
        .containsEntry("deleted-records", "6");
    Snapshot next = appendBatch(events, 2);
    assertThat(events.filesAddedSince(Optional.of(last.id())))
        .extracting(DataFile::recordCount)
        .containsExactly(2L, 1L);
    assertThat(next.summary()).containsEntry("sluice.batch-id", "b2");
  }

  @Test
  void leavesPartitionsWithFewerSmallFilesThanTheMinimumAlone() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    appendBatch(events, 0);
    appendBatch(events, 1);
    Snapshot current = events.currentSnapshot().orElseThrow();

    assertThat(events.rewriteSmallFiles(LARGE, 3)).isEqualTo(RewriteResult.nothing());
    assertThat(events.rewriteSmallFiles(10, 2)).isEqualTo(RewriteResult.nothing());
    assertThat(events.currentSnapshot()).contains(current);
    assertThat(lake.createOrLoad(SPEC).rewriteSmallFiles(LARGE, 2).filesRemoved()).isEqualTo(4);
  }

  @Test
  void anEmptyTableHasNothingToRewrite() {
    assertThat(lake.createOrLoad(SPEC).rewriteSmallFiles(LARGE, 2))
        .isEqualTo(RewriteResult.nothing());
  }

  @Test
  void keepsTheFilesOfAnAppendCommittedByAnotherProcessDuringTheRewrite() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    appendBatch(events, 0);
    appendBatch(events, 1);
    try (Lake other = openLake()) {
      LakeTable concurrent = other.createOrLoad(SPEC);

      RewriteResult result =
          ((IcebergLakeTable) events)
              .rewriteSmallFiles(LARGE, 2, () -> appendUnchecked(concurrent, 2));

      assertThat(result.filesRemoved()).isEqualTo(4);
    }
    events.refresh();
    assertThat(rows(events)).hasSize(9);
    assertThat(events.files()).hasSize(4);
    assertThat(events.snapshots())
        .extracting(s -> s.summary().get("sluice.batch-id"))
        .containsExactly("b0", "b1", "b2", null);
  }

  @Test
  void aRewriteThatLosesARaceToAnotherRewriteFailsAndDeletesTheFilesItWrote() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    appendBatch(events, 0);
    appendBatch(events, 1);
    List<String> before = rows(events);
    try (Lake other = openLake()) {
      LakeTable concurrent = other.createOrLoad(SPEC);

      assertThatThrownBy(
              () ->
                  ((IcebergLakeTable) events)
                      .rewriteSmallFiles(LARGE, 2, () -> concurrent.rewriteSmallFiles(LARGE, 2)))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("Cannot rewrite the small files of table clean.events");
    }
    events.refresh();
    assertThat(rows(events)).isEqualTo(before);
    assertThat(events.files()).hasSize(2);
    // Only the winner's two files remain in the compaction folders.
    try (Stream<Path> files = Files.walk(state)) {
      assertThat(
              files.filter(
                  f -> f.toString().contains("compaction-") && f.toString().endsWith(".parquet")))
          .hasSize(2);
    }
  }

  @Test
  void rejectsATargetSizeThatIsNotPositiveOrAMinimumBelowTwo() {
    LakeTable events = lake.createOrLoad(SPEC);

    assertThatThrownBy(() -> events.rewriteSmallFiles(0, 2))
        .hasMessageContaining("target file size 0 is not positive");
    assertThatThrownBy(() -> events.rewriteSmallFiles(LARGE, 1))
        .hasMessageContaining("min files per partition 1 is below 2");
  }

  /** Appends one batch: two NL rows in one file and one DE row in another. */
  private Snapshot appendBatch(LakeTable table, int batch) throws Exception {
    Path directory = table.newDataDirectory("b" + batch);
    long id = batch * 10L;
    DataFile nl =
        duckDb.write(
            directory.resolve("nl.parquet"),
            select(
                "(%d, 'NL', 12.50, TIMESTAMP '2024-03-01 10:15:30.123456'), (%d, 'NL', NULL,"
                        .formatted(id, id + 1)
                    + " TIMESTAMP '2024-03-01 23:59:59.999999')"),
            table.columns(),
            List.of(MARCH_1, "NL"));
    DataFile de =
        duckDb.write(
            directory.resolve("de.parquet"),
            select("(%d, 'DE', -0.01, TIMESTAMP '2024-03-01 00:00:00')".formatted(id + 2)),
            table.columns(),
            List.of(MARCH_1, "DE"));
    return table.append(List.of(nl, de), Map.of("sluice.batch-id", "b" + batch));
  }

  private void appendUnchecked(LakeTable table, int batch) {
    try {
      appendBatch(table, batch);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String select(String values) {
    return "SELECT id::BIGINT AS id, country::VARCHAR AS country, amount::DECIMAL(12,2) AS amount,"
        + " ts::TIMESTAMP AS ts FROM (VALUES "
        + values
        + ") AS t(id, country, amount, ts)";
  }

  /** Every row of the table, rendered and sorted, for an exact comparison. */
  private static List<String> rows(LakeTable table) throws IOException {
    Table iceberg = ((IcebergLakeTable) table).icebergTable();
    iceberg.refresh();
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(iceberg).build()) {
      for (Record record : records) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < record.size(); i++) {
          row.add(record.get(i));
        }
        rows.add(row.toString());
      }
    }
    rows.sort(null);
    return rows;
  }
}
