package io.sluice.connect.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.source.ObservedField;
import io.sluice.connect.files.JsonRecords;
import io.sluice.connect.files.NdjsonRecords;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The stream's observation from the records' bytes ({@link NdjsonRecords}, the files connector's
 * byte-level observer) against what it was, Jackson's token walk of each record ({@link
 * JsonRecords.Observer}): the same fields with the same kinds in the same order, over generated
 * records that are mostly valid objects with escapes, nesting, arrays, dotted and non-ASCII keys
 * and numbers at the edges of int, and sometimes whitespace that spans lines (as a JSON array's
 * element may), control bytes, invalid UTF-8 or malformed JSON. A record is a line of its own
 * exactly when it starts with a brace and holds no control byte but tab.
 */
class StreamObservePropertiesTest {
  private static final String[] KEYS = {
    "a",
    "b",
    "id",
    "user",
    "a.b",
    "",
    "é",
    "中文",
    "k\\\"q",
    "\\u0041",
    "x y",
    "amount",
    "ts",
    "event_id",
    "event_ids",
    "a_key_longer_than_sixteen_bytes",
    "user_id",
    "usér_id"
  };
  private static final String[] NUMBERS = {
    "0",
    "-0",
    "7",
    "-12",
    "999999999",
    "1000000000",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "9999999999",
    "9223372036854775808",
    "123456789012345678901234567890",
    "1.5",
    "-0.25",
    "1e5",
    "1E+2",
    "01",
    "1.",
    "-",
    "NaN"
  };
  private static final String[] STRINGS = {
    "\"\"",
    "\"plain\"",
    "\"with \\\"quote\\\"\"",
    "\"\\u00e9\\n\\t\"",
    "\"é and 中 and 😀\"",
    "\"bad \\x escape\"",
    "\"tab\there\"",
    "\"a long string that crosses several eight byte words of the scanner\""
  };
  private static final String[] SPACES = {"", "", "", " ", "\t", "\n", "\r\n", "\n  "};

  @Property(tries = 500)
  void bytesGiveWhatTheParserGave(@ForAll long seed) {
    Random random = new Random(seed);
    List<byte[]> records = new ArrayList<>();
    int count = 1 + random.nextInt(12);
    boolean spaced = random.nextInt(4) == 0;
    boolean corrupt = random.nextInt(6) == 0;
    for (int i = 0; i < count; i++) {
      records.add(record(random, spaced, corrupt));
    }

    JsonRecords.Observer parsed = new JsonRecords.Observer();
    NdjsonRecords scanned = new NdjsonRecords();
    List<Boolean> lines = new ArrayList<>();
    for (byte[] record : records) {
      parsed.add(new String(record, StandardCharsets.UTF_8));
      lines.add(scanned.add(record, 0, record.length));
    }

    String shown =
        records.stream()
            .map(r -> new String(r, StandardCharsets.UTF_8))
            .collect(Collectors.joining(" | "));
    List<ObservedField> expected = parsed.fields();
    assertThat(scanned.fields()).as("fields of: %s", shown).isEqualTo(expected);
    for (int i = 0; i < records.size(); i++) {
      assertThat(lines.get(i)).as("one line: %s", shown).isEqualTo(isOneLine(records.get(i)));
    }
  }

  /** The check as written out: a brace first, valid UTF-8, no control byte but tab. */
  private static boolean isOneLine(byte[] record) {
    if (record.length == 0 || record[0] != '{') {
      return false;
    }
    for (byte b : record) {
      if (b >= 0 && b < 0x20 && b != '\t') {
        return false;
      }
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .decode(java.nio.ByteBuffer.wrap(record), java.nio.CharBuffer.allocate(record.length), true)
        .isUnderflow();
  }

  private static byte[] record(Random random, boolean spaced, boolean corrupt) {
    StringBuilder text = new StringBuilder();
    int shape = random.nextInt(20);
    if (shape == 0) {
      text.append(value(random, 0, spaced));
    } else {
      object(random, text, 0, spaced);
    }
    String record = text.toString();
    if (random.nextInt(10) == 0 && !record.isEmpty()) {
      int at = random.nextInt(record.length());
      record =
          random.nextBoolean()
              ? record.substring(0, at)
              : record.substring(0, at) + "}" + record.substring(at);
    }
    if (corrupt && random.nextInt(3) == 0) {
      String bad = new String[] {"\u0001", "\u0000", "\u007f", "\u001f"}[random.nextInt(4)];
      int at = random.nextInt(record.length() + 1);
      record = record.substring(0, at) + bad + record.substring(at);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(record.getBytes(StandardCharsets.UTF_8));
    if (corrupt && random.nextInt(4) == 0) {
      out.write(0xC3); // a lone lead byte: invalid UTF-8
    }
    return out.toByteArray();
  }

  private static String space(Random random, boolean spaced) {
    return spaced ? SPACES[random.nextInt(SPACES.length)] : "";
  }

  private static void object(Random random, StringBuilder out, int depth, boolean spaced) {
    out.append('{').append(space(random, spaced));
    int members = random.nextInt(depth > 2 ? 2 : 6);
    for (int i = 0; i < members; i++) {
      if (i > 0) {
        out.append(space(random, spaced)).append(',').append(space(random, spaced));
      }
      out.append('"').append(KEYS[random.nextInt(KEYS.length)]).append('"');
      out.append(space(random, spaced)).append(':').append(space(random, spaced));
      out.append(value(random, depth + 1, spaced));
    }
    out.append(space(random, spaced)).append('}');
  }

  private static String value(Random random, int depth, boolean spaced) {
    int kind = random.nextInt(depth > 3 ? 4 : 7);
    return switch (kind) {
      case 0 -> NUMBERS[random.nextInt(NUMBERS.length)];
      case 1 -> STRINGS[random.nextInt(STRINGS.length)];
      case 2 -> random.nextBoolean() ? "true" : "false";
      case 3 -> random.nextInt(5) == 0 ? "nul" : "null";
      case 4, 5 -> {
        StringBuilder nested = new StringBuilder();
        object(random, nested, depth, spaced);
        yield nested.toString();
      }
      default -> {
        StringBuilder array = new StringBuilder("[");
        int elements = random.nextInt(4);
        for (int i = 0; i < elements; i++) {
          array
              .append(i > 0 ? "," + space(random, spaced) : "")
              .append(value(random, depth + 1, spaced));
        }
        yield array.append(random.nextInt(10) == 0 ? "" : "]").toString();
      }
    };
  }
}
