package io.sluice.engine.spark;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.SqlDialect;
import io.sluice.api.type.DataType;
import java.util.Optional;

/**
 * Spark SQL (ANSI mode, session time zone UTC), written to give the same values as the DuckDB
 * dialect for the same text.
 */
public final class SparkDialect implements SqlDialect {
  @Override
  public String quote(String identifier) {
    return '`' + identifier.replace("`", "``") + '`';
  }

  /** Spark string literals treat backslash as an escape character, so both are escaped. */
  @Override
  public String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Timestamps are {@code TIMESTAMP_NTZ}: Iceberg's {@code timestamp}, DuckDB's TIMESTAMP. */
  @Override
  public String typeName(DataType type) {
    return switch (type.kind()) {
      case STRING -> "STRING";
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INT";
      case BIGINT -> "BIGINT";
      case DOUBLE -> "DOUBLE";
      case DECIMAL -> "DECIMAL(" + type.precision() + "," + type.scale() + ")";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP_NTZ";
    };
  }

  @Override
  public String tryCast(String text, DataType type, Optional<String> format) {
    String trimmed = "trim(" + text + ")";
    return switch (type.kind()) {
      case STRING -> text;
      // As on DuckDB, '1.5' is not an integer (a strict pipeline rejects it rather than round).
      case INT, BIGINT -> guarded(trimmed, "[+-]?[0-9]+", type);
      case TIMESTAMP ->
          format
                  .map(
                      f ->
                          "CAST(try_to_timestamp(" + trimmed + ", " + literal(javaPattern(f)) + ")")
                  // Through TIMESTAMP (with zone) so that an explicit offset is honoured; the
                  // session
                  // time zone is UTC, so naive values are taken as UTC.
                  // Spark also reads 'now', 'today', 'yesterday', 'epoch' as timestamps; DuckDB
                  // does
                  // not, so the text must start with a date.
                  .orElse(
                      "CAST(CASE WHEN "
                          + regexMatches(trimmed, "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ].*)?")
                          + " THEN try_cast("
                          + trimmed
                          + " AS TIMESTAMP) END")
              + " AS TIMESTAMP_NTZ)";
      case DATE ->
          format
              .map(
                  f ->
                      "CAST(try_to_timestamp("
                          + trimmed
                          + ", "
                          + literal(javaPattern(f))
                          + ") AS DATE)")
              // Spark would also take '2024-01-05 10:00' as a date; DuckDB does not.
              .orElse(guarded(trimmed, "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", type));
      default -> "try_cast(" + trimmed + " AS " + typeName(type) + ")";
    };
  }

  private String guarded(String trimmed, String regex, DataType type) {
    return "CASE WHEN "
        + regexMatches(trimmed, regex)
        + " THEN try_cast("
        + trimmed
        + " AS "
        + typeName(type)
        + ") END";
  }

  /**
   * Whole-value match, as DuckDB's {@code regexp_full_match}: Spark's {@code RLIKE} finds the
   * pattern anywhere (Java regular expressions), so the pattern is anchored at both ends.
   */
  @Override
  public String regexMatches(String expression, String regex) {
    return "(" + expression + " RLIKE " + literal("^(?:" + regex + ")\\z") + ")";
  }

  @Override
  public String length(String expression) {
    return "char_length(" + expression + ")";
  }

  /**
   * Translates a strptime pattern ({@code %Y-%m-%d}) to Spark's datetime pattern ({@code
   * yyyy-MM-dd}); other text is quoted.
   *
   * @throws SluiceException (USER) for a directive Spark has no equivalent for
   */
  static String javaPattern(String strptime) {
    StringBuilder out = new StringBuilder();
    StringBuilder quoted = new StringBuilder();
    for (int i = 0; i < strptime.length(); i++) {
      char c = strptime.charAt(i);
      if (c != '%' || i + 1 == strptime.length()) {
        quoted.append(c);
        continue;
      }
      char directive = strptime.charAt(++i);
      String mapped =
          switch (directive) {
            case 'Y' -> "yyyy";
            case 'y' -> "yy";
            case 'm' -> "MM";
            case 'd' -> "dd";
            case 'H' -> "HH";
            case 'I' -> "hh";
            case 'M' -> "mm";
            case 'S' -> "ss";
            case 'f' -> "SSSSSS";
            case 'p' -> "a";
            case 'b' -> "MMM";
            case 'B' -> "MMMM";
            case 'j' -> "DDD";
            case 'z' -> "XX";
            case '%' -> null;
            default ->
                throw SluiceException.user(
                    "date format '%s': %%%s has no Spark equivalent (use %%Y %%y %%m %%d %%H %%I"
                        + " %%M %%S %%f %%p %%b %%B %%j %%z)",
                    strptime, directive);
          };
      if (mapped == null) {
        quoted.append('%');
        continue;
      }
      flush(quoted, out);
      out.append(mapped);
    }
    flush(quoted, out);
    return out.toString();
  }

  private static void flush(StringBuilder quoted, StringBuilder out) {
    if (quoted.isEmpty()) {
      return;
    }
    String text = quoted.toString();
    quoted.setLength(0);
    if (text.chars().noneMatch(ch -> Character.isLetter(ch) || ch == '\'')) {
      out.append(text);
    } else {
      out.append('\'').append(text.replace("'", "''")).append('\'');
    }
  }
}
