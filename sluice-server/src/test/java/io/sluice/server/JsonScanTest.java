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
