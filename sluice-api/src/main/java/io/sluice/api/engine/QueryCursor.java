package io.sluice.api.engine;

import java.util.List;

/**
 * The rows of one query, read one at a time so that a large result never sits in memory whole.
 *
 * <p>{@link #next()} and {@link #row()} are called from one thread; {@link #cancel()} may be called
 * from any thread, after which {@link #next()} throws. Values are Java objects as the engine's JDBC
 * driver returns them (null for SQL NULL).
 */
public interface QueryCursor extends AutoCloseable {
  /** Column names, in order. */
  List<String> columns();

  /** Engine type names of the columns, e.g. {@code BIGINT}, {@code VARCHAR}. */
  List<String> types();

  /**
   * Moves to the next row.
   *
   * @return false after the last row
   * @throws QueryLimitException when the timeout fires or the result grows past the byte limit
   * @throws io.sluice.api.SluiceException (USER) for a query that fails while running
   */
  boolean next();

  /** The current row (after {@link #next()} returned true), one value per column. */
  List<Object> row();

  /** Stops the query; safe from any thread and more than once. */
  void cancel();

  @Override
  void close();

  /**
   * Reads the rest of the rows, at most {@code maxRows} of them, each value passed through {@code
   * cell}; {@link QueryResult#truncated()} says whether more rows followed.
   */
  default QueryResult fetch(int maxRows, java.util.function.UnaryOperator<Object> cell) {
    List<List<Object>> rows = new java.util.ArrayList<>();
    boolean truncated = false;
    while (next()) {
      if (rows.size() == maxRows) {
        truncated = true;
        break;
      }
      List<Object> row = new java.util.ArrayList<>(columns().size());
      for (Object value : row()) {
        row.add(cell.apply(value));
      }
      rows.add(row);
    }
    return new QueryResult(columns(), types(), rows, truncated);
  }

  /** A cursor over rows already in memory. */
  static QueryCursor of(QueryResult result) {
    java.util.Objects.requireNonNull(result, "result is null");
    return new QueryCursor() {
      private int index = -1;

      @Override
      public List<String> columns() {
        return result.columns();
      }

      @Override
      public List<String> types() {
        return result.types();
      }

      @Override
      public boolean next() {
        if (index < result.rows().size()) {
          index++;
        }
        return index < result.rows().size();
      }

      @Override
      public List<Object> row() {
        if (index < 0 || index >= result.rows().size()) {
          throw new IllegalStateException("no current row");
        }
        return result.rows().get(index);
      }

      @Override
      public void cancel() {}

      @Override
      public void close() {}
    };
  }
}
