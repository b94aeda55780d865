package io.sluice.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonLineReaderTest {
  /** Every line of {@code text} that is not blank, as "number:text", read as one range. */
  private static List<String> expected(String text) {
    List<String> result = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
    for (int i = 0; i < count; i++) {
      if (!lines[i].isBlank()) {
        result.add((i + 1) + ":" + lines[i]);
      }
    }
    return result;
  }

  /** Reads {@code text} in ranges cut at {@code cuts}, each range on its own. */
  private static List<String> readInRanges(byte[] bytes, int... cuts) throws IOException {
    List<String> result = new ArrayList<>();
    int[] bounds = new int[cuts.length + 2];
    System.arraycopy(cuts, 0, bounds, 1, cuts.length);
    bounds[bounds.length - 1] = bytes.length;
    for (int r = 0; r + 1 < bounds.length; r++) {
      int start = bounds[r];
      int end = bounds[r + 1];
      long before =
          NdjsonLineReader.countNewlines(new ByteArrayInputStream(bytes, 0, start), start);
      int from = start == 0 ? 0 : start - 1;
      NdjsonLineReader reader =
          new NdjsonLineReader(
              new ByteArrayInputStream(bytes, from, bytes.length - from), start, end, before);
      while (reader.next()) {
        if (!reader.blank()) {
          result.add(
              reader.number()
                  + ":"
                  + new String(
                      reader.bytes(), reader.offset(), reader.length(), StandardCharsets.UTF_8));
        }
      }
    }
    return result;
  }

  @Test
  void numbersEveryLineExactlyWhereverTheRangesAreCut() throws IOException {
    for (String text :
        List.of(
            "{\"a\":1}\n\n{\"a\":2}\n  \t\n{\"a\":3}\n",
            "{\"a\":1}\n{\"a\":2}",
            "\n\n{\"a\":1}\n\n",
            "{\"é\":\"ü\"}\nx\n\n\n{}\n",
            "")) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      List<String> expected = expected(text);
      assertThat(readInRanges(bytes)).as(text).isEqualTo(expected);
      for (int a = 0; a <= bytes.length; a++) {
        assertThat(readInRanges(bytes, a)).as(text + " cut at " + a).isEqualTo(expected);
        for (int b = a; b <= bytes.length; b++) {
          assertThat(readInRanges(bytes, a, b))
              .as(text + " cut at " + a + ", " + b)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void readsLinesLongerThanItsBuffer() throws IOException {
    char[] filler = new char[200_000];
    Arrays.fill(filler, 'x');
    String text = "{\"a\":\"" + new String(filler) + "\"}\n\n{\"b\":1}\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

    assertThat(readInRanges(bytes, 100_000)).isEqualTo(expected(text));
  }

  @Test
  void parsesEachLineOnceAsDuckDbExtractsFields() {
    NdjsonLineParser parser =
        new NdjsonLineParser(List.of("id", "user.id", "user", "n", "ok", "gone", "arr"));
    Object[] values = new Object[9];

    String line =
        "{\"id\": \"a\\\"b\", \"user\": {\"id\": 7, \"x\": [1, 2.50]}, \"n\": 1.50, \"ok\": true,"
            + " \"gone\": null, \"arr\": [ {\"k\" : 1} ]}  ";
    assertThat(parse(parser, line, values)).isNull();
    assertThat(Arrays.asList(values).subList(2, 9))
        .containsExactly(
            "a\"b", "7", "{\"id\":7,\"x\":[1,2.50]}", "1.50", "true", null, "[{\"k\":1}]");

    assertThat(parse(parser, "{\"id\": 1", values)).isEqualTo("not valid JSON");
    assertThat(values[2]).isNull();
    assertThat(parse(parser, "{\"id\": 1} {}", values)).isEqualTo("not valid JSON");
    assertThat(values[2]).isNull();
    assertThat(parse(parser, "{\"id\": 1} x", values)).isEqualTo("not valid JSON");
    assertThat(parse(parser, "[1, 2]", values)).isEqualTo("expected a JSON object, found array");
    assertThat(parse(parser, "\"s\"", values)).isEqualTo("expected a JSON object, found varchar");
    assertThat(parse(parser, "-3", values)).isEqualTo("expected a JSON object, found bigint");
    assertThat(parse(parser, "3", values)).isEqualTo("expected a JSON object, found ubigint");
    assertThat(parse(parser, "3.5", values)).isEqualTo("expected a JSON object, found double");
    assertThat(parse(parser, "null", values)).isEqualTo("expected a JSON object, found null");
    assertThat(parse(parser, "true", values)).isEqualTo("expected a JSON object, found boolean");
    assertThat(parse(parser, "{\"id\": \"x\"}", values)).isNull();
    assertThat(Arrays.asList(values).subList(2, 9))
        .containsExactly("x", null, null, null, null, null, null);
  }

  private static String parse(NdjsonLineParser parser, String line, Object[] values) {
    byte[] bytes = ("##" + line).getBytes(StandardCharsets.UTF_8);
    return parser.parse(bytes, 2, bytes.length - 2, values, 2);
  }
}
