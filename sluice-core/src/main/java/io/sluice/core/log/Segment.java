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

  private final Path file;
  private final long baseOffset;
  private final FileChannel channel;
  private final Clock clock;
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

  void append(List<byte[]> records) throws IOException {
    int bytes = 0;
    for (byte[] r : records) {
      bytes += HEADER + r.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(bytes);
    CRC32C crc = new CRC32C();
    long position = size;
    for (byte[] r : records) {
      crc.reset();
      crc.update(r);
      addPosition(position + buffer.position());
      buffer.putInt(r.length).putInt((int) crc.getValue()).put(r);
    }
    buffer.flip();
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    size = position;
    lastWriteMillis = clock.millis();
  }

  List<LogRecord> read(long fromOffset, int max) throws IOException {
    List<LogRecord> out = new ArrayList<>(max);
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    for (int i = 0; i < max; i++) {
      int index = (int) (fromOffset - baseOffset) + i;
      long position = positions[index];
      header.clear();
      readFully(channel, header, position);
      ByteBuffer payload = ByteBuffer.allocate(header.getInt(0));
      readFully(channel, payload, position + HEADER);
      out.add(new LogRecord(baseOffset + index, payload.array()));
    }
    return out;
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
