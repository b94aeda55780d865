package io.sluice.core.log;

import io.sluice.api.log.LogRecord;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One segment file: frames of {@code [int length][int crc32c(payload)][payload]}, big-endian. The
 * position of every record is kept in memory so that reads seek straight to an offset.
 */
final class Segment {
  static final String SUFFIX = ".log";
  static final int HEADER = 8;

  /** The size of the buffer frames are written through (a partition's, reused). */
  static final int WRITE_BUFFER = 256 * 1024;

  /** The most bytes of consecutive frames a read takes in one call (unless one frame is larger). */
  static final int READ_BLOCK = 1 << 20;

  private final Path file;
  private final long baseOffset;
  private final FileChannel channel;
  private final Clock clock;
  private final CRC32C crc = new CRC32C(); // used by appends, which the partition's lock orders
  private long[] positions = new long[1024];
  private int count;
  private long size;
  private long lastWriteMillis;
  private boolean truncatedOnOpen;

  private Segment(Path file, long baseOffset, FileChannel channel, Clock clock) {
    this.file = file;
    this.baseOffset = baseOffset;
    this.channel = channel;
    this.clock = clock;
  }

  static long baseOffsetOf(Path file) {
    String name = file.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
  }

  static Segment create(Path directory, long baseOffset, Clock clock) throws IOException {
    Path file = directory.resolve(String.format("%020d%s", baseOffset, SUFFIX));
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Segment segment = new Segment(file, baseOffset, channel, clock);
    segment.lastWriteMillis = clock.millis();
    return segment;
  }

  /** Opens a segment, keeping its whole valid frames and truncating anything after them. */
  static Segment recover(Path file, long baseOffset, Clock clock) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Segment segment = new Segment(file, baseOffset, channel, clock);
    segment.lastWriteMillis = Files.getLastModifiedTime(file).toMillis();
    long length = channel.size();
    long position = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    CRC32C crc = new CRC32C();
    while (position + HEADER <= length) {
      header.clear();
      readFully(channel, header, position);
      int recordLength = header.getInt(0);
      int checksum = header.getInt(4);
      if (recordLength < 0 || position + HEADER + recordLength > length) {
        break;
      }
      ByteBuffer payload = ByteBuffer.allocate(recordLength);
      readFully(channel, payload, position + HEADER);
      crc.reset();
      crc.update(payload.array());
      if ((int) crc.getValue() != checksum) {
        break;
      }
      segment.addPosition(position);
      position += HEADER + recordLength;
    }
    if (position < length) {
      channel.truncate(position);
      channel.force(true);
      segment.truncatedOnOpen = true;
    }
    segment.size = position;
    return segment;
  }

  /** Appends one frame per record through {@code buffer} (direct, reused by the caller). */
  void append(List<byte[]> records, ByteBuffer buffer) throws IOException {
    buffer.clear();
    long written = size;
    for (byte[] r : records) {
      written = frame(r, 0, r.length, buffer, written);
    }
    finish(buffer, written);
  }

  /**
   * Appends one frame per record, record {@code i} being {@code source[bounds[2i], bounds[2i +
   * 1])}, through {@code buffer} (direct, reused by the caller): no copy of a record but into the
   * buffer.
   */
  void append(byte[] source, int[] bounds, int count, ByteBuffer buffer) throws IOException {
    buffer.clear();
    long written = size;
    for (int i = 0; i < count; i++) {
      int from = bounds[2 * i];
      written = frame(source, from, bounds[2 * i + 1] - from, buffer, written);
    }
    finish(buffer, written);
  }

  /**
   * Puts one frame into the buffer, writing the buffer out first when the frame does not fit, and
   * the payload straight from its array when it is larger than the whole buffer. Returns the file
   * position the buffer's content starts at.
   */
  private long frame(byte[] source, int from, int length, ByteBuffer buffer, long written)
      throws IOException {
    crc.reset();
    crc.update(source, from, length);
    int checksum = (int) crc.getValue();
    if (buffer.remaining() < HEADER + length) {
      written = writeOut(buffer, written);
    }
    addPosition(written + buffer.position());
    buffer.putInt(length).putInt(checksum);
    if (buffer.remaining() < length) {
      written = writeOut(buffer, written);
      written = writeFully(ByteBuffer.wrap(source, from, length), written);
    } else {
      buffer.put(source, from, length);
    }
    return written;
  }

  private void finish(ByteBuffer buffer, long written) throws IOException {
    size = writeOut(buffer, written);
    lastWriteMillis = clock.millis();
  }

  /** Writes the buffer's content at {@code position}; returns the position after it. */
  private long writeOut(ByteBuffer buffer, long position) throws IOException {
    buffer.flip();
    position = writeFully(buffer, position);
    buffer.clear();
    return position;
  }

  private long writeFully(ByteBuffer bytes, long position) throws IOException {
    while (bytes.hasRemaining()) {
      position += channel.write(bytes, position);
    }
    return position;
  }

  /**
   * Reads {@code max} records from {@code fromOffset}, in blocks of consecutive frames of up to
   * {@value #READ_BLOCK} bytes (at least one frame each): one read call per block rather than two
   * per record, which also shortens the time the partition's lock keeps appends waiting.
   */
  List<LogRecord> read(long fromOffset, int max) throws IOException {
    List<LogRecord> out = new ArrayList<>(max);
    int index = (int) (fromOffset - baseOffset);
    int last = index + max;
    while (index < last) {
      long start = positions[index];
      int next = index + 1;
      while (next < last && frameEnd(next) - start <= READ_BLOCK) {
        next++;
      }
      ByteBuffer block = ByteBuffer.allocate((int) (frameEnd(next - 1) - start));
      readFully(channel, block, start);
      byte[] bytes = block.array();
      for (int k = index; k < next; k++) {
        int at = (int) (positions[k] - start);
        int length = block.getInt(at);
        out.add(
            new LogRecord(
                baseOffset + k, Arrays.copyOfRange(bytes, at + HEADER, at + HEADER + length)));
      }
      index = next;
    }
    return out;
  }

  /**
   * The file position after the frame of record {@code index} (counted from this segment's base).
   */
  private long frameEnd(int index) {
    return index + 1 < count ? positions[index + 1] : size;
  }

  void sync() throws IOException {
    channel.force(false);
  }

  void close() throws IOException {
    channel.close();
  }

  void delete() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }

  long baseOffset() {
    return baseOffset;
  }

  long endOffset() {
    return baseOffset + count;
  }

  long size() {
    return size;
  }

  long lastWriteMillis() {
    return lastWriteMillis;
  }

  boolean truncatedOnOpen() {
    return truncatedOnOpen;
  }

  private void addPosition(long position) {
    if (count == positions.length) {
      positions = Arrays.copyOf(positions, count * 2);
    }
    positions[count++] = position;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) {
        throw new EOFException("unexpected end of segment at " + position);
      }
    }
  }
}
