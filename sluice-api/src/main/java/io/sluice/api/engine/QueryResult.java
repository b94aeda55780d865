package io.sluice.api.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Rows of a query, values as Java objects (null for SQL NULL).
 *
 * @param columns column names
 * @param types engine type names
 * @param rows rows, at most the requested maximum
 * @param truncated whether more rows existed
 */
public record QueryResult(
    List<String> columns, List<String> types, List<List<Object>> rows, boolean truncated) {
  public QueryResult {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
  }
}
