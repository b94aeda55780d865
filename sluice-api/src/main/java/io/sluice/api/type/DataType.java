package io.sluice.api.type;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column type in the portable type system shared by every engine and lake.
 *
 * @param kind the type family
 * @param precision decimal precision, 0 for other kinds
 * @param scale decimal scale, 0 for other kinds
 */
public record DataType(Kind kind, int precision, int scale) {
  private static final Pattern DECIMAL =
      Pattern.compile("decimal\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  public static final DataType STRING = new DataType(Kind.STRING, 0, 0);
  public static final DataType BOOLEAN = new DataType(Kind.BOOLEAN, 0, 0);
  public static final DataType INT = new DataType(Kind.INT, 0, 0);
  public static final DataType BIGINT = new DataType(Kind.BIGINT, 0, 0);
  public static final DataType DOUBLE = new DataType(Kind.DOUBLE, 0, 0);
  public static final DataType DATE = new DataType(Kind.DATE, 0, 0);
  public static final DataType TIMESTAMP = new DataType(Kind.TIMESTAMP, 0, 0);

  /** Type families. */
  public enum Kind {
    STRING,
    BOOLEAN,
    INT,
    BIGINT,
    DOUBLE,
    DECIMAL,
    DATE,
    TIMESTAMP
  }

  public DataType {
    requireNonNull(kind, "kind is null");
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw SluiceException.user(
            "Invalid decimal(%d,%d): precision must be 1..38 and scale 0..precision",
            precision, scale);
      }
    } else if (precision != 0 || scale != 0) {
      throw new IllegalArgumentException("precision and scale apply to decimal only");
    }
  }

  public static DataType decimal(int precision, int scale) {
    return new DataType(Kind.DECIMAL, precision, scale);
  }

  /** The names accepted by {@link #parse}, for messages and documentation. */
  public static final String NAMES =
      "string, boolean, int, bigint, double, decimal(p,s), date, timestamp";

  /**
   * Parses a type name as written in a project: {@code string}, {@code bigint}, {@code
   * decimal(12,2)}, ... Synonyms {@code varchar}, {@code integer}, {@code long}, {@code float64}
   * and {@code bool} are accepted.
   *
   * @throws SluiceException (USER) for an unknown name
   */
  public static DataType parse(String text) {
    String name = text.trim().toLowerCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(name);
    if (decimal.matches()) {
      int scale = decimal.group(2) == null ? 0 : Integer.parseInt(decimal.group(2));
      return decimal(Integer.parseInt(decimal.group(1)), scale);
    }
    return switch (name) {
      case "string", "varchar", "text" -> STRING;
      case "boolean", "bool" -> BOOLEAN;
      case "int", "integer", "int32" -> INT;
      case "bigint", "long", "int64" -> BIGINT;
      case "double", "float64", "float" -> DOUBLE;
      case "decimal" -> decimal(38, 9);
      case "date" -> DATE;
      case "timestamp", "datetime" -> TIMESTAMP;
      default -> throw SluiceException.user("Unknown type '%s' (expected one of: %s)", text, NAMES);
    };
  }

  @Override
  public String toString() {
    return kind == Kind.DECIMAL
        ? "decimal(" + precision + "," + scale + ")"
        : kind.name().toLowerCase(Locale.ROOT);
  }
}
