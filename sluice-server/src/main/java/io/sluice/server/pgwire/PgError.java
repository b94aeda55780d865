package io.sluice.server.pgwire;

import static java.util.Objects.requireNonNull;

/**
 * An error the endpoint reports to the client as an ErrorResponse.
 *
 * <p>{@code fatal} errors end the session after the response.
 */
final class PgError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final String sqlState;
  final boolean fatal;

  PgError(String sqlState, String message, boolean fatal) {
    super(requireNonNull(message, "message is null"));
    this.sqlState = requireNonNull(sqlState, "sqlState is null");
    this.fatal = fatal;
  }

  static PgError error(String sqlState, String format, Object... args) {
    return new PgError(sqlState, format.formatted(args), false);
  }

  static PgError fatal(String sqlState, String format, Object... args) {
    return new PgError(sqlState, format.formatted(args), true);
  }

  static PgError protocol(String format, Object... args) {
    return fatal(SqlStates.PROTOCOL_VIOLATION, format, args);
  }
}
