package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.api.source.ObservedField;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetSchemaReaderTest {
  private static final int BOOL_TRUE = 1, BOOL_FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6;
  private static final int DOUBLE = 7, BINARY = 8, LIST = 9, SET = 10, MAP = 11, STRUCT = 12;
  private static final int REQUIRED = 0, OPTIONAL = 1, REPEATED = 2;

  @TempDir Path dir;

  private int files;

  /** Writes the query's result as a Parquet file with DuckDB. */
  private Path duckdb(String select) throws SQLException {
    Path file = dir.resolve("x" + files++ + ".parquet");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "COPY (" + select + ") TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
    }
    return file;
  }

  private Path write(byte[] content) throws IOException {
    return Files.write(dir.resolve("x" + files++ + ".parquet"), content);
  }

  private static ObservedField f(String path, String type) {
    return new ObservedField(path, type);
  }

  @Test
  void readsEveryScalarKindDuckdbWrites() throws Exception {
    Path file =
        duckdb(
            "SELECT true AS b, 1::TINYINT AS ti, 1::SMALLINT AS si, 1::INTEGER AS i,"
                + " 1::UTINYINT AS uti, 1::USMALLINT AS usi, 1::UINTEGER AS ui, 1::BIGINT AS bi,"
                + " 1::UBIGINT AS ubi, 1::HUGEINT AS hi, 1::FLOAT AS fl, 1::DOUBLE AS d,"
                + " 1.5::DECIMAL(4,1) AS d4, 1.5::DECIMAL(12,2) AS d12,"
                + " 1.5::DECIMAL(38,10) AS d38, 'x'::VARCHAR AS s, 'x'::BLOB AS bl,"
                + " DATE '2024-01-01' AS dt, TIME '12:00:00' AS t,"
                + " TIMESTAMP '2024-01-01 10:00:00' AS ts,"
                + " TIMESTAMPTZ '2024-01-01 10:00:00+00' AS tstz,"
                + " '2024-01-01'::TIMESTAMP_MS AS tsms, '2024-01-01'::TIMESTAMP_NS AS tsns,"
                + " uuid() AS u, INTERVAL 1 DAY AS iv, 'a'::ENUM('a', 'b') AS en,"
                + " CAST(NULL AS INTEGER) AS nullable");

    assertThat(ParquetSchemaReader.read(file))
        .containsExactly(
            f("b", "boolean"),
            f("ti", "integer"),
            f("si", "integer"),
            f("i", "integer"),
            f("uti", "integer"),
            f("usi", "integer"),
            f("ui", "bigint"),
            f("bi", "bigint"),
            f("ubi", "number"),
            f("hi", "number"), // DuckDB writes HUGEINT as DOUBLE
            f("fl", "number"),
            f("d", "number"),
            f("d4", "decimal(4,1)"),
            f("d12", "decimal(12,2)"),
            f("d38", "decimal(38,10)"),
            f("s", "string"),
            f("bl", "binary"),
            f("dt", "date"),
            f("t", "time"),
            f("ts", "timestamp"),
            f("tstz", "timestamp"),
            f("tsms", "timestamp"),
            f("tsns", "timestamp"), // a logical type only, no converted type
            f("u", "string"), // FIXED_LEN_BYTE_ARRAY(16) with the UUID logical type only
            f("iv", "binary"), // FIXED_LEN_BYTE_ARRAY(12), converted type INTERVAL
            f("en", "string"), // DuckDB writes an ENUM as UTF8
            f("nullable", "integer"));
  }

  @Test
  void nestedStructsAreDottedPathsAndListsAndMapsAreArrays() throws Exception {
    Path file =
        duckdb(
            "SELECT 1 AS id, {'id': 7, 'address': {'city': 'Oslo', 'zip': 150},"
                + " 'tags': ['a']} AS \"user\", [1, 2] AS scores, MAP {'k': 1} AS attrs,"
                + " [{'sku': 'a', 'q': 1}] AS items, [[1], [2]] AS grid, 'x' AS last");

    assertThat(ParquetSchemaReader.read(file))
        .containsExactly(
            f("id", "integer"),
            f("user.id", "integer"),
            f("user.address.city", "string"),
            f("user.address.zip", "integer"),
            f("user.tags", "array"),
            f("scores", "array"),
            f("attrs", "array"),
            f("items", "array"),
            f("grid", "array"),
            f("last", "string"));
  }

  @Test
  void readsManyColumnsInFileOrder() throws Exception {
    String select =
        IntStream.range(0, 300)
            .mapToObj(i -> (i % 3 == 0 ? "'x'" : i % 3 == 1 ? "1" : "1.5::DOUBLE") + " AS c" + i)
            .collect(Collectors.joining(", ", "SELECT ", ""));

    List<ObservedField> fields = ParquetSchemaReader.read(duckdb(select));

    assertThat(fields).hasSize(300);
    assertThat(fields.subList(0, 4))
        .containsExactly(
            f("c0", "string"), f("c1", "integer"), f("c2", "number"), f("c3", "string"));
    assertThat(fields.get(299)).isEqualTo(f("c299", "number"));
  }

  @Test
  void readsLongAndNonAsciiNames() throws Exception {
    String longName = "a".repeat(1000);
    String nested = "b".repeat(300);
    Path file = duckdb("SELECT 1 AS \"" + longName + "\", {'" + nested + "': 'x'} AS \"größe 日本\"");

    assertThat(ParquetSchemaReader.read(file))
        .containsExactly(f(longName, "integer"), f("größe 日本." + nested, "string"));
  }

  @Test
  void readsAFileWithoutRows() throws Exception {
    Path file = duckdb("SELECT 1 AS a, 'x' AS b WHERE false");

    assertThat(ParquetSchemaReader.read(file)).containsExactly(f("a", "integer"), f("b", "string"));
  }

  // Errors: always an IOException that says what is wrong.

  @Test
  void rejectsAnEmptyFile() throws Exception {
    Path file = write(new byte[0]);

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("not a Parquet file: it is empty");
  }

  @Test
  void rejectsAFileTooShortForAFooter() throws Exception {
    Path file = write("PAR1PAR1".getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("not a Parquet file: 8 bytes, too short for PAR1 magic and a footer");
  }

  @Test
  void rejectsACsvFileNamedParquet() throws Exception {
    Path file = write("id,name\n1,ann\n2,bob\n".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("not a Parquet file: no PAR1 magic at its end");
  }

  @Test
  void rejectsAFileCutInTheMiddleOfItsFooter() throws Exception {
    byte[] parquet = Files.readAllBytes(duckdb("SELECT 1 AS a, 'x' AS b"));
    Path file = write(Arrays.copyOf(parquet, parquet.length - 8 - footerLength(parquet) / 2));

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("not a Parquet file: no PAR1 magic at its end");
  }

  @Test
  void rejectsAFooterLengthBeyondTheFileSize() throws Exception {
    byte[] parquet = Files.readAllBytes(duckdb("SELECT 1 AS a"));
    ByteBuffer.wrap(parquet).order(ByteOrder.LITTLE_ENDIAN).putInt(parquet.length - 8, 1 << 30);
    Path file = write(parquet);

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("footer length 1073741824 exceeds the file size " + parquet.length);
  }

  @Test
  void rejectsAFooterLengthOneBeyondTheFileSize() throws Exception {
    Path file = write(parquetFile(new byte[] {0}));
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 8, 3);
    Files.write(file, bytes);

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("footer length 3 exceeds the file size 14");
  }

  @Test
  void rejectsAFooterThatEndsInsideItsMetadata() throws Exception {
    byte[] parquet = Files.readAllBytes(duckdb("SELECT 1 AS a, 'x' AS b"));
    // 4 bytes: the version and the schema's list header; 10: inside the root element's name
    Path beforeRoot = write(keepFooter(parquet, 4));
    Path insideName = write(keepFooter(parquet, 10));

    assertThatThrownBy(() -> ParquetSchemaReader.read(beforeRoot))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("the Parquet footer is truncated: its 4 bytes end inside the metadata");
    assertThatThrownBy(() -> ParquetSchemaReader.read(insideName))
        .isExactlyInstanceOf(IOException.class)
        .hasMessageStartingWith("the Parquet footer is truncated or corrupt: a size of ")
        .hasMessageEndingWith(" exceeds the 2 bytes left");
  }

  /** The file with only the first bytes of its footer, and the footer length saying so. */
  private static byte[] keepFooter(byte[] parquet, int kept) {
    int start = parquet.length - 8 - footerLength(parquet);
    return parquetFile(Arrays.copyOfRange(parquet, start, start + kept));
  }

  @Test
  void rejectsAnEncryptedFooter() throws Exception {
    byte[] parquet = Files.readAllBytes(duckdb("SELECT 1 AS a"));
    System.arraycopy("PARE".getBytes(StandardCharsets.US_ASCII), 0, parquet, parquet.length - 4, 4);
    Path file = write(parquet);

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("the Parquet footer is encrypted (PARE magic): not supported");
  }

  @Test
  void rejectsAFileWithoutMagicAtItsStart() throws Exception {
    byte[] parquet = Files.readAllBytes(duckdb("SELECT 1 AS a"));
    parquet[0] = 'X';
    Path file = write(parquet);

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("not a Parquet file: no PAR1 magic at its start");
  }

  @Test
  void aFooterCutOrChangedAnywhereIsAnIoExceptionOrStillReads() throws Exception {
    byte[] parquet =
        Files.readAllBytes(
            duckdb("SELECT 1 AS a, {'b': [1], 'c': MAP {'k': 2.5}} AS s, 1.5::DECIMAL(9,3) AS d"));
    int length = footerLength(parquet);
    int start = parquet.length - 8 - length;
    byte[] footer = Arrays.copyOfRange(parquet, start, start + length);
    Path file = dir.resolve("fuzz.parquet");
    List<byte[]> footers = new ArrayList<>();
    for (int cut = 0; cut < length; cut++) {
      footers.add(Arrays.copyOf(footer, cut));
    }
    for (int i = 0; i < length; i++) {
      for (int value : new int[] {0x00, 0x0f, 0x7f, 0x80, 0xff, footer[i] ^ 0x01}) {
        byte[] changed = footer.clone();
        changed[i] = (byte) value;
        footers.add(changed);
      }
    }

    for (byte[] bytes : footers) {
      Files.write(file, parquetFile(bytes));
      Throwable thrown = catchThrowable(() -> ParquetSchemaReader.read(file));
      if (thrown != null) {
        assertThat(thrown).isExactlyInstanceOf(IOException.class);
      }
    }
  }

  // Footers DuckDB does not write, built with the Thrift compact protocol.

  @Test
  void readsLegacyAndLogicalAnnotations() throws Exception {
    Path file =
        write(
            schemaFile(
                c -> {
                  root(c, 22);
                  leaf(c, "int96", 3, -1);
                  leaf(c, "uint32", 1, 13);
                  leaf(c, "uint64", 2, 14);
                  leaf(c, "int8", 1, 15);
                  integer(leaf(c, "uint32l", 1, -1, false), 32, false).end().end();
                  integer(leaf(c, "uint16l", 1, -1, false), 16, false).end().end();
                  integer(leaf(c, "uint64l", 2, -1, false), 64, false).end().end();
                  integer(leaf(c, "int64l", 2, -1, false), 64, true).end().end();
                  leaf(c, "decimal", 7, 5, false).i32(7, 3).i32(8, 20).end();
                  // the logical type wins over the converted type
                  leaf(c, "preferred", 2, 5, false).i32(7, 1).i32(8, 10).struct(10).struct(5);
                  c.i32(1, 2).i32(2, 18).end().end().end();
                  leaf(c, "timemillis", 1, 7);
                  leaf(c, "tsmillis", 2, 9);
                  leaf(c, "json", 6, 19);
                  leaf(c, "bson", 6, 20);
                  leaf(c, "enum", 6, 4);
                  leaf(c, "float16", 7, -1, false).struct(10).struct(15).end().end().end();
                  // an unknown logical type: the converted type stands
                  leaf(c, "future", 6, 0, false).struct(10).struct(16).end().end().end();
                  element(c, "repeatedleaf", 1, REPEATED, -1, -1).end();
                  element(c, "legacymap", -1, OPTIONAL, 1, 2).end();
                  element(c, "key_value", -1, REPEATED, 2, -1).end();
                  leaf(c, "key", 6, 0);
                  leaf(c, "value", 1, -1);
                  element(c, "outer", -1, OPTIONAL, 1, -1).end();
                  element(c, "r", -1, REPEATED, 1, -1).end();
                  leaf(c, "x", 1, -1);
                  element(c, "logicallist", -1, OPTIONAL, 1, -1).struct(10).struct(3);
                  c.end().end().end();
                  element(c, "list", -1, REPEATED, 1, -1).end();
                  leaf(c, "element", 1, -1);
                  leaf(c, "last", 0, -1);
                },
                30));

    assertThat(ParquetSchemaReader.read(file))
        .containsExactly(
            f("int96", "timestamp"),
            f("uint32", "bigint"),
            f("uint64", "number"),
            f("int8", "integer"),
            f("uint32l", "bigint"),
            f("uint16l", "integer"),
            f("uint64l", "number"),
            f("int64l", "bigint"),
            f("decimal", "decimal(20,3)"),
            f("preferred", "decimal(18,2)"),
            f("timemillis", "time"),
            f("tsmillis", "timestamp"),
            f("json", "string"),
            f("bson", "binary"),
            f("enum", "string"),
            f("float16", "binary"),
            f("future", "string"),
            f("repeatedleaf", "array"),
            f("legacymap", "array"),
            f("outer.r", "array"),
            f("logicallist", "array"),
            f("last", "boolean"));
  }

  @Test
  void skipsUnknownFieldsOfEveryType() throws Exception {
    Compact c = new Compact();
    c.i32(1, 2).bool(100, true).bool(101, false).field(102, BYTE).raw(0x7f);
    c.field(103, I16).varint(zigzag(-300)).field(104, I64).varint(zigzag(Long.MIN_VALUE));
    c.field(105, DOUBLE).raw(1, 2, 3, 4, 5, 6, 7, 8).string(106, "ignored");
    c.list(107, BOOL_TRUE, 3).raw(1, 2, 1);
    c.list(108, I32, 20);
    for (int i = 0; i < 20; i++) {
      c.varint(zigzag(i * 1000));
    }
    c.field(109, SET).raw(2 << 4 | BINARY).varint(1).raw('a').varint(0);
    c.field(110, MAP).varint(0);
    c.field(111, MAP).varint(2).raw(BINARY << 4 | STRUCT);
    c.varint(1).raw('k').begin().i32(1, 5).end().varint(0).begin().end();
    c.field(112, MAP).varint(1).raw(BOOL_TRUE << 4 | LIST).raw(1).raw(1 << 4 | BOOL_FALSE, 2);
    c.struct(113).struct(200).bool(1, true).list(2, STRUCT, 1).begin().end().end().end();
    c.field(114, 13).raw(new byte[16]);
    c.list(2, STRUCT, 3);
    element(c, "duckdb_schema", -1, REQUIRED, 2, -1).field(11, LIST).raw(0).end();
    element(c, "s", 6, REQUIRED, -1, 0).i32(9, 42).i32(2, 0).struct(30).string(1, "x").end();
    c.end();
    element(c, "t", 2, OPTIONAL, -1, -1).struct(10).struct(8).bool(1, true).struct(2).struct(2);
    c.end().end().end().struct(99).i32(1, 1).end().end().end();
    c.list(4, STRUCT, 1).begin().end().end();

    assertThat(ParquetSchemaReader.read(write(parquetFile(c.bytes()))))
        .containsExactly(f("s", "string"), f("t", "timestamp"));
  }

  @Test
  void rejectsNestingDeeperThanTheLimit() throws Exception {
    Compact c = new Compact().i32(1, 2);
    for (int i = 0; i < 10_000; i++) {
      c.struct(1);
    }

    assertThatThrownBy(() -> ParquetSchemaReader.read(write(parquetFile(c.bytes()))))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("the Parquet footer is corrupt: it nests deeper than 64 levels");
  }

  @Test
  void rejectsSizesBeyondTheFooter() throws Exception {
    Compact c = new Compact().i32(1, 2).field(5, BINARY).varint(1L << 40);

    assertThatThrownBy(() -> ParquetSchemaReader.read(write(parquetFile(c.bytes()))))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage(
            "the Parquet footer is truncated or corrupt: a size of 1099511627776 exceeds the 0"
                + " bytes left");
  }

  @Test
  void rejectsASchemaThatEndsInsideAGroup() throws Exception {
    Path file = write(schemaFile(c -> leaf(root(c, 3), "a", 1, -1), 2));

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("the Parquet footer is corrupt: its schema ends inside a group");
  }

  @Test
  void rejectsAFooterWithoutSchema() throws Exception {
    Path file = write(parquetFile(new Compact().i32(1, 2).i32(3, 0).end().bytes()));

    assertThatThrownBy(() -> ParquetSchemaReader.read(file))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("the Parquet footer is corrupt: it has no schema");
  }

  private static int footerLength(byte[] parquet) {
    return ByteBuffer.wrap(parquet).order(ByteOrder.LITTLE_ENDIAN).getInt(parquet.length - 8);
  }

  /** PAR1, a dummy page, the footer, its length and PAR1. */
  private static byte[] parquetFile(byte[] footer) {
    ByteBuffer file = ByteBuffer.allocate(footer.length + 13).order(ByteOrder.LITTLE_ENDIAN);
    file.put("PAR1".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put(footer);
    return file.putInt(footer.length).put("PAR1".getBytes(StandardCharsets.US_ASCII)).array();
  }

  /** A FileMetaData with version 2, a schema of the given elements, and num_rows. */
  private static byte[] schemaFile(Consumer<Compact> elements, int count) {
    Compact c = new Compact().i32(1, 2).list(2, STRUCT, count);
    elements.accept(c);
    return parquetFile(c.field(3, I64).varint(zigzag(1)).end().bytes());
  }

  private static Compact root(Compact c, int children) {
    return element(c, "duckdb_schema", -1, REQUIRED, children, -1).end();
  }

  /** A complete leaf element. */
  private static Compact leaf(Compact c, String name, int type, int converted) {
    return leaf(c, name, type, converted, true);
  }

  /** A leaf element, left open for more fields unless {@code end}. */
  private static Compact leaf(Compact c, String name, int type, int converted, boolean end) {
    element(c, name, type, OPTIONAL, -1, converted);
    return end ? c.end() : c;
  }

  /** An open schema element: the fields given (-1 for none), in field id order. */
  private static Compact element(
      Compact c, String name, int type, int repetition, int children, int converted) {
    c.begin();
    if (type >= 0) {
      c.i32(1, type);
    }
    c.i32(3, repetition).string(4, name);
    if (children >= 0) {
      c.i32(5, children);
    }
    return converted >= 0 ? c.i32(6, converted) : c;
  }

  /** Field 10, the logical type INTEGER, left open in the logical type struct. */
  private static Compact integer(Compact c, int bitWidth, boolean signed) {
    return c.struct(10).struct(10).field(1, BYTE).raw(bitWidth).bool(2, signed).end();
  }

  private static long zigzag(long value) {
    return (value << 1) ^ (value >> 63);
  }

  /** Writes the Thrift compact protocol. */
  private static final class Compact {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Deque<Integer> lastIds = new ArrayDeque<>(List.of(0));

    /** A field header: a short one when the id is 1 to 15 above the last. */
    Compact field(int id, int type) {
      int delta = id - lastIds.pop();
      lastIds.push(id);
      if (delta > 0 && delta <= 15) {
        return raw(delta << 4 | type);
      }
      return raw(type).varint(zigzag(id));
    }

    /** A struct field, left open. */
    Compact struct(int id) {
      return field(id, STRUCT).begin();
    }

    /** A struct as a list element, left open. */
    Compact begin() {
      lastIds.push(0);
      return this;
    }

    Compact end() {
      lastIds.pop();
      return raw(0);
    }

    Compact bool(int id, boolean value) {
      return field(id, value ? BOOL_TRUE : BOOL_FALSE);
    }

    Compact i32(int id, int value) {
      return field(id, I32).varint(zigzag(value));
    }

    Compact string(int id, String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      return field(id, BINARY).varint(bytes.length).raw(bytes);
    }

    Compact list(int id, int elementType, int size) {
      field(id, LIST);
      return size < 15 ? raw(size << 4 | elementType) : raw(0xf0 | elementType).varint(size);
    }

    Compact varint(long value) {
      while ((value & ~0x7fL) != 0) {
        out.write((int) (value & 0x7f) | 0x80);
        value >>>= 7;
      }
      out.write((int) value);
      return this;
    }

    Compact raw(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    Compact raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
