package io.sluice.server.pgwire;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the SQL endpoint listens and what it accepts.
 *
 * @param host listen address
 * @param port listen port; 0 picks a free one
 * @param password the password every client must give (the serve query token), checked with
 *     SCRAM-SHA-256
 * @param maxConnections sessions served at once; more are refused with SQLSTATE 53300
 * @param idleTimeout a connection that sends no complete message for this long is closed
 * @param maxMessageBytes largest protocol message accepted; a larger one ends the session with an
 *     error, before its body is read
 * @param maxRowsPerResult rows one statement may return; a larger result ends with an error after
 *     this many rows, it is never cut silently
 */
public record PgWireSettings(
    String host,
    int port,
    String password,
    int maxConnections,
    Duration idleTimeout,
    int maxMessageBytes,
    long maxRowsPerResult) {
  /** The largest message accepted unless configured otherwise: 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 << 20;

  public PgWireSettings {
    requireNonNull(host, "host is null");
    requireNonNull(password, "password is null");
    requireNonNull(idleTimeout, "idleTimeout is null");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("the SQL endpoint's password is empty");
    }
    if (maxConnections < 1 || maxMessageBytes < 1024 || maxRowsPerResult < 1) {
      throw new IllegalArgumentException(
          "max connections %d and max rows %d must be positive, max message bytes %d at least 1024"
              .formatted(maxConnections, maxRowsPerResult, maxMessageBytes));
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
    }
  }
}
