package io.sluice.connect.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds where an element of a JSON array file ends by its brackets and string quotes alone, without
 * parsing it: after a syntax error inside an element (a raw control character in a string, a
 * doubled comma, a bad literal), the elements after it can then still be read. Works on the bytes
 * of an ASCII-compatible encoding (UTF-8): the structural characters are single bytes there.
 */
final class ArrayElementEnd {
  private ArrayElementEnd() {}

  /**
   * Where an element ends and what follows it.
   *
   * @param end byte offset just after the element
   * @param next byte offset just after the comma that follows it, or after the array's {@code ]}
   * @param closed whether the array's {@code ]} follows the element (no more elements)
   * @param newlines line feeds between the element's start and {@code next}
   * @param trailingOffset with {@code closed}: the first byte after {@code ]} that is not white
   *     space, or -1 when only white space follows
   * @param trailingNewlines line feeds between {@code next} and {@code trailingOffset}
   */
  record End(
      long end,
      long next,
      boolean closed,
      long newlines,
      long trailingOffset,
      long trailingNewlines) {}

  /**
   * The end of the element starting at byte {@code start} (white space before it is skipped), or
   * null when it cannot be told: the file ends inside it (an unclosed string or bracket), its
   * brackets do not match, or something other than a comma or {@code ]} follows it.
   */
  static End find(Path file, long start) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      in.skipNBytes(start);
      long pos = start;
      long newlines = 0;
      StringBuilder open = new StringBuilder(); // the brackets still open, innermost last
      boolean started = false;
      boolean inString = false;
      boolean escaped = false;
      long end = -1;
      int b;
      // The element.
      while (end < 0 && (b = in.read()) >= 0) {
        pos++;
        if (b == '\n') {
          newlines++;
        }
        if (!started) {
          if (isSpace(b)) {
            continue;
          }
          started = true;
        }
        if (inString) {
          if (escaped) {
            escaped = false;
          } else if (b == '\\') {
            escaped = true;
          } else if (b == '"') {
            inString = false;
            if (open.length() == 0) {
              end = pos; // a string element
            }
          }
          continue;
        }
        switch (b) {
          case '"' -> inString = true;
          case '{', '[' -> open.append((char) b);
          case '}', ']' -> {
            int last = open.length() - 1;
            if (last < 0 || open.charAt(last) != (b == '}' ? '{' : '[')) {
              return null; // brackets that do not match: the element's end cannot be told
            }
            open.setLength(last);
            if (last == 0) {
              end = pos;
            }
          }
          case ',' -> {
            if (open.length() == 0) {
              return null; // a bare scalar: Jackson reports those itself
            }
          }
          default -> {
            // part of the element
          }
        }
      }
      if (end < 0) {
        return null;
      }
      // What follows it: white space, then a comma or the array's end.
      while ((b = in.read()) >= 0) {
        pos++;
        if (b == '\n') {
          newlines++;
        }
        if (isSpace(b)) {
          continue;
        }
        if (b == ',') {
          return new End(end, pos, false, newlines, -1, 0);
        }
        if (b != ']') {
          return null;
        }
        long next = pos;
        long trailingNewlines = 0;
        while ((b = in.read()) >= 0) {
          pos++;
          if (!isSpace(b)) {
            return new End(end, next, true, newlines, pos - 1, trailingNewlines);
          }
          if (b == '\n') {
            trailingNewlines++;
          }
        }
        return new End(end, next, true, newlines, -1, trailingNewlines);
      }
      return null;
    }
  }

  private static boolean isSpace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
