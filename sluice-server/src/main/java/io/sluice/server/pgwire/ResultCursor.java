package io.sluice.server.pgwire;

import java.util.List;
import java.util.Optional;

/**
 * The rows of one statement, read one at a time and sent as they come (never buffered by the
 * endpoint). Used by one connection thread, except {@link #cancel}, which another thread may call
 * at any time.
 */
public interface ResultCursor extends AutoCloseable {
  /** Column names, in order; empty for a statement without a result set. */
  List<String> columnNames();

  /**
   * Column types as DuckDB names them ({@code INTEGER}, {@code DECIMAL(18,3)}, {@code VARCHAR},
   * {@code TIMESTAMP WITH TIME ZONE}, ...), one per column.
   */
  List<String> columnTypes();

  /**
   * The next row, values as Java objects ({@code null} for SQL NULL), or empty after the last row.
   */
  Optional<List<Object>> next();

  /** Asks a running statement to stop; {@link #next} may then throw. Called from another thread. */
  default void cancel() {}

  /** Releases the result; called once, also after an error or a cancel. */
  @Override
  void close();
}
