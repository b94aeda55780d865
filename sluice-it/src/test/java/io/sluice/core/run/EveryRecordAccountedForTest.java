package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * No record is ever silently dropped: random bytes and near-valid text, fed as CSV and NDJSON files
 * through a real run (DuckDB engine, Iceberg lake), never crash the run, and every record of every
 * file lands or is quarantined, exactly once. A record is what the readers document
 * (docs/quarantine.md, "What is a record"); the expected counts come from the small counters below,
 * not from the readers.
 *
 * <p>Each try is one run over a few dozen files of four sources: CSV with a header, CSV without one
 * (any bytes), NDJSON that the engine reads natively (printable ASCII, so the connector's pre-scan
 * hands it to DuckDB), and NDJSON of any bytes (read by the connector).
 */
class EveryRecordAccountedForTest {
  private static final byte[][] CSV_TOKENS = {
    bytes("a"),
    bytes("1"),
    bytes(" "),
    bytes(","),
    bytes(","),
    bytes("\""),
    bytes("\"\""),
    bytes("\n"),
    bytes("\r"),
    bytes("\r\n"),
    bytes("\n\n"),
    bytes("\t"),
    bytes("é"),
    {0},
    {(byte) 0xFF},
    {(byte) 0xC3},
    {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
    bytes(";"),
    bytes("'")
  };
  private static final byte[][] JSON_TOKENS = {
    bytes("{"),
    bytes("}"),
    bytes("\"id\""),
    bytes("\"name\""),
    bytes(":"),
    bytes(","),
    bytes("\"x\""),
    bytes("1"),
    bytes("["),
    bytes("]"),
    bytes(" "),
    bytes("\n"),
    bytes("\r"),
    bytes("\r\n"),
    bytes("{\"id\":1,\"name\":\"n\"}"),
    bytes("\\"),
    {0},
    {(byte) 0xFF},
    {(byte) 0xC3},
    {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
    bytes("null"),
    bytes("é")
  };
  private static final String[] NATIVE_LINES = {
    "{\"id\":1,\"name\":\"a\"}",
    "{\"id\":\"2\"}",
    "{\"name\":\"b\",\"extra\":[1,2]}",
    "{}",
    "",
    "   ",
    "\t",
    "{\"id\":1",
    "[1,2]",
    "\"text\"",
    "42",
    "null",
    "{\"id\":1} trailing",
    "{\"id\":{\"nested\":true}}",
    "{\"name\":\"\\u00e9\\n\"}",
    "{\"id\":1}{\"id\":2}",
    "not json at all"
  };

  @Property(tries = 8, shrinking = ShrinkingMode.OFF)
  void everyRecordOfEveryFileLandsOrIsQuarantinedAndTheRunNeverCrashes(
      @ForAll("csvBodies") List<byte[]> csvBodies,
      @ForAll("csvBytes") List<byte[]> csvBytes,
      @ForAll("nativeNdjson") List<byte[]> nativeNdjson,
      @ForAll("ndjsonBytes") List<byte[]> ndjsonBytes)
      throws IOException {
    Path project = Files.createTempDirectory("every-record");
    try {
      Map<String, Long> expected = new TreeMap<>();
      write(project, "csv", "csv", csvBodies, expected, bytes -> csvRecords(bytes) - 1);
      write(project, "raw", "csv", csvBytes, expected, EveryRecordAccountedForTest::csvRecords);
      write(project, "fast", "ndjson", nativeNdjson, expected, EveryRecordAccountedForTest::lines);
      write(project, "json", "ndjson", ndjsonBytes, expected, EveryRecordAccountedForTest::lines);
      Files.writeString(project.resolve("sluice.yaml"), "name: fuzz\n");
      Files.createDirectories(project.resolve("sources"));
      Files.writeString(
          project.resolve("sources/csv.yaml"),
          "path: data/csv/*.csv\ncolumns:\n  - {name: id}\n  - {name: name}\n");
      Files.writeString(
          project.resolve("sources/raw.yaml"),
          "path: data/raw/*.csv\ncsv: {header: false}\ncolumns:\n  - {name: c1, from: '1'}\n");
      // Random files lack the fields: policy ignore says, explicitly, that they read NULL.
      for (String source : List.of("fast", "json")) {
        Files.writeString(
            project.resolve("sources/" + source + ".yaml"),
            "path: data/"
                + source
                + "/*.ndjson\nschema-drift: {policy: ignore}\ncolumns:\n"
                + "  - {name: id}\n  - {name: name}\n");
      }

      RunSummary run = EndToEnd.run(project);

      assertThat(run.status()).isEqualTo(RunStatus.OK);
      StringBuilder sql = new StringBuilder();
      for (String source : List.of("csv", "raw", "fast", "json")) {
        if (sql.length() > 0) {
          sql.append(" UNION ALL ");
        }
        sql.append("SELECT _file || '=' || count(*) FROM (SELECT _file FROM lake.")
            .append(source)
            .append(" UNION ALL SELECT _file FROM quarantine.")
            .append(source)
            .append(") GROUP BY _file");
      }
      Map<String, Long> actual = new TreeMap<>();
      for (String row : EndToEnd.queryRows(project, sql.toString())) {
        String[] parts = row.split("=");
        actual.put(parts[0], Long.parseLong(parts[1]));
      }
      assertThat(actual).isEqualTo(expected);
    } finally {
      delete(project);
    }
  }

  @Example
  void aCsvWithCrOnlyLineEndsLandsEveryRecordAndNulBytesAtFieldEdgesAreKept() throws IOException {
    Path project = Files.createTempDirectory("cr-only");
    try {
      Files.createDirectories(project.resolve("sources"));
      Files.createDirectories(project.resolve("data"));
      Files.writeString(project.resolve("sluice.yaml"), "name: cr\n");
      Files.writeString(
          project.resolve("sources/orders.yaml"),
          "path: data/*.csv\ncolumns:\n  - {name: id, type: bigint}\n  - {name: note}\n");
      StringBuilder mac = new StringBuilder("id,note\r");
      for (int i = 1; i <= 20; i++) {
        mac.append(i).append(",n").append(i).append('\r');
      }
      Files.writeString(project.resolve("data/mac.csv"), mac);
      Files.writeString(
          project.resolve("data/nul.csv"), "id,note\r\n21,\u0000a\n22,b\u0000\r23,\"\u0000\"\r\n");

      RunSummary run = EndToEnd.run(project);

      assertThat(run.status()).isEqualTo(RunStatus.OK);
      assertThat(
              EndToEnd.queryRows(
                  project,
                  "SELECT _file, count(*), min(_line), max(_line) FROM lake.orders GROUP BY 1"
                      + " ORDER BY 1"))
          .containsExactly("data/mac.csv,20,2,21", "data/nul.csv,3,2,4");
      assertThat(
              EndToEnd.queryRows(
                  project, "SELECT id, length(note) FROM lake.orders WHERE id > 20 ORDER BY id"))
          .containsExactly("21,2", "22,2", "23,1");
    } finally {
      delete(project);
    }
  }

  private interface Counter {
    long records(byte[] bytes);
  }

  private static void write(
      Path project,
      String source,
      String extension,
      List<byte[]> files,
      Map<String, Long> expected,
      Counter counter)
      throws IOException {
    Path folder = Files.createDirectories(project.resolve("data/" + source));
    for (int i = 0; i < files.size(); i++) {
      String name = i + "." + extension;
      Files.write(folder.resolve(name), files.get(i));
      long records = counter.records(files.get(i));
      if (records > 0) {
        expected.put("data/" + source + "/" + name, records);
      }
    }
  }

  /**
   * CSV records (quote {@code "}, delimiter {@code ,}): a record ends at CR, LF or CRLF outside a
   * quoted field; a quote opens a quoted field only at a field's start, where {@code ""} inside it
   * is a quote and the quote that closes it may be followed by anything; a line with no characters
   * is not a record; a leading byte-order mark is not part of the first line; an unclosed quote
   * runs to the end of the file.
   */
  static long csvRecords(byte[] bytes) {
    final int start = 0;
    final int unquoted = 1;
    final int quoted = 2;
    final int afterQuote = 3;
    int state = start;
    long records = 0;
    boolean empty = true;
    boolean skipLf = false;
    int from = hasBom(bytes) ? 3 : 0;
    for (int i = from; i < bytes.length; i++) {
      byte b = bytes[i];
      if (skipLf) {
        skipLf = false;
        if (b == '\n') {
          continue;
        }
      }
      if (state == quoted) {
        if (b == '"') {
          state = afterQuote;
        }
        continue;
      }
      if (b == '\r' || b == '\n') {
        records += empty ? 0 : 1;
        empty = true;
        state = start;
        skipLf = b == '\r';
        continue;
      }
      empty = false;
      if (state == start || state == afterQuote) {
        state = b == '"' ? quoted : b == ',' ? start : unquoted;
      } else if (b == ',') {
        state = start;
      }
    }
    return records + (empty ? 0 : 1);
  }

  /**
   * NDJSON records: each line (ended by LF; a CR before it is part of the line end) that holds
   * something other than spaces, tabs and CRs; a leading byte-order mark is not part of line 1.
   */
  static long lines(byte[] bytes) {
    long records = 0;
    boolean blank = true;
    for (int i = hasBom(bytes) ? 3 : 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        records += blank ? 0 : 1;
        blank = true;
      } else if (b != ' ' && b != '\t' && b != '\r') {
        blank = false;
      }
    }
    return records + (blank ? 0 : 1);
  }

  private static boolean hasBom(byte[] bytes) {
    return bytes.length >= 3
        && bytes[0] == (byte) 0xEF
        && bytes[1] == (byte) 0xBB
        && bytes[2] == (byte) 0xBF;
  }

  @Provide
  Arbitrary<List<byte[]>> csvBodies() {
    Arbitrary<byte[]> header =
        Arbitraries.of("id,name\n", "id,name\r", "id,name\r\n").map(h -> bytes(h));
    return net.jqwik.api.Combinators.combine(header, tokens(CSV_TOKENS))
        .as(EveryRecordAccountedForTest::concat)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<byte[]>> csvBytes() {
    return Arbitraries.oneOf(tokens(CSV_TOKENS), anyBytes()).list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<byte[]>> nativeNdjson() {
    return Arbitraries.of(NATIVE_LINES)
        .list()
        .ofMaxSize(12)
        .flatMap(
            lines ->
                Arbitraries.of("", "\n")
                    .map(
                        end ->
                            bytes(
                                "{\"id\":0,\"name\":\"first\"}\n"
                                    + String.join("\n", lines)
                                    + end)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<byte[]>> ndjsonBytes() {
    // A file whose first non-blank byte is '[' is a JSON array, not NDJSON: those are left out.
    return Arbitraries.oneOf(tokens(JSON_TOKENS), anyBytes())
        .map(EveryRecordAccountedForTest::notAnArray)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  private static Arbitrary<byte[]> tokens(byte[][] tokens) {
    return Arbitraries.of(tokens)
        .list()
        .ofMaxSize(60)
        .map(list -> concat(list.toArray(byte[][]::new)));
  }

  private static Arbitrary<byte[]> anyBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
  }

  private static byte[] notAnArray(byte[] bytes) {
    byte[] copy = bytes.clone();
    for (int i = 0; i < copy.length; i++) {
      byte b = copy[i];
      boolean skipped =
          b == ' '
              || b == '\t'
              || b == '\r'
              || b == '\n'
              || i < 3 && (b == (byte) 0xEF || b == (byte) 0xBB || b == (byte) 0xBF);
      if (!skipped) {
        if (b == '[') {
          copy[i] = '{';
        }
        break;
      }
    }
    return copy;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void delete(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
