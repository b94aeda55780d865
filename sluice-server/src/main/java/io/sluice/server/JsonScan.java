package io.sluice.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A one-pass check that bytes hold one strict JSON object (RFC 8259, UTF-8), which finds where it
 * ends without building tokens or names: the push path's check of every record, which also finds a
 * record's partition key ({@link #key}).
 *
 * <p>It is conservative: it answers "valid" only for objects that Jackson, with the server's
 * settings, also reads without error, and leaves everything else (errors, and rare valid input: a
 * nesting deeper than {@value #MAX_DEPTH}, a number longer than {@value #MAX_NUMBER} characters, a
 * field name longer than {@value #MAX_NAME} bytes, an escaped UTF-16 surrogate) to Jackson, whose
 * verdict and error message then stand. So the quick path changes what a request costs, never what
 * it is answered.
 */
final class JsonScan {
  /** Deeper nesting is left to Jackson (its limit is higher; the bit stack below holds 63). */
  static final int MAX_DEPTH = 63;

  /** Longer numbers are left to Jackson (its limit is 1,000 characters). */
  static final int MAX_NUMBER = 64;

  /** Longer field names are left to Jackson (its limit is 50,000 bytes). */
  static final int MAX_NAME = 4096;

  private JsonScan() {}

  /**
   * Where the JSON object starting at {@code from} (which must be its {@code '{'}) ends, i.e. the
   * index after its closing brace, when it is valid and ends before {@code to}; -1 when it is not
   * valid, does not end before {@code to}, or is one of the rare valid cases left to Jackson.
   */
  static int skipObject(byte[] b, int from, int to) {
    if (from >= to || b[from] != '{') {
      return -1;
    }
    return skipValue(b, from, to);
  }

  /** As {@link #skipObject}, for any JSON value starting at {@code from}. */
  private static int skipValue(byte[] b, int from, int to) {
    long objects = 0; // bit d set: nesting level d is an object (clear: an array)
    int depth = 0;
    int i = from;
    // Each turn reads one value at i (the state "value") and then what follows it.
    boolean expectName = false;
    while (true) {
      if (expectName) {
        i = string(b, i, to, MAX_NAME);
        if (i < 0) {
          return -1;
        }
        i = space(b, i, to);
        if (i >= to || b[i] != ':') {
          return -1;
        }
        i = space(b, i + 1, to);
        expectName = false;
      }
      if (i >= to) {
        return -1;
      }
      byte c = b[i];
      if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          return -1;
        }
        boolean object = c == '{';
        objects = object ? objects | (1L << depth) : objects & ~(1L << depth);
        i = space(b, i + 1, to);
        if (i < to && b[i] == (object ? '}' : ']')) {
          i++;
          depth--;
        } else {
          expectName = object;
          continue;
        }
      } else if (c == '"') {
        i = string(b, i, to, Integer.MAX_VALUE);
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        i = number(b, i, to);
      } else if (c == 't') {
        i = literal(b, i, to, TRUE);
      } else if (c == 'f') {
        i = literal(b, i, to, FALSE);
      } else if (c == 'n') {
        i = literal(b, i, to, NULL);
      } else {
        return -1;
      }
      if (i < 0) {
        return -1;
      }
      // After a value: close containers, or find the comma before the next member.
      while (true) {
        if (depth == 0) {
          return i;
        }
        i = space(b, i, to);
        if (i >= to) {
          return -1;
        }
        boolean object = (objects & (1L << depth)) != 0;
        byte next = b[i];
        if (next == ',') {
          i = space(b, i + 1, to);
          expectName = object;
          break;
        }
        if (next != (object ? '}' : ']')) {
          return -1;
        }
        i++;
        depth--;
      }
    }
  }

  /** What {@link #key} answers when it leaves the key to Jackson. */
  static final String UNDECIDED = new String("(left to Jackson)");

  /**
   * The partition key of a valid object starting at {@code from}: the scalar at {@code path} (field
   * names as UTF-8), as text, as Jackson's {@code getText()} gives it (a string unescaped, a number
   * as written, {@code true}/{@code false}); null when the path is missing or leads to null, an
   * object or an array. The first field of a name counts. Returns {@link #UNDECIDED} (compare by
   * identity) when a name or the key has an escape, which Jackson then decodes.
   */
  static String key(byte[] b, int from, int to, byte[][] path) {
    int i = from;
    for (int depth = 0; ; depth++) {
      i = space(b, i + 1, to); // i was at the object's '{'
      boolean descended = false;
      while (i < to && b[i] != '}') {
        int nameEnd = string(b, i, to, MAX_NAME);
        if (nameEnd < 0 || escaped(b, i + 1, nameEnd - 1)) {
          return UNDECIDED;
        }
        boolean match = Arrays.equals(b, i + 1, nameEnd - 1, path[depth], 0, path[depth].length);
        i = space(b, space(b, nameEnd, to) + 1, to); // past the ':'
        if (match) {
          if (depth == path.length - 1) {
            return scalarText(b, i, to);
          }
          if (i >= to || b[i] != '{') {
            return null;
          }
          descended = true;
          break;
        }
        int end = skipValue(b, i, to);
        if (end < 0) {
          return UNDECIDED;
        }
        i = space(b, end, to);
        if (i < to && b[i] == ',') {
          i = space(b, i + 1, to);
        }
      }
      if (!descended) {
        return null;
      }
    }
  }

  private static String scalarText(byte[] b, int i, int to) {
    if (i >= to) {
      return UNDECIDED;
    }
    byte c = b[i];
    if (c == '"') {
      int end = string(b, i, to, Integer.MAX_VALUE);
      if (end < 0 || escaped(b, i + 1, end - 1)) {
        return UNDECIDED;
      }
      return new String(b, i + 1, end - i - 2, UTF_8);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      int end = number(b, i, to);
      return end < 0 ? UNDECIDED : new String(b, i, end - i, US_ASCII);
    }
    if (c == 't') {
      return "true";
    }
    if (c == 'f') {
      return "false";
    }
    return null; // null, an object or an array
  }

  private static boolean escaped(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** The index of the first byte at or after {@code i} that is not JSON white space. */
  static int space(byte[] b, int i, int to) {
    while (i < to) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private static int literal(byte[] b, int i, int to, byte[] word) {
    if (to - i < word.length) {
      return -1;
    }
    for (int k = 1; k < word.length; k++) {
      if (b[i + k] != word[k]) {
        return -1;
      }
    }
    return i + word.length;
  }

  /** A number at i: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
  private static int number(byte[] b, int i, int to) {
    int start = i;
    if (b[i] == '-') {
      i++;
    }
    if (i >= to) {
      return -1;
    }
    if (b[i] == '0') {
      i++;
    } else {
      int digits = digits(b, i, to);
      if (digits == i) {
        return -1;
      }
      i = digits;
    }
    if (i < to && b[i] == '.') {
      int digits = digits(b, i + 1, to);
      if (digits == i + 1) {
        return -1;
      }
      i = digits;
    }
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < to && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int digits = digits(b, i, to);
      if (digits == i) {
        return -1;
      }
      i = digits;
    }
    return i - start > MAX_NUMBER ? -1 : i;
  }

  private static int digits(byte[] b, int i, int to) {
    while (i < to && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i;
  }

  /**
   * A string at i (its opening quote): the index after its closing quote, or -1 for a control
   * character, a bad escape, an escaped surrogate, invalid UTF-8 or more than {@code maxBytes}.
   */
  private static int string(byte[] b, int i, int to, int maxBytes) {
    if (i >= to || b[i] != '"') {
      return -1;
    }
    int start = ++i;
    while (i < to) {
      // Eight bytes at a time, straight to the first that is not plain (only the last few bytes
      // before `to` go one at a time).
      if (i + Long.BYTES <= to) {
        long special = special((long) LONGS.get(b, i));
        if (special == 0) {
          i += Long.BYTES;
          continue;
        }
        i += Long.numberOfTrailingZeros(special) >>> 3;
      }
      byte c = b[i];
      if (c == '"') {
        return i - start > maxBytes ? -1 : i + 1;
      }
      if (c == '\\') {
        i = escape(b, i + 1, to);
        if (i < 0) {
          return -1;
        }
      } else if (c >= 0x20) {
        i++;
      } else if (c >= 0) {
        return -1; // an unescaped control character
      } else {
        i = Utf8.sequenceEnd(b, i, to);
        if (i < 0) {
          return -1;
        }
      }
    }
    return -1;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * Flags (high bit set) the bytes of a little-endian word that are a quote, a backslash, below
   * 0x20 or above 0x7F. A test may also flag bytes after a true find (a borrow carries upwards),
   * never before one: the lowest flag is the first such byte.
   */
  private static long special(long word) {
    long quote = word ^ (ONES * '"');
    long backslash = word ^ (ONES * '\\');
    long found =
        ((quote - ONES) & ~quote)
            | ((backslash - ONES) & ~backslash)
            | ((word - ONES * 0x20) & ~word)
            | word;
    return found & HIGHS;
  }

  private static int escape(byte[] b, int i, int to) {
    if (i >= to) {
      return -1;
    }
    switch (b[i]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
        return i + 1;
      case 'u':
        if (to - i < 5) {
          return -1;
        }
        int code = 0;
        for (int k = 1; k <= 4; k++) {
          int digit = Character.digit(b[i + k], 16);
          if (digit < 0) {
            return -1;
          }
          code = code << 4 | digit;
        }
        // Surrogate pairs and lone surrogates: left to Jackson.
        return code >= 0xD800 && code <= 0xDFFF ? -1 : i + 5;
      default:
        return -1;
    }
  }
}
