package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The quick check of records never takes what Jackson (the server's reader) refuses, and finds the
 * same end of an object; what it leaves to Jackson only costs time.
 */
class JsonScanTest {
  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  /** Where Jackson ends the object at the start of {@code bytes}, or -1 when it refuses it. */
  private static int jacksonEnd(byte[] bytes) {
    if (Utf8.firstInvalid(bytes, 0, bytes.length) >= 0) {
      return -1;
    }
    try (JsonParser parser = JSON.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      parser.skipChildren();
      int end = (int) parser.currentLocation().getByteOffset();
      return parser.nextToken() == null ? end : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static int scanEnd(byte[] bytes) {
    int end = JsonScan.skipObject(bytes, 0, bytes.length);
    return end >= 0 && JsonScan.space(bytes, end, bytes.length) == bytes.length ? end : -1;
  }

  @Test
  void takesPlainObjectsAndFindsTheirEnd() {
    for (String json :
        List.of(
            "{}",
            "{\"a\":1}",
            "{ \"a\" : [1, -2.5e+3, 0, true, false, null, \"x\\n\\u00e9\"], \"b\": {\"c\": {}} }",
            "{\"é\":\"ü€😀\",\"n\":-0.0E-0}",
            "{\"a\":[[],[{}],{\"b\":[]}]}  ")) {
      byte[] bytes = json.getBytes(UTF_8);
      assertThat(scanEnd(bytes)).as(json).isEqualTo(json.strip().getBytes(UTF_8).length);
      assertThat(scanEnd(bytes)).as(json).isEqualTo(jacksonEnd(bytes));
    }
  }

  @Test
  void leavesEverythingDoubtfulToJackson() {
    for (String json :
        List.of(
            "{",
            "{\"a\"}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":-}",
            "{\"a\":.5}",
            "{\"a\":tru}",
            "{\"a\":truex}",
            "{\"a\":1,}",
            "{,\"a\":1}",
            "{\"a\":[1,]}",
            "{\"a\":[1 2]}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12\"}",
            "{\"a\":\"\\ud83d\\ude00\"}",
            "{\"a\":\"tab\there\"}",
            "{'a':1}",
            "{a:1}",
            "{\"a\":1}}",
            "{\"a\":NaN}",
            "{\"a\":1} {}",
            "[{}]",
            "{\"a\":\"" + "x".repeat(5) + "\"/*c*/}",
            "{\"a\":" + "1".repeat(JsonScan.MAX_NUMBER + 1) + "}",
            "{\"a\":" + "[".repeat(JsonScan.MAX_DEPTH) + "]".repeat(JsonScan.MAX_DEPTH) + "}")) {
      assertThat(scanEnd(json.getBytes(UTF_8))).as(json).isEqualTo(-1);
    }
    byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
    assertThat(scanEnd(overlong)).isEqualTo(-1);
    byte[] surrogate = {
      '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
    };
    assertThat(scanEnd(surrogate)).isEqualTo(-1);
  }

  @Property(tries = 3000)
  void neverTakesWhatJacksonRefuses(@ForAll("nearlyJson") byte[] bytes) {
    int scanned = scanEnd(bytes);
    if (scanned >= 0) {
      assertThat(jacksonEnd(bytes)).as(new String(bytes, UTF_8)).isEqualTo(scanned);
    }
  }

  @Test
  void findsPartitionKeysAsJacksonDoes() {
    String json =
        "{\"a\":{\"b\":\"x\"},\"n\":-1.50E3,\"t\":true,\"z\":null,\"o\":{},\"arr\":[1],"
            + "\"s\":\"h\\u00e9\",\"u\":{\"id\":\"é😀\",\"id\":\"second\"},\"e\\u0041\":1}";
    for (String path :
        List.of("a.b", "a", "n", "t", "z", "o", "arr", "s", "u.id", "missing", "a.b.c", "eA", "")) {
      assertThat(jsonScanKey(json, path)).as(path).isEqualTo(jacksonKey(json, path));
    }
    assertThat(jsonScanKey(json, "a.b")).isEqualTo("x");
    assertThat(jsonScanKey(json, "n")).isEqualTo("-1.50E3");
    assertThat(jsonScanKey(json, "u.id")).isEqualTo("é😀");
  }

  @Property(tries = 1000)
  void findsTheSamePartitionKeyAsJackson(
      @ForAll("nearlyJson") byte[] bytes, @ForAll("keyPaths") String path) {
    String json = new String(bytes, UTF_8);
    if (jacksonEnd(bytes) >= 0) {
      assertThat(jsonScanKey(json, path))
          .as(json + " at " + path)
          .isEqualTo(jacksonKey(json, path));
    }
  }

  @Provide
  Arbitrary<String> keyPaths() {
    return Arbitraries.of("k", "k.f0", "k.f1", "k.f0.f0", "k.f2.f1", "f0", "k.");
  }

  /** JsonScan's key, with what it leaves to Jackson decided by Jackson (as RecordBatch does). */
  private static String jsonScanKey(String json, String path) {
    byte[] bytes = json.getBytes(UTF_8);
    String[] names = path.split("\\.", -1);
    byte[][] utf8 = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      utf8[i] = names[i].getBytes(UTF_8);
    }
    String key = JsonScan.key(bytes, 0, bytes.length, utf8);
    return key == JsonScan.UNDECIDED ? jacksonKey(json, path) : key;
  }

  /** The partition key as the server read it before JsonScan: Jackson, first match wins. */
  private static String jacksonKey(String json, String path) {
    String[] names = path.split("\\.", -1);
    try (JsonParser parser = JSON.createParser(json.getBytes(UTF_8))) {
      parser.nextToken();
      int depth = 0;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!name.equals(names[depth])) {
          parser.skipChildren();
          continue;
        }
        if (depth == names.length - 1) {
          return value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getText() : null;
        }
        if (value != JsonToken.START_OBJECT) {
          return null;
        }
        depth++;
      }
      return null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Valid objects, some with one byte changed, dropped or doubled. */
  @Provide
  Arbitrary<byte[]> nearlyJson() {
    Arbitrary<String> objects = value(3).map(v -> "{\"k\":" + v + "}");
    return objects.flatMap(
        json -> {
          byte[] bytes = json.getBytes(UTF_8);
          Arbitrary<Integer> at = Arbitraries.integers().between(0, bytes.length - 1);
          Arbitrary<Byte> any =
              Arbitraries.of(
                  (byte) '{',
                  (byte) '}',
                  (byte) '[',
                  (byte) ']',
                  (byte) ',',
                  (byte) ':',
                  (byte) '"',
                  (byte) '\\',
                  (byte) '-',
                  (byte) '0',
                  (byte) '1',
                  (byte) '.',
                  (byte) 'e',
                  (byte) 'u',
                  (byte) ' ',
                  (byte) 0x01,
                  (byte) 0xC3,
                  (byte) 0xA9,
                  (byte) 0xFF);
          return Arbitraries.oneOf(
              Arbitraries.just(bytes),
              Arbitraries.lazy(
                  () ->
                      at.flatMap(
                          i ->
                              any.map(
                                  b -> {
                                    byte[] changed = bytes.clone();
                                    changed[i] = b;
                                    return changed;
                                  }))),
              at.map(
                  i -> {
                    byte[] dropped = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, dropped, 0, i);
                    System.arraycopy(bytes, i + 1, dropped, i, bytes.length - i - 1);
                    return dropped;
                  }),
              at.map(
                  i -> {
                    byte[] doubled = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, doubled, 0, i + 1);
                    System.arraycopy(bytes, i, doubled, i + 1, bytes.length - i);
                    return doubled;
                  }));
        });
  }

  private static Arbitrary<String> value(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.of("true", "false", "null", "0", "-0", "12", "-3.25", "1e5", "2.5E-3"),
            Arbitraries.strings()
                .withChars("abc é€😀\\\"\n\t\u0001/")
                .ofMaxLength(24)
                .map(JsonScanTest::quote));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> inner = Arbitraries.lazy(() -> value(depth - 1));
    return Arbitraries.oneOf(
        scalar,
        inner.list().ofMaxSize(3).map(items -> "[" + String.join(", ", items) + "]"),
        inner.list().ofMaxSize(3).map(JsonScanTest::object));
  }

  private static String object(List<String> values) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      out.append(i > 0 ? "," : "").append("\"f").append(i).append("\" : ").append(values.get(i));
    }
    return out.append('}').toString();
  }

  /** A JSON string of {@code text}, with its escapes (and raw control characters left raw). */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\u0009");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
