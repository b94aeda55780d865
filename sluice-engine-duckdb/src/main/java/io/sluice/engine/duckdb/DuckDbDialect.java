package io.sluice.engine.duckdb;

import io.sluice.api.engine.SqlDialect;
import io.sluice.api.type.DataType;
import java.util.Optional;

/** DuckDB's SQL. */
final class DuckDbDialect implements SqlDialect {
  @Override
  public String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  @Override
  public String typeName(DataType type) {
    return switch (type.kind()) {
      case STRING -> "VARCHAR";
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INTEGER";
      case BIGINT -> "BIGINT";
      case DOUBLE -> "DOUBLE";
      case DECIMAL -> "DECIMAL(" + type.precision() + "," + type.scale() + ")";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
    };
  }

  @Override
  public String tryCast(String text, DataType type, Optional<String> format) {
    String trimmed = "trim(" + text + ")";
    return switch (type.kind()) {
      case STRING -> text;
      // DuckDB rounds '1.5' to 2 when casting to an integer; a strict pipeline rejects it instead.
      case INT, BIGINT ->
          "CASE WHEN regexp_full_match("
              + trimmed
              + ", '[+-]?[0-9]+') THEN TRY_CAST("
              + trimmed
              + " AS "
              + typeName(type)
              + ") END";
      case TIMESTAMP ->
          format
              .map(f -> "TRY_STRPTIME(" + trimmed + ", " + literal(f) + ")")
              // Through TIMESTAMPTZ so that an explicit offset ('...+02:00', 'Z') is honoured; the
              // session time zone is UTC, so naive values are taken as UTC.
              .orElse("(TRY_CAST(" + trimmed + " AS TIMESTAMPTZ) AT TIME ZONE 'UTC')");
      case DATE ->
          format
              .map(f -> "CAST(TRY_STRPTIME(" + trimmed + ", " + literal(f) + ") AS DATE)")
              .orElse("TRY_CAST(" + trimmed + " AS DATE)");
      default -> "TRY_CAST(" + trimmed + " AS " + typeName(type) + ")";
    };
  }

  @Override
  public String regexMatches(String expression, String regex) {
    return "regexp_full_match(" + expression + ", " + literal(regex) + ")";
  }

  @Override
  public String length(String expression) {
    return "length(" + expression + ")";
  }
}
