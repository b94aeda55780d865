package io.sluice.connect.cdc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A change as the cdc connector writes it for the raw table and quarantine: {@code {"op": ...,
 * "table": ..., "lsn": ..., "row"|"before"|"key"|"after": {column: text}, "unchanged_toast":
 * [...]}}.
 *
 * @param rows the row objects by their name ({@code row}, {@code before}, {@code key}, {@code
 *     after}), each column's text or null
 */
record ChangeText(
    String op,
    String table,
    String lsn,
    Map<String, Map<String, String>> rows,
    List<String> unchangedToast) {
  private static final JsonFactory JSON = new JsonFactory();

  ChangeText {
    requireNonNull(op, "op is null");
    rows = Map.copyOf(rows);
    unchangedToast = List.copyOf(unchangedToast);
  }

  static ChangeText parse(String text) throws IOException {
    String op = null;
    String table = "";
    String lsn = "";
    Map<String, Map<String, String>> rows = new HashMap<>();
    List<String> toast = new ArrayList<>();
    try (JsonParser in = JSON.createParser(text)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String name = in.currentName();
        JsonToken value = in.nextToken();
        switch (name) {
          case "op" -> op = in.getValueAsString();
          case "table" -> table = in.getValueAsString();
          case "lsn" -> lsn = in.getValueAsString();
          case "row", "before", "key", "after" -> rows.put(name, row(in, value));
          case "unchanged_toast" -> {
            if (value != JsonToken.START_ARRAY) {
              throw new IllegalArgumentException("unchanged_toast is not an array");
            }
            while (in.nextToken() != JsonToken.END_ARRAY) {
              toast.add(in.getValueAsString());
            }
          }
          default -> in.skipChildren();
        }
      }
    }
    if (op == null) {
      throw new IllegalArgumentException("no op");
    }
    return new ChangeText(op, table, lsn, rows, toast);
  }

  private static Map<String, String> row(JsonParser in, JsonToken start) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException(in.currentName() + " is not an object");
    }
    Map<String, String> row = new HashMap<>();
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String column = in.currentName();
      JsonToken value = in.nextToken();
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("column " + column + " is not a text value");
      }
      row.put(column, value == JsonToken.VALUE_NULL ? null : in.getValueAsString());
    }
    return row;
  }
}
