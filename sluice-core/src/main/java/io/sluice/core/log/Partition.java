package io.sluice.core.log;

import io.sluice.api.log.IngestLogSettings;
import io.sluice.api.log.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of a stream: a folder of segments named by their first offset. Writes and reads
 * hold this object's lock; fsync does not, so appends go on while the flusher syncs.
 */
final class Partition {
  private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

  private final Path directory;
  private final IngestLogSettings settings;
  private final List<Segment> segments;
  // Frames on their way to the file, reused by every write (which holds this object's lock).
  private final ByteBuffer frames = ByteBuffer.allocateDirect(Segment.WRITE_BUFFER);
  private long nextOffset;
  private volatile long durableEnd;
  private long released;

  private Partition(Path directory, IngestLogSettings settings, List<Segment> segments) {
    this.directory = directory;
    this.settings = settings;
    this.segments = segments;
    this.nextOffset = segments.get(segments.size() - 1).endOffset();
    this.durableEnd = nextOffset;
  }

  /**
   * Opens the partition's segments in offset order, keeps every whole record and truncates the log
   * at the first torn or corrupt frame (later segments are deleted: their offsets would no longer
   * follow on).
   */
  static Partition open(Path directory, IngestLogSettings settings) throws IOException {
    Files.createDirectories(directory);
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX))
              .sorted()
              .toList();
    }
    List<Segment> segments = new ArrayList<>();
    boolean truncated = false;
    for (Path file : files) {
      long base = Segment.baseOffsetOf(file);
      boolean follows = segments.isEmpty() || segments.get(segments.size() - 1).endOffset() == base;
      if (truncated || !follows) {
        LOG.warn("Deleting ingest log segment {}: it follows a truncated or missing range", file);
        Files.delete(file);
        continue;
      }
      Segment segment = Segment.recover(file, base, settings.clock());
      truncated = segment.truncatedOnOpen();
      if (truncated) {
        LOG.warn(
            "Truncated a torn or corrupt tail of ingest log segment {} after offset {}",
            file,
            segment.endOffset());
      }
      segments.add(segment);
    }
    if (segments.isEmpty()) {
      segments.add(Segment.create(directory, 0, settings.clock()));
    }
    return new Partition(directory, settings, segments);
  }

  Path directory() {
    return directory;
  }

  /** Writes the frames (not yet synced) and returns the first record's offset. */
  synchronized long write(List<byte[]> records) throws IOException {
    long first = nextOffset;
    activeSegment().append(records, frames);
    nextOffset += records.size();
    return first;
  }

  /**
   * Writes the frames of records that are slices of {@code source} (see {@link
   * io.sluice.api.log.IngestLog#append(String, int, byte[], int[], int)}), not yet synced, and
   * returns the first record's offset.
   */
  synchronized long write(byte[] source, int[] bounds, int count) throws IOException {
    long first = nextOffset;
    activeSegment().append(source, bounds, count, frames);
    nextOffset += count;
    return first;
  }

  /** The segment to append to, rolled to a new one when it is full. */
  private Segment activeSegment() throws IOException {
    Segment active = segments.get(segments.size() - 1);
    if (active.size() >= settings.segmentBytes()) {
      active.sync();
      active = Segment.create(directory, nextOffset, settings.clock());
      segments.add(active);
      enforceRetention();
    }
    return active;
  }

  /** Forces the active segment to disk; older segments were forced when they were rolled. */
  void sync() throws IOException {
    Segment active;
    synchronized (this) {
      active = segments.get(segments.size() - 1);
    }
    try {
      active.sync();
    } catch (ClosedChannelException e) {
      // Rolled (and forced before the roll) or closed meanwhile: nothing left to force.
    }
  }

  void markDurable(long end) {
    synchronized (this) {
      if (end > durableEnd) {
        durableEnd = end;
      }
    }
  }

  long durableEnd() {
    return durableEnd;
  }

  synchronized long startOffset() {
    return segments.get(0).baseOffset();
  }

  synchronized List<LogRecord> read(long fromOffset, int maxRecords) throws IOException {
    long start = segments.get(0).baseOffset();
    long end = durableEnd;
    if (fromOffset < start || fromOffset > end) {
      throw new IllegalArgumentException(
          "offset "
              + fromOffset
              + " is outside the readable range ["
              + start
              + ", "
              + end
              + "] of "
              + directory);
    }
    List<LogRecord> out = new ArrayList<>();
    long offset = fromOffset;
    for (Segment segment : segments) {
      if (out.size() >= maxRecords || offset >= end) {
        break;
      }
      if (segment.endOffset() <= offset) {
        continue;
      }
      long upTo = Math.min(end, segment.endOffset());
      int count = (int) Math.min(maxRecords - out.size(), upTo - offset);
      out.addAll(segment.read(offset, count));
      offset += count;
    }
    return out;
  }

  /** The highest offset released so far, or the start offset when that is higher. */
  synchronized long releasedOffset() {
    return Math.max(released, segments.get(0).baseOffset());
  }

  synchronized void release(long committedOffset) throws IOException {
    if (committedOffset > released) {
      released = Math.min(committedOffset, durableEnd);
      enforceRetention();
    }
  }

  /**
   * Deletes whole segments from the oldest while every record in them is released and the partition
   * is over its size bound or the segment is older than the age bound. The active segment is never
   * deleted.
   */
  private void enforceRetention() throws IOException {
    long total = 0;
    for (Segment s : segments) {
      total += s.size();
    }
    long now = settings.clock().millis();
    while (segments.size() > 1) {
      Segment oldest = segments.get(0);
      boolean allReleased = segments.get(1).baseOffset() <= released;
      boolean tooBig = total > settings.retentionBytes();
      boolean tooOld = now - oldest.lastWriteMillis() > settings.retentionAge().toMillis();
      if (!allReleased || !(tooBig || tooOld)) {
        return;
      }
      total -= oldest.size();
      oldest.delete();
      segments.remove(0);
    }
  }

  synchronized void close() throws IOException {
    for (Segment s : segments) {
      s.close();
    }
  }
}
