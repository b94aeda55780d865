package io.sluice.connect.files;

import io.sluice.api.source.ObservedField;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of NDJSON lines (UTF-8 bytes) with the widest kind of value seen for each leaf path:
 * what {@link JsonSchemaScanner} finds, without a JSON parser's tokens and strings for every line.
 *
 * <p>A line is read as strict JSON (RFC 8259) straight from its bytes; its paths are found in a
 * tree of the keys seen so far, so a line shaped like the one before it creates nothing. Its paths
 * and kinds are applied only once the whole object has read cleanly; any line it does not take as a
 * whole (malformed, a key with escapes, deep nesting, very long numbers or keys, not an object, a
 * byte-order mark) goes to {@link JsonSchemaScanner#line}, which decides exactly as before. So for
 * every line the result is the parser's, a property the tests check against Jackson.
 *
 * <p>It assumes its input is valid UTF-8 without control bytes other than tab: the caller ({@link
 * FileScan}) discards the result of a file that {@link NdjsonPrescan} rejects. One file at a time,
 * one thread.
 */
final class NdjsonObserver {
  private static final int MAX_DEPTH = 200;
  private static final int MAX_KEY_BYTES = 1024;
  private static final int MAX_NUMBER_BYTES = 500;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long SPACES = 0x2020202020202020L;

  // Events of one line: a value's kind at a path, or an object's start and end (its paths nest).
  private static final byte OBJECT_START = 0;
  private static final byte OBJECT_END = 1;
  private static final String[] KIND_OF_EVENT = {
    null,
    null,
    FieldKinds.STRING,
    FieldKinds.BOOLEAN,
    FieldKinds.NULL,
    FieldKinds.ARRAY,
    FieldKinds.INTEGER,
    FieldKinds.BIGINT,
    FieldKinds.NUMBER
  };
  private static final byte STRING = 2;
  private static final byte BOOLEAN = 3;
  private static final byte NULL = 4;
  private static final byte ARRAY = 5;
  private static final byte INTEGER = 6;
  private static final byte BIGINT = 7;
  private static final byte NUMBER = 8;

  private final FieldKinds kinds = new FieldKinds();
  private final JsonSchemaScanner fallback;
  private final Node root = new Node(null, null);

  private Node[] eventPaths = new Node[64];
  private byte[] eventKinds = new byte[64];
  private int events;

  private byte[] bytes;
  private int end;

  NdjsonObserver(JsonSchemaScanner fallback) {
    this.fallback = fallback;
  }

  /**
   * Observes {@code bytes[from, to)}: whole lines, each ending with LF except a last one that ends
   * the file.
   */
  void lines(byte[] bytes, int from, int to) {
    this.bytes = bytes;
    this.end = to;
    int start = from;
    while (start < to) {
      start = line(start);
    }
  }

  /**
   * Observes one record that is not a line of its own (it spans lines, or holds bytes the engine's
   * line reader refuses) as {@link JsonSchemaScanner#record} does, into the same fields.
   */
  void record(String text) {
    fallback.record(text, kinds);
  }

  /** The fields seen so far, in the order first seen. */
  List<ObservedField> fields() {
    return kinds.fields();
  }

  /**
   * Observes the line at {@code start}; returns where the next one starts. The object is read with
   * the end of all lines as its bound: an LF inside it is no JSON whitespace and no string byte, so
   * it stops the read; only then, or after the object, is the line's end looked for.
   */
  private int line(int start) {
    events = 0;
    int p = skipSpace(start);
    if (p < end && bytes[p] == '{') {
      int after = object(p + 1, root, 1);
      if (after >= 0) {
        apply();
        int newline = indexOf(bytes, (byte) '\n', after, end);
        return newline < 0 ? end : newline + 1;
      }
    }
    int newline = indexOf(bytes, (byte) '\n', p, end);
    int lineEnd = newline < 0 ? end : newline;
    if (lineEnd > p) {
      // Not blank (a blank line has no token, so no fields): the parser decides.
      fallback.line(new String(bytes, start, lineEnd - start, StandardCharsets.UTF_8), kinds);
    }
    return lineEnd + 1;
  }

  /** Applies the events of a line, as {@link JsonSchemaScanner} would apply its tokens. */
  private void apply() {
    int i = 0;
    while (i < events) {
      byte event = eventKinds[i];
      if (event == OBJECT_END) {
        i++;
        continue;
      }
      FieldKinds.Slot slot = eventPaths[i].slot(kinds);
      if (event == OBJECT_START) {
        if (slot.kind != null && !slot.kind.equals(FieldKinds.OBJECT)) {
          kinds.set(slot, FieldKinds.MIXED);
          i = afterObject(i);
          continue;
        }
        if (slot.kind == null) {
          kinds.set(slot, FieldKinds.OBJECT);
        }
      } else {
        Node path = eventPaths[i];
        // Widening by the kind that last left the path as it is leaves it as it is again.
        if (path.unchangedBy != event || slot.kind != path.unchangedKind) {
          kinds.merge(slot, KIND_OF_EVENT[event]);
          path.unchangedBy = event;
          path.unchangedKind = slot.kind;
        }
      }
      i++;
    }
  }

  /** The event after the end of the object whose start is event {@code start}. */
  private int afterObject(int start) {
    int depth = 0;
    int i = start;
    do {
      if (eventKinds[i] == OBJECT_START) {
        depth++;
      } else if (eventKinds[i] == OBJECT_END) {
        depth--;
      }
      i++;
    } while (depth > 0);
    return i;
  }

  private void event(Node path, byte kind) {
    if (events == eventKinds.length) {
      eventKinds = Arrays.copyOf(eventKinds, events * 2);
      eventPaths = Arrays.copyOf(eventPaths, events * 2);
    }
    eventPaths[events] = path;
    eventKinds[events++] = kind;
  }

  /**
   * Reads the members of an object after its <code>{</code>, through its <code>}</code>; records
   * events for the paths under {@code parent} (none when {@code parent} is null: inside an array).
   *
   * @return the position after the object, or -1 if this scanner does not take it
   */
  private int object(int p, Node parent, int depth) {
    if (depth > MAX_DEPTH) {
      return -1;
    }
    p = skipSpace(p);
    if (p < end && bytes[p] == '}') {
      return p + 1;
    }
    while (p < end && bytes[p] == '"') {
      int keyStart = p + 1;
      Node path = parent == null ? null : parent.expected(bytes, keyStart, end);
      int keyEnd;
      if (path != null) {
        keyEnd = keyStart + path.key.length;
      } else {
        keyEnd = keyEnd(keyStart);
        if (keyEnd < 0) {
          return -1;
        }
        path = parent == null ? null : parent.child(bytes, keyStart, keyEnd);
      }
      p = skipSpace(keyEnd + 1);
      if (p >= end || bytes[p] != ':') {
        return -1;
      }
      p = skipSpace(p + 1);
      p = value(p, path, depth);
      if (p < 0) {
        return -1;
      }
      p = skipSpace(p);
      if (p >= end) {
        return -1;
      }
      if (bytes[p] == '}') {
        return p + 1;
      }
      if (bytes[p] != ',') {
        return -1;
      }
      p = skipSpace(p + 1);
    }
    return -1;
  }

  /** Reads the elements of an array after its {@code [}, through its {@code ]}. */
  private int array(int p, int depth) {
    if (depth > MAX_DEPTH) {
      return -1;
    }
    p = skipSpace(p);
    if (p < end && bytes[p] == ']') {
      return p + 1;
    }
    while (true) {
      p = value(p, null, depth);
      if (p < 0) {
        return -1;
      }
      p = skipSpace(p);
      if (p >= end) {
        return -1;
      }
      if (bytes[p] == ']') {
        return p + 1;
      }
      if (bytes[p] != ',') {
        return -1;
      }
      p = skipSpace(p + 1);
    }
  }

  /**
   * Reads one value at {@code p}; records its kind at {@code path} unless null.
   *
   * @return the position after it, or -1
   */
  private int value(int p, Node path, int depth) {
    if (p >= end) {
      return -1;
    }
    byte kind;
    int after;
    switch (bytes[p]) {
      case '"' -> {
        after = stringEnd(p + 1);
        kind = STRING;
      }
      case '{' -> {
        if (path == null) {
          return object(p + 1, null, depth + 1);
        }
        int mark = events;
        event(path, OBJECT_START);
        after = object(p + 1, path, depth + 1);
        if (after < 0) {
          events = mark;
          return -1;
        }
        event(path, OBJECT_END);
        return after;
      }
      case '[' -> {
        after = array(p + 1, depth + 1);
        kind = ARRAY;
      }
      case 't' -> {
        after = literal(p, "true");
        kind = BOOLEAN;
      }
      case 'f' -> {
        after = literal(p, "false");
        kind = BOOLEAN;
      }
      case 'n' -> {
        after = literal(p, "null");
        kind = NULL;
      }
      default -> {
        return number(p, path);
      }
    }
    if (after >= 0 && path != null) {
      event(path, kind);
    }
    return after;
  }

  private int literal(int p, String word) {
    int length = word.length();
    if (p + length > end) {
      return -1;
    }
    for (int i = 1; i < length; i++) {
      if (bytes[p + i] != word.charAt(i)) {
        return -1;
      }
    }
    return p + length;
  }

  /** Reads a number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
  private int number(int p, Node path) {
    int q = p;
    if (bytes[q] == '-') {
      q++;
    }
    int digits = q;
    if (q < end && bytes[q] == '0') {
      q++;
    } else if (q < end && isDigit(bytes[q])) {
      q = digitsEnd(q);
    } else {
      return -1;
    }
    int integerDigits = q - digits;
    boolean fraction = false;
    if (q < end && bytes[q] == '.') {
      int from = q + 1;
      q = digitsEnd(from);
      if (q == from) {
        return -1;
      }
      fraction = true;
    }
    if (q < end && (bytes[q] == 'e' || bytes[q] == 'E')) {
      q++;
      if (q < end && (bytes[q] == '+' || bytes[q] == '-')) {
        q++;
      }
      int from = q;
      q = digitsEnd(from);
      if (q == from) {
        return -1;
      }
      fraction = true;
    }
    if (q - p > MAX_NUMBER_BYTES) {
      return -1;
    }
    if (path != null) {
      byte kind;
      if (fraction) {
        kind = NUMBER;
      } else if (integerDigits < 10) {
        kind = INTEGER;
      } else if (integerDigits > 10) {
        kind = BIGINT;
      } else {
        long value = Long.parseLong(new String(bytes, p, q - p, StandardCharsets.US_ASCII));
        kind = value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? INTEGER : BIGINT;
      }
      event(path, kind);
    }
    return q;
  }

  private int digitsEnd(int q) {
    while (q < end && isDigit(bytes[q])) {
      q++;
    }
    return q;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** The position of a key's closing quote; -1 for a key with escapes or control bytes. */
  private int keyEnd(int p) {
    int limit = Math.min(end, p + MAX_KEY_BYTES);
    for (int i = p; i < limit; i++) {
      byte b = bytes[i];
      if (b == '"') {
        return i;
      }
      if (b == '\\' || (b >= 0 && b < 0x20)) {
        return -1;
      }
    }
    return -1;
  }

  /** The position after a string's closing quote, its text starting at {@code p}; or -1. */
  private int stringEnd(int p) {
    int i = p;
    while (i < end) {
      if (i + 8 <= end) {
        long word = (long) LONGS.get(bytes, i);
        long quotes = word ^ QUOTES;
        long backslashes = word ^ BACKSLASHES;
        // A high bit for each quote, backslash or control byte; the lowest one is exact.
        long flags =
            ((quotes - ONES) & ~quotes
                    | (backslashes - ONES) & ~backslashes
                    | (word - SPACES) & ~word)
                & HIGH_BITS;
        if (flags == 0) {
          i += 8;
          continue;
        }
        i += Long.numberOfTrailingZeros(flags) >>> 3;
      }
      byte b = bytes[i];
      if (b == '"') {
        return i + 1;
      }
      if (b == '\\') {
        i = escapeEnd(i + 1);
        if (i < 0) {
          return -1;
        }
      } else if (b >= 0 && b < 0x20) {
        return -1;
      } else {
        i++;
      }
    }
    return -1;
  }

  /** The position after an escape whose letter is at {@code p}; or -1 if it is not one. */
  private int escapeEnd(int p) {
    if (p >= end) {
      return -1;
    }
    switch (bytes[p]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return p + 1;
      }
      case 'u' -> {
        if (p + 5 > end) {
          return -1;
        }
        for (int i = p + 1; i <= p + 4; i++) {
          if (Character.digit(bytes[i], 16) < 0) {
            return -1;
          }
        }
        return p + 5;
      }
      default -> {
        return -1;
      }
    }
  }

  private int skipSpace(int p) {
    while (p < end && (bytes[p] == ' ' || bytes[p] == '\t')) {
      p++;
    }
    return p;
  }

  private static int indexOf(byte[] bytes, byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A path: the key that ends it, under its parent's path. Its children are looked up by their
   * key's bytes, starting after the child found last (records tend to repeat their key order).
   */
  private static final class Node {
    private static final int MAX_LISTED_CHILDREN = 32;

    /** The dotted path; null for the root, the record itself. */
    private final String path;

    private final byte[] key;
    private Node[] children = new Node[0];
    private Map<String, Node> manyChildren;
    private int next;
    private FieldKinds.Slot slot;

    /** The last event kind merged into this path's slot, and the slot's kind after it. */
    private byte unchangedBy = -1;

    private String unchangedKind;

    /** The key's last eight bytes (all of a shorter key's, in its low bytes) as one long. */
    private final long keyTail;

    /** The low bytes a key shorter than eight bytes fills. */
    private final long keyMask;

    Node(String path, byte[] key) {
      this.path = path;
      this.key = key;
      if (key == null) {
        keyTail = 0;
        keyMask = 0;
      } else if (key.length >= 8) {
        keyTail = (long) LONGS.get(key, key.length - 8);
        keyMask = -1;
      } else {
        long tail = 0;
        for (int i = key.length - 1; i >= 0; i--) {
          tail = tail << 8 | (key[i] & 0xFF);
        }
        keyTail = tail;
        keyMask = key.length == 0 ? 0 : -1L >>> (64 - 8 * key.length);
      }
    }

    FieldKinds.Slot slot(FieldKinds kinds) {
      if (slot == null) {
        slot = kinds.slot(path);
      }
      return slot;
    }

    /**
     * The child whose key follows the one found last, if the key at {@code from} is its key: its
     * bytes then a quote (a stored key holds no quote or backslash, so the key ends there).
     */
    Node expected(byte[] bytes, int from, int end) {
      if (children == null || children.length == 0) {
        return null;
      }
      Node guess = children[next];
      if (!guess.isKeyAt(bytes, from, end)) {
        return null;
      }
      next = next + 1 == children.length ? 0 : next + 1;
      return guess;
    }

    /** Whether {@code bytes[from, end)} starts with this node's key and a quote. */
    private boolean isKeyAt(byte[] bytes, int from, int end) {
      int length = key.length;
      if (from + length >= end || bytes[from + length] != '"') {
        return false;
      }
      if (length >= 8) {
        // Eight bytes at a time, the last eight overlapping the ones before if need be.
        for (int i = 0; i < length - 8; i += 8) {
          if ((long) LONGS.get(bytes, from + i) != (long) LONGS.get(key, i)) {
            return false;
          }
        }
        return (long) LONGS.get(bytes, from + length - 8) == keyTail;
      }
      if (from + 8 <= bytes.length) {
        return ((long) LONGS.get(bytes, from) & keyMask) == keyTail;
      }
      return Arrays.equals(key, 0, length, bytes, from, from + length);
    }

    Node child(byte[] bytes, int from, int to) {
      if (manyChildren != null) {
        String name = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        return manyChildren.computeIfAbsent(name, n -> new Node(childPath(n), null));
      }
      int count = children.length;
      for (int n = 0; n < count; n++) {
        int index = next + n < count ? next + n : next + n - count;
        byte[] candidate = children[index].key;
        if (Arrays.equals(candidate, 0, candidate.length, bytes, from, to)) {
          next = index + 1 == count ? 0 : index + 1;
          return children[index];
        }
      }
      byte[] name = Arrays.copyOfRange(bytes, from, to);
      Node child = new Node(childPath(new String(name, StandardCharsets.UTF_8)), name);
      if (count == MAX_LISTED_CHILDREN) {
        manyChildren = new HashMap<>();
        for (Node listed : children) {
          manyChildren.put(new String(listed.key, StandardCharsets.UTF_8), listed);
        }
        manyChildren.put(new String(name, StandardCharsets.UTF_8), child);
        children = null;
        return child;
      }
      children = Arrays.copyOf(children, count + 1);
      children[count] = child;
      next = count + 1 == children.length ? 0 : count + 1;
      return child;
    }

    private String childPath(String name) {
      return path == null ? name : path + "." + name;
    }
  }
}
