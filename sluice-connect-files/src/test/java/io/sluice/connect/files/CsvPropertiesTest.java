package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.testing.CollectingSink;
import io.sluice.core.testing.CollectingSink.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
      line += lineEnds(record.toString()) + 1;
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

    // Lines end at CR, LF or CRLF; each line keeps its own line end for comparison.
    List<String> lines = new ArrayList<>();
    List<String> ends = new ArrayList<>();
    Matcher lineEnd = Pattern.compile("\r\n|\r|\n").matcher(text);
    int from = 0;
    while (lineEnd.find()) {
      lines.add(text.substring(from, lineEnd.start()));
      ends.add(lineEnd.group());
      from = lineEnd.end();
    }
    lines.add(text.substring(from));
    ends.add("");
    boolean[] covered = new boolean[lines.size() + 1];
    long previousLast = 0;
    for (Event event : sink.events()) {
      long first = event.position();
      long last = first + lineEnds(event.original());
      assertThat(first).as("events are in order and do not overlap").isGreaterThan(previousLast);
      assertThat(last).isLessThanOrEqualTo(lines.size());
      StringBuilder verbatim = new StringBuilder();
      for (int l = (int) first; l <= last; l++) {
        verbatim.append(lines.get(l - 1)).append(l < last ? ends.get(l - 1) : "");
      }
      assertThat(event.original()).isEqualTo(verbatim.toString());
      for (long l = first; l <= last; l++) {
        covered[(int) l] = true;
      }
      previousLast = last;
    }
    for (int l = 1; l <= lines.size(); l++) {
      if (!lines.get(l - 1).isEmpty()) {
        assertThat(covered[l]).as("line %d (%s) is accounted for", l, lines.get(l - 1)).isTrue();
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

  /** Line ends in {@code text}: each CR, LF or CRLF counts once. */
  private static long lineEnds(String text) {
    long count = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
        count++;
      }
    }
    return count;
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
