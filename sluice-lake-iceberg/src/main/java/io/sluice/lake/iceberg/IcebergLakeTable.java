package io.sluice.lake.iceberg;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.ExpireResult;
import io.sluice.api.lake.KeyRange;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.OrphanResult;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.RewriteResult;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.SnapshotRetention;
import io.sluice.api.lake.TableId;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

/** A handle on one Iceberg table. Not thread-safe, like Iceberg's {@link Table}. */
final class IcebergLakeTable implements LakeTable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(IcebergLakeTable.class);
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

  /**
   * Runs a commit's manifest work on the committing thread. On Iceberg's worker pool the committing
   * thread polls for the results every 10 ms, and a commit has several such steps (new manifests,
   * filtering, merging, the manifest list): about 50 ms of waiting per commit for work of a few
   * milliseconds on a micro-batch's handful of manifests.
   */
  private static final java.util.concurrent.ExecutorService IN_CALLER = new InCaller();

  /** An executor that runs each task at once on the thread that submits it; never shut down. */
  private static final class InCaller extends java.util.concurrent.AbstractExecutorService {
    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
      return false;
    }
  }

  /** Snapshot summary key naming the Sluice operation that committed a snapshot. */
  static final String OPERATION = "sluice.operation";

  // The tag becomes part of a folder name.
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.-]+");

  private final TableId id;
  private final Table table;
  private final java.util.function.Supplier<Configuration> conf;
  private final Lock commitLock;

  /** Creates a handle; {@code commitLock} is shared by every handle on this table in the lake. */
  IcebergLakeTable(
      TableId id, Table table, java.util.function.Supplier<Configuration> conf, Lock commitLock) {
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
    Path data = dataDirectory();
    Path directory = data.resolve(tag + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(data);
      return Files.createDirectory(directory);
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot create data directory %s for table %s: %s".formatted(directory, id, e), e);
    }
  }

  /** The local folder the table's data files are written to. */
  private Path dataDirectory() {
    String dataLocation =
        table
            .properties()
            .getOrDefault(TableProperties.WRITE_DATA_LOCATION, table.location() + "/data");
    return IcebergLakeConfig.localPath(dataLocation)
        .orElseThrow(
            () ->
                SluiceException.user(
                    "Cannot use the data folder of table %s: its data location %s is not on the"
                        + " local file system",
                    id, dataLocation));
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
      return liveFiles(table.currentSnapshot());
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
    checkSummary(summary);
    long start = System.nanoTime();
    List<org.apache.iceberg.DataFile> dataFiles = toIceberg(files);
    long converted = System.nanoTime();

    // One AppendFiles carries both the files and the summary, so that they commit together: the
    // summary is how a restarted run learns which input a snapshot consumed.
    commitLock.lock();
    try {
      // Another handle of this process may have committed since this one last looked; starting
      // from the latest metadata spares a certain conflict and its retry.
      table.refresh();
      long refreshed = System.nanoTime();
      AppendFiles append = table.newAppend().scanManifestsWith(IN_CALLER);
      dataFiles.forEach(append::appendFile);
      summary.forEach(append::set);
      append.commit();
      Snapshot committed = toSnapshot(table.currentSnapshot());
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "Appended {} file(s) to {}: footers {} ms, refresh {} ms, commit {} ms",
            files.size(),
            id,
            (converted - start) / 1_000_000,
            (refreshed - converted) / 1_000_000,
            (System.nanoTime() - refreshed) / 1_000_000);
      }
      return committed;
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
  public List<DataFile> filesOverlapping(List<KeyRange> ranges) {
    requireNonNull(ranges, "ranges is null");
    if (table.currentSnapshot() == null) {
      return List.of();
    }
    Expression filter = Expressions.alwaysTrue();
    for (KeyRange range : ranges) {
      Optional<Expression> within = within(range);
      if (within.isPresent()) {
        filter = Expressions.and(filter, within.get());
      }
    }
    try {
      // Iceberg keeps, per file, the lower and upper bound of every column: a scan with a filter
      // leaves out the files whose bounds exclude it, and keeps those without bounds.
      return dataFiles(table.newScan().filter(filter).ignoreResiduals().planFiles());
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot list the data files of table " + id + " within " + ranges, e);
    }
  }

  /**
   * {@code min <= column <= max} for Iceberg, or empty when the values cannot be compared with the
   * column's type (the range then prunes nothing).
   */
  private Optional<Expression> within(KeyRange range) {
    org.apache.iceberg.types.Types.NestedField field = table.schema().findField(range.column());
    if (field == null) {
      return Optional.empty();
    }
    Expression expression =
        Expressions.and(
            Expressions.greaterThanOrEqual(range.column(), literalValue(range.min())),
            Expressions.lessThanOrEqual(range.column(), literalValue(range.max())));
    try {
      org.apache.iceberg.expressions.Binder.bind(table.schema().asStruct(), expression, true);
      return Optional.of(expression);
    } catch (RuntimeException cannotCompare) {
      return Optional.empty();
    }
  }

  /** A value as Iceberg's literals take it: dates as epoch days, timestamps as epoch micros. */
  private static Object literalValue(Object value) {
    if (value instanceof java.time.LocalDate date) {
      return Math.toIntExact(date.toEpochDay());
    }
    if (value instanceof java.time.LocalDateTime timestamp) {
      return java.time.temporal.ChronoUnit.MICROS.between(
          java.time.LocalDateTime.of(1970, 1, 1, 0, 0), timestamp);
    }
    return value;
  }

  @Override
  public Snapshot replace(
      List<DataFile> removed, List<DataFile> added, Map<String, String> summary) {
    requireNonNull(removed, "removed is null");
    if (removed.isEmpty()) {
      return append(added, summary);
    }
    checkSummary(summary);
    List<org.apache.iceberg.DataFile> addedFiles = toIceberg(added);
    commitLock.lock();
    try {
      table.refresh();
      org.apache.iceberg.Snapshot base = table.currentSnapshot();
      Map<String, org.apache.iceberg.DataFile> live = new HashMap<>();
      if (base != null) {
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
          for (FileScanTask task : tasks) {
            live.put(task.file().location(), task.file());
          }
        }
      }
      OverwriteFiles overwrite = table.newOverwrite().scanManifestsWith(IN_CALLER);
      for (DataFile file : removed) {
        org.apache.iceberg.DataFile current = live.get(file.path());
        if (current == null) {
          throw SluiceException.external(
              ("Cannot replace files of table %s: data file %s is no longer in the table (a"
                      + " compaction or another writer replaced it since the batch read it);"
                      + " nothing was committed, run again")
                  .formatted(id, file.path()),
              null);
        }
        overwrite.deleteFile(current);
      }
      addedFiles.forEach(overwrite::addFile);
      if (base != null) {
        // A concurrent commit that removes one of these files fails this one instead of
        // resurrecting rows it moved elsewhere.
        overwrite.validateFromSnapshot(base.snapshotId()).validateNoConflictingDeletes();
      }
      overwrite.set(OPERATION, "merge");
      summary.forEach(overwrite::set);
      overwrite.commit();
      return toSnapshot(table.currentSnapshot());
    } catch (CommitStateUnknownException e) {
      throw SluiceException.external(
          ("Cannot tell whether %d file(s) of table %s were replaced: the catalog did not confirm"
                  + " the commit (%s). Refresh the table and look for the summary %s in its"
                  + " current snapshot before retrying")
              .formatted(removed.size(), id, e.getMessage(), summary),
          e);
    } catch (org.apache.iceberg.exceptions.ValidationException e) {
      throw SluiceException.external(
          ("Cannot replace %d file(s) of table %s: a concurrent commit changed them (%s);"
                  + " nothing was committed, run again")
              .formatted(removed.size(), id, e.getMessage()),
          e);
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot read the manifests of table %s: %s".formatted(id, e.getMessage()), e);
    } catch (SluiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot replace %d file(s) of table %s".formatted(removed.size(), id), e);
    } finally {
      commitLock.unlock();
    }
  }

  private void checkSummary(Map<String, String> summary) {
    requireNonNull(summary, "summary is null");
    summary.forEach(
        (key, value) -> {
          if (key == null || value == null) {
            throw Failures.internal(
                "Cannot commit to table %s: summary entry %s=%s has a null", id, key, value);
          }
          if (ICEBERG_SUMMARY_KEYS.contains(key)
              || key.startsWith(SnapshotSummary.CHANGED_PARTITION_PREFIX)) {
            throw Failures.internal(
                "Cannot commit to table %s: summary key '%s' is written by Iceberg itself; use"
                    + " keys starting with 'sluice.'",
                id, key);
          }
        });
  }

  private List<org.apache.iceberg.DataFile> toIceberg(List<DataFile> files) {
    requireNonNull(files, "files is null");
    // Read here, on this thread: it brings the table's metadata up to date (after a commit Iceberg
    // re-reads it on next use), so that the footer readers below only read it.
    org.apache.iceberg.MetricsConfig metricsConfig =
        org.apache.iceberg.MetricsConfig.forTable(table);
    List<org.apache.iceberg.DataFile> converted = new ArrayList<>(files.size());
    if (files.size() < 2) {
      for (DataFile file : files) {
        converted.add(ParquetDataFiles.toIceberg(id, table, metricsConfig, conf, file));
      }
    } else {
      // Each file's footer is read and checked: a partitioned batch writes a file per partition,
      // so reading them side by side takes a fraction of the commit's time one after another took.
      List<java.util.concurrent.Future<org.apache.iceberg.DataFile>> pending =
          new ArrayList<>(files.size());
      java.util.concurrent.ExecutorService pool =
          org.apache.iceberg.util.ThreadPools.getWorkerPool();
      for (DataFile file : files) {
        pending.add(
            pool.submit(() -> ParquetDataFiles.toIceberg(id, table, metricsConfig, conf, file)));
      }
      for (java.util.concurrent.Future<org.apache.iceberg.DataFile> future : pending) {
        converted.add(awaitFooter(future, pending));
      }
    }
    Set<String> locations = new HashSet<>();
    for (org.apache.iceberg.DataFile dataFile : converted) {
      if (!locations.add(dataFile.location())) {
        throw Failures.internal(
            "Cannot commit to table %s: data file %s is listed twice", id, dataFile.location());
      }
    }
    return converted;
  }

  /** The result of one footer read; its failure as thrown, the other reads cancelled. */
  private static org.apache.iceberg.DataFile awaitFooter(
      java.util.concurrent.Future<org.apache.iceberg.DataFile> future,
      List<java.util.concurrent.Future<org.apache.iceberg.DataFile>> all) {
    try {
      return future.get();
    } catch (java.util.concurrent.ExecutionException e) {
      all.forEach(other -> other.cancel(false));
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw Failures.wrap("Cannot read a data file's footer", new RuntimeException(e.getCause()));
    } catch (InterruptedException e) {
      all.forEach(other -> other.cancel(false));
      Thread.currentThread().interrupt();
      throw SluiceException.external("Interrupted while reading data file footers", e);
    }
  }

  @Override
  public RewriteResult rewriteSmallFiles(long targetFileSizeBytes, int minFilesPerPartition) {
    return rewriteSmallFiles(targetFileSizeBytes, minFilesPerPartition, () -> {});
  }

  /** As {@link #rewriteSmallFiles(long, int)}; {@code beforeCommit} runs just before the commit. */
  RewriteResult rewriteSmallFiles(
      long targetFileSizeBytes, int minFilesPerPartition, Runnable beforeCommit) {
    checkRewriteArguments(targetFileSizeBytes, minFilesPerPartition);
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
  public RewriteResult planSmallFileRewrite(long targetFileSizeBytes, int minFilesPerPartition) {
    checkRewriteArguments(targetFileSizeBytes, minFilesPerPartition);
    try {
      table.refresh();
      if (table.currentSnapshot() == null) {
        return RewriteResult.nothing();
      }
      List<List<org.apache.iceberg.DataFile>> groups =
          new SmallFileRewriter(id, table).plan(targetFileSizeBytes, minFilesPerPartition);
      int files = 0;
      long bytes = 0;
      for (List<org.apache.iceberg.DataFile> group : groups) {
        files += group.size();
        for (org.apache.iceberg.DataFile file : group) {
          bytes += file.fileSizeInBytes();
        }
      }
      return new RewriteResult(groups.size(), files, 0, bytes, 0, Optional.empty());
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot plan the rewrite of the small files of table " + id, e);
    }
  }

  @Override
  public ExpireResult expireSnapshots(SnapshotRetention retention, boolean dryRun) {
    requireNonNull(retention, "retention is null");
    try {
      table.refresh();
      List<org.apache.iceberg.Snapshot> history = new ArrayList<>();
      SnapshotUtil.currentAncestors(table).forEach(history::add);
      Collections.reverse(history);
      int keepFrom = Math.max(0, history.size() - retention.retainLast());
      long olderThan = retention.expireOlderThan().toEpochMilli();
      for (int i = 0; i < keepFrom; i++) {
        org.apache.iceberg.Snapshot snapshot = history.get(i);
        if (snapshot.timestampMillis() >= olderThan
            || retention.retain().contains(snapshot.snapshotId())) {
          keepFrom = i;
          break;
        }
      }
      if (keepFrom == 0) {
        return ExpireResult.nothing(history.size());
      }
      List<org.apache.iceberg.Snapshot> expired = List.copyOf(history.subList(0, keepFrom));
      Set<Long> expiredIds = new HashSet<>();
      expired.forEach(snapshot -> expiredIds.add(snapshot.snapshotId()));
      List<org.apache.iceberg.Snapshot> others = new ArrayList<>();
      for (org.apache.iceberg.Snapshot snapshot : table.snapshots()) {
        if (!expiredIds.contains(snapshot.snapshotId())) {
          others.add(snapshot);
        }
      }
      // Planned for the report; what is deleted is decided again by Iceberg from the committed
      // metadata, so a snapshot committed meanwhile keeps its files.
      Map<String, Long> onlyExpired = liveDataFiles(expired);
      onlyExpired.keySet().removeAll(liveDataFiles(others).keySet());
      int kept = history.size() - expired.size();
      if (dryRun) {
        return new ExpireResult(
            expired.size(),
            kept,
            onlyExpired.size(),
            onlyExpired.values().stream().mapToLong(Long::longValue).sum(),
            0);
      }
      AtomicInteger dataFiles = new AtomicInteger();
      AtomicLong dataBytes = new AtomicLong();
      AtomicInteger metadataFiles = new AtomicInteger();
      commitLock.lock();
      try {
        // Only the chosen ids: with "older than the beginning of time" Iceberg's own age and
        // count policy keeps every other snapshot, also when a retry sees a concurrent append.
        ExpireSnapshots expire = table.expireSnapshots().expireOlderThan(Long.MIN_VALUE);
        expiredIds.forEach(expire::expireSnapshotId);
        expire
            .deleteWith(
                location -> {
                  table.io().deleteFile(location);
                  Long size = onlyExpired.get(location);
                  if (size != null) {
                    dataFiles.incrementAndGet();
                    dataBytes.addAndGet(size);
                  } else {
                    metadataFiles.incrementAndGet();
                  }
                })
            .commit();
      } finally {
        commitLock.unlock();
      }
      return new ExpireResult(
          expired.size(), kept, dataFiles.get(), dataBytes.get(), metadataFiles.get());
    } catch (CommitStateUnknownException e) {
      throw SluiceException.external(
          ("Cannot tell whether the snapshots of table %s were expired: the catalog did not"
                  + " confirm the commit (%s). Refresh the table and expire again")
              .formatted(id, e.getMessage()),
          e);
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot expire the snapshots of table %s: %s".formatted(id, e.getMessage()), e);
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot expire the snapshots of table " + id, e);
    }
  }

  /** Location and size of every data file live in one of {@code snapshots}. */
  private Map<String, Long> liveDataFiles(Iterable<org.apache.iceberg.Snapshot> snapshots)
      throws IOException {
    Map<String, Long> files = new HashMap<>();
    Set<String> manifests = new HashSet<>();
    for (org.apache.iceberg.Snapshot snapshot : snapshots) {
      for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        try (ManifestReader<org.apache.iceberg.DataFile> reader =
            ManifestFiles.read(manifest, table.io(), table.specs())) {
          for (org.apache.iceberg.DataFile file : reader) {
            files.put(file.location(), file.fileSizeInBytes());
          }
        }
      }
    }
    return files;
  }

  @Override
  public OrphanResult removeOrphanFiles(Instant olderThan, boolean dryRun) {
    requireNonNull(olderThan, "olderThan is null");
    Path data = dataDirectory();
    try {
      table.refresh();
      if (!Files.isDirectory(data)) {
        return OrphanResult.nothing();
      }
      Set<Path> referenced = new HashSet<>();
      for (String location : liveDataFiles(table.snapshots()).keySet()) {
        IcebergLakeConfig.localPath(location)
            .ifPresent(path -> referenced.add(path.toAbsolutePath().normalize()));
      }
      long cutoff = olderThan.toEpochMilli();
      List<Path> orphans = new ArrayList<>();
      List<Path> oldDirectories = new ArrayList<>();
      long bytes = 0;
      try (Stream<Path> walk = Files.walk(data)) {
        for (Path path : (Iterable<Path>) walk::iterator) {
          BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
          boolean old = attributes.lastModifiedTime().toMillis() < cutoff;
          if (attributes.isDirectory()) {
            // Judged before any file in it is deleted, which would make it look new.
            if (old && !path.equals(data)) {
              oldDirectories.add(path);
            }
          } else if (old && !referenced.contains(path.toAbsolutePath().normalize())) {
            orphans.add(path);
            bytes += attributes.size();
          }
        }
      }
      orphans.sort(null);
      List<String> files = orphans.stream().map(Path::toString).toList();
      if (dryRun) {
        return new OrphanResult(files, bytes, 0);
      }
      for (Path orphan : orphans) {
        Files.deleteIfExists(orphan);
      }
      int directories = 0;
      // Deepest first, so that a folder emptied by removing its subfolders goes too.
      oldDirectories.sort(Comparator.comparingInt(Path::getNameCount).reversed());
      for (Path directory : oldDirectories) {
        try {
          Files.delete(directory);
          directories++;
        } catch (DirectoryNotEmptyException | NoSuchFileException inUse) {
          // holds referenced or young files: kept
        }
      }
      return new OrphanResult(files, bytes, directories);
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot remove the orphan files of table %s under %s: %s"
              .formatted(id, data, e.getMessage()),
          e);
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot remove the orphan files of table " + id, e);
    }
  }

  @Override
  public void evolveSchema(
      List<io.sluice.api.type.Column> added,
      Optional<String> before,
      Map<String, io.sluice.api.type.DataType> widened) {
    if (added.isEmpty() && widened.isEmpty()) {
      return;
    }
    commitLock.lock();
    try {
      table.refresh();
      org.apache.iceberg.UpdateSchema update = table.updateSchema();
      for (io.sluice.api.type.Column column : added) {
        if (table.schema().findField(column.name()) != null) {
          throw SluiceException.user(
              "Cannot add column '%s' to table %s: it already has one", column.name(), id);
        }
        update.addColumn(column.name(), IcebergTypes.toIceberg(column.type()));
        if (before.isPresent()) {
          update.moveBefore(column.name(), before.get());
        }
      }
      for (Map.Entry<String, io.sluice.api.type.DataType> entry : widened.entrySet()) {
        org.apache.iceberg.types.Types.NestedField field = table.schema().findField(entry.getKey());
        org.apache.iceberg.types.Type to = IcebergTypes.toIceberg(entry.getValue());
        if (field == null
            || !to.isPrimitiveType()
            || !org.apache.iceberg.types.TypeUtil.isPromotionAllowed(
                field.type(), to.asPrimitiveType())) {
          throw SluiceException.user(
              "Cannot widen column '%s' of table %s to %s: %s",
              entry.getKey(),
              id,
              entry.getValue(),
              field == null ? "no such column" : "Iceberg cannot promote " + field.type());
        }
        update.updateColumn(entry.getKey(), to.asPrimitiveType());
      }
      update.commit();
      table.refresh();
    } catch (SluiceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot evolve the schema of table " + id, e);
    } finally {
      commitLock.unlock();
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

  private void checkRewriteArguments(long targetFileSizeBytes, int minFilesPerPartition) {
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
  }

  private static Snapshot toSnapshot(org.apache.iceberg.Snapshot snapshot) {
    return new Snapshot(
        snapshot.snapshotId(),
        snapshot.sequenceNumber(),
        snapshot.timestampMillis(),
        snapshot.summary());
  }

  /**
   * The data files live in {@code snapshot}, read manifest by manifest on the caller's thread. A
   * table scan reads them on Iceberg's worker pool through a queue that its consumer polls every 10
   * ms while it is empty: over a micro-batch table's many small manifests that waiting, not the
   * reading, was most of the time of listing its files (a quarter of a second per batch after 200
   * batches).
   */
  private List<DataFile> liveFiles(org.apache.iceberg.Snapshot snapshot) {
    List<DataFile> files = new ArrayList<>();
    try {
      for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
        try (ManifestReader<org.apache.iceberg.DataFile> reader =
            ManifestFiles.read(manifest, table.io(), table.specs())) {
          for (org.apache.iceberg.DataFile file : reader) {
            files.add(dataFile(file));
          }
        }
      }
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot read the manifests of table %s: %s".formatted(id, e.getMessage()), e);
    }
    return List.copyOf(files);
  }

  private List<DataFile> dataFiles(CloseableIterable<FileScanTask> tasks) {
    List<DataFile> files = new ArrayList<>();
    try (tasks) {
      for (FileScanTask task : tasks) {
        files.add(dataFile(task.file()));
      }
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot read the manifests of table %s: %s".formatted(id, e.getMessage()), e);
    }
    return List.copyOf(files);
  }

  /** An Iceberg data file as the lake describes it to the engine. */
  private DataFile dataFile(org.apache.iceberg.DataFile file) {
    return new DataFile(
        file.location(),
        IcebergTypes.partitionValues(table.specs().get(file.specId()), file.partition()),
        file.recordCount(),
        file.fileSizeInBytes());
  }
}
