package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import io.sluice.api.type.DataType;

/**
 * A column of the clean dataset and how to compute it.
 *
 * @param name column name
 * @param type column type
 * @param expression SQL computing the value; for a non-derived column it reads staging fields
 *     (named {@code s$<field>}), for a derived column it reads the non-derived columns
 * @param derived whether the column is computed from other dataset columns
 */
public record MappedColumn(String name, DataType type, String expression, boolean derived) {
  public MappedColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(expression, "expression is null");
  }
}
