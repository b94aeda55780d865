package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.files.CollectingSink.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Properties of the CSV parser over generated input. */
class CsvPropertiesTest {
  private static final String[] TOKENS = {
    "a", "Z", "0", " ", "é", "中", "😀", ",", ";", "\t", "|", "\"", "\"\"", "\n", "\r\n", "\r", "'",
    "\\"
  };

  private static Path project;

  @BeforeContainer
  static void createProject() throws IOException {
    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    project = Files.createTempDirectory("csv-properties");
  }

  @AfterContainer
  static void deleteProject() throws IOException {
    try (Stream<Path> paths = Files.walk(project)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Property(tries = 300)
  void quotedTableParsesBackToTheSameValuesAtTheirFirstLines(
      @ForAll("tables") List<List<String>> rows,
      @ForAll("delimiters") char delimiter,
      @ForAll boolean crlf,
      @ForAll boolean backslashEscape) {
    int columns = rows.isEmpty() ? 1 : rows.get(0).size();
    String newline = crlf ? "\r\n" : "\n";
    StringBuilder file = new StringBuilder();
    List<String> header = IntStream.rangeClosed(1, columns).mapToObj(i -> "c" + i).toList();
    file.append(String.join(String.valueOf(delimiter), header)).append(newline);
    List<Long> expectedPositions = new ArrayList<>();
    List<String> expectedOriginals = new ArrayList<>();
    long line = 2;
    for (List<String> row : rows) {
      StringBuilder record = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          record.append(delimiter);
        }
        record.append(quoted(row.get(i), delimiter, backslashEscape));
      }
      expectedPositions.add(line);
      expectedOriginals.add(record.toString());
      line += record.chars().filter(c -> c == '\n').count() + 1;
      file.append(record).append(newline);
    }
    Map<String, Object> csv =
        backslashEscape
            ? Map.of("delimiter", String.valueOf(delimiter), "escape", "\\")
            : Map.of("delimiter", String.valueOf(delimiter));

    CollectingSink sink = read(file.toString(), csv, header.toArray(String[]::new));

    assertThat(sink.malformed()).isEmpty();
    assertThat(sink.values()).isEqualTo(rows);
    assertThat(sink.positions()).isEqualTo(expectedPositions);
    assertThat(sink.records()).extracting(Event::original).isEqualTo(expectedOriginals);
  }

  @Property(tries = 500)
  void everyNonBlankLineEndsUpInExactlyOneRecordOrMalformedInput(@ForAll("garbage") String text) {
    CollectingSink sink = read(text, Map.of("header", false));

    String[] lines = text.split("\n", -1);
    boolean[] covered = new boolean[lines.length + 1];
    long previousLast = 0;
    for (Event event : sink.events()) {
      long first = event.position();
      long last = first + event.original().chars().filter(c -> c == '\n').count();
      assertThat(first).as("events are in order and do not overlap").isGreaterThan(previousLast);
      assertThat(last).isLessThanOrEqualTo(lines.length);
      String verbatim =
          String.join("\n", Arrays.asList(lines).subList((int) first - 1, (int) last));
      // A CR before the newline that ends a record belongs to the line break, not the record.
      assertThat(event.original()).isIn(verbatim, withoutTrailingCr(verbatim));
      for (long l = first; l <= last; l++) {
        covered[(int) l] = true;
      }
      previousLast = last;
    }
    for (int l = 1; l <= lines.length; l++) {
      boolean blank = lines[l - 1].isEmpty() || lines[l - 1].equals("\r");
      if (!blank) {
        assertThat(covered[l]).as("line %d (%s) is accounted for", l, lines[l - 1]).isTrue();
      }
    }
  }

  @Provide
  Arbitrary<List<List<String>>> tables() {
    return Arbitraries.integers()
        .between(1, 5)
        .flatMap(columns -> cell().list().ofSize(columns).list().ofMaxSize(15));
  }

  @Provide
  Arbitrary<Character> delimiters() {
    return Arbitraries.of(',', ';', '\t', '|');
  }

  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.of("a", ",", "\"", "\"\"", "\n", "\r\n", "\r", " ", "é")
        .list()
        .ofMaxSize(40)
        .map(tokens -> String.join("", tokens));
  }

  private static Arbitrary<String> cell() {
    return Arbitraries.of(TOKENS).list().ofMaxSize(6).map(tokens -> String.join("", tokens));
  }

  private static String quoted(String value, char delimiter, boolean backslashEscape) {
    boolean needsQuotes =
        value.isEmpty()
            || value.indexOf(delimiter) >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0;
    if (!needsQuotes) {
      return value;
    }
    String escaped =
        backslashEscape
            ? value.replace("\\", "\\\\").replace("\"", "\\\"")
            : value.replace("\"", "\"\"");
    return "\"" + escaped + "\"";
  }

  private static String withoutTrailingCr(String text) {
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static CollectingSink read(String text, Map<String, Object> csv, String... fields) {
    try {
      Path file = Files.createTempFile(project, "table", ".csv");
      try {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return Sources.readAll(
            Sources.connector(
                project, Map.of("path", file.getFileName().toString(), "csv", csv), fields));
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
