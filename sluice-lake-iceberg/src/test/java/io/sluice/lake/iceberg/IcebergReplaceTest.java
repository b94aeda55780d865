package io.sluice.lake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.KeyRange;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.type.Column;
import io.sluice.api.type.DataType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * {@link LakeTable#replace} (a merge's copy-on-write commit) and {@link
 * LakeTable#filesOverlapping}.
 */
class IcebergReplaceTest extends LakeFixture {
  private static final TableSpec SPEC =
      new TableSpec(
          new TableId("clean", "customers"),
          List.of(
              new Column("id", DataType.BIGINT),
              new Column("name", DataType.STRING),
              new Column("day", DataType.DATE),
              new Column("seen", DataType.TIMESTAMP),
              new Column("amount", DataType.decimal(10, 2))),
          List.of());

  /** One file with ids {@code from..to} (names {@code n<id>}). */
  private DataFile file(LakeTable table, String tag, int from, int to) throws Exception {
    Path directory = table.newDataDirectory(tag);
    return duckDb.write(
        directory.resolve("part-0.parquet"),
        "SELECT i::BIGINT AS id, 'n' || i AS name, DATE '2024-01-01' + i::INTEGER AS day,"
            + " TIMESTAMP '2024-01-01 00:00:00' + to_hours(i::BIGINT) AS seen,"
            + " (i * 1.5)::DECIMAL(10,2) AS amount FROM range("
            + from
            + ", "
            + (to + 1)
            + ") t(i)",
        table.columns(),
        List.of());
  }

  @Test
  void replaceRemovesAndAddsFilesInOneSnapshotWithItsSummary() throws Exception {
    LakeTable table = lake.createOrLoad(SPEC);
    DataFile low = file(table, "b1", 1, 10);
    DataFile high = file(table, "b1x", 11, 20);
    table.append(List.of(low, high), Map.of("sluice.batch-id", "b-1"));
    DataFile rewritten = file(table, "b2", 1, 5);
    int before = table.snapshots().size();

    Snapshot snapshot =
        table.replace(List.of(low), List.of(rewritten), Map.of("sluice.batch-id", "b-2"));

    assertThat(table.snapshots()).hasSize(before + 1);
    assertThat(snapshot.summary()).containsEntry("sluice.batch-id", "b-2");
    assertThat(table.files())
        .extracting(DataFile::path)
        .containsExactlyInAnyOrder(high.path(), rewritten.path());
    assertThat(ids(table)).hasSize(15).doesNotContain(6L, 7L, 8L, 9L, 10L).contains(1L, 20L);
  }

  @Test
  void replaceWithNothingToRemoveIsAnAppend() throws Exception {
    LakeTable table = lake.createOrLoad(SPEC);
    table.replace(List.of(), List.of(file(table, "b1", 1, 3)), Map.of("sluice.batch-id", "b-1"));

    assertThat(ids(table)).containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(table.filesAddedSince(java.util.Optional.empty())).hasSize(1);
  }

  @Test
  void replacingAFileTheTableNoLongerHoldsFailsAndCommitsNothing() throws Exception {
    LakeTable table = lake.createOrLoad(SPEC);
    DataFile low = file(table, "b1", 1, 10);
    table.append(List.of(low), Map.of("sluice.batch-id", "b-1"));
    // Another handle (a compaction, another process) replaced the file meanwhile.
    LakeTable other = openLake().load(SPEC.id()).orElseThrow();
    other.replace(List.of(low), List.of(file(other, "c", 1, 10)), Map.of("sluice.op", "x"));
    int snapshots = table.snapshots().size() + 1;

    assertThatThrownBy(
            () ->
                table.replace(
                    List.of(low),
                    List.of(file(table, "b2", 1, 2)),
                    Map.of("sluice.batch-id", "b-2")))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
        .hasMessageContaining("is no longer in the table")
        .hasMessageContaining("nothing was committed");
    table.refresh();
    assertThat(table.snapshots()).hasSize(snapshots);
    assertThat(ids(table)).hasSize(10);
  }

  @Test
  void filesOverlappingPrunesByTheKeyColumnsBoundsForEveryKeyType() throws Exception {
    LakeTable table = lake.createOrLoad(SPEC);
    DataFile low = file(table, "b1", 1, 10);
    DataFile middle = file(table, "b2", 11, 20);
    DataFile high = file(table, "b3", 21, 30);
    table.append(List.of(low, middle, high), Map.of("sluice.batch-id", "b-1"));

    assertThat(paths(table.filesOverlapping(List.of(new KeyRange("id", 12L, 14L)))))
        .containsExactly(middle.path());
    assertThat(paths(table.filesOverlapping(List.of(new KeyRange("id", 5L, 25L)))))
        .containsExactlyInAnyOrder(low.path(), middle.path(), high.path());
    assertThat(table.filesOverlapping(List.of(new KeyRange("id", 40L, 50L)))).isEmpty();
    // Strings compare as text: the first file's names run from "n1" to "n9".
    assertThat(paths(table.filesOverlapping(List.of(new KeyRange("name", "n25", "n27")))))
        .containsExactlyInAnyOrder(low.path(), high.path());
    assertThat(
            paths(
                table.filesOverlapping(
                    List.of(
                        new KeyRange("day", LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 3))))))
        .containsExactly(low.path());
    assertThat(
            paths(
                table.filesOverlapping(
                    List.of(
                        new KeyRange(
                            "seen",
                            LocalDateTime.of(2024, 1, 1, 15, 0),
                            LocalDateTime.of(2024, 1, 1, 16, 0))))))
        .containsExactly(middle.path());
    assertThat(
            paths(
                table.filesOverlapping(
                    List.of(
                        new KeyRange("amount", new BigDecimal("45.00"), new BigDecimal("45.00"))))))
        .containsExactly(high.path());
    // Two columns: both ranges must overlap.
    assertThat(
            table.filesOverlapping(
                List.of(new KeyRange("id", 1L, 10L), new KeyRange("name", "n5", "n5"))))
        .extracting(DataFile::path)
        .containsExactly(low.path());
    // A value that cannot be compared with the column prunes nothing.
    assertThat(table.filesOverlapping(List.of(new KeyRange("id", "x", "y")))).hasSize(3);
  }

  private static List<String> paths(List<DataFile> files) {
    return files.stream().map(DataFile::path).toList();
  }

  private static List<Long> ids(LakeTable table) throws IOException {
    Table iceberg = ((IcebergLakeTable) table).icebergTable();
    iceberg.refresh();
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(iceberg).build()) {
      for (Record record : records) {
        ids.add((Long) record.getField("id"));
      }
    }
    return ids;
  }
}
