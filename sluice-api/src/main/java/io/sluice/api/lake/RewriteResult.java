package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What {@link LakeTable#rewriteSmallFiles} did.
 *
 * @param partitionsRewritten partitions whose small files were rewritten
 * @param filesRemoved small files replaced by the rewrite
 * @param filesAdded files written in their place
 * @param bytesRemoved total size of the removed files
 * @param bytesAdded total size of the added files
 * @param snapshot the {@code replace} snapshot committed, or empty when nothing qualified
 */
public record RewriteResult(
    int partitionsRewritten,
    int filesRemoved,
    int filesAdded,
    long bytesRemoved,
    long bytesAdded,
    Optional<Snapshot> snapshot) {
  public RewriteResult {
    requireNonNull(snapshot, "snapshot is null");
    if (partitionsRewritten < 0 || filesRemoved < 0 || filesAdded < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
    if (bytesRemoved < 0 || bytesAdded < 0) {
      throw new IllegalArgumentException("byte sizes must not be negative");
    }
  }

  /** The result of a rewrite that found nothing to do. */
  public static RewriteResult nothing() {
    return new RewriteResult(0, 0, 0, 0, 0, Optional.empty());
  }
}
