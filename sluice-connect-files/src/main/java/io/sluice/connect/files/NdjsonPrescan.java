package io.sluice.connect.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides whether an engine may read a JSON file itself, line by line, and get exactly the records
 * and line numbers that {@link JsonReader} would: the file must be NDJSON (its first non-blank byte
 * is <code>{</code>, not an array), valid UTF-8 without a byte-order mark, and free of control
 * bytes other than tab and LF (no CR, so no line ends differ), with no line longer than {@link
 * #MAX_LINE} bytes. Anything else is read by {@link JsonReader}, which reports each problem
 * precisely. One pass over the bytes, no allocation per line: fast next to the parsing it saves.
 */
final class NdjsonPrescan {
  static final int MAX_LINE = 1 << 20;
  private static final int CHUNK = 1 << 20;

  private NdjsonPrescan() {}

  static boolean engineReadable(Path file) throws IOException {
    byte[] buffer = new byte[CHUNK + 4];
    int carry = 0;
    long lineLength = 0;
    boolean sawContent = false;
    try (InputStream in = Files.newInputStream(file)) {
      while (true) {
        int read = in.read(buffer, carry, CHUNK);
        if (read < 0) {
          // A multi-byte sequence cut off by the end of the file is invalid UTF-8.
          return carry == 0;
        }
        int end = carry + read;
        for (int i = carry; i < end; i++) {
          byte b = buffer[i];
          if (b == '\n') {
            lineLength = 0;
            continue;
          }
          if (++lineLength > MAX_LINE) {
            return false;
          }
          if (b >= 0 && b < 0x20 && b != '\t') {
            return false;
          }
          if (!sawContent && b != ' ' && b != '\t') {
            if (b != '{') {
              return false;
            }
            sawContent = true;
          }
        }
        int complete = completePrefix(buffer, end);
        if (Utf8.firstInvalid(buffer, 0, complete) >= 0) {
          return false;
        }
        carry = end - complete;
        System.arraycopy(buffer, complete, buffer, 0, carry);
      }
    }
  }

  /** The length of the prefix of {@code bytes[0, end)} that ends on a whole UTF-8 sequence. */
  private static int completePrefix(byte[] bytes, int end) {
    int start = end;
    // A sequence is at most 4 bytes: look back over at most 3 continuation bytes for its lead.
    while (start > 0 && end - start < 3 && (bytes[start - 1] & 0xC0) == 0x80) {
      start--;
    }
    if (start == 0) {
      return end;
    }
    int lead = bytes[start - 1] & 0xFF;
    int length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    int have = end - (start - 1);
    return have < length ? start - 1 : end;
  }
}
