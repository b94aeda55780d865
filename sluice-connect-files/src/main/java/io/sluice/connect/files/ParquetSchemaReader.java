package io.sluice.connect.files;

import io.sluice.api.source.ObservedField;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads the schema of a Parquet file from its footer, without a Parquet library: the footer is the
 * file's {@code FileMetaData} in the Thrift compact protocol, followed by its length (4 bytes,
 * little-endian) and the magic {@code PAR1}. Only the footer is read, in small chunks, and only up
 * to its schema; fields this reader does not know are skipped whatever their Thrift type.
 */
final class ParquetSchemaReader {
  // Thrift compact protocol types
  private static final int T_TRUE = 1, T_FALSE = 2, T_BYTE = 3, T_I16 = 4, T_I32 = 5, T_I64 = 6;
  private static final int T_DOUBLE = 7, T_BINARY = 8, T_LIST = 9, T_SET = 10, T_MAP = 11;
  private static final int T_STRUCT = 12, T_UUID = 13;
  private static final int MAX_DEPTH = 64;
  private static final int REPEATED = 2;

  // Annotations: the field ids of the LogicalType union members; converted types map to them
  private static final int NONE = 0, STRING = 1, MAP = 2, LIST = 3, ENUM = 4, DECIMAL = 5;
  private static final int DATE = 6, TIME = 7, TIMESTAMP = 8, INTEGER = 10, JSON = 12, BSON = 13;
  private static final int UUID = 14;
  private static final int[] CONVERTED = {
    STRING, MAP, MAP, LIST, ENUM, DECIMAL, DATE, TIME, TIME, TIMESTAMP, TIMESTAMP, INTEGER, INTEGER,
    INTEGER, INTEGER, INTEGER, INTEGER, INTEGER, INTEGER, JSON, BSON
  };

  /** A type annotation; -1 for an absent number. */
  private record Annotation(int kind, int precision, int scale, int bitWidth, boolean signed) {}

  /** One schema element; -1 for an absent number. */
  private record Element(String name, int type, int repetition, int children, Annotation ann) {}

  /** A group being walked: the path prefix of its children and how many are still to come. */
  private static final class Group {
    final String prefix;
    int left;

    Group(String prefix, int children) {
      this.prefix = prefix;
      this.left = children;
    }
  }

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(8192).limit(0);
  private final long length;
  private final long end;
  private long next; // the file position of the first byte not yet in the buffer
  private int fieldId; // set by nextField
  private int fieldType;
  private int elementType; // set by listSize

  private ParquetSchemaReader(FileChannel channel, long start, long end) {
    this.channel = channel;
    this.next = start;
    this.end = end;
    this.length = end - start;
  }

  /**
   * The fields of a Parquet file, from its footer, as schema drift compares them: one per leaf
   * column in file order, named by the dotted path of its names below the root ({@code user.id}). A
   * repeated field, and a group annotated LIST or MAP, is one field of kind {@code array} (its
   * children are not listed). The kinds are {@code boolean}, {@code integer}, {@code bigint}
   * (64-bit and unsigned 32-bit integers), {@code number} (floating point and unsigned 64-bit
   * integers), {@code decimal(P,S)}, {@code string}, {@code binary}, {@code date}, {@code time},
   * {@code timestamp} and {@code array}.
   *
   * @throws IOException if the file cannot be read, is not a Parquet file (too short, no {@code
   *     PAR1} magic at its start or end), has an encrypted footer, a footer length beyond the file
   *     size, or a truncated or corrupt footer; the message says which, not the file's name
   */
  static List<ObservedField> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size == 0) {
        throw new IOException("not a Parquet file: it is empty");
      }
      if (size < 12) {
        throw new IOException(
            "not a Parquet file: " + size + " bytes, too short for PAR1 magic and a footer");
      }
      ByteBuffer tail = readFully(channel, size - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
      String endMagic = new String(tail.array(), 4, 4, StandardCharsets.ISO_8859_1);
      if (endMagic.equals("PARE")) {
        throw new IOException("the Parquet footer is encrypted (PARE magic): not supported");
      }
      if (!endMagic.equals("PAR1")) {
        throw new IOException("not a Parquet file: no PAR1 magic at its end");
      }
      if (!new String(readFully(channel, 0, 4).array(), StandardCharsets.ISO_8859_1)
          .equals("PAR1")) {
        throw new IOException("not a Parquet file: no PAR1 magic at its start");
      }
      long length = Integer.toUnsignedLong(tail.getInt(0));
      if (length > size - 12) {
        throw new IOException("footer length " + length + " exceeds the file size " + size);
      }
      return new ParquetSchemaReader(channel, size - 8 - length, size - 8).fields();
    }
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int count)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(count);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, position + bytes.position()) < 0) {
        throw new IOException("the file ended at " + (position + bytes.position()) + " bytes");
      }
    }
    return bytes;
  }

  /** FileMetaData: field 2 is the schema; the reading stops there. */
  private List<ObservedField> fields() throws IOException {
    int id = 0;
    while (nextField(id)) {
      id = fieldId;
      if (id == 2 && fieldType == T_LIST) {
        List<Element> schema = new ArrayList<>();
        int size = listSize();
        if (elementType != T_STRUCT) {
          throw corrupt("its schema is not a list of structs");
        }
        for (int i = 0; i < size; i++) {
          schema.add(element());
        }
        return flatten(schema);
      }
      skip(fieldType, 1);
    }
    throw corrupt("it has no schema");
  }

  private Element element() throws IOException {
    String name = null;
    int type = -1, repetition = -1, children = -1, converted = -1, scale = -1, precision = -1;
    Annotation logical = null;
    int id = 0;
    while (nextField(id)) {
      id = fieldId;
      int expected =
          switch (id) {
            case 1, 3, 5, 6, 7, 8 -> T_I32;
            case 4 -> T_BINARY;
            case 10 -> T_STRUCT;
            default -> -1;
          };
      if (fieldType != expected) {
        skip(fieldType, 2);
        continue;
      }
      switch (id) {
        case 1 -> type = i32();
        case 3 -> repetition = i32();
        case 4 -> name = string();
        case 5 -> children = i32();
        case 6 -> converted = i32();
        case 7 -> scale = i32();
        case 8 -> precision = i32();
        default -> logical = logicalType();
      }
    }
    if (name == null) {
      throw corrupt("a schema element has no name");
    }
    if (logical == null || logical.kind() == NONE) {
      boolean known = converted >= 0 && converted < CONVERTED.length;
      int width = converted >= 11 && converted <= 18 ? 8 << ((converted - 11) % 4) : -1;
      logical =
          new Annotation(
              known ? CONVERTED[converted] : NONE, precision, scale, width, converted >= 15);
    }
    return new Element(name, type, repetition, children, logical);
  }

  /** The LogicalType union: its member, with DECIMAL's and INTEGER's parameters. */
  private Annotation logicalType() throws IOException {
    int kind = NONE, scale = -1, precision = -1, bitWidth = -1;
    boolean signed = true;
    int id = 0;
    while (nextField(id)) {
      id = fieldId;
      if (fieldType != T_STRUCT || id < 1 || id > 15 || id == 9) { // 9 is reserved, 16+ unknown
        skip(fieldType, 3);
        continue;
      }
      kind = id;
      for (int member = 0; nextField(member); ) {
        member = fieldId;
        if (kind == DECIMAL && fieldType == T_I32 && (member == 1 || member == 2)) {
          int value = i32();
          scale = member == 1 ? value : scale;
          precision = member == 2 ? value : precision;
        } else if (kind == INTEGER && member == 1 && fieldType == T_BYTE) {
          bitWidth = readByte();
        } else if (kind == INTEGER && member == 2 && fieldType <= T_FALSE) {
          signed = fieldType == T_TRUE;
        } else {
          skip(fieldType, 4);
        }
      }
    }
    return new Annotation(kind, precision, scale, bitWidth, signed);
  }

  /**
   * Walks the depth-first schema list (element 0 is the root) without recursion; below an array,
   * the prefix is null: those elements are passed over.
   */
  private static List<ObservedField> flatten(List<Element> schema) throws IOException {
    if (schema.isEmpty()) {
      throw corrupt("its schema is empty");
    }
    List<ObservedField> fields = new ArrayList<>();
    Deque<Group> groups = new ArrayDeque<>();
    groups.push(new Group("", schema.get(0).children()));
    int i = 1;
    while (!groups.isEmpty()) {
      Group parent = groups.peek();
      if (parent.left-- <= 0) {
        groups.pop();
        continue;
      }
      if (i >= schema.size()) {
        throw corrupt("its schema ends inside a group");
      }
      Element e = schema.get(i++);
      int ann = e.ann().kind();
      boolean group = e.type() < 0 || e.children() > 0;
      String path = parent.prefix == null ? null : parent.prefix + e.name();
      if (path != null && (e.repetition() == REPEATED || group && (ann == LIST || ann == MAP))) {
        fields.add(new ObservedField(path, "array"));
        path = null;
      }
      if (group) {
        groups.push(new Group(path == null ? null : path + ".", e.children()));
      } else if (path != null) {
        fields.add(new ObservedField(path, kind(e.type(), e.ann(), path)));
      }
    }
    if (i != schema.size()) {
      throw corrupt("its schema has elements after the root's last child");
    }
    return fields;
  }

  private static String kind(int type, Annotation a, String path) throws IOException {
    int ann = a.kind();
    if (ann == DECIMAL) {
      if (a.precision() < 0 || a.scale() < 0) {
        throw corrupt("decimal column '" + path + "' has no precision or scale");
      }
      return "decimal(" + a.precision() + "," + a.scale() + ")";
    }
    boolean unsigned = ann == INTEGER && !a.signed();
    return switch (type) {
      case 0 -> "boolean";
      case 1 ->
          ann == DATE
              ? "date"
              : ann == TIME ? "time" : unsigned && a.bitWidth() == 32 ? "bigint" : "integer";
      case 2 ->
          ann == TIMESTAMP
              ? "timestamp"
              : ann == TIME ? "time" : unsigned && a.bitWidth() == 64 ? "number" : "bigint";
      case 3 -> "timestamp";
      case 4, 5 -> "number";
      case 6, 7 -> ann == STRING || ann == ENUM || ann == JSON || ann == UUID ? "string" : "binary";
      default -> throw corrupt("column '" + path + "' has unknown type " + type);
    };
  }

  // The Thrift compact protocol.

  /** Reads a field header into fieldId and fieldType; false at the struct's stop byte. */
  private boolean nextField(int lastId) throws IOException {
    int header = readByte() & 0xff;
    if (header == 0) {
      return false;
    }
    fieldType = header & 0x0f;
    fieldId = header >>> 4 == 0 ? (short) i32() : lastId + (header >>> 4);
    return true;
  }

  /** Reads a list or set header into elementType and returns its size. */
  private int listSize() throws IOException {
    int header = readByte() & 0xff;
    elementType = header & 0x0f;
    return header >>> 4 == 15 ? size() : header >>> 4;
  }

  private void skip(int type, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw corrupt("it nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (type) {
      case T_TRUE, T_FALSE -> {} // the value is the field header's type
      case T_BYTE -> skipBytes(1);
      case T_I16, T_I32, T_I64 -> varint();
      case T_DOUBLE -> skipBytes(8);
      case T_BINARY -> skipBytes(size());
      case T_UUID -> skipBytes(16);
      case T_LIST, T_SET -> {
        for (int i = listSize(), element = elementType; i > 0; i--) {
          skipElement(element, depth + 1);
        }
      }
      case T_MAP -> {
        int size = size();
        int types = size > 0 ? readByte() & 0xff : 0;
        for (int i = 0; i < size; i++) {
          skipElement(types >>> 4, depth + 1);
          skipElement(types & 0x0f, depth + 1);
        }
      }
      case T_STRUCT -> {
        for (int id = 0; nextField(id); id = fieldId) {
          skip(fieldType, depth + 1);
        }
      }
      default -> throw corrupt("it has unknown Thrift type " + type);
    }
  }

  /** A list, set or map element: a boolean is one byte there, not part of a field header. */
  private void skipElement(int type, int depth) throws IOException {
    if (type == T_TRUE || type == T_FALSE) {
      skipBytes(1);
    } else {
      skip(type, depth);
    }
  }

  private int i32() throws IOException {
    int zigzag = (int) varint();
    return (zigzag >>> 1) ^ -(zigzag & 1);
  }

  /** A length or element count: every element takes at least one byte of the footer. */
  private int size() throws IOException {
    long size = varint();
    if (size < 0 || size > remaining()) {
      throw new IOException(
          String.format(
              "the Parquet footer is truncated or corrupt: a size of %d exceeds the %d bytes left",
              size, remaining()));
    }
    return (int) size;
  }

  private long varint() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = readByte();
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw corrupt("it has a varint longer than 10 bytes");
  }

  private String string() throws IOException {
    byte[] bytes = new byte[size()];
    for (int done = 0; done < bytes.length; ) {
      fillIfEmpty();
      int count = Math.min(bytes.length - done, buffer.remaining());
      buffer.get(bytes, done, count);
      done += count;
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private byte readByte() throws IOException {
    fillIfEmpty();
    return buffer.get();
  }

  private void skipBytes(long count) throws IOException {
    if (count > remaining()) {
      throw truncated();
    }
    int inBuffer = (int) Math.min(count, buffer.remaining());
    buffer.position(buffer.position() + inBuffer);
    next += count - inBuffer;
  }

  private long remaining() {
    return end - next + buffer.remaining();
  }

  private void fillIfEmpty() throws IOException {
    if (buffer.hasRemaining()) {
      return;
    }
    if (next >= end) {
      throw truncated();
    }
    buffer.clear().limit((int) Math.min(buffer.capacity(), end - next));
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, next + buffer.position()) < 0) {
        throw new IOException("the file ended while its footer was read");
      }
    }
    next += buffer.flip().limit();
  }

  private IOException truncated() {
    return new IOException(
        "the Parquet footer is truncated: its " + length + " bytes end inside the metadata");
  }

  private static IOException corrupt(String what) {
    return new IOException("the Parquet footer is corrupt: " + what);
  }
}
