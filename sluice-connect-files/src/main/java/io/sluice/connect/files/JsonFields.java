package io.sluice.connect.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.api.SluiceException;
import io.sluice.api.source.SourceField;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Extracts the fields of a source from JSON objects in one streaming pass. Field paths are dotted
 * ({@code context.device.os}); a segment that is a number also indexes arrays ({@code
 * items.0.sku}). The paths form a trie that the walk follows; everything else is skipped (but still
 * checked to be valid JSON).
 *
 * <p>Values: strings as their text, numbers as written in the input, {@code true}/{@code false},
 * JSON null or a missing path as null, objects and arrays as compact JSON text.
 */
final class JsonFields {
  private final JsonFactory factory;
  private final Node root = new Node();
  private final int size;

  JsonFields(String sourceName, List<SourceField> fields, JsonFactory factory) {
    this.factory = factory;
    this.size = fields.size();
    for (int slot = 0; slot < fields.size(); slot++) {
      SourceField field = fields.get(slot);
      String[] segments = field.path().split("\\.", -1);
      Node node = root;
      for (String segment : segments) {
        if (segment.isEmpty()) {
          throw SluiceException.user(
              "Source '%s': field '%s' has path '%s', which has an empty segment; a JSON path is"
                  + " keys and array indexes joined by dots, e.g. 'context.device.os' or"
                  + " 'items.0.sku'",
              sourceName, field.name(), field.path());
        }
        node = node.add(segment);
      }
      node.slots = Arrays.copyOf(node.slots, node.slots.length + 1);
      node.slots[node.slots.length - 1] = slot;
    }
  }

  /**
   * Reads the object at the parser's current {@link JsonToken#START_OBJECT} to its end and returns
   * one value per field.
   */
  String[] extract(JsonParser parser) throws IOException {
    String[] values = new String[size];
    walkObject(parser, root, values);
    return values;
  }

  private void walkObject(JsonParser parser, Node node, String[] values) throws IOException {
    if (node.names.isEmpty()) {
      parser.skipChildren();
      return;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      Node child = node.names.get(parser.currentName());
      JsonToken token = parser.nextToken();
      if (child == null) {
        parser.skipChildren();
      } else {
        visit(parser, token, child, values);
      }
    }
  }

  private void walkArray(JsonParser parser, Node node, String[] values) throws IOException {
    if (node.indexes.length == 0) {
      parser.skipChildren();
      return;
    }
    int index = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      Node child = index < node.indexes.length ? node.indexes[index] : null;
      index++;
      if (child == null) {
        parser.skipChildren();
      } else {
        visit(parser, token, child, values);
      }
    }
  }

  private void visit(JsonParser parser, JsonToken token, Node node, String[] values)
      throws IOException {
    if (node.slots.length == 0) {
      descend(parser, token, node, values);
      return;
    }
    String value;
    switch (token) {
      case START_OBJECT:
      case START_ARRAY:
        value = compact(parser);
        if (!node.names.isEmpty()) {
          // Both this value and values below it are wanted: walk the copy for the latter.
          try (JsonParser copy = factory.createParser(value)) {
            descend(copy, copy.nextToken(), node, values);
          }
        }
        break;
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        value = parser.getText();
        break;
      case VALUE_TRUE:
        value = "true";
        break;
      case VALUE_FALSE:
        value = "false";
        break;
      default:
        value = null;
    }
    for (int slot : node.slots) {
      values[slot] = value;
    }
  }

  private void descend(JsonParser parser, JsonToken token, Node node, String[] values)
      throws IOException {
    if (token == JsonToken.START_OBJECT) {
      walkObject(parser, node, values);
    } else if (token == JsonToken.START_ARRAY) {
      walkArray(parser, node, values);
    }
  }

  /** The value at the parser's current token as compact JSON text; reads to its end. */
  String compact(JsonParser parser) throws IOException {
    StringWriter out = new StringWriter();
    copy(parser, out);
    return out.toString();
  }

  /** Writes the value at the parser's current token to {@code out} as compact JSON. */
  void copy(JsonParser parser, Writer out) throws IOException {
    try (JsonGenerator generator = factory.createGenerator(out)) {
      int depth = 0;
      JsonToken token = parser.currentToken();
      while (true) {
        if (token == null) {
          throw new JsonParseException(parser, "Unexpected end-of-input inside a JSON value");
        }
        switch (token) {
          case START_OBJECT:
            generator.writeStartObject();
            depth++;
            break;
          case START_ARRAY:
            generator.writeStartArray();
            depth++;
            break;
          case END_OBJECT:
            generator.writeEndObject();
            depth--;
            break;
          case END_ARRAY:
            generator.writeEndArray();
            depth--;
            break;
          case FIELD_NAME:
            generator.writeFieldName(parser.currentName());
            break;
          case VALUE_STRING:
            generator.writeString(
                parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            break;
          case VALUE_NUMBER_INT:
          case VALUE_NUMBER_FLOAT:
            generator.writeNumber(parser.getText()); // as written, not re-formatted
            break;
          case VALUE_TRUE:
            generator.writeBoolean(true);
            break;
          case VALUE_FALSE:
            generator.writeBoolean(false);
            break;
          case VALUE_NULL:
            generator.writeNull();
            break;
          default:
            throw new IllegalStateException("unexpected JSON token " + token);
        }
        if (depth == 0) {
          return;
        }
        token = parser.nextToken();
      }
    }
  }

  /** A step of a field path; one node per distinct prefix. */
  private static final class Node {
    final Map<String, Node> names = new HashMap<>();
    Node[] indexes = new Node[0];
    int[] slots = new int[0];

    Node add(String segment) {
      Node child = names.computeIfAbsent(segment, s -> new Node());
      int index = arrayIndex(segment);
      if (index >= 0) {
        if (index >= indexes.length) {
          indexes = Arrays.copyOf(indexes, index + 1);
        }
        indexes[index] = child;
      }
      return child;
    }

    private static int arrayIndex(String segment) {
      if (segment.length() > 6 || (segment.length() > 1 && segment.charAt(0) == '0')) {
        return -1;
      }
      for (int i = 0; i < segment.length(); i++) {
        if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
          return -1;
        }
      }
      return Integer.parseInt(segment);
    }
  }
}
