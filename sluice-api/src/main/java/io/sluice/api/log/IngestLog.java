package io.sluice.api.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A durable, partitioned, append-only log of records.
 *
 * <p>Thread safety: every method may be called from any thread at the same time. Appends to one
 * partition are ordered: when two appends to the same partition are called one after the other (the
 * second call starts after the first returned), the second gets the higher offsets.
 */
public interface IngestLog extends AutoCloseable {
  /**
   * Appends records to one partition of a stream. The returned future completes only once every
   * record is durable (on disk, surviving a process or machine crash for the local log), with the
   * offset of the first record; the records get consecutive offsets. It completes exceptionally
   * with a {@link io.sluice.api.SluiceException} (EXTERNAL) when the records could not be made
   * durable; they may then be present or absent after a restart.
   *
   * @param records the record payloads, not empty; the arrays must not be changed afterwards
   * @throws IllegalArgumentException when the partition does not exist or records is empty
   */
  CompletableFuture<Long> append(String stream, int partition, List<byte[]> records);

  /**
   * Appends records that are slices of one array, as {@link #append(String, int, List)} does:
   * record {@code i} (below {@code count}) is {@code source[bounds[2i], bounds[2i + 1])}. A log
   * that writes from the array saves a copy of every record; this default copies them. The log does
   * not keep {@code source} or {@code bounds} after the call returns.
   *
   * @throws IllegalArgumentException when the partition does not exist or count is not positive
   */
  default CompletableFuture<Long> append(
      String stream, int partition, byte[] source, int[] bounds, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("no records to append to stream '" + stream + "'");
    }
    List<byte[]> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(Arrays.copyOfRange(source, bounds[2 * i], bounds[2 * i + 1]));
    }
    return append(stream, partition, records);
  }

  /**
   * Reads durable records of one partition, in offset order, starting at {@code fromOffset}, at
   * most {@code maxRecords} of them; fewer (possibly none) when the end is reached. Records below
   * the start offset (released and deleted by retention) cannot be read.
   *
   * @throws IllegalArgumentException when fromOffset is below {@link #startOffset} or above {@link
   *     #endOffset}
   */
  List<LogRecord> read(String stream, int partition, long fromOffset, int maxRecords);

  /** The offset the next durable record of the partition will get (0 for an empty partition). */
  long endOffset(String stream, int partition);

  /** The lowest offset still readable (above it records may have been deleted by retention). */
  long startOffset(String stream, int partition);

  /**
   * The number of partitions of a stream; streams are created on first use.
   *
   * @throws io.sluice.api.SluiceException (USER) when the stream holds more partitions on disk than
   *     the log is configured with (partitions can be added, never removed)
   */
  int partitions(String stream);

  /**
   * Tells the log that every record of the partition below {@code committedOffset} is committed
   * downstream; retention may delete those records from now on, and only those. Lower values than
   * an earlier call are ignored.
   */
  void release(String stream, int partition, long committedOffset);

  /**
   * The highest offset passed to {@link #release} for the partition since the log was opened, or
   * {@link #startOffset} when that is higher: records from here to {@link #endOffset} are the
   * partition's backlog, not yet committed downstream as far as the log knows.
   */
  long releasedOffset(String stream, int partition);

  /** Waits for pending appends to become durable and closes files; appends then fail. */
  @Override
  void close();
}
