package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import io.sluice.api.type.DataType;
import java.util.List;
import java.util.Optional;

/**
 * A dataset column and how it is mapped from the source.
 *
 * @param name column name in the dataset
 * @param type column type
 * @param from the source field it is read from (CSV header, Parquet column or dotted JSON path);
 *     empty for a derived column
 * @param expression a SQL expression over the other (non-derived) columns, for a derived column
 * @param defaultValue text used when the source value is missing or empty, cast like a value
 * @param format strptime-style pattern for date and timestamp parsing
 * @param description free text, possibly empty
 * @param checks checks on this column, in order
 * @param location where it was declared
 */
public record ColumnDef(
    String name,
    DataType type,
    Optional<String> from,
    Optional<String> expression,
    Optional<String> defaultValue,
    Optional<String> format,
    String description,
    List<CheckDef> checks,
    Location location) {
  public ColumnDef {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(from, "from is null");
    requireNonNull(expression, "expression is null");
    requireNonNull(defaultValue, "defaultValue is null");
    requireNonNull(format, "format is null");
    requireNonNull(description, "description is null");
    checks = List.copyOf(checks);
    requireNonNull(location, "location is null");
    if (from.isPresent() == expression.isPresent()) {
      throw new IllegalArgumentException("exactly one of from and expression must be set");
    }
  }

  public boolean derived() {
    return expression.isPresent();
  }
}
