package io.sluice.connect.jdbc;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.Locale;

/**
 * Reads a column's value as the canonical text a {@link io.sluice.api.source.RecordSink} takes:
 * timestamps and dates ISO-8601 (with time zone: in UTC, suffix {@code Z}), decimals plain (no
 * exponent), booleans {@code true}/{@code false}, binary as base64, NULL as null, everything else
 * as the driver's text.
 */
final class ColumnValues {
  /** How a column's values are read, from its JDBC type. */
  enum Kind {
    INTEGER("integer", true),
    BIGINT("bigint", true),
    DECIMAL("decimal", true),
    FLOAT("number", true),
    DOUBLE("number", true),
    BOOLEAN("boolean", false),
    DATE("date", false),
    TIME("string", false),
    TIMESTAMP("timestamp", false),
    TIMESTAMP_TZ("timestamp", false),
    BINARY("string", false),
    ARRAY("array", false),
    TEXT("string", false);

    /** The observed type (see {@link io.sluice.api.source.ObservedField#type}). */
    final String observed;

    /** Whether the value is a JSON number in the original. */
    final boolean numeric;

    Kind(String observed, boolean numeric) {
      this.observed = observed;
      this.numeric = numeric;
    }
  }

  static final DateTimeFormatter LOCAL_TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  // SQLite keeps timestamps as text written in many ways: 2024-05-01 10:00:00, 2024-05-01T10:00,
  // with or without fractions and a trailing Z
  private static final DateTimeFormatter LENIENT_TIMESTAMP =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendLiteral('Z')
          .optionalEnd()
          .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
          .toFormatter(Locale.ROOT);

  private ColumnValues() {}

  /** How the values of column {@code index} (1-based) are read. */
  static Kind kind(ResultSetMetaData meta, int index) throws SQLException {
    int type = meta.getColumnType(index);
    String name = String.valueOf(meta.getColumnTypeName(index)).toLowerCase(Locale.ROOT);
    return switch (type) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER ->
          // an unsigned INT of MySQL/MariaDB does not fit an int
          name.contains("unsigned") && type == Types.INTEGER ? Kind.BIGINT : Kind.INTEGER;
      case Types.BIGINT -> name.contains("unsigned") ? Kind.DECIMAL : Kind.BIGINT;
      case Types.NUMERIC, Types.DECIMAL -> Kind.DECIMAL;
      case Types.REAL -> Kind.FLOAT;
      case Types.FLOAT, Types.DOUBLE -> Kind.DOUBLE;
      case Types.BOOLEAN -> Kind.BOOLEAN;
      // PostgreSQL's boolean and MySQL's BIT(1) are BIT; a wider BIT is bytes
      case Types.BIT -> meta.getPrecision(index) > 1 ? Kind.BINARY : Kind.BOOLEAN;
      case Types.DATE -> Kind.DATE;
      case Types.TIME, Types.TIME_WITH_TIMEZONE -> Kind.TIME;
      case Types.TIMESTAMP ->
          // PostgreSQL reports timestamptz as TIMESTAMP with the type name
          name.equals("timestamptz") ? Kind.TIMESTAMP_TZ : Kind.TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMP_TZ;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
      case Types.ARRAY -> Kind.ARRAY;
      default -> Kind.TEXT;
    };
  }

  /** The observed type of a column for schema drift. */
  static String observedType(ResultSetMetaData meta, int index, Kind kind) throws SQLException {
    if (kind == Kind.DECIMAL) {
      int precision = meta.getPrecision(index);
      int scale = meta.getScale(index);
      // NUMERIC without a precision reports 0 (MySQL) or 1000 (PostgreSQL): any number
      return precision > 0 && precision <= 38 && scale >= 0 && scale <= precision
          ? "decimal(" + precision + "," + scale + ")"
          : "number";
    }
    return kind.observed;
  }

  /**
   * The value of column {@code index} of the current row as canonical text, or null for NULL.
   *
   * @param textTimestamps whether dates and timestamps may be text or numbers to parse (SQLite)
   * @throws SQLException when the driver cannot read the value
   * @throws IllegalArgumentException when the value has no canonical text (say why)
   */
  static String read(ResultSet rows, int index, Kind kind, boolean textTimestamps)
      throws SQLException {
    if (textTimestamps
        && (kind == Kind.DATE || kind == Kind.TIMESTAMP || kind == Kind.TIMESTAMP_TZ)) {
      return readLoose(rows.getObject(index), kind);
    }
    switch (kind) {
      case INTEGER, BIGINT -> {
        Object value = rows.getObject(index);
        return value == null ? null : integerText(value);
      }
      case DECIMAL -> {
        BigDecimal value = rows.getBigDecimal(index);
        return value == null ? null : value.toPlainString();
      }
      case FLOAT -> {
        float value = rows.getFloat(index);
        return rows.wasNull() ? null : Float.toString(value);
      }
      case DOUBLE -> {
        double value = rows.getDouble(index);
        return rows.wasNull() ? null : Double.toString(value);
      }
      case BOOLEAN -> {
        boolean value = rows.getBoolean(index);
        return rows.wasNull() ? null : Boolean.toString(value);
      }
      case DATE -> {
        LocalDate value = rows.getObject(index, LocalDate.class);
        if (value == null) {
          return nullOrUnreadable(rows, index);
        }
        if (value.equals(LocalDate.MAX) || value.equals(LocalDate.MIN)) {
          throw new IllegalArgumentException("infinity has no ISO-8601 date");
        }
        return value.toString();
      }
      case TIME -> {
        String value = rows.getString(index);
        return value;
      }
      case TIMESTAMP -> {
        LocalDateTime value = rows.getObject(index, LocalDateTime.class);
        if (value == null) {
          return nullOrUnreadable(rows, index);
        }
        if (value.equals(LocalDateTime.MAX) || value.equals(LocalDateTime.MIN)) {
          throw new IllegalArgumentException("infinity has no ISO-8601 timestamp");
        }
        return LOCAL_TIMESTAMP.format(value);
      }
      case TIMESTAMP_TZ -> {
        OffsetDateTime value = rows.getObject(index, OffsetDateTime.class);
        if (value == null) {
          return nullOrUnreadable(rows, index);
        }
        if (value.equals(OffsetDateTime.MAX) || value.equals(OffsetDateTime.MIN)) {
          throw new IllegalArgumentException("infinity has no ISO-8601 timestamp");
        }
        return utc(value.toInstant());
      }
      case BINARY -> {
        byte[] value = rows.getBytes(index);
        return value == null ? null : Base64.getEncoder().encodeToString(value);
      }
      default -> {
        return rows.getString(index);
      }
    }
  }

  /**
   * Null for SQL NULL; a value the driver reads as null although the column is not NULL (MySQL's
   * zero date {@code 0000-00-00}) has no canonical form and is an error, never a silent NULL.
   */
  private static String nullOrUnreadable(ResultSet rows, int index) throws SQLException {
    String text = rows.getString(index);
    if (text == null) {
      return null;
    }
    throw new IllegalArgumentException("the driver reads it as no date or time");
  }

  private static String integerText(Object value) {
    if (value instanceof Number number && !(value instanceof BigDecimal)) {
      return number.toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toBigIntegerExact().toString();
    }
    if (value instanceof Boolean bool) { // MySQL's TINYINT(1) may come back as a boolean
      return bool ? "1" : "0";
    }
    return new BigDecimal(value.toString()).toBigIntegerExact().toString();
  }

  /** Dates and timestamps kept as text or numbers (SQLite): parsed, then written canonically. */
  private static String readLoose(Object value, Kind kind) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number millis) {
      // sqlite-jdbc's default: milliseconds since the epoch
      Instant instant = Instant.ofEpochMilli(millis.longValue());
      return switch (kind) {
        case DATE -> LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
        case TIMESTAMP_TZ -> utc(instant);
        default -> LOCAL_TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
      };
    }
    String text = value.toString().trim();
    try {
      if (kind == Kind.DATE && text.length() == 10) {
        return LocalDate.parse(text).toString();
      }
      LocalDateTime parsed = LocalDateTime.parse(text, LENIENT_TIMESTAMP);
      return kind == Kind.TIMESTAMP_TZ
          ? utc(parsed.toInstant(ZoneOffset.UTC))
          : kind == Kind.DATE ? parsed.toLocalDate().toString() : LOCAL_TIMESTAMP.format(parsed);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a " + (kind == Kind.DATE ? "date" : "timestamp"), e);
    }
  }

  /** Parses a timestamp written as SQLite text may be. */
  static LocalDateTime parseLenient(String text) {
    return LocalDateTime.parse(text.trim(), LENIENT_TIMESTAMP);
  }

  static String utc(Instant instant) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
  }
}
