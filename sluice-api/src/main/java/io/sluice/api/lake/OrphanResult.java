package io.sluice.api.lake;

import java.util.List;

/**
 * What {@link LakeTable#removeOrphanFiles} deleted, or would delete in a dry run.
 *
 * @param files the orphan files, sorted
 * @param bytes their total size
 * @param directoriesDeleted empty data directories removed (0 in a dry run)
 */
public record OrphanResult(List<String> files, long bytes, int directoriesDeleted) {
  public OrphanResult {
    files = List.copyOf(files);
    if (bytes < 0 || directoriesDeleted < 0) {
      throw new IllegalArgumentException("sizes and counts must not be negative");
    }
  }

  /** No orphan found. */
  public static OrphanResult nothing() {
    return new OrphanResult(List.of(), 0, 0);
  }
}
