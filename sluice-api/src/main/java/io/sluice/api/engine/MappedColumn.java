package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import io.sluice.api.type.DataType;
import java.util.List;

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

  /**
   * The select-list items computing the non-derived ({@code derived} false) or the derived columns
   * of {@code columns}, each as {@code , CAST(expression AS type) AS name}: the expressions of
   * non-derived columns already yield NULL for text that does not convert; a derived column's
   * expression is user SQL, so it is converted with {@code TRY_CAST} (NULL instead of an error).
   * Both engines build their mapping step from these, so they compute the same values.
   */
  public static String selectList(List<MappedColumn> columns, boolean derived, SqlDialect dialect) {
    StringBuilder sql = new StringBuilder();
    for (MappedColumn column : columns) {
      if (column.derived() == derived) {
        sql.append(derived ? ", TRY_CAST(" : ", CAST(")
            .append(column.expression())
            .append(" AS ")
            .append(dialect.typeName(column.type()))
            .append(") AS ")
            .append(dialect.quote(column.name()));
      }
    }
    return sql.toString();
  }
}
