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

  /** Reloads the table's metadata from the catalog. */
  void refresh();
}
