package io.sluice.server.pgwire;

/**
 * Where the SQL endpoint sends the statements it lets through: read-only statements, one at a time
 * per connection, already cleared of session commands and writes by the endpoint.
 *
 * <p>Implementations must be safe to call from several connection threads at once; each call's
 * cursor is used by one thread only. A statement the backend cannot run is refused by throwing an
 * unchecked exception whose message is shown to the client (the endpoint maps DuckDB's error
 * classes, such as {@code Parser Error} or {@code Catalog Error}, to SQLSTATEs).
 */
@FunctionalInterface
public interface SqlBackend {
  /**
   * Runs one read-only statement.
   *
   * @param sql one statement, without a trailing semicolon
   * @param maxRows the most rows the endpoint sends for it; the endpoint reads at most {@code
   *     maxRows + 1} rows (one more, to tell the client the result was too large) and then closes
   *     the cursor, so a backend may stop producing rows there
   * @return the result, owned by the caller, who closes it
   */
  ResultCursor execute(String sql, long maxRows);
}
