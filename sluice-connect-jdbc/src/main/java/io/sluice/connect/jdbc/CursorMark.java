package io.sluice.connect.jdbc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.SluiceException;
import io.sluice.connect.jdbc.ColumnValues.Kind;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A high-water mark of the cursor columns: one value per column, most significant first, kept as
 * canonical text with the kind it is bound back as.
 *
 * @param columns the cursor columns
 * @param kinds how each value is bound in a query
 * @param values each column's value, as text
 */
record CursorMark(List<String> columns, List<Kind> kinds, List<String> values) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SPACED =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  CursorMark {
    columns = List.copyOf(columns);
    kinds = List.copyOf(kinds);
    values = List.copyOf(values);
    if (columns.size() != kinds.size() || columns.size() != values.size()) {
      throw new IllegalArgumentException("a mark needs one kind and value per column");
    }
  }

  /** Reads the value of a cursor column from a MAX() query's result, or empty for NULL. */
  static Optional<String> read(ResultSet rows, Kind kind) throws SQLException {
    return Optional.ofNullable(
        switch (kind) {
          case INTEGER, BIGINT, DECIMAL -> {
            BigDecimal value = rows.getBigDecimal(1);
            yield value == null ? null : value.toPlainString();
          }
          case FLOAT, DOUBLE -> {
            double value = rows.getDouble(1);
            yield rows.wasNull() ? null : Double.toString(value);
          }
          case DATE -> {
            LocalDate value = rows.getObject(1, LocalDate.class);
            yield value == null ? null : value.toString();
          }
          case TIMESTAMP -> {
            LocalDateTime value = rows.getObject(1, LocalDateTime.class);
            yield value == null ? null : ColumnValues.LOCAL_TIMESTAMP.format(value);
          }
          case TIMESTAMP_TZ -> {
            OffsetDateTime value = rows.getObject(1, OffsetDateTime.class);
            yield value == null ? null : ColumnValues.utc(value.toInstant());
          }
          default -> rows.getString(1);
        });
  }

  /** Binds {@code value} of {@code kind} as parameter {@code index}. */
  static void bind(PreparedStatement statement, int index, Kind kind, String value)
      throws SQLException {
    switch (kind) {
      // a whole number as a bigint, so that PostgreSQL compares in the column's type and can use
      // its index (a numeric parameter would cast the column)
      case INTEGER, BIGINT -> statement.setLong(index, Long.parseLong(value));
      case DECIMAL -> statement.setBigDecimal(index, new BigDecimal(value));
      case FLOAT, DOUBLE -> statement.setDouble(index, Double.parseDouble(value));
      case DATE -> statement.setObject(index, LocalDate.parse(value));
      case TIMESTAMP -> statement.setObject(index, LocalDateTime.parse(value));
      case TIMESTAMP_TZ ->
          statement.setObject(
              index, OffsetDateTime.parse(value).withOffsetSameInstant(ZoneOffset.UTC));
      default -> statement.setString(index, value);
    }
  }

  /**
   * The first column's value less {@code lookback}, in the same kind.
   *
   * @throws SluiceException (USER) when the first cursor column is not a date or timestamp
   */
  String firstLessLookback(Duration lookback) {
    String value = values.get(0);
    Kind kind = kinds.get(0);
    switch (kind) {
      case TIMESTAMP -> {
        return ColumnValues.LOCAL_TIMESTAMP.format(LocalDateTime.parse(value).minus(lookback));
      }
      case TIMESTAMP_TZ -> {
        return ColumnValues.utc(OffsetDateTime.parse(value).minus(lookback).toInstant());
      }
      case DATE -> {
        long days = (lookback.toSeconds() + 86_399) / 86_400;
        return LocalDate.parse(value).minusDays(days).toString();
      }
      case TEXT -> {
        // a timestamp kept as text (SQLite): subtract, and write it back in the same layout so
        // that text comparison still orders it
        LocalDateTime parsed;
        try {
          parsed = ColumnValues.parseLenient(value);
        } catch (RuntimeException e) {
          throw lookbackNeedsTime("text '" + value + "'");
        }
        LocalDateTime earlier = parsed.minus(lookback);
        String text =
            value.contains("T")
                ? ColumnValues.LOCAL_TIMESTAMP.format(earlier)
                : SPACED.format(earlier)
                    + (earlier.getNano() == 0
                        ? ""
                        : ColumnValues.LOCAL_TIMESTAMP.format(earlier).substring(19));
        return value.endsWith("Z") ? text + "Z" : text;
      }
      default -> throw lookbackNeedsTime(kind.observed);
    }
  }

  private SluiceException lookbackNeedsTime(String found) {
    return SluiceException.user(
        "jdbc: lookback needs a date or timestamp first cursor column; '%s' is %s (remove lookback,"
            + " or put an update timestamp first in cursor)",
        columns.get(0), found);
  }

  /** Whether this mark is above {@code other}, comparing each column in its kind. */
  boolean isAbove(CursorMark other) {
    for (int i = 0; i < values.size(); i++) {
      int order = compare(kinds.get(i), values.get(i), other.values.get(i));
      if (order != 0) {
        return order > 0;
      }
    }
    return false;
  }

  private static int compare(Kind kind, String a, String b) {
    return switch (kind) {
      case INTEGER, BIGINT, DECIMAL -> new BigDecimal(a).compareTo(new BigDecimal(b));
      case FLOAT, DOUBLE -> Double.compare(Double.parseDouble(a), Double.parseDouble(b));
      case DATE -> LocalDate.parse(a).compareTo(LocalDate.parse(b));
      case TIMESTAMP -> LocalDateTime.parse(a).compareTo(LocalDateTime.parse(b));
      case TIMESTAMP_TZ -> OffsetDateTime.parse(a).compareTo(OffsetDateTime.parse(b));
      default -> a.compareTo(b);
    };
  }

  ObjectNode toJson() {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode kindsNode = node.putArray("kinds");
    kinds.forEach(k -> kindsNode.add(k.name().toLowerCase(java.util.Locale.ROOT)));
    ArrayNode valuesNode = node.putArray("values");
    values.forEach(valuesNode::add);
    return node;
  }

  static CursorMark fromJson(List<String> columns, JsonNode node) {
    List<Kind> kinds = new ArrayList<>();
    node.get("kinds")
        .forEach(k -> kinds.add(Kind.valueOf(k.asText().toUpperCase(java.util.Locale.ROOT))));
    List<String> values = new ArrayList<>();
    node.get("values").forEach(v -> values.add(v.asText()));
    return new CursorMark(columns, kinds, values);
  }

  /**
   * The position of an incremental split: the rows with a cursor above {@code from} (less the
   * lookback), up to and including {@code to}, the high-water mark committed with the batch.
   */
  record Range(List<String> cursor, Optional<CursorMark> from, CursorMark to) {
    Range {
      cursor = List.copyOf(cursor);
      requireNonNull(from, "from is null");
      requireNonNull(to, "to is null");
    }

    String encode() {
      ObjectNode node = JSON.createObjectNode();
      ArrayNode columns = node.putArray("cursor");
      cursor.forEach(columns::add);
      from.ifPresent(mark -> node.set("from", mark.toJson()));
      node.set("to", to.toJson());
      try {
        return JSON.writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a cursor position", e);
      }
    }

    /**
     * Reads a position this connector wrote.
     *
     * @throws SluiceException (USER) when it is not one, or was for other cursor columns
     */
    static Range decode(String source, String position, List<String> cursor) {
      JsonNode node;
      try {
        node = JSON.readTree(position);
      } catch (JsonProcessingException e) {
        node = null;
      }
      if (node == null || !node.has("cursor") || !node.has("to")) {
        throw SluiceException.user(
            "Source '%s': the committed position '%s' is not a jdbc cursor position (was the"
                + " source read in another mode? reset its state to read it again from the start)",
            source, position);
      }
      List<String> written = new ArrayList<>();
      node.get("cursor").forEach(c -> written.add(c.asText()));
      if (!written.equals(cursor)) {
        throw SluiceException.user(
            "Source '%s': the committed high-water mark is for cursor %s, but cursor is now %s;"
                + " reset the source's state to read it again from the start, or restore cursor",
            source, written, cursor);
      }
      Optional<CursorMark> from =
          node.has("from") ? Optional.of(fromJson(cursor, node.get("from"))) : Optional.empty();
      return new Range(cursor, from, fromJson(cursor, node.get("to")));
    }
  }
}
