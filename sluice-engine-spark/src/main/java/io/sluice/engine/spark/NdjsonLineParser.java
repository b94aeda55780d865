package io.sluice.engine.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one NDJSON line once and gives what the DuckDB engine stages for it: why it is malformed
 * ({@code not valid JSON} unless the line is exactly one JSON value; {@code expected a JSON object,
 * found <type>} with DuckDB's {@code json_type} name for a valid non-object), else one text value
 * per field path, as DuckDB's {@code json_extract_string} and the files connector give them:
 * strings unquoted, numbers as written, {@code true}/{@code false}, JSON null or a missing key as
 * null, objects and arrays as compact JSON. A path's parts are object keys.
 *
 * <p>Not thread-safe: one per task.
 */
final class NdjsonLineParser {
  static final String NOT_VALID = "not valid JSON";

  private final JsonFactory factory = new JsonFactory();
  private final Node root = new Node();
  private final int size;

  NdjsonLineParser(List<String> fields) {
    this.size = fields.size();
    for (int slot = 0; slot < fields.size(); slot++) {
      Node node = root;
      for (String key : fields.get(slot).split("\\.", -1)) {
        node = node.names.computeIfAbsent(key, k -> new Node());
      }
      node.slots = java.util.Arrays.copyOf(node.slots, node.slots.length + 1);
      node.slots[node.slots.length - 1] = slot;
    }
  }

  /**
   * Parses {@code bytes[offset, offset + length)} and writes the field values into {@code values}
   * from {@code at} on (all null when the line is malformed); returns why it is malformed, or null.
   */
  String parse(byte[] bytes, int offset, int length, Object[] values, int at) {
    java.util.Arrays.fill(values, at, at + size, null);
    String malformed = null;
    try (JsonParser parser = factory.createParser(bytes, offset, length)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return NOT_VALID;
      }
      if (first == JsonToken.START_OBJECT) {
        walkObject(parser, root, values, at);
      } else {
        parser.skipChildren();
        malformed = "expected a JSON object, found " + typeName(parser, first);
      }
      if (parser.nextToken() != null) {
        java.util.Arrays.fill(values, at, at + size, null);
        return NOT_VALID;
      }
    } catch (JsonProcessingException e) {
      java.util.Arrays.fill(values, at, at + size, null);
      return NOT_VALID;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return malformed;
  }

  /** DuckDB's {@code json_type} of a valid JSON value that is not an object, lower case. */
  private static String typeName(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_ARRAY -> "array";
      case VALUE_STRING -> "varchar";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      case VALUE_NUMBER_INT -> parser.getText().startsWith("-") ? "bigint" : "ubigint";
      default -> "double";
    };
  }

  private void walkObject(JsonParser parser, Node node, Object[] values, int at)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      Node child = node.names.get(parser.currentName());
      JsonToken token = parser.nextToken();
      if (child == null) {
        parser.skipChildren();
      } else if (child.slots.length > 0) {
        String value = value(parser, token, child, values, at);
        for (int slot : child.slots) {
          values[at + slot] = value;
        }
      } else if (token == JsonToken.START_OBJECT) {
        walkObject(parser, child, values, at);
      } else {
        parser.skipChildren();
      }
    }
  }

  private String value(JsonParser parser, JsonToken token, Node node, Object[] values, int at)
      throws IOException {
    switch (token) {
      case START_OBJECT:
      case START_ARRAY:
        String compact = compact(parser);
        if (token == JsonToken.START_OBJECT && !node.names.isEmpty()) {
          // Both this object and paths below it are wanted: walk a parse of the copy for the
          // latter.
          try (JsonParser copy = factory.createParser(compact)) {
            copy.nextToken();
            walkObject(copy, node, values, at);
          }
        }
        return compact;
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return parser.getText();
      case VALUE_TRUE:
        return "true";
      case VALUE_FALSE:
        return "false";
      default:
        return null;
    }
  }

  /** The value at the parser's current token as compact JSON, numbers as written; reads past it. */
  private String compact(JsonParser parser) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = factory.createGenerator(out)) {
      int depth = 0;
      JsonToken token = parser.currentToken();
      do {
        switch (token) {
          case START_OBJECT -> {
            generator.writeStartObject();
            depth++;
          }
          case START_ARRAY -> {
            generator.writeStartArray();
            depth++;
          }
          case END_OBJECT -> {
            generator.writeEndObject();
            depth--;
          }
          case END_ARRAY -> {
            generator.writeEndArray();
            depth--;
          }
          case FIELD_NAME -> generator.writeFieldName(parser.currentName());
          case VALUE_STRING ->
              generator.writeString(
                  parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
          case VALUE_TRUE -> generator.writeBoolean(true);
          case VALUE_FALSE -> generator.writeBoolean(false);
          case VALUE_NULL -> generator.writeNull();
          default -> throw new IllegalStateException("unexpected JSON token " + token);
        }
        if (depth == 0) {
          break;
        }
        token = parser.nextToken();
        if (token == null) {
          throw new com.fasterxml.jackson.core.JsonParseException(
              parser, "unexpected end of input");
        }
      } while (true);
    }
    return out.toString();
  }

  /** A key of a field path; one node per distinct prefix. */
  private static final class Node {
    final Map<String, Node> names = new HashMap<>();
    int[] slots = new int[0];
  }
}
