package io.sluice.lake.iceberg;

import static io.sluice.api.lake.PartitionField.Transform.DAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.ExpireResult;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.OrphanResult;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.RewriteResult;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.SnapshotRetention;
import io.sluice.api.lake.TableId;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.type.Column;
import io.sluice.api.type.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/** Snapshot expiry and orphan-file removal on a real Iceberg table. */
class IcebergMaintenanceTest extends LakeFixture {
  private static final TableId EVENTS = new TableId("clean", "events");
  private static final TableSpec SPEC =
      new TableSpec(
          EVENTS,
          List.of(new Column("id", DataType.BIGINT), new Column("ts", DataType.TIMESTAMP)),
          List.of(new PartitionField("ts", DAY)));
  private static final int MARCH_1 = (int) LocalDate.of(2024, 3, 1).toEpochDay();
  private static final long LARGE = 128L * 1024 * 1024;
  // Every snapshot of a test is older than this.
  private static final Instant FUTURE = Instant.now().plus(Duration.ofDays(365));

  @Test
  void expiringAfterACompactionKeepsTheRowsAndDeletesTheReplacedFiles() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    List<DataFile> appended = new ArrayList<>();
    for (int batch = 0; batch < 4; batch++) {
      appended.add(append(events, batch));
    }
    List<String> before = rows(events);
    events.rewriteSmallFiles(LARGE, 2);

    ExpireResult result = events.expireSnapshots(new SnapshotRetention(FUTURE, 1, Set.of()), false);

    assertThat(result.snapshotsExpired()).isEqualTo(4);
    assertThat(result.snapshotsKept()).isEqualTo(1);
    assertThat(result.dataFilesDeleted()).isEqualTo(4);
    assertThat(result.dataBytesDeleted())
        .isEqualTo(appended.stream().mapToLong(DataFile::sizeBytes).sum());
    assertThat(result.metadataFilesDeleted()).isPositive();
    assertThat(appended).allSatisfy(file -> assertThat(Path.of(file.path())).doesNotExist());
    assertThat(events.snapshots()).hasSize(1);
    assertThat(rows(events)).isEqualTo(before);
    assertThat(lake.load(EVENTS).orElseThrow().files()).hasSize(1);
  }

  @Test
  void keepsARetainedSnapshotAndEverySnapshotAfterItSoIncrementalReadsStillWork() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    List<Snapshot> snapshots = new ArrayList<>();
    for (int batch = 0; batch < 5; batch++) {
      append(events, batch);
      snapshots.add(events.currentSnapshot().orElseThrow());
    }
    long diffFrom = snapshots.get(1).id();

    ExpireResult result =
        events.expireSnapshots(new SnapshotRetention(FUTURE, 1, Set.of(diffFrom, -7L)), false);

    assertThat(result.snapshotsExpired()).isEqualTo(1);
    assertThat(result.dataFilesDeleted()).isZero(); // an append's files stay live
    assertThat(events.snapshots())
        .extracting(Snapshot::id)
        .containsExactlyElementsOf(snapshots.subList(1, 5).stream().map(Snapshot::id).toList());
    assertThat(events.filesAddedSince(Optional.of(diffFrom))).hasSize(3);
    assertThat(rows(events)).hasSize(5);
  }

  @Test
  void keepsTheNewestSnapshotsAndEverySnapshotYoungerThanTheCutoff() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    for (int batch = 0; batch < 5; batch++) {
      append(events, batch);
    }

    assertThat(events.expireSnapshots(new SnapshotRetention(Instant.EPOCH, 1, Set.of()), false))
        .isEqualTo(ExpireResult.nothing(5));
    assertThat(events.expireSnapshots(new SnapshotRetention(FUTURE, 2, Set.of()), false))
        .extracting(ExpireResult::snapshotsExpired, ExpireResult::snapshotsKept)
        .containsExactly(3, 2);
    assertThat(events.snapshots())
        .extracting(s -> s.summary().get("sluice.batch-id"))
        .containsExactly("b3", "b4");
  }

  @Test
  void aDryRunReportsTheExpiryAndTheRewriteWithoutChangingAnything() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    long bytes = 0;
    for (int batch = 0; batch < 3; batch++) {
      bytes += append(events, batch).sizeBytes();
    }
    assertThat(events.planSmallFileRewrite(LARGE, 2))
        .isEqualTo(new RewriteResult(1, 3, 0, bytes, 0, Optional.empty()));
    events.rewriteSmallFiles(LARGE, 2);
    List<Snapshot> history = events.snapshots();

    ExpireResult planned = events.expireSnapshots(new SnapshotRetention(FUTURE, 1, Set.of()), true);

    assertThat(planned).isEqualTo(new ExpireResult(3, 1, 3, bytes, 0));
    assertThat(lake.load(EVENTS).orElseThrow().snapshots()).isEqualTo(history);
    assertThat(events.planSmallFileRewrite(LARGE, 2)).isEqualTo(RewriteResult.nothing());
  }

  @Test
  void anEmptyAppendCommitsASnapshotCarryingItsSummary() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    append(events, 0);

    Snapshot marker = events.append(List.of(), Map.of("sluice.checkpoint.sequence", "1"));

    assertThat(events.currentSnapshot()).contains(marker);
    assertThat(marker.summary()).containsEntry("sluice.checkpoint.sequence", "1");
    assertThat(events.files()).hasSize(1);
  }

  @Test
  void removesOldUnreferencedFilesButNeverReferencedOrYoungOnes() throws Exception {
    LakeTable events = lake.createOrLoad(SPEC);
    DataFile committed = append(events, 0);
    Instant now = Instant.now();
    Instant dayAgo = now.minus(Duration.ofDays(1));
    Path crashed = events.newDataDirectory("b-000002");
    Path leftover =
        duckDb
            .write(crashed.resolve("part-0.parquet"), select(2), events.columns(), List.of(MARCH_1))
            .path()
            .transform(Path::of);
    Path inFlight = events.newDataDirectory("b-000003");
    Path young =
        duckDb
            .write(
                inFlight.resolve("part-0.parquet"), select(3), events.columns(), List.of(MARCH_1))
            .path()
            .transform(Path::of);
    Path emptyOld = events.newDataDirectory("b-000004");
    FileTime twoDaysAgo = FileTime.from(now.minus(Duration.ofDays(2)));
    for (Path old :
        List.of(Path.of(committed.path()), Path.of(committed.path()).getParent(), leftover)) {
      Files.setLastModifiedTime(old, twoDaysAgo);
    }
    Files.setLastModifiedTime(crashed, twoDaysAgo);
    Files.setLastModifiedTime(emptyOld, twoDaysAgo);

    OrphanResult planned = events.removeOrphanFiles(dayAgo, true);
    assertThat(planned.files()).containsExactly(leftover.toString());
    assertThat(planned.bytes()).isEqualTo(Files.size(leftover));
    assertThat(leftover).exists();

    OrphanResult removed = events.removeOrphanFiles(dayAgo, false);

    assertThat(removed.files()).containsExactly(leftover.toString());
    assertThat(removed.directoriesDeleted()).isEqualTo(2); // the crashed batch's and the empty one
    assertThat(leftover).doesNotExist();
    assertThat(crashed).doesNotExist();
    assertThat(emptyOld).doesNotExist();
    assertThat(young).exists();
    assertThat(Path.of(committed.path())).exists();
    assertThat(rows(events)).hasSize(1);
    assertThat(events.removeOrphanFiles(dayAgo, false)).isEqualTo(OrphanResult.nothing());
  }

  @Test
  void aTableWithoutDataHasNoOrphansAndNothingToExpire() {
    LakeTable events = lake.createOrLoad(SPEC);

    assertThat(events.removeOrphanFiles(FUTURE, false)).isEqualTo(OrphanResult.nothing());
    assertThat(events.expireSnapshots(new SnapshotRetention(FUTURE, 1, Set.of()), false))
        .isEqualTo(ExpireResult.nothing(0));
  }

  /** Appends one file of one row, as batch {@code b<batch>}. */
  private DataFile append(LakeTable table, int batch) throws Exception {
    Path directory = table.newDataDirectory("b" + batch);
    DataFile file =
        duckDb.write(
            directory.resolve("part-0.parquet"), select(batch), table.columns(), List.of(MARCH_1));
    table.append(List.of(file), Map.of("sluice.batch-id", "b" + batch));
    return file;
  }

  private static String select(int id) {
    return "SELECT %d::BIGINT AS id, TIMESTAMP '2024-03-01 10:00:00' AS ts".formatted(id);
  }

  private static List<String> rows(LakeTable table) throws IOException {
    Table iceberg = ((IcebergLakeTable) table).icebergTable();
    iceberg.refresh();
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(iceberg).build()) {
      for (Record record : records) {
        rows.add(record.get(0) + "," + record.get(1));
      }
    }
    rows.sort(null);
    return rows;
  }
}
