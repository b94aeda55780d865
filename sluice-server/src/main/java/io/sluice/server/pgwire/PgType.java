package io.sluice.server.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL types the endpoint answers with, mapped from DuckDB's type names, and how values
 * are written in the text format (always) and the binary format (for the types the PostgreSQL JDBC
 * driver asks binary for).
 */
enum PgType {
  BOOL(16, 1, true),
  BYTEA(17, -1, true),
  INT8(20, 8, true),
  INT2(21, 2, true),
  INT4(23, 4, true),
  TEXT(25, -1, true),
  JSON(114, -1, false),
  FLOAT4(700, 4, true),
  FLOAT8(701, 8, true),
  VARCHAR(1043, -1, true),
  DATE(1082, 4, true),
  TIME(1083, 8, true),
  TIMESTAMP(1114, 8, true),
  TIMESTAMPTZ(1184, 8, true),
  INTERVAL(1186, 16, false),
  NUMERIC(1700, -1, true),
  UUID_TYPE(2950, 16, true);

  /** Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
  private static final long PG_EPOCH_DAYS = LocalDate.of(2000, 1, 1).toEpochDay();

  private static final LocalDateTime PG_EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);

  private static final DateTimeFormatter TIME_TEXT =
      new DateTimeFormatterBuilder()
          .appendPattern("HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  final int oid;
  final short length;
  final boolean binary;

  PgType(int oid, int length, boolean binary) {
    this.oid = oid;
    this.length = (short) length;
    this.binary = binary;
  }

  /** The type of a DuckDB column type name; nested and unknown types are sent as text. */
  static PgType ofDuckDb(String duckDbType) {
    String t = duckDbType.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("]") || t.startsWith("STRUCT") || t.startsWith("MAP") || t.startsWith("UNION")) {
      return TEXT;
    }
    if (t.startsWith("DECIMAL") || t.startsWith("NUMERIC")) {
      return NUMERIC;
    }
    if (t.startsWith("VARCHAR")) {
      return VARCHAR;
    }
    return switch (t) {
      case "BOOLEAN", "BOOL" -> BOOL;
      case "TINYINT", "SMALLINT", "UTINYINT", "INT2" -> INT2;
      case "INTEGER", "INT", "USMALLINT", "INT4" -> INT4;
      case "BIGINT", "UINTEGER", "INT8" -> INT8;
      case "HUGEINT", "UHUGEINT", "UBIGINT", "VARINT", "BIGNUM" -> NUMERIC;
      case "FLOAT", "REAL", "FLOAT4" -> FLOAT4;
      case "DOUBLE", "FLOAT8" -> FLOAT8;
      case "BLOB", "BYTEA", "VARBINARY" -> BYTEA;
      case "DATE" -> DATE;
      case "TIME" -> TIME;
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME" -> TIMESTAMP;
      case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> TIMESTAMPTZ;
      case "INTERVAL" -> INTERVAL;
      case "UUID" -> UUID_TYPE;
      case "JSON" -> JSON;
      default -> TEXT;
    };
  }

  /** The value in PostgreSQL's text format (DateStyle ISO, UTC), as UTF-8. */
  byte[] text(Object value) {
    return textOf(value).getBytes(StandardCharsets.UTF_8);
  }

  private String textOf(Object value) {
    if (this == BYTEA) {
      return "\\x" + HexFormat.of().formatHex(bytes(value));
    }
    if (value instanceof Boolean b) {
      return b ? "t" : "f";
    }
    if (value instanceof Double d) {
      return floatText(d, Double.toString(d));
    }
    if (value instanceof Float f) {
      return floatText(f, Float.toString(f));
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof java.sql.Timestamp ts) {
      return timestampText(ts.toLocalDateTime());
    }
    if (value instanceof LocalDateTime ldt) {
      return timestampText(ldt);
    }
    if (value instanceof OffsetDateTime odt) {
      return timestampText(odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()) + "+00";
    }
    if (value instanceof ZonedDateTime zdt) {
      return timestampText(zdt.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime()) + "+00";
    }
    if (value instanceof Instant i) {
      return timestampText(LocalDateTime.ofInstant(i, ZoneOffset.UTC)) + "+00";
    }
    if (value instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (value instanceof LocalTime t) {
      return TIME_TEXT.format(t);
    }
    if (value instanceof java.sql.Time t) {
      return TIME_TEXT.format(t.toLocalTime());
    }
    if (value instanceof java.sql.Array a) {
      try {
        return arrayText(a.getArray());
      } catch (SQLException e) {
        throw PgError.error(
            SqlStates.DATA_EXCEPTION, "Cannot read a list value: %s", e.getMessage());
      }
    }
    return String.valueOf(value);
  }

  private static String arrayText(Object array) {
    if (!(array instanceof Object[] items)) {
      return String.valueOf(array);
    }
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < items.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      Object item = items[i];
      if (item == null) {
        out.append("NULL");
      } else {
        String text = item instanceof Object[] nested ? arrayText(nested) : String.valueOf(item);
        out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return out.append('}').toString();
  }

  private static String floatText(double d, String javaText) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return javaText;
  }

  private static String timestampText(LocalDateTime t) {
    return t.toLocalDate() + " " + TIME_TEXT.format(t.toLocalTime());
  }

  /** The value in PostgreSQL's binary format; only for types whose {@link #binary} is set. */
  byte[] binary(Object value) {
    return switch (this) {
      case BOOL -> new byte[] {(byte) (Boolean.TRUE.equals(value) ? 1 : 0)};
      case INT2 -> ByteBuffer.allocate(2).putShort(((Number) value).shortValue()).array();
      case INT4 -> ByteBuffer.allocate(4).putInt(((Number) value).intValue()).array();
      case INT8 -> ByteBuffer.allocate(8).putLong(((Number) value).longValue()).array();
      case FLOAT4 -> ByteBuffer.allocate(4).putFloat(((Number) value).floatValue()).array();
      case FLOAT8 -> ByteBuffer.allocate(8).putDouble(((Number) value).doubleValue()).array();
      case BYTEA -> bytes(value);
      case TEXT, VARCHAR -> text(value);
      case DATE ->
          ByteBuffer.allocate(4)
              .putInt((int) (localDate(value).toEpochDay() - PG_EPOCH_DAYS))
              .array();
      case TIME -> ByteBuffer.allocate(8).putLong(localTime(value).toNanoOfDay() / 1000).array();
      case TIMESTAMP, TIMESTAMPTZ ->
          ByteBuffer.allocate(8)
              .putLong(ChronoUnit.MICROS.between(PG_EPOCH, utcDateTime(value)))
              .array();
      case UUID_TYPE -> {
        UUID uuid = value instanceof UUID u ? u : UUID.fromString(value.toString());
        yield ByteBuffer.allocate(16)
            .putLong(uuid.getMostSignificantBits())
            .putLong(uuid.getLeastSignificantBits())
            .array();
      }
      case NUMERIC -> numericBinary(decimal(value));
      default -> throw new IllegalStateException("no binary format for " + this);
    };
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    if (value instanceof ByteBuffer b) {
      ByteBuffer copy = b.duplicate();
      byte[] out = new byte[copy.remaining()];
      copy.get(out);
      return out;
    }
    if (value instanceof Blob blob) {
      try {
        return blob.getBytes(1, (int) blob.length());
      } catch (SQLException e) {
        throw PgError.error(
            SqlStates.DATA_EXCEPTION, "Cannot read a BLOB value: %s", e.getMessage());
      }
    }
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static LocalDate localDate(Object value) {
    if (value instanceof LocalDate d) {
      return d;
    }
    if (value instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    return LocalDate.parse(value.toString());
  }

  private static LocalTime localTime(Object value) {
    if (value instanceof LocalTime t) {
      return t;
    }
    if (value instanceof java.sql.Time t) {
      return t.toLocalTime();
    }
    return LocalTime.parse(value.toString());
  }

  private static LocalDateTime utcDateTime(Object value) {
    if (value instanceof java.sql.Timestamp ts) {
      return ts.toLocalDateTime();
    }
    if (value instanceof LocalDateTime t) {
      return t;
    }
    if (value instanceof OffsetDateTime t) {
      return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
    if (value instanceof ZonedDateTime t) {
      return t.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
    if (value instanceof Instant i) {
      return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    }
    return LocalDateTime.parse(value.toString().replace(' ', 'T'));
  }

  private static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    return new BigDecimal(value.toString());
  }

  /** PostgreSQL's numeric binary form: base-10000 digits with a weight, a sign and a scale. */
  static byte[] numericBinary(BigDecimal value) {
    int scale = Math.max(value.scale(), 0);
    String plain = value.abs().setScale(scale).toPlainString();
    int dot = plain.indexOf('.');
    String whole = dot < 0 ? plain : plain.substring(0, dot);
    String fraction = dot < 0 ? "" : plain.substring(dot + 1);
    whole = "0".repeat((4 - whole.length() % 4) % 4) + whole;
    fraction = fraction + "0".repeat((4 - fraction.length() % 4) % 4);
    String all = whole + fraction;
    short[] digits = new short[all.length() / 4];
    for (int i = 0; i < digits.length; i++) {
      digits[i] = Short.parseShort(all.substring(i * 4, i * 4 + 4));
    }
    int weight = whole.length() / 4 - 1;
    int first = 0;
    while (first < digits.length && digits[first] == 0) {
      first++;
      weight--;
    }
    int last = digits.length;
    while (last > first && digits[last - 1] == 0) {
      last--;
    }
    int count = last - first;
    if (count == 0) {
      weight = 0;
    }
    ByteBuffer out = ByteBuffer.allocate(8 + 2 * count);
    out.putShort((short) count);
    out.putShort((short) weight);
    out.putShort((short) (value.signum() < 0 ? 0x4000 : 0));
    out.putShort((short) scale);
    for (int i = first; i < last; i++) {
      out.putShort(digits[i]);
    }
    return out.array();
  }

  /** The type of a parameter's declared OID; unknown OIDs are treated as text. */
  static PgType ofOid(int oid) {
    for (PgType type : values()) {
      if (type.oid == oid) {
        return type;
      }
    }
    return TEXT;
  }

  /** The DuckDB type a parameter of this type is cast to, or null to leave a string literal. */
  String castTarget() {
    return switch (this) {
      case BOOL -> "BOOLEAN";
      case INT2 -> "SMALLINT";
      case INT4 -> "INTEGER";
      case INT8 -> "BIGINT";
      case FLOAT4 -> "FLOAT";
      case FLOAT8 -> "DOUBLE";
      case NUMERIC -> "DECIMAL(38,10)";
      case DATE -> "DATE";
      case TIME -> "TIME";
      case TIMESTAMP -> "TIMESTAMP";
      case TIMESTAMPTZ -> "TIMESTAMPTZ";
      case UUID_TYPE -> "UUID";
      case BYTEA -> "BLOB";
      case INTERVAL -> "INTERVAL";
      default -> null;
    };
  }

  /** A binary-format parameter as the text DuckDB casts from. */
  String binaryParameterText(byte[] value) {
    ByteBuffer in = ByteBuffer.wrap(value);
    try {
      return switch (this) {
        case BOOL -> value[0] != 0 ? "true" : "false";
        case INT2 -> Short.toString(in.getShort());
        case INT4 -> Integer.toString(in.getInt());
        case INT8 -> Long.toString(in.getLong());
        case FLOAT4 -> Float.toString(in.getFloat());
        case FLOAT8 -> Double.toString(in.getDouble());
        case DATE -> LocalDate.ofEpochDay(PG_EPOCH_DAYS + in.getInt()).toString();
        case TIMESTAMP, TIMESTAMPTZ ->
            PG_EPOCH.plus(Duration.of(in.getLong(), ChronoUnit.MICROS)).toString();
        case UUID_TYPE -> new UUID(in.getLong(), in.getLong()).toString();
        case BYTEA -> "\\x" + HexFormat.of().formatHex(value);
        case TEXT, VARCHAR, JSON -> new String(value, StandardCharsets.UTF_8);
        default ->
            throw PgError.error(
                SqlStates.FEATURE_NOT_SUPPORTED,
                "Parameters of type OID %d in binary format are not supported; send them as text",
                oid);
      };
    } catch (java.nio.BufferUnderflowException | ArrayIndexOutOfBoundsException e) {
      throw PgError.error(
          SqlStates.PROTOCOL_VIOLATION, "A binary parameter of type OID %d is too short", oid);
    }
  }

  /** Bytes as the text of a DuckDB BLOB literal ({@code \xAB} escapes). */
  static String blobLiteralText(byte[] value) {
    StringBuilder out = new StringBuilder(value.length * 4);
    for (byte b : value) {
      out.append("\\x").append(HexFormat.of().withUpperCase().toHexDigits(b));
    }
    return out.toString();
  }
}
