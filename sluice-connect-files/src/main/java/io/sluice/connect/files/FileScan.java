package io.sluice.connect.files;

import io.sluice.api.source.ObservedField;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What one read of a file tells: its {@link Fingerprint}, and for an NDJSON file also whether the
 * engine may read it itself ({@link NdjsonPrescan}) and its fields ({@link NdjsonObserver}). A run
 * needs all three for every new file; reading its bytes once instead of three times is most of the
 * planning's cost.
 *
 * @param fingerprint the file's size, modification time and CRC32C
 * @param engineReadable whether an engine may read the file as NDJSON itself; false when not
 *     checked
 * @param fields the file's fields with the widest kind of each, or null when not observed
 */
record FileScan(Fingerprint fingerprint, boolean engineReadable, List<ObservedField> fields) {
  private static final int CHUNK = 1 << 20;

  /** The fingerprint alone: one pass for the CRC32C. */
  static FileScan fingerprint(Path file, long size, long modifiedMillis) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[CHUNK];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer target = ByteBuffer.wrap(buffer);
      while (channel.read(target.clear()) >= 0) {
        crc.update(buffer, 0, target.position());
      }
    }
    return new FileScan(new Fingerprint(size, modifiedMillis, (int) crc.getValue()), false, null);
  }

  /**
   * The fingerprint, the engine's check and the fields of a UTF-8 JSON file, in one pass. A file
   * the check rejects (not NDJSON, CR line ends, invalid UTF-8, ...) is observed again by {@code
   * scanner}, as it always was.
   */
  static FileScan ndjson(Path file, long size, long modifiedMillis, JsonScan scanner)
      throws IOException {
    return ndjson(file, size, modifiedMillis, scanner, CHUNK);
  }

  /** {@link #ndjson(Path, long, long, JsonScan)} reading {@code chunk} bytes at a time. */
  static FileScan ndjson(Path file, long size, long modifiedMillis, JsonScan scanner, int chunk)
      throws IOException {
    FileScan scan = read(file, size, modifiedMillis, new NdjsonObserver(scanner.fallback()), chunk);
    if (scan.fields != null) {
      return scan;
    }
    return new FileScan(scan.fingerprint, false, scanner.scan(file));
  }

  /** Whether an engine may read {@code file} as NDJSON itself (reads it once). */
  static boolean prescan(Path file) throws IOException {
    return read(file, 0, 0, null, CHUNK).engineReadable();
  }

  /** How a file the engine may not read is observed: the JSON parser's full scan. */
  interface JsonScan {
    /** The scanner whose per-line decisions {@link NdjsonObserver} falls back to. */
    JsonSchemaScanner fallback();

    /** The fields of a whole file, as {@link JsonSchemaScanner#scan} finds them. */
    List<ObservedField> scan(Path file) throws IOException;
  }

  private static FileScan read(
      Path file, long size, long modifiedMillis, NdjsonObserver observer, int chunk)
      throws IOException {
    CRC32C crc = new CRC32C();
    NdjsonPrescan prescan = new NdjsonPrescan();
    // Room for a chunk after a carried incomplete line of at most MAX_LINE bytes.
    byte[] buffer = new byte[chunk + NdjsonPrescan.MAX_LINE + 1];
    int carry = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer target = ByteBuffer.wrap(buffer);
      while (true) {
        target.limit(carry + chunk).position(carry);
        int read = channel.read(target);
        if (read < 0) {
          break;
        }
        crc.update(buffer, carry, read);
        if (!prescan.readable()) {
          carry = 0;
          continue;
        }
        int end = carry + read;
        int lastNewline = lastIndexOf(buffer, (byte) '\n', carry, end);
        if (lastNewline < 0) {
          carry = end;
        } else {
          int complete = lastNewline + 1;
          if (prescan.lines(buffer, 0, complete) && observer != null) {
            observer.lines(buffer, 0, complete);
          }
          carry = end - complete;
          System.arraycopy(buffer, complete, buffer, 0, carry);
        }
        if (carry > NdjsonPrescan.MAX_LINE) {
          prescan.reject();
          carry = 0;
        }
      }
    }
    if (carry > 0 && prescan.lines(buffer, 0, carry) && observer != null) {
      observer.lines(buffer, 0, carry);
    }
    boolean readable = prescan.readable();
    return new FileScan(
        new Fingerprint(size, modifiedMillis, (int) crc.getValue()),
        readable,
        readable && observer != null ? observer.fields() : null);
  }

  private static int lastIndexOf(byte[] bytes, byte value, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
