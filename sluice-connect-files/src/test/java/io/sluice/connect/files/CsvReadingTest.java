package io.sluice.connect.files;

import static io.sluice.connect.files.Sources.bytes;
import static io.sluice.connect.files.Sources.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.Split;
import io.sluice.core.testing.CollectingSink;
import io.sluice.core.testing.CollectingSink.Event;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReadingTest {
  @TempDir Path project;

  private CollectingSink readCsv(String content, String... fields) {
    return read(project, "data/orders.csv", content, Map.of(), fields);
  }

  private CollectingSink readCsv(String content, Map<String, Object> csv, String... fields) {
    return read(project, "data/orders.csv", content, Map.of("csv", csv), fields);
  }

  private CollectingSink readCsvBytes(byte[] content, Map<String, Object> csv, String... fields) {
    Sources.write(project, "data/orders.csv", content);
    return Sources.readAll(
        Sources.connector(project, Map.of("path", "data/orders.csv", "csv", csv), fields));
  }

  @Test
  void mapsHeaderNamesToFieldsInDeclaredOrder() {
    CollectingSink sink = readCsv("id,amount,ts\n1,9.50,2024-01-01\n2,3,2024-01-02\n", "ts", "id");

    assertThat(sink.values())
        .containsExactly(List.of("2024-01-01", "1"), List.of("2024-01-02", "2"));
    assertThat(sink.positions()).containsExactly(2L, 3L);
    assertThat(sink.malformed()).isEmpty();
  }

  @Test
  void originalIsTheVerbatimRecordWithoutItsNewline() {
    CollectingSink sink = readCsv("a,b\r\n\"x\"\"y\", z \r\n", "a", "b");

    assertThat(sink.records()).extracting(Event::original).containsExactly("\"x\"\"y\", z ");
    assertThat(sink.values()).containsExactly(List.of("x\"y", " z "));
  }

  @Test
  void quotedFieldsHoldDelimitersEscapedQuotesAndNewlines() {
    CollectingSink sink =
        readCsv(
            "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n\"multi\nline\",\"a\r\nb\"\n",
            "name",
            "note");

    assertThat(sink.values())
        .containsExactly(List.of("Smith, J", "said \"hi\""), List.of("multi\nline", "a\r\nb"));
  }

  @Test
  void recordSpanningLinesReportsItsFirstLine() {
    CollectingSink sink = readCsv("id,text\n1,\"one\ntwo\nthree\"\n2,after\n", "id", "text");

    assertThat(sink.records())
        .extracting(Event::position, Event::original)
        .containsExactly(tuple(2L, "1,\"one\ntwo\nthree\""), tuple(5L, "2,after"));
  }

  @Test
  void acceptsCrlfAndLfLineEndingsMixed() {
    CollectingSink sink = readCsv("a,b\r\n1,2\n3,4\r\n5,\"6\"\r\n", "a", "b");

    assertThat(sink.values())
        .containsExactly(List.of("1", "2"), List.of("3", "4"), List.of("5", "6"));
    assertThat(sink.records()).extracting(Event::original).containsExactly("1,2", "3,4", "5,\"6\"");
  }

  @Test
  void lastRecordWithoutNewlineIsRead() {
    CollectingSink sink = readCsv("a,b\n1,2\n3,", "a", "b");

    assertThat(sink.values()).containsExactly(List.of("1", "2"), Arrays.asList("3", null));
  }

  @Test
  void skipsByteOrderMark() {
    CollectingSink sink =
        readCsvBytes(bytes(0xEF, 0xBB, 0xBF, "id,name\n7,x\n"), Map.of(), "id", "name");

    assertThat(sink.values()).containsExactly(List.of("7", "x"));
  }

  @Test
  void skipsBlankLinesButCountsThemForPositions() {
    CollectingSink sink = readCsv("\na,b\n\n1,2\r\n\r\n\n3,4\n\n", "a", "b");

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(4L, List.of("1", "2")), tuple(7L, List.of("3", "4")));
    assertThat(sink.malformed()).isEmpty();
  }

  @Test
  void reportsWrongFieldCountWithLineNumberAndKeepsGoodRows() {
    CollectingSink sink = readCsv("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4\n6,7,8,9,10\n1,2,3,4,5,6\n", "a");

    assertThat(sink.records()).extracting(Event::position).containsExactly(2L, 4L);
    assertThat(sink.malformed())
        .extracting(Event::position, Event::original, Event::reason)
        .containsExactly(
            tuple(3L, "1,2,3,4", "expected 5 fields (from the header) but found 4"),
            tuple(5L, "1,2,3,4,5,6", "expected 5 fields (from the header) but found 6"));
  }

  @Test
  void unterminatedQuoteAtEndOfFileIsMalformedFromItsFirstLine() {
    CollectingSink sink = readCsv("a,b\n1,2\n3,\"open\nmore\n", "a", "b");

    assertThat(sink.records()).hasSize(1);
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(3L);
              assertThat(bad.original()).isEqualTo("3,\"open\nmore");
              assertThat(bad.reason())
                  .contains("unterminated quoted field")
                  .contains("field 2 on line 3");
            });
  }

  @Test
  void charactersAfterClosingQuoteAreMalformedAndReadingContinues() {
    CollectingSink sink = readCsv("a,b\n\"x\"y,1\n\"ok\",2\n\"z\"\r3,4\n", "a", "b");

    // A lone CR after a closing quote ends the record (CR is a line end, as LF and CRLF are).
    assertThat(sink.values()).containsExactly(List.of("ok", "2"), List.of("3", "4"));
    assertThat(sink.positions()).containsExactly(3L, 5L);
    assertThat(sink.malformed())
        .extracting(Event::position, Event::reason)
        .containsExactly(
            tuple(
                2L,
                "unexpected character 'y' after the closing quote of field 1 (a quote inside a"
                    + " quoted field must be escaped as \"\")"),
            tuple(4L, "expected 2 fields (from the header) but found 1"));
  }

  @Test
  void crOnlyAndMixedLineEndsSeparateRecords() {
    CollectingSink sink = readCsv("a,b\r1,x\r2,\"y\rz\"\r\r3,w\n4,v\r\n\r5,u", "a", "b");

    assertThat(sink.malformed()).isEmpty();
    assertThat(sink.values())
        .containsExactly(
            List.of("1", "x"),
            List.of("2", "y\rz"),
            List.of("3", "w"),
            List.of("4", "v"),
            List.of("5", "u"));
    // Each CR, LF or CRLF is one line end, inside quotes too.
    assertThat(sink.positions()).containsExactly(2L, 3L, 6L, 7L, 9L);
    assertThat(sink.records()).extracting(Event::original).contains("2,\"y\rz\"", "5,u");
  }

  @Test
  void crOnlyLinesAreSkippedBySkipLines() {
    CollectingSink sink =
        readCsv("junk\rmore junk\r\na,b\r1,2\r", Map.of("skip-lines", 2), "a", "b");

    assertThat(sink.malformed()).isEmpty();
    assertThat(sink.values()).containsExactly(List.of("1", "2"));
    assertThat(sink.positions()).containsExactly(4L);
  }

  @Test
  void quoteInsideUnquotedFieldIsKeptAsText() {
    CollectingSink sink = readCsv("a,b\n5'11\",x\n", "a", "b");

    assertThat(sink.values()).containsExactly(List.of("5'11\"", "x"));
  }

  @Test
  void invalidUtf8IsMalformedWithLineAndByteOffsetAndReadingContinues() {
    CollectingSink sink =
        readCsvBytes(bytes("a,b\n1,x\n2,caf", 0xC3, 0x28, "\n3,y\n"), Map.of(), "a", "b");

    assertThat(sink.values()).containsExactly(List.of("1", "x"), List.of("3", "y"));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(3L);
              assertThat(bad.reason()).isEqualTo("byte 0xC3 at byte offset 13 is not valid UTF-8");
              assertThat(bad.original()).isEqualTo("2,caf\uFFFD(");
            });
  }

  @Test
  void invalidBytesAtTheEndOfTheFileAreMalformed() {
    CollectingSink sink = readCsvBytes(bytes("a\n1\n2", 0xE2, 0x82), Map.of(), "a");

    assertThat(sink.values()).containsExactly(List.of("1"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::reason)
        .containsExactly(tuple(3L, "bytes 0xE2 0x82 at byte offset 5 are not valid UTF-8"));
  }

  @Test
  void decodesTheDeclaredEncoding() {
    CollectingSink sink =
        readCsvBytes(
            "name\nZürich\nMalmö\n".getBytes(StandardCharsets.ISO_8859_1),
            Map.of("encoding", "ISO-8859-1"),
            "name");

    assertThat(sink.values()).containsExactly(List.of("Zürich"), List.of("Malmö"));
  }

  @Test
  void readsUtf16FilesWithByteOrderMark() {
    CollectingSink sink =
        readCsvBytes(
            "id,name\r\n1,\"Zoë, \u4e2d\"\r\n".getBytes(StandardCharsets.UTF_16),
            Map.of("encoding", "UTF-16"),
            "name",
            "id");

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(2L, List.of("Zoë, \u4e2d", "1")));
  }

  @Test
  void emptyUnquotedFieldIsNullButQuotedEmptyFieldIsEmptyText() {
    CollectingSink sink = readCsv("a,b,c\n,\"\",x\n", "a", "b", "c");

    assertThat(sink.values()).containsExactly(Arrays.asList(null, "", "x"));
  }

  @Test
  void nullValueOptionTurnsThatTextIntoNull() {
    CollectingSink sink =
        readCsv("a,b,c\nNULL,\"NULL\",\n", Map.of("null-value", "NULL"), "a", "b", "c");

    assertThat(sink.values()).containsExactly(Arrays.asList(null, "NULL", ""));
  }

  @Test
  void missingHeaderColumnIsAUserErrorWithSuggestion() {
    assertThatThrownBy(() -> readCsv("id,amt,ts\n1,2,3\n", "id", "amount"))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("Source 'orders'")
        .hasMessageContaining("file 'data/orders.csv'")
        .hasMessageContaining("no column 'amount'")
        .hasMessageContaining("did you mean 'amt'?")
        .hasMessageContaining("The header's columns are: id, amt, ts");
  }

  @Test
  void headerNamesMatchExactly() {
    assertThatThrownBy(() -> readCsv("ID,Amount\n1,2\n", "amount"))
        .hasMessageContaining("no column 'amount'")
        .hasMessageContaining("did you mean 'Amount'?");
  }

  @Test
  void ambiguousHeaderColumnIsAUserError() {
    assertThatThrownBy(() -> readCsv("id,x,id\n1,2,3\n", "id"))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("column 'id' (for field 'id') appears twice, as columns 1 and 3");
  }

  @Test
  void malformedHeaderIsADataErrorNamingFileAndLine() {
    assertThatThrownBy(() -> readCsv("\"id,x\n1,2\n", "id"))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.DATA))
        .hasMessageContaining("the header of file 'data/orders.csv' (line 1) cannot be read")
        .hasMessageContaining("unterminated quoted field");
  }

  @Test
  void headerlessFileAddressesColumnsByNumber() {
    CollectingSink sink = readCsv("1,a,x\n2,b,y\n", Map.of("header", false), "3", "column1", "2");

    assertThat(sink.values()).containsExactly(List.of("x", "1", "a"), List.of("y", "2", "b"));
    assertThat(sink.positions()).containsExactly(1L, 2L);
  }

  @Test
  void headerlessFileComparesFieldCountWithItsFirstRecord() {
    CollectingSink sink = readCsv("1,a\n2\n3,c\n", Map.of("header", false), "1");

    assertThat(sink.values()).containsExactly(List.of("1"), List.of("3"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::reason)
        .containsExactly(tuple(2L, "expected 2 fields (as on line 1) but found 1"));
  }

  @Test
  void headerlessColumnBeyondTheRecordIsAUserError() {
    assertThatThrownBy(() -> readCsv("1,a\n", Map.of("header", false), "column3"))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("field 'column3' reads column 3")
        .hasMessageContaining("line 1 of file 'data/orders.csv' has only 2 fields");
  }

  @Test
  void skipLinesSkipsBeforeTheHeaderAndStillCountsThem() {
    CollectingSink sink =
        readCsv("exported by tool \"x\nversion 2\na,b\n1,2\n", Map.of("skip-lines", 2), "b", "a");

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(4L, List.of("2", "1")));
  }

  @Test
  void customDelimiterQuoteAndBackslashEscape() {
    CollectingSink sink =
        readCsv(
            "a;b\n'it\\'s; ok';'back\\\\slash \\n'\n",
            Map.of("delimiter", ";", "quote", "'", "escape", "\\"),
            "a",
            "b");

    assertThat(sink.values()).containsExactly(List.of("it's; ok", "back\\slash \\n"));
  }

  @Test
  void readsTabSeparatedFilesByExtension() {
    CollectingSink sink = read(project, "data/t.tsv", "a\tb\n1,5\t2\n", Map.of(), "a", "b");

    assertThat(sink.values()).containsExactly(List.of("1,5", "2"));
  }

  @Test
  void emptyAndHeaderOnlyFilesHaveNoRecords() {
    assertThat(readCsv("", "a").events()).isEmpty();
    assertThat(readCsv("a,b\n", "a").events()).isEmpty();
  }

  @Test
  void overlongRecordIsMalformedWithItsStartAndReadingContinues() {
    String longValue = "v".repeat(500);
    Sources.write(
        project, "big.csv", "a,b\n1,2\n3,\"" + longValue + "\n" + longValue + "\"\n4,5\n");
    SourceConnector connector = Sources.connector(64, project, Map.of("path", "big.csv"), "a", "b");

    CollectingSink sink = Sources.readAll(connector);

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(2L, List.of("1", "2")), tuple(5L, List.of("4", "5")));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(3L);
              assertThat(bad.reason()).contains("longer than 64 characters");
              assertThat(bad.original()).startsWith("3,\"vvv").hasSize(64);
            });
  }

  @Test
  void streamsLargeFilesAcrossBufferBoundaries() throws IOException {
    Path file = project.resolve("large.csv");
    int rows = 60_000;
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("id,text,n\r\n");
      for (int i = 0; i < rows; i++) {
        out.write(i + ",\"line one " + i + "\nline \"\"two\"\" ünï ✓\"," + (i * 7) + "\r\n");
      }
    }
    CollectingSink sink =
        Sources.readAll(Sources.connector(project, Map.of("path", "large.csv"), "id", "text", "n"));

    assertThat(sink.malformed()).isEmpty();
    assertThat(sink.records()).hasSize(rows);
    for (int i = 0; i < rows; i += 997) {
      Event event = sink.records().get(i);
      assertThat(event.position()).isEqualTo(2L + 2L * i);
      assertThat(event.values())
          .containsExactly(
              String.valueOf(i), "line one " + i + "\nline \"two\" ünï ✓", String.valueOf(i * 7));
    }
  }

  @Test
  void vanishedFileIsAnExternalErrorNamingTheFile() throws IOException {
    Path file = Sources.write(project, "data/gone.csv", "a\n1\n");
    SourceConnector connector = Sources.connector(project, Map.of("path", "data/*.csv"), "a");
    Split split = connector.plan(Map.of()).splits().get(0);
    Files.delete(file);

    assertThatThrownBy(() -> connector.read(split, new CollectingSink()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
        .hasMessageContaining("Source 'orders'")
        .hasMessageContaining("'data/gone.csv'")
        .hasMessageContaining("no longer exists");
  }

  @Test
  void unreadableSplitIsAnExternalErrorNamingTheFile() throws IOException {
    Path folder = Files.createDirectories(project.resolve("data/not-a-file.csv"));
    SourceConnector connector = Sources.connector(project, Map.of("path", "data/*.csv"), "a");
    Split split = new Split("data/not-a-file.csv", "0:0:00000000", folder.toString(), 0);

    assertThatThrownBy(() -> connector.read(split, new CollectingSink()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
        .hasMessageContaining("cannot read file 'data/not-a-file.csv'");
  }
}
