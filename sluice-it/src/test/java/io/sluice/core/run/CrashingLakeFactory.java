package io.sluice.core.run;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.ExpireResult;
import io.sluice.api.lake.KeyRange;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.LakeContext;
import io.sluice.api.lake.LakeFactory;
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
import io.sluice.lake.iceberg.IcebergLakeFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test only: the Iceberg lake, except that a clean table's {@link LakeTable#replace} that removes
 * files dies before it commits, as a process killed between the raw and the clean commit of a
 * merged batch would (lake option {@code die-before-merge: true}). Found by ServiceLoader as lake
 * type {@code iceberg-dying-before-merge}.
 */
public final class CrashingLakeFactory implements LakeFactory {
  static final String NAME = "iceberg-dying-before-merge";
  private static final String OPTION = "die-before-merge";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Lake create(LakeContext context) {
    Map<String, String> options = new HashMap<>(context.options());
    boolean die = Boolean.parseBoolean(options.remove(OPTION));
    Lake lake = new IcebergLakeFactory().create(new LakeContext(context.stateDirectory(), options));
    return new Lake() {
      @Override
      public LakeTable createOrLoad(TableSpec spec) {
        return wrap(lake.createOrLoad(spec), die);
      }

      @Override
      public Optional<LakeTable> load(TableId id) {
        return lake.load(id).map(table -> wrap(table, die));
      }

      @Override
      public List<TableId> list(String namespace) {
        return lake.list(namespace);
      }

      @Override
      public void close() {
        lake.close();
      }
    };
  }

  @Override
  public List<Path> dataFolders(LakeContext context) {
    Map<String, String> options = new HashMap<>(context.options());
    options.remove(OPTION);
    return new IcebergLakeFactory().dataFolders(new LakeContext(context.stateDirectory(), options));
  }

  private static LakeTable wrap(LakeTable table, boolean die) {
    return new LakeTable() {
      @Override
      public TableId id() {
        return table.id();
      }

      @Override
      public List<LakeColumn> columns() {
        return table.columns();
      }

      @Override
      public List<PartitionField> partitioning() {
        return table.partitioning();
      }

      @Override
      public Path newDataDirectory(String tag) {
        return table.newDataDirectory(tag);
      }

      @Override
      public Optional<Snapshot> currentSnapshot() {
        return table.currentSnapshot();
      }

      @Override
      public List<Snapshot> snapshots() {
        return table.snapshots();
      }

      @Override
      public void evolveSchema(
          List<Column> added, Optional<String> before, Map<String, DataType> widened) {
        table.evolveSchema(added, before, widened);
      }

      @Override
      public List<DataFile> files() {
        return table.files();
      }

      @Override
      public List<DataFile> filesAddedSince(Optional<Long> snapshotId) {
        return table.filesAddedSince(snapshotId);
      }

      @Override
      public Snapshot append(List<DataFile> files, Map<String, String> summary) {
        return table.append(files, summary);
      }

      @Override
      public List<DataFile> filesOverlapping(List<KeyRange> ranges) {
        return table.filesOverlapping(ranges);
      }

      @Override
      public Snapshot replace(
          List<DataFile> removed, List<DataFile> added, Map<String, String> summary) {
        if (die && !removed.isEmpty()) {
          throw SluiceException.external(
              "test lake: died before committing the merge of " + table.id(), null);
        }
        return table.replace(removed, added, summary);
      }

      @Override
      public RewriteResult rewriteSmallFiles(long targetFileSizeBytes, int minFilesPerPartition) {
        return table.rewriteSmallFiles(targetFileSizeBytes, minFilesPerPartition);
      }

      @Override
      public RewriteResult planSmallFileRewrite(
          long targetFileSizeBytes, int minFilesPerPartition) {
        return table.planSmallFileRewrite(targetFileSizeBytes, minFilesPerPartition);
      }

      @Override
      public ExpireResult expireSnapshots(SnapshotRetention retention, boolean dryRun) {
        return table.expireSnapshots(retention, dryRun);
      }

      @Override
      public OrphanResult removeOrphanFiles(Instant olderThan, boolean dryRun) {
        return table.removeOrphanFiles(olderThan, dryRun);
      }

      @Override
      public void refresh() {
        table.refresh();
      }
    };
  }
}
