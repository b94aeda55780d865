package io.sluice.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JSON values (maps with string keys, lists, strings, numbers, booleans, null) read from and
 * written to bytes with Jackson's streaming API: the server has no data binding.
 */
final class JsonValues {
  private static final int MAX_DEPTH = 32;

  private JsonValues() {}

  /**
   * Reads one JSON value that is the whole of {@code bytes}.
   *
   * @throws HttpError 400 naming the line and column of what is wrong
   */
  static Object read(JsonFactory json, byte[] bytes, int length) throws HttpError {
    try (JsonParser parser = json.createParser(bytes, 0, length)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new HttpError(400, "the body is empty; send a JSON object");
      }
      Object value = value(parser, 0);
      if (parser.nextToken() != null) {
        throw new HttpError(
            400,
            "the body holds more than one JSON value (at line "
                + parser.currentLocation().getLineNr()
                + ", column "
                + parser.currentLocation().getColumnNr()
                + ")");
      }
      return value;
    } catch (JsonParseException e) {
      throw new HttpError(
          400,
          "the body is not valid JSON: "
              + e.getOriginalMessage()
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (IOException e) {
      throw new HttpError(400, "the body could not be read: " + e.getMessage());
    }
  }

  private static Object value(JsonParser parser, int depth) throws IOException, HttpError {
    if (depth > MAX_DEPTH) {
      throw new HttpError(400, "the body nests deeper than " + MAX_DEPTH + " levels");
    }
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          if (object.put(name, value(parser, depth + 1)) != null) {
            throw new HttpError(400, "the field '" + name + "' is given twice");
          }
        }
        return object;
      case START_ARRAY:
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser, depth + 1));
        }
        return array;
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return parser.getNumberValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new HttpError(400, "unexpected JSON token " + token);
    }
  }

  /** Writes a plain JSON value. */
  static void write(JsonGenerator generator, Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      generator.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        generator.writeFieldName(String.valueOf(entry.getKey()));
        write(generator, entry.getValue());
      }
      generator.writeEndObject();
    } else if (value instanceof List<?> list) {
      generator.writeStartArray();
      for (Object item : list) {
        write(generator, item);
      }
      generator.writeEndArray();
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      generator.writeNumber(((Number) value).longValue());
    } else if (value instanceof java.math.BigInteger integer) {
      generator.writeNumber(integer);
    } else if (value instanceof Number number) {
      generator.writeNumber(number.doubleValue());
    } else if (value instanceof Boolean bool) {
      generator.writeBoolean(bool);
    } else if (value == null) {
      generator.writeNull();
    } else {
      generator.writeString(value.toString());
    }
  }
}
