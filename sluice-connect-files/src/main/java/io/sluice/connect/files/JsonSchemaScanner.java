package io.sluice.connect.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.sluice.api.source.ObservedField;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a JSON file (NDJSON or one array of objects) with the widest kind of value seen for
 * each leaf, for schema drift detection. Nested objects become dotted paths ({@code user.id});
 * arrays are leaves. Input that does not parse is skipped: the read reports it record by record.
 */
final class JsonSchemaScanner {
  private final JsonFactory factory =
      JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
  private final Charset encoding;
  private final int maxLineBytes;

  JsonSchemaScanner(Charset encoding, int maxLineBytes) {
    this.encoding = encoding;
    this.maxLineBytes = maxLineBytes;
  }

  List<ObservedField> scan(Path file, boolean array) throws IOException {
    Map<String, String> kinds = new LinkedHashMap<>();
    if (array) {
      try (InputStream in = Files.newInputStream(file);
          Reader reader = new InputStreamReader(in, encoding);
          JsonParser parser = factory.createParser(reader)) {
        if (parser.nextToken() == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            object(parser, "", kinds);
          }
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
        // What was seen before the malformed part stands.
      }
    } else {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteLines lines = new ByteLines(channel, maxLineBytes);
        while (lines.next()) {
          if (lines.tooLong()) {
            continue;
          }
          String text =
              new String(lines.buffer(), lines.start(), lines.end() - lines.start(), encoding);
          if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
          }
          record(text, kinds);
        }
      }
    }
    return fields(kinds);
  }

  /**
   * Adds the fields of one record (a JSON object as text) to {@code kinds}, path to widest kind; a
   * malformed record adds nothing (the read quarantines it as malformed).
   */
  void record(String text, Map<String, String> kinds) {
    try (JsonParser parser = factory.createParser(text)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        object(parser, "", kinds);
      }
    } catch (IOException malformed) {
      // Text in memory cannot fail to read: this is a parse error. The read quarantines the record
      // as malformed; its fields are not part of the schema.
    }
  }

  /** The leaf fields of {@code kinds} (objects are not fields: their leaves are). */
  static List<ObservedField> fields(Map<String, String> kinds) {
    List<ObservedField> fields = new ArrayList<>();
    kinds.forEach(
        (path, kind) -> {
          if (!kind.equals("object")) {
            fields.add(new ObservedField(path, kind));
          }
        });
    return fields;
  }

  /** Reads one object (the parser is on its START_OBJECT) into {@code kinds}. */
  private static void object(JsonParser parser, String prefix, Map<String, String> kinds)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String path = prefix + parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_OBJECT) {
        String seen = kinds.get(path);
        if (seen != null && !seen.equals("object")) {
          kinds.put(path, "mixed");
          parser.skipChildren();
        } else {
          kinds.putIfAbsent(path, "object");
          object(parser, path + ".", kinds);
        }
        continue;
      }
      if (value == JsonToken.START_ARRAY) {
        parser.skipChildren();
      }
      kinds.merge(path, kind(parser, value), JsonSchemaScanner::wider);
    }
  }

  private static String kind(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> "string";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      case START_ARRAY -> "array";
      case VALUE_NUMBER_INT ->
          parser.getNumberType() == JsonParser.NumberType.INT ? "integer" : "bigint";
      case VALUE_NUMBER_FLOAT -> "number";
      default -> "mixed";
    };
  }

  private static final List<String> NUMBERS = List.of("integer", "bigint", "number");

  static String wider(String a, String b) {
    if (a.equals(b) || b.equals("null")) {
      return a;
    }
    if (a.equals("null")) {
      return b;
    }
    if (NUMBERS.contains(a) && NUMBERS.contains(b)) {
      return NUMBERS.get(Math.max(NUMBERS.indexOf(a), NUMBERS.indexOf(b)));
    }
    return "mixed";
  }
}
