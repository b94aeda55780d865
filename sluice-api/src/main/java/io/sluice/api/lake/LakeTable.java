package io.sluice.api.lake;

import io.sluice.api.type.DataType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A handle on one table. Handles reflect the table as of the last {@link #refresh()} or commit
 * through this handle. Not thread-safe: use one handle per thread.
 */
public interface LakeTable {
  TableId id();

  /** Columns in order with the field ids data files must carry. */
  List<LakeColumn> columns();

  List<PartitionField> partitioning();

  /**
   * A new, empty directory inside the table's data location for an engine to write files into. The
   * name includes {@code tag} (e.g. the batch id) so that uncommitted leftovers can be recognised.
   */
  Path newDataDirectory(String tag);

  /** The current snapshot, or empty for a table with no commits. */
  Optional<Snapshot> currentSnapshot();

  /** All snapshots of the current history, oldest first. */
  List<Snapshot> snapshots();

  /**
   * Evolves the table's schema in one metadata commit: adds {@code added} as optional columns, in
   * order, just before column {@code before} (or at the end when it is empty), with new field ids
   * (files written before read NULL for them); and widens the type of each column in {@code
   * widened} (only widenings every reader can apply: {@code int} to {@code bigint}, a decimal to a
   * greater precision with the same scale). History stays readable; no data file is rewritten.
   *
   * @throws io.sluice.api.SluiceException (USER) for a column that already exists or a widening
   *     that is not one of those
   */
  void evolveSchema(
      List<io.sluice.api.type.Column> added,
      java.util.Optional<String> before,
      Map<String, DataType> widened);

  /** Every data file of the current snapshot. */
  List<DataFile> files();

  /**
   * Data files added by append snapshots after {@code snapshotId} (exclusive) up to the current
   * snapshot; every file of the table when {@code snapshotId} is empty.
   */
  List<DataFile> filesAddedSince(Optional<Long> snapshotId);

  /**
   * Atomically appends {@code files} as one new snapshot carrying {@code summary}. Either all files
   * and the summary become visible or none does.
   *
   * @return the new snapshot
   */
  Snapshot append(List<DataFile> files, Map<String, String> summary);

  /**
   * The data files of the current snapshot that may hold a row whose value of every column of
   * {@code ranges} lies within that column's range, judged from the files' column statistics
   * (minimum and maximum per file): a file whose statistics rule a range out is left out; a file
   * without statistics for a column, or whose statistics cannot be compared, is included. With no
   * ranges, every file.
   */
  List<DataFile> filesOverlapping(List<KeyRange> ranges);

  /**
   * Atomically removes {@code removed} (data files of the current snapshot, by path) and adds
   * {@code added} as one new snapshot carrying {@code summary}: a copy-on-write replacement, as a
   * merge on a primary key commits the rewritten files and the batch's rows. Either everything
   * becomes visible or nothing does. With nothing to remove it is an {@link #append}.
   *
   * <p>Contract: a file of {@code removed} that the table no longer holds (a concurrent compaction
   * rewrote it) fails the replacement with a retriable EXTERNAL error and commits nothing, so rows
   * are never lost or doubled; so does a concurrent commit that removed one of them before this one
   * lands.
   *
   * @return the new snapshot
   */
  Snapshot replace(List<DataFile> removed, List<DataFile> added, Map<String, String> summary);

  /**
   * Compacts small files: in every partition (of the spec each file was written with) that holds at
   * least {@code minFilesPerPartition} data files smaller than {@code targetFileSizeBytes}, those
   * files are read and rewritten into as few files as possible, each closed once it reaches about
   * {@code targetFileSizeBytes}. All rewritten partitions commit together as one {@code replace}
   * snapshot, or nothing commits.
   *
   * <p>Contract: the table's rows are exactly the same before and after (same values, same field
   * ids, same partitions); the replace snapshot adds no rows, so {@link #filesAddedSince} never
   * reports rewritten rows as new; the summaries of earlier snapshots are kept. Safe to run while
   * another handle or process appends: files appended concurrently are kept, and a conflicting
   * commit is retried against the latest metadata. Files written for an attempt that fails are
   * deleted.
   *
   * @return what was rewritten; {@link RewriteResult#nothing()} when no partition qualified
   */
  RewriteResult rewriteSmallFiles(long targetFileSizeBytes, int minFilesPerPartition);

  /**
   * What {@link #rewriteSmallFiles} would rewrite now, without writing or committing anything: the
   * partitions and the files and bytes it would remove; {@code filesAdded}, {@code bytesAdded} are
   * 0 and the snapshot is empty.
   */
  RewriteResult planSmallFileRewrite(long targetFileSizeBytes, int minFilesPerPartition);

  /**
   * Expires the snapshots of the history that {@code retention} does not keep, and deletes the
   * files that only they referenced: data files replaced by a compaction or an overwrite, their
   * manifests and manifest lists. The table's rows do not change.
   *
   * <p>Contract: the kept snapshots are an unbroken run at the end of the history (see {@link
   * SnapshotRetention}), so {@link #filesAddedSince} keeps working from any kept snapshot and
   * {@link #snapshots()} lists exactly the kept ones afterwards. The summaries of expired snapshots
   * are gone: a caller that keeps bookkeeping in summaries must carry it forward first (Sluice's
   * runner commits a checkpoint snapshot). Safe to run while another handle or process appends: the
   * snapshots to expire are chosen before the commit and a concurrent append is kept; only files
   * that no snapshot of the committed metadata references are deleted. A file a concurrent reader
   * is still scanning may be deleted under it when its snapshot expires: keep snapshots at least as
   * long as the longest read.
   *
   * @param dryRun report what would be expired and deleted, change nothing
   * @return what was expired; {@link ExpireResult#nothing(int)} when nothing qualified
   */
  ExpireResult expireSnapshots(SnapshotRetention retention, boolean dryRun);

  /**
   * Deletes the files in the table's data folders that no snapshot references and that were last
   * modified before {@code olderThan}: leftovers of batches that crashed before their commit, of
   * failed compactions, or of expiries that did not finish deleting. Empty data directories last
   * modified before {@code olderThan} are removed too.
   *
   * <p>Contract: a file that any snapshot of the table references is never deleted. A file being
   * written for a commit that has not happened yet looks exactly like an orphan: {@code olderThan}
   * must be earlier than the start of the oldest write still in flight (a safety age of a day is
   * usual). Only tables whose data folder is on the local file system are supported; for others
   * this reports a USER error.
   *
   * @param dryRun report what would be deleted, delete nothing
   */
  OrphanResult removeOrphanFiles(Instant olderThan, boolean dryRun);

  /** Reloads the table's metadata from the catalog. */
  void refresh();
}
