package io.sluice.connect.files;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Decides whether an engine may read a JSON file itself, line by line, and get exactly the records
 * and line numbers that {@link JsonReader} would: the file must be NDJSON (its first non-blank byte
 * is <code>{</code>, not an array), valid UTF-8 without a byte-order mark, and free of control
 * bytes other than tab and LF (no CR, so no line ends differ), with no line longer than {@link
 * #MAX_LINE} bytes. Anything else is read by {@link JsonReader}, which reports each problem
 * precisely.
 *
 * <p>Fed whole lines in order ({@link #lines}), as {@link FileScan} reads a file once for its
 * fingerprint, this check and its fields. Eight bytes are checked at a time: printable ASCII, the
 * bulk of JSON text, needs no look at single bytes.
 */
final class NdjsonPrescan {
  static final int MAX_LINE = 1 << 20;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long SPACES = 0x2020202020202020L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private boolean sawContent;
  private boolean readable = true;

  /** Whether the file at {@code path} may be read by an engine itself (reads it once). */
  static boolean engineReadable(Path file) throws IOException {
    return FileScan.prescan(file);
  }

  /** Whether every line checked so far allows the engine to read the file. */
  boolean readable() {
    return readable;
  }

  /** The file is not for the engine: nothing after this changes that. */
  void reject() {
    readable = false;
  }

  /**
   * Checks {@code bytes[from, to)}: whole lines, the first starting at {@code from}, each ending
   * with LF except a last one that ends the file.
   *
   * @return whether the file is still readable by the engine
   */
  boolean lines(byte[] bytes, int from, int to) {
    if (!readable) {
      return false;
    }
    int i = from;
    int lineStart = from;
    while (!sawContent && i < to) {
      byte c = bytes[i];
      if (c == '\n') {
        if (i - lineStart > MAX_LINE) {
          return rejected();
        }
        lineStart = ++i;
      } else if (c == ' ' || c == '\t') {
        i++;
      } else if (c == '{') {
        sawContent = true;
      } else {
        return rejected();
      }
    }
    while ((i = nextSpecial(bytes, i, to)) < to) {
      byte c = bytes[i];
      if (c == '\n') {
        if (i - lineStart > MAX_LINE) {
          return rejected();
        }
        lineStart = ++i;
      } else if (c == '\t') {
        i++;
      } else if (c < 0) {
        int length = Utf8.sequenceLength(bytes, i, to);
        if (length < 0) {
          return rejected();
        }
        i += length;
      } else {
        return rejected();
      }
    }
    if (to - lineStart > MAX_LINE) {
      return rejected();
    }
    return true;
  }

  /**
   * Whether {@code bytes[from, to)}, one record, may stand as one line of a file the engine reads
   * itself, lines numbered as the records: it starts with <code>{</code>, is valid UTF-8 and holds
   * no control byte but tab (so no LF, and no CR), and is at most {@link #MAX_LINE} bytes.
   */
  static boolean isOneLine(byte[] bytes, int from, int to) {
    if (to - from > MAX_LINE || from >= to || bytes[from] != '{') {
      return false;
    }
    int i = from;
    while ((i = nextSpecial(bytes, i, to)) < to) {
      byte c = bytes[i];
      if (c == '\t') {
        i++;
      } else if (c < 0) {
        int length = Utf8.sequenceLength(bytes, i, to);
        if (length < 0) {
          return false;
        }
        i += length;
      } else {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of the first byte in {@code [i, to)} below 0x20 (control bytes, LF, tab) or at or
   * above 0x80 (non-ASCII), or {@code to}: eight bytes at a time while eight remain.
   */
  private static int nextSpecial(byte[] bytes, int i, int to) {
    while (i + 8 <= to) {
      long word = (long) LONGS.get(bytes, i);
      // A high bit per flagged byte. Borrows reach only bytes above a flagged one: the lowest flag
      // is exact.
      long flags = ((word - SPACES) & ~word | word) & HIGH_BITS;
      if (flags != 0) {
        return i + (Long.numberOfTrailingZeros(flags) >>> 3);
      }
      i += 8;
    }
    while (i < to && bytes[i] >= 0x20) {
      i++;
    }
    return i;
  }

  private boolean rejected() {
    readable = false;
    return false;
  }
}
