package io.sluice.api.lake;

/**
 * What {@link LakeTable#expireSnapshots} did, or would do in a dry run.
 *
 * @param snapshotsExpired snapshots removed from the history
 * @param snapshotsKept snapshots left in the history
 * @param dataFilesDeleted data files that only expired snapshots referenced, now deleted
 * @param dataBytesDeleted their total size
 * @param metadataFilesDeleted manifests and manifest lists that only expired snapshots referenced,
 *     now deleted; 0 in a dry run (they are not planned ahead)
 */
public record ExpireResult(
    int snapshotsExpired,
    int snapshotsKept,
    int dataFilesDeleted,
    long dataBytesDeleted,
    int metadataFilesDeleted) {
  public ExpireResult {
    if (snapshotsExpired < 0
        || snapshotsKept < 0
        || dataFilesDeleted < 0
        || dataBytesDeleted < 0
        || metadataFilesDeleted < 0) {
      throw new IllegalArgumentException("counts and sizes must not be negative");
    }
  }

  /** Nothing expired out of {@code snapshotsKept} snapshots. */
  public static ExpireResult nothing(int snapshotsKept) {
    return new ExpireResult(0, snapshotsKept, 0, 0, 0);
  }
}
