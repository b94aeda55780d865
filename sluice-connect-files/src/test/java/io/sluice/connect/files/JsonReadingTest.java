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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReadingTest {
  @TempDir Path project;

  private CollectingSink readJson(String content, String... fields) {
    return read(project, "data/clicks.ndjson", content, Map.of(), fields);
  }

  private CollectingSink readJsonBytes(byte[] content, String... fields) {
    Sources.write(project, "data/clicks.ndjson", content);
    return Sources.readAll(
        Sources.connector(project, Map.of("path", "data/clicks.ndjson"), fields));
  }

  @Test
  void readsNdjsonFieldsByNameInDeclaredOrder() {
    CollectingSink sink =
        readJson("{\"id\":1,\"user\":\"ann\"}\n{\"user\":\"bob\",\"id\":2}\n", "user", "id");

    assertThat(sink.records())
        .extracting(Event::position, Event::original, Event::values)
        .containsExactly(
            tuple(1L, "{\"id\":1,\"user\":\"ann\"}", List.of("ann", "1")),
            tuple(2L, "{\"user\":\"bob\",\"id\":2}", List.of("bob", "2")));
  }

  @Test
  void nulBytesAtTheStartOfALineAreNotTakenForUtf16() {
    // Read as UTF-16, these bytes are {"id":1}: Jackson guesses the encoding from NUL bytes.
    byte[] utf16 = "{\"id\":1}".getBytes(StandardCharsets.UTF_16BE);
    byte[] rest = bytes("\n{\"id\":2}\n");
    byte[] file = Arrays.copyOf(utf16, utf16.length + rest.length);
    System.arraycopy(rest, 0, file, utf16.length, rest.length);

    CollectingSink sink = readJsonBytes(file, "id");

    assertThat(sink.values()).containsExactly(List.of("2"));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(1L);
              assertThat(bad.reason()).contains("code 0");
            });
  }

  @Test
  void aJsonArrayWithNulBytesNearItsStartIsReadAsUtf8() {
    Sources.write(project, "data/clicks.json", bytes("[\u0000{\"id\":1}]"));
    CollectingSink sink =
        Sources.readAll(Sources.connector(project, Map.of("path", "data/clicks.json"), "id"));

    assertThat(sink.records()).isEmpty();
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(bad -> assertThat(bad.reason()).contains("code 0"));
  }

  @Test
  void extractsNestedJsonPath() {
    CollectingSink sink =
        readJson(
            "{\"context\":{\"device\":{\"os\":\"ios\",\"v\":17},\"ip\":\"x\"},\"n\":1}\n",
            "context.device.os",
            "context.ip",
            "context.missing.deeper");

    assertThat(sink.values()).containsExactly(Arrays.asList("ios", "x", null));
  }

  @Test
  void extractsArrayElementsByIndex() {
    CollectingSink sink =
        readJson(
            "{\"items\":[{\"sku\":\"a\"},{\"sku\":\"b\",\"q\":2}],\"tags\":[\"x\",\"y\"]}\n",
            "items.1.sku",
            "items.0.sku",
            "tags.1",
            "items.5.sku");

    assertThat(sink.values()).containsExactly(Arrays.asList("b", "a", "y", null));
  }

  @Test
  void numericKeysOfObjectsAreReachableToo() {
    CollectingSink sink = readJson("{\"m\":{\"0\":\"zero\",\"10\":\"ten\"}}\n", "m.0", "m.10");

    assertThat(sink.values()).containsExactly(List.of("zero", "ten"));
  }

  @Test
  void numbersKeepTheirTextAsWritten() {
    CollectingSink sink =
        readJson(
            "{\"a\":1.10,\"b\":1e3,\"c\":-0,\"d\":123456789012345678901234567890,\"e\":2.5E-7}\n",
            "a",
            "b",
            "c",
            "d",
            "e");

    assertThat(sink.values())
        .containsExactly(List.of("1.10", "1e3", "-0", "123456789012345678901234567890", "2.5E-7"));
  }

  @Test
  void booleansNullsAndMissingFields() {
    CollectingSink sink =
        readJson("{\"t\":true,\"f\":false,\"n\":null,\"s\":\"\"}\n", "t", "f", "n", "s", "absent");

    assertThat(sink.values()).containsExactly(Arrays.asList("true", "false", null, "", null));
  }

  @Test
  void stringsAreUnescaped() {
    CollectingSink sink = readJson("{\"s\":\"caf\\u00e9 \\\"q\\\"\\n\\t\"}\n", "s");

    assertThat(sink.values()).containsExactly(List.of("café \"q\"\n\t"));
  }

  @Test
  void objectsAndArraysBecomeCompactJsonText() {
    CollectingSink sink =
        readJson(
            "{ \"o\" : { \"a\" : [ 1 , 1.50 , \"x\\\"y\" ] , \"b\" : null } , \"l\" : [ ] }\n",
            "o",
            "l",
            "o.a");

    assertThat(sink.values())
        .containsExactly(
            List.of("{\"a\":[1,1.50,\"x\\\"y\"],\"b\":null}", "[]", "[1,1.50,\"x\\\"y\"]"));
  }

  @Test
  void valueAndValuesBelowItCanBothBeRequested() {
    CollectingSink sink = readJson("{\"ctx\":{\"os\":\"ios\",\"n\":2.0}}\n", "ctx", "ctx.n");

    assertThat(sink.values()).containsExactly(List.of("{\"os\":\"ios\",\"n\":2.0}", "2.0"));
  }

  @Test
  void scalarWhereAnObjectIsExpectedGivesNull() {
    CollectingSink sink = readJson("{\"ctx\":\"flat\"}\n", "ctx.os");

    assertThat(sink.values()).containsExactly(Arrays.asList((String) null));
  }

  @Test
  void invalidJsonLineIsMalformedWithColumnAndReadingContinues() {
    CollectingSink sink = readJson("{\"id\":1}\n{\"id\":2,}\n{\"id\":3}\n", "id");

    assertThat(sink.values()).containsExactly(List.of("1"), List.of("3"));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(2L);
              assertThat(bad.original()).isEqualTo("{\"id\":2,}");
              assertThat(bad.reason())
                  .startsWith("invalid JSON at column 9: Unexpected character ('}'")
                  .doesNotContain("[Source")
                  .doesNotContain("line:");
            });
  }

  @Test
  void truncatedObjectHintsAtOneObjectPerLine() {
    CollectingSink sink = readJson("{\"id\":1,\n\"x\":2}\n", "id");

    assertThat(sink.records()).isEmpty();
    assertThat(sink.malformed()).extracting(Event::position).containsExactly(1L, 2L);
    assertThat(sink.malformed().get(0).reason())
        .contains("Unexpected end-of-input")
        .doesNotContain("[Source")
        .contains("each line must hold one whole JSON object");
  }

  @Test
  void lineThatIsNotAnObjectIsMalformed() {
    CollectingSink sink = readJson("{\"id\":1}\n[1,2]\n\"text\"\n42\nnull\ntrue\n", "id");

    assertThat(sink.values()).containsExactly(List.of("1"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::reason)
        .containsExactly(
            tuple(2L, "expected a JSON object, found array"),
            tuple(3L, "expected a JSON object, found string"),
            tuple(4L, "expected a JSON object, found number"),
            tuple(5L, "expected a JSON object, found null"),
            tuple(6L, "expected a JSON object, found boolean"));
  }

  @Test
  void twoObjectsOnOneLineAreMalformed() {
    CollectingSink sink = readJson("{\"id\":1} {\"id\":2}\n", "id");

    assertThat(sink.malformed())
        .extracting(Event::reason)
        .containsExactly("expected one JSON object on the line, but more follows at column 10");
  }

  @Test
  void blankLinesAreSkippedButCounted() {
    CollectingSink sink = readJson("\n{\"id\":1}\n  \t\n\r\n{\"id\":2}", "id");

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(2L, List.of("1")), tuple(5L, List.of("2")));
    assertThat(sink.malformed()).isEmpty();
  }

  @Test
  void crlfLineEndingsAreNotPartOfTheOriginal() {
    CollectingSink sink = readJson("{\"id\":1}\r\n{\"id\":2}\r\n", "id");

    assertThat(sink.records())
        .extracting(Event::original)
        .containsExactly("{\"id\":1}", "{\"id\":2}");
  }

  @Test
  void byteOrderMarkIsSkipped() {
    CollectingSink sink = readJsonBytes(bytes(0xEF, 0xBB, 0xBF, "{\"id\":1}\n"), "id");

    assertThat(sink.records())
        .extracting(Event::original, Event::values)
        .containsExactly(tuple("{\"id\":1}", List.of("1")));
  }

  @Test
  void invalidUtf8LineIsMalformedAndReadingContinues() {
    CollectingSink sink =
        readJsonBytes(bytes("{\"id\":1}\n{\"id\":\"caf", 0xE9, "\"}\n{\"id\":3}\n"), "id");

    assertThat(sink.values()).containsExactly(List.of("1"), List.of("3"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::reason)
        .containsExactly(tuple(2L, "byte 0xE9 at byte offset 19 (column 11) is not valid UTF-8"));
  }

  @Test
  void decodesTheDeclaredEncoding() {
    Sources.write(
        project, "data/l1.json", "{\"city\":\"Zürich\"}\n".getBytes(StandardCharsets.ISO_8859_1));
    CollectingSink sink =
        Sources.readAll(
            Sources.connector(
                project,
                Map.of("path", "data/l1.json", "json", Map.of("encoding", "ISO-8859-1")),
                "city"));

    assertThat(sink.values()).containsExactly(List.of("Zürich"));
  }

  @Test
  void bytesInvalidInTheDeclaredEncodingAreMalformed() {
    Sources.write(
        project, "data/w.json", bytes("{\"a\":\"x", 0x81, "\"}\n{\"a\":\"", 0x80, "\"}\n"));
    CollectingSink sink =
        Sources.readAll(
            Sources.connector(
                project,
                Map.of("path", "data/w.json", "json", Map.of("encoding", "windows-1252")),
                "a"));

    assertThat(sink.values()).containsExactly(List.of("\u20ac"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::reason)
        .containsExactly(
            tuple(1L, "byte 0x81 at byte offset 7 (column 8) is not valid windows-1252"));
  }

  @Test
  void oversizedLineIsMalformedAndReadingContinues() {
    String big = "{\"id\":2,\"pad\":\"" + "x".repeat(300) + "\"}";
    Sources.write(project, "big.ndjson", "{\"id\":1}\n" + big + "\n{\"id\":3}\n");
    SourceConnector connector = Sources.connector(100, project, Map.of("path", "big.ndjson"), "id");

    CollectingSink sink = Sources.readAll(connector);

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(1L, List.of("1")), tuple(3L, List.of("3")));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(2L);
              assertThat(bad.reason())
                  .startsWith("the line is " + big.length() + " bytes long")
                  .contains("limit of 100 bytes");
              assertThat(bad.original()).startsWith("{\"id\":2,\"pad\":\"xxx");
            });
  }

  @Test
  void jsonArrayFileYieldsOneRecordPerElementAtItsStartLine() {
    CollectingSink sink =
        read(
            project,
            "data/all.json",
            "[\n  {\"id\": 1, \"n\": 1.50},\n  {\n    \"id\": 2,\n    \"tags\": [\"a\"]\n  }\n]\n",
            Map.of(),
            "id",
            "n",
            "tags.0");

    assertThat(sink.records())
        .extracting(Event::position, Event::original, Event::values)
        .containsExactly(
            tuple(2L, "{\"id\":1,\"n\":1.50}", Arrays.asList("1", "1.50", null)),
            tuple(3L, "{\"id\":2,\"tags\":[\"a\"]}", Arrays.asList("2", null, "a")));
  }

  @Test
  void jsonArrayElementThatIsNotAnObjectIsMalformed() {
    CollectingSink sink =
        read(project, "data/all.json", "[{\"id\":1},\n [2],\n \"x\",\n{\"id\":3}]", Map.of(), "id");

    assertThat(sink.values()).containsExactly(List.of("1"), List.of("3"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::original, Event::reason)
        .containsExactly(
            tuple(2L, "[2]", "expected a JSON object, found array"),
            tuple(3L, "\"x\"", "expected a JSON object, found string"));
  }

  @Test
  void jsonArrayElementWithASyntaxErrorIsMalformedAndTheElementsAfterItAreRead() {
    CollectingSink sink =
        read(
            project,
            "data/all.json",
            "[\n{\"id\":1},\n{\"id\":2,,},\n{\"id\":3}\n]\n",
            Map.of(),
            "id");

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(2L, List.of("1")), tuple(4L, List.of("3")));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(3L);
              assertThat(bad.original()).isEqualTo("{\"id\":2,,}");
              assertThat(bad.reason())
                  .startsWith("invalid JSON at line 3, column 9")
                  .doesNotContain("[Source");
            });
  }

  @Test
  void nulInsideAJsonArrayElementQuarantinesThatElementOnly() {
    CollectingSink sink =
        read(
            project,
            "data/all.json",
            "[{\"id\":1},\n{\"id\":\"a\u0000b\"},\n{\"id\":3},\n{\"id\":\"c\u0000\"},\n  {\"id\":5}]",
            Map.of(),
            "id");

    assertThat(sink.records())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(1L, List.of("1")), tuple(3L, List.of("3")), tuple(5L, List.of("5")));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::original)
        .containsExactly(tuple(2L, "{\"id\":\"a\u0000b\"}"), tuple(4L, "{\"id\":\"c\u0000\"}"));
    assertThat(sink.malformed().get(1).reason()).startsWith("invalid JSON at line 4, column ");
  }

  @Test
  void jsonArrayElementWhoseEndCannotBeFoundReportsTheRestOfTheFile() {
    // The second element holds a raw line feed in a string (skipped, reading goes on); the third
    // opens a string that is never closed: nothing after it can be told apart.
    CollectingSink sink =
        read(
            project,
            "data/all.json",
            "[\n{\"id\":1},\n{\"id\":\"x\n\"},\n{\"id\":\"3}\n]\n",
            Map.of(),
            "id");

    assertThat(sink.values()).containsExactly(List.of("1"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::original)
        .containsExactly(tuple(3L, "{\"id\":\"x\n\"}"), tuple(5L, "{\"id\":\"3}\n]\n"));
    assertThat(sink.malformed().get(1).reason())
        .startsWith("invalid JSON at line ")
        .endsWith("the rest of the file cannot be read as JSON");
  }

  @Test
  void contentAfterAJsonArrayWhoseLastElementWasBrokenIsMalformed() {
    CollectingSink sink =
        read(project, "data/all.json", "[{\"id\":1},\n{\"id\":2,,}]\n\nmore", Map.of(), "id");

    assertThat(sink.values()).containsExactly(List.of("1"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::original)
        .containsExactly(tuple(2L, "{\"id\":2,,}"), tuple(4L, "more"));
  }

  @Test
  void contentAfterTheJsonArrayIsMalformed() {
    CollectingSink sink =
        read(project, "data/all.json", "[{\"id\":1}]\n{\"id\":2}\n", Map.of(), "id");

    assertThat(sink.values()).containsExactly(List.of("1"));
    assertThat(sink.malformed())
        .extracting(Event::position, Event::original, Event::reason)
        .containsExactly(
            tuple(
                2L,
                "{\"id\":2}\n",
                "unexpected content after the end of the JSON array at line 2, column 1"));
  }

  @Test
  void oversizedJsonArrayElementIsMalformedAndReadingContinues() {
    String big = "{\"id\":2,\"pad\":\"" + "x".repeat(300) + "\"}";
    Sources.write(project, "all.json", "[{\"id\":1},\n" + big + ",\n{\"id\":3}]");
    SourceConnector connector = Sources.connector(100, project, Map.of("path", "all.json"), "id");

    CollectingSink sink = Sources.readAll(connector);

    assertThat(sink.values()).containsExactly(List.of("1"), List.of("3"));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(2L);
              assertThat(bad.reason()).contains("longer than 100 characters");
              assertThat(bad.original()).startsWith("{\"id\":2,\"pad\":\"xx");
            });
  }

  @Test
  void invalidUtf8InAJsonArrayReportsTheRestOfTheFile() {
    Sources.write(project, "all.json", bytes("[{\"id\":1},\n{\"id\":\"", 0xFF, "\"}]"));

    CollectingSink sink =
        Sources.readAll(Sources.connector(project, Map.of("path", "all.json"), "id"));

    assertThat(sink.values()).containsExactly(List.of("1"));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad.position()).isEqualTo(2L);
              assertThat(bad.reason()).contains("Invalid UTF-8");
            });
  }

  @Test
  void emptyFileAndEmptyArrayHaveNoRecords() {
    assertThat(read(project, "a.json", "", Map.of(), "id").events()).isEmpty();
    assertThat(read(project, "b.json", " [ ] ", Map.of(), "id").events()).isEmpty();
  }

  @Test
  void emptyPathSegmentIsAUserError() {
    assertThatThrownBy(() -> Sources.connector(project, Map.of("path", "x.ndjson"), "context..os"))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("field 'context..os' has path 'context..os'")
        .hasMessageContaining("empty segment");
  }

  @Test
  void vanishedFileIsAnExternalErrorNamingTheFile() throws IOException {
    Path file = Sources.write(project, "data/gone.ndjson", "{}\n");
    SourceConnector connector = Sources.connector(project, Map.of("path", "data/*.ndjson"), "a");
    Split split = connector.plan(Map.of()).splits().get(0);
    Files.delete(file);

    assertThatThrownBy(() -> connector.read(split, new CollectingSink()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
        .hasMessageContaining("'data/gone.ndjson'")
        .hasMessageContaining("no longer exists");
  }
}
