package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The one-pass {@link FileScan} of a JSON file against what planning, the prescan and the
 * schema-drift scan found reading it three times: the same CRC32C, the same verdict on whether the
 * engine may read it, and the same fields with the same kinds in the same order as Jackson's token
 * walk ({@link JsonSchemaScanner}), over generated files that are mostly clean NDJSON with
 * malformed lines, escapes, nesting, arrays, duplicate and dotted keys and numbers at the edges of
 * int, and sometimes CR line ends, control bytes, invalid UTF-8, byte-order marks or arrays.
 */
class FileScanPropertiesTest {
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
    "a\\n",
    "event_id",
    "event_ids",
    "event_ie",
    "a_key_longer_than_sixteen_bytes",
    "a_key_longer_than_sixteen_byte!",
    "user_id",
    "usér_id"
  };
  private static final String[] NUMBERS = {
    "0",
    "-0",
    "7",
    "-12",
    "123456789",
    "999999999",
    "1000000000",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "9999999999",
    "12345678901",
    "9223372036854775807",
    "9223372036854775808",
    "123456789012345678901234567890",
    "1.5",
    "-0.25",
    "1e5",
    "1E+2",
    "2.5e-3",
    "0.0",
    "01",
    "1.",
    ".5",
    "-",
    "+1",
    "1e",
    "0x10",
    "NaN",
    "Infinity"
  };
  private static final String[] STRINGS = {
    "\"\"",
    "\"plain\"",
    "\"with \\\"quote\\\"\"",
    "\"back\\\\slash\"",
    "\"\\u00e9\\n\\t\"",
    "\"é and 中 and 😀\"",
    "\"bad \\x escape\"",
    "\"\\u12\"",
    "\"tab\there\"",
    "\"a long string that crosses several eight byte words of the scanner\"",
    "\"/\\/\""
  };
  private static final String[] WIDE_VALUES = {
    "1", "\"s\"", "true", "null", "2.5", "{\"x\":1}", "[1,{\"y\":2}]", "3000000000"
  };
  private static final String[] CORRUPTIONS = {"\r", "\u0001", "\uFEFF", "\u0000", "\u007f"};

  private static Path project;

  @BeforeContainer
  static void createProject() throws IOException {
    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    project = Files.createTempDirectory("file-scan-properties");
  }

  @AfterContainer
  static void deleteProject() throws IOException {
    try (Stream<Path> paths = Files.walk(project)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Property(tries = 400)
  void oneScanFindsWhatThreeReadsFound(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 64) int chunk) throws IOException {
    Random random = new Random(seed);
    byte[] content = file(random);
    Path file = project.resolve("scan-" + Long.toHexString(seed) + ".ndjson");
    Files.write(file, content);
    try {
      SourceContext context = Sources.context(project, Map.of("path", "*.ndjson"), "a");
      FilesOptions options = FilesOptions.parse(context);
      RecordFiles files =
          new RecordFiles(
              Sources.NAME,
              options.format(),
              options.csv(),
              options.json(),
              context.fields(),
              context.transform(),
              FilesConnector.MAX_RECORD_SIZE);
      Path temp = project.resolve("tmp");
      List<ObservedField> expected = files.observe("f", file, Compression.NONE, temp).orElseThrow();

      FileScan scan =
          FileScan.ndjson(
              file,
              content.length,
              5,
              new FileScan.JsonScan() {
                @Override
                public JsonSchemaScanner fallback() {
                  return new JsonSchemaScanner(
                      StandardCharsets.UTF_8, FilesConnector.MAX_RECORD_SIZE);
                }

                @Override
                public List<ObservedField> scan(Path path) throws IOException {
                  return files.observe("f", path, Compression.NONE, temp).orElseThrow();
                }
              },
              chunk);

      CRC32C crc = new CRC32C();
      crc.update(content);
      assertThat(scan.fingerprint())
          .isEqualTo(new Fingerprint(content.length, 5, (int) crc.getValue()));
      assertThat(scan.engineReadable())
          .as("engine readable: %s", new String(content, StandardCharsets.UTF_8))
          .isEqualTo(threePassPrescan(file));
      assertThat(scan.fields())
          .as("fields of: %s", new String(content, StandardCharsets.UTF_8))
          .isEqualTo(expected);
      assertThat(NdjsonPrescan.engineReadable(file)).isEqualTo(scan.engineReadable());
    } finally {
      Files.delete(file);
    }
  }

  private static byte[] file(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int lines = random.nextInt(12);
    boolean corrupt = random.nextInt(5) == 0;
    for (int i = 0; i < lines; i++) {
      StringBuilder line = new StringBuilder();
      if (random.nextInt(10) == 0) {
        line.append(random.nextBoolean() ? "  " : "\t");
      }
      int shape = random.nextInt(20);
      if (shape == 0) {
        // blank
      } else if (shape == 1) {
        line.append(value(random, 0));
      } else if (shape == 2) {
        wideObject(random, line, 0);
      } else {
        object(random, line, 0);
      }
      String text = line.toString();
      if (random.nextInt(8) == 0 && !text.isEmpty()) {
        text = mutate(random, text);
      }
      if (corrupt && random.nextInt(3) == 0) {
        String bad = CORRUPTIONS[random.nextInt(CORRUPTIONS.length)];
        int at = random.nextInt(text.length() + 1);
        text = text.substring(0, at) + bad + text.substring(at);
      }
      out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      if (corrupt && random.nextInt(4) == 0) {
        out.write(0xC3); // a lone lead byte: invalid UTF-8
      }
      if (i < lines - 1 || random.nextBoolean()) {
        out.writeBytes(
            corrupt && random.nextBoolean() ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
      }
    }
    return out.toByteArray();
  }

  private static String mutate(Random random, String text) {
    int at = random.nextInt(text.length());
    return switch (random.nextInt(4)) {
      case 0 -> text.substring(0, at); // truncated
      case 1 -> text.substring(0, at) + "}" + text.substring(at);
      case 2 -> text.substring(0, at) + ",\"" + text.substring(at);
      default -> text + (random.nextBoolean() ? " {\"late\": 1}" : " trailing");
    };
  }

  private static void object(Random random, StringBuilder out, int depth) {
    out.append('{');
    int members = random.nextInt(depth > 2 ? 2 : 5);
    for (int i = 0; i < members; i++) {
      if (i > 0) {
        out.append(random.nextInt(6) == 0 ? " , " : ",");
      }
      out.append('"').append(KEYS[random.nextInt(KEYS.length)]).append('"');
      out.append(random.nextInt(6) == 0 ? " :\t" : ":");
      out.append(value(random, depth + 1));
    }
    out.append(random.nextInt(6) == 0 ? " }" : "}");
  }

  /**
   * A valid object with many keys (more children than a path lists before it hashes them), now and
   * then one of them again such an object.
   */
  private static void wideObject(Random random, StringBuilder out, int depth) {
    out.append('{');
    int members = 30 + random.nextInt(40);
    for (int i = 0; i < members; i++) {
      out.append(i > 0 ? "," : "").append("\"k").append(random.nextInt(80)).append("\":");
      if (depth < 2 && random.nextInt(15) == 0) {
        wideObject(random, out, depth + 1);
      } else {
        out.append(WIDE_VALUES[random.nextInt(WIDE_VALUES.length)]);
      }
    }
    out.append('}');
  }

  private static String value(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 5 : 8);
    return switch (kind) {
      case 0 -> NUMBERS[random.nextInt(NUMBERS.length)];
      case 1 -> STRINGS[random.nextInt(STRINGS.length)];
      case 2 -> random.nextBoolean() ? "true" : "false";
      case 3 -> random.nextInt(4) == 0 ? "nul" : "null";
      case 4 -> STRINGS[random.nextInt(STRINGS.length)];
      case 5, 6 -> {
        StringBuilder nested = new StringBuilder();
        object(random, nested, depth);
        yield nested.toString();
      }
      default -> {
        StringBuilder array = new StringBuilder("[");
        int elements = random.nextInt(4);
        for (int i = 0; i < elements; i++) {
          array.append(i > 0 ? ", " : "").append(value(random, depth + 1));
        }
        yield array.append(random.nextInt(10) == 0 ? "" : "]").toString();
      }
    };
  }

  /** The prescan as it was: its own read of the whole file. */
  private static boolean threePassPrescan(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readAllBytes();
    }
    long lineLength = 0;
    boolean sawContent = false;
    for (byte b : bytes) {
      if (b == '\n') {
        lineLength = 0;
        continue;
      }
      if (++lineLength > NdjsonPrescan.MAX_LINE) {
        return false;
      }
      if (b >= 0 && b < 0x20 && b != '\t') {
        return false;
      }
      if (!sawContent && b != ' ' && b != '\t') {
        if (b != '{') {
          return false;
        }
        sawContent = true;
      }
    }
    return Utf8.firstInvalid(bytes, 0, bytes.length) < 0;
  }
}
