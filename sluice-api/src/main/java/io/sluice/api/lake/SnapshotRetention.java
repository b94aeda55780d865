package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Set;

/**
 * Which snapshots {@link LakeTable#expireSnapshots} keeps. The kept snapshots are always an
 * unbroken run at the end of the table's history, so that a reader diffing from a kept snapshot
 * still finds every snapshot after it: a snapshot is kept when it is one of the newest {@code
 * retainLast}, or was committed at or after {@code expireOlderThan}, or is in {@code retain}, or is
 * newer than a kept snapshot. Every other snapshot of the history is expired.
 *
 * @param expireOlderThan snapshots committed before this instant may be expired
 * @param retainLast how many of the newest snapshots are kept whatever their age; at least 1 (the
 *     current snapshot is never expired)
 * @param retain snapshot ids that must be kept with everything after them, e.g. the snapshots an
 *     incremental reader will diff from; ids no longer in the history are ignored
 */
public record SnapshotRetention(Instant expireOlderThan, int retainLast, Set<Long> retain) {
  public SnapshotRetention {
    requireNonNull(expireOlderThan, "expireOlderThan is null");
    if (retainLast < 1) {
      throw new IllegalArgumentException("retainLast must be at least 1, got " + retainLast);
    }
    retain = Set.copyOf(retain);
  }
}
