package io.sluice.cli;

import io.sluice.api.log.IngestLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the oldest record waiting in each stream has waited to be landed, for {@code
 * sluice_stream_lag_seconds}. The ingest log keeps no time per record, so this keeps marks instead:
 * every {@link #sample} notes each partition's end offset when it has grown, and the oldest waiting
 * record (the partition's released offset) was appended by the time of the first mark past it. The
 * lag is thus at most one sampling period short, never long. Records waiting from before the
 * process started count from its first sample.
 *
 * <p>Thread-safe: sampled on a timer thread, read on scrapes.
 */
final class StreamLag {
  /** Marks kept per partition at most (a stalled landing adds one per sample that saw pushes). */
  static final int MAX_MARKS = 10_000;

  private final IngestLog log;
  private final Map<String, List<ArrayDeque<long[]>>> marks = new HashMap<>();

  StreamLag(IngestLog log, List<String> streams) {
    this.log = log;
    for (String stream : streams) {
      marks.put(stream, new ArrayList<>());
    }
  }

  /** Notes each partition's end offset at {@code nowNanos} where it grew since the last mark. */
  synchronized void sample(long nowNanos) {
    marks.forEach(
        (stream, partitions) -> {
          for (int p = 0, n = log.partitions(stream); p < n; p++) {
            ArrayDeque<long[]> partition = partition(partitions, p);
            dropLanded(partition, log.releasedOffset(stream, p));
            long end = log.endOffset(stream, p);
            long[] last = partition.peekLast();
            if ((last == null || end > last[0]) && partition.size() < MAX_MARKS) {
              partition.addLast(new long[] {end, nowNanos});
            }
          }
        });
  }

  /**
   * Seconds the oldest record waiting in {@code stream} has waited at {@code nowNanos}, at least
   * (over its partitions); 0 when nothing waits.
   */
  synchronized double seconds(String stream, long nowNanos) {
    List<ArrayDeque<long[]>> partitions = marks.get(stream);
    if (partitions == null) {
      return 0;
    }
    long oldest = nowNanos;
    for (int p = 0, n = log.partitions(stream); p < n; p++) {
      ArrayDeque<long[]> partition = partition(partitions, p);
      long released = log.releasedOffset(stream, p);
      dropLanded(partition, released);
      if (!partition.isEmpty() && released < log.endOffset(stream, p)) {
        oldest = Math.min(oldest, partition.peekFirst()[1]);
      }
    }
    return Math.max(0, nowNanos - oldest) / 1e9;
  }

  /** Drops the marks below which every record has landed. */
  private static void dropLanded(ArrayDeque<long[]> partition, long released) {
    while (!partition.isEmpty() && partition.peekFirst()[0] <= released) {
      partition.removeFirst();
    }
  }

  private static ArrayDeque<long[]> partition(List<ArrayDeque<long[]>> partitions, int p) {
    while (partitions.size() <= p) {
      partitions.add(new ArrayDeque<>());
    }
    return partitions.get(p);
  }
}
