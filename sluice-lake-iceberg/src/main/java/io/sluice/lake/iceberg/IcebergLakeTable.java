package io.sluice.lake.iceberg;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.RewriteResult;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

/** A handle on one Iceberg table. Not thread-safe, like Iceberg's {@link Table}. */
final class IcebergLakeTable implements LakeTable {
  // Iceberg computes these for every snapshot; a caller's value for one would fail the commit
  // with "Multiple entries with same key".
  private static final Set<String> ICEBERG_SUMMARY_KEYS =
      Set.of(
          "operation",
          "iceberg-version",
          SnapshotSummary.ADDED_FILES_PROP,
          SnapshotSummary.DELETED_FILES_PROP,
          SnapshotSummary.TOTAL_DATA_FILES_PROP,
          SnapshotSummary.ADDED_DELETE_FILES_PROP,
          SnapshotSummary.ADD_EQ_DELETE_FILES_PROP,
          SnapshotSummary.REMOVED_EQ_DELETE_FILES_PROP,
          SnapshotSummary.ADD_POS_DELETE_FILES_PROP,
          SnapshotSummary.REMOVED_POS_DELETE_FILES_PROP,
          SnapshotSummary.ADDED_DVS_PROP,
          SnapshotSummary.REMOVED_DVS_PROP,
          SnapshotSummary.REMOVED_DELETE_FILES_PROP,
          SnapshotSummary.TOTAL_DELETE_FILES_PROP,
          SnapshotSummary.ADDED_RECORDS_PROP,
          SnapshotSummary.DELETED_RECORDS_PROP,
          SnapshotSummary.TOTAL_RECORDS_PROP,
          SnapshotSummary.ADDED_FILE_SIZE_PROP,
          SnapshotSummary.REMOVED_FILE_SIZE_PROP,
          SnapshotSummary.TOTAL_FILE_SIZE_PROP,
          SnapshotSummary.ADDED_POS_DELETES_PROP,
          SnapshotSummary.REMOVED_POS_DELETES_PROP,
          SnapshotSummary.TOTAL_POS_DELETES_PROP,
          SnapshotSummary.ADDED_EQ_DELETES_PROP,
          SnapshotSummary.REMOVED_EQ_DELETES_PROP,
          SnapshotSummary.TOTAL_EQ_DELETES_PROP,
          SnapshotSummary.DELETED_DUPLICATE_FILES,
          SnapshotSummary.CHANGED_PARTITION_COUNT_PROP,
          SnapshotSummary.PARTITION_SUMMARY_PROP,
          SnapshotSummary.CREATED_MANIFESTS_COUNT,
          SnapshotSummary.REPLACED_MANIFESTS_COUNT,
          SnapshotSummary.KEPT_MANIFESTS_COUNT,
          SnapshotSummary.PROCESSED_MANIFEST_ENTRY_COUNT);

  /** Snapshot summary key naming the Sluice operation that committed a snapshot. */
  static final String OPERATION = "sluice.operation";

  // The tag becomes part of a folder name.
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.-]+");

  private final TableId id;
  private final Table table;
  private final Configuration conf;
  private final Lock commitLock;

  /** Creates a handle; {@code commitLock} is shared by every handle on this table in the lake. */
  IcebergLakeTable(TableId id, Table table, Configuration conf, Lock commitLock) {
    this.id = requireNonNull(id, "id is null");
    this.table = requireNonNull(table, "table is null");
    this.conf = requireNonNull(conf, "conf is null");
    this.commitLock = requireNonNull(commitLock, "commitLock is null");
  }

  Table icebergTable() {
    return table;
  }

  @Override
  public TableId id() {
    return id;
  }

  @Override
  public List<LakeColumn> columns() {
    return IcebergTypes.columns(id, table.schema());
  }

  @Override
  public List<PartitionField> partitioning() {
    return IcebergTypes.partitioning(id, table.spec());
  }

  @Override
  public Path newDataDirectory(String tag) {
    requireNonNull(tag, "tag is null");
    if (!TAG.matcher(tag).matches() || tag.startsWith(".")) {
      throw Failures.internal(
          "Invalid data directory tag '%s' for table %s: it must match %s and not start with a dot",
          tag, id, TAG.pattern());
    }
    String dataLocation =
        table
            .properties()
            .getOrDefault(TableProperties.WRITE_DATA_LOCATION, table.location() + "/data");
    Path data =
        IcebergLakeConfig.localPath(dataLocation)
            .orElseThrow(
                () ->
                    SluiceException.user(
                        "Cannot create a data directory for table %s: its data location %s is not"
                            + " on the local file system",
                        id, dataLocation));
    Path directory = data.resolve(tag + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(data);
      return Files.createDirectory(directory);
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot create data directory %s for table %s: %s".formatted(directory, id, e), e);
    }
  }

  @Override
  public Optional<Snapshot> currentSnapshot() {
    return Optional.ofNullable(table.currentSnapshot()).map(IcebergLakeTable::toSnapshot);
  }

  @Override
  public List<Snapshot> snapshots() {
    try {
      List<Snapshot> snapshots = new ArrayList<>();
      SnapshotUtil.currentAncestors(table).forEach(snapshot -> snapshots.add(toSnapshot(snapshot)));
      Collections.reverse(snapshots);
      return List.copyOf(snapshots);
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot list the snapshots of table " + id, e);
    }
  }

  @Override
  public List<DataFile> files() {
    if (table.currentSnapshot() == null) {
      return List.of();
    }
    try {
      return dataFiles(table.newScan().planFiles());
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot list the data files of table " + id, e);
    }
  }

  @Override
  public List<DataFile> filesAddedSince(Optional<Long> snapshotId) {
    requireNonNull(snapshotId, "snapshotId is null");
    org.apache.iceberg.Snapshot current = table.currentSnapshot();
    if (current == null) {
      return List.of();
    }
    if (snapshotId.isEmpty()) {
      return files();
    }
    long from = snapshotId.get();
    if (from == current.snapshotId()) {
      return List.of();
    }
    try {
      if (!SnapshotUtil.isAncestorOf(table, current.snapshotId(), from)) {
        throw SluiceException.user(
            "Cannot list the files added to table %s since snapshot %d: that snapshot is not in"
                + " the table's history (current snapshot %d); it was expired or the table was"
                + " rolled back or recreated",
            id, from, current.snapshotId());
      }
      return dataFiles(table.newIncrementalAppendScan().fromSnapshotExclusive(from).planFiles());
    } catch (RuntimeException e) {
      throw Failures.wrap(
          "Cannot list the files added to table " + id + " since snapshot " + from, e);
    }
  }

  @Override
  public Snapshot append(List<DataFile> files, Map<String, String> summary) {
    requireNonNull(files, "files is null");
    requireNonNull(summary, "summary is null");
    summary.forEach(
        (key, value) -> {
          if (key == null || value == null) {
            throw Failures.internal(
                "Cannot append to table %s: summary entry %s=%s has a null", id, key, value);
          }
          if (ICEBERG_SUMMARY_KEYS.contains(key)
              || key.startsWith(SnapshotSummary.CHANGED_PARTITION_PREFIX)) {
            throw Failures.internal(
                "Cannot append to table %s: summary key '%s' is written by Iceberg itself; use"
                    + " keys starting with 'sluice.'",
                id, key);
          }
        });
    Set<String> locations = new HashSet<>();
    List<org.apache.iceberg.DataFile> dataFiles = new ArrayList<>(files.size());
    for (DataFile file : files) {
      org.apache.iceberg.DataFile dataFile = ParquetDataFiles.toIceberg(id, table, conf, file);
      if (!locations.add(dataFile.location())) {
        throw Failures.internal(
            "Cannot append to table %s: data file %s is listed twice", id, dataFile.location());
      }
      dataFiles.add(dataFile);
    }

    // One AppendFiles carries both the files and the summary, so that they commit together: the
    // summary is how a restarted run learns which input a snapshot consumed.
    commitLock.lock();
    try {
      // Another handle of this process may have committed since this one last looked; starting
      // from the latest metadata spares a certain conflict and its retry.
      table.refresh();
      AppendFiles append = table.newAppend();
      dataFiles.forEach(append::appendFile);
      summary.forEach(append::set);
      append.commit();
      return toSnapshot(table.currentSnapshot());
    } catch (CommitStateUnknownException e) {
      throw SluiceException.external(
          ("Cannot tell whether %d file(s) were appended to table %s: the catalog did not confirm"
                  + " the commit (%s). Refresh the table and look for the summary %s in its"
                  + " current snapshot before retrying")
              .formatted(files.size(), id, e.getMessage(), summary),
          e);
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot append %d file(s) to table %s".formatted(files.size(), id), e);
    } finally {
      commitLock.unlock();
    }
  }

  @Override
  public RewriteResult rewriteSmallFiles(long targetFileSizeBytes, int minFilesPerPartition) {
    return rewriteSmallFiles(targetFileSizeBytes, minFilesPerPartition, () -> {});
  }

  /** As {@link #rewriteSmallFiles(long, int)}; {@code beforeCommit} runs just before the commit. */
  RewriteResult rewriteSmallFiles(
      long targetFileSizeBytes, int minFilesPerPartition, Runnable beforeCommit) {
    if (targetFileSizeBytes <= 0) {
      throw Failures.internal(
          "Cannot rewrite the small files of table %s: target file size %d is not positive",
          id, targetFileSizeBytes);
    }
    if (minFilesPerPartition < 2) {
      throw Failures.internal(
          "Cannot rewrite the small files of table %s: min files per partition %d is below 2",
          id, minFilesPerPartition);
    }
    List<String> written = new ArrayList<>();
    boolean committed = false;
    try {
      table.refresh();
      org.apache.iceberg.Snapshot start = table.currentSnapshot();
      if (start == null) {
        return RewriteResult.nothing();
      }
      SmallFileRewriter rewriter = new SmallFileRewriter(id, table);
      List<List<org.apache.iceberg.DataFile>> groups =
          rewriter.plan(targetFileSizeBytes, minFilesPerPartition);
      if (groups.isEmpty()) {
        return RewriteResult.nothing();
      }
      Path directory = newDataDirectory("compaction");
      Set<org.apache.iceberg.DataFile> removed = new HashSet<>();
      Set<org.apache.iceberg.DataFile> added = new HashSet<>();
      long bytesRemoved = 0;
      long bytesAdded = 0;
      for (List<org.apache.iceberg.DataFile> group : groups) {
        for (org.apache.iceberg.DataFile file : group) {
          removed.add(file);
          bytesRemoved += file.fileSizeInBytes();
        }
        for (org.apache.iceberg.DataFile file :
            rewriter.rewrite(group, targetFileSizeBytes, directory, written)) {
          added.add(file);
          bytesAdded += file.fileSizeInBytes();
        }
      }
      commitLock.lock();
      try {
        beforeCommit.run();
        // Validating from the planned snapshot: a concurrent append is kept (Iceberg retries the
        // commit on the latest metadata), a concurrent removal of a planned file fails it.
        RewriteFiles rewrite =
            table
                .newRewrite()
                .validateFromSnapshot(start.snapshotId())
                .set(OPERATION, "compaction");
        removed.forEach(rewrite::deleteFile);
        added.forEach(rewrite::addFile);
        rewrite.commit();
        committed = true;
      } finally {
        commitLock.unlock();
      }
      return new RewriteResult(
          groups.size(),
          removed.size(),
          added.size(),
          bytesRemoved,
          bytesAdded,
          Optional.of(toSnapshot(table.currentSnapshot())));
    } catch (CommitStateUnknownException e) {
      committed = true; // the files may be referenced: never delete them
      throw SluiceException.external(
          "Cannot tell whether the small files of table %s were rewritten: the catalog did not"
                  .formatted(id)
              + " confirm the commit ("
              + e.getMessage()
              + "). Refresh the table; unreferenced files are removed as orphans later",
          e);
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot rewrite the small files of table %s: %s".formatted(id, e.getMessage()), e);
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot rewrite the small files of table " + id, e);
    } finally {
      if (!committed) {
        written.forEach(location -> table.io().deleteFile(location));
      }
    }
  }

  @Override
  public void refresh() {
    try {
      table.refresh();
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot refresh table " + id, e);
    }
  }

  private static Snapshot toSnapshot(org.apache.iceberg.Snapshot snapshot) {
    return new Snapshot(
        snapshot.snapshotId(),
        snapshot.sequenceNumber(),
        snapshot.timestampMillis(),
        snapshot.summary());
  }

  private List<DataFile> dataFiles(CloseableIterable<FileScanTask> tasks) {
    List<DataFile> files = new ArrayList<>();
    try (tasks) {
      for (FileScanTask task : tasks) {
        org.apache.iceberg.DataFile file = task.file();
        files.add(
            new DataFile(
                file.location(),
                IcebergTypes.partitionValues(table.specs().get(file.specId()), file.partition()),
                file.recordCount(),
                file.fileSizeInBytes()));
      }
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot read the manifests of table %s: %s".formatted(id, e.getMessage()), e);
    }
    return List.copyOf(files);
  }
}
