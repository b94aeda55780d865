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
import java.util.List;

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
    FieldKinds kinds = new FieldKinds();
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
          line(
              new String(lines.buffer(), lines.start(), lines.end() - lines.start(), encoding),
              kinds);
        }
      }
    }
    return kinds.fields();
  }

  /** Adds the fields of one NDJSON line (a byte-order mark before it aside). */
  void line(String text, FieldKinds kinds) {
    record(text.startsWith("\uFEFF") ? text.substring(1) : text, kinds);
  }

  /**
   * Adds the fields of one record (a JSON object as text) to {@code kinds}, path to widest kind; a
   * malformed record adds nothing (the read quarantines it as malformed).
   */
  void record(String text, FieldKinds kinds) {
    try (JsonParser parser = factory.createParser(text)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        object(parser, "", kinds);
      }
    } catch (IOException malformed) {
      // Text in memory cannot fail to read: this is a parse error. The read quarantines the record
      // as malformed; its fields are not part of the schema.
    }
  }

  /** Reads one object (the parser is on its START_OBJECT) into {@code kinds}. */
  private static void object(JsonParser parser, String prefix, FieldKinds kinds)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String path = prefix + parser.currentName();
      FieldKinds.Slot slot = kinds.slot(path);
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_OBJECT) {
        if (slot.kind != null && !slot.kind.equals(FieldKinds.OBJECT)) {
          kinds.set(slot, FieldKinds.MIXED);
          parser.skipChildren();
        } else {
          if (slot.kind == null) {
            kinds.set(slot, FieldKinds.OBJECT);
          }
          object(parser, path + ".", kinds);
        }
        continue;
      }
      if (value == JsonToken.START_ARRAY) {
        parser.skipChildren();
      }
      kinds.merge(slot, kind(parser, value));
    }
  }

  private static String kind(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> FieldKinds.STRING;
      case VALUE_TRUE, VALUE_FALSE -> FieldKinds.BOOLEAN;
      case VALUE_NULL -> FieldKinds.NULL;
      case START_ARRAY -> FieldKinds.ARRAY;
      case VALUE_NUMBER_INT ->
          parser.getNumberType() == JsonParser.NumberType.INT
              ? FieldKinds.INTEGER
              : FieldKinds.BIGINT;
      case VALUE_NUMBER_FLOAT -> FieldKinds.NUMBER;
      default -> FieldKinds.MIXED;
    };
  }
}
