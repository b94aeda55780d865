package io.sluice.api.lake;

import java.nio.file.Path;
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

  /** Reloads the table's metadata from the catalog. */
  void refresh();
}
