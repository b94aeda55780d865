package io.sluice.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the ingest server listens and what it accepts (the {@code serve} section of sluice.yaml).
 *
 * @param host listen address
 * @param port listen port; 0 picks a free one
 * @param maxBodyBytes largest request body, after gzip decompression
 * @param maxRecordBytes largest record, in bytes of UTF-8 JSON
 * @param maxRecordsPerRequest most records in one request
 * @param maxBacklogRecords records of a stream in the log but not yet landed above which pushes are
 *     refused with 429
 * @param maxInflightBytes memory for request bodies being received and parsed; a request that does
 *     not fit is refused with 503
 * @param bodyTimeout the most time a request body may take to arrive, from the end of its headers;
 *     a slower one is answered 408 and its connection closed
 * @param maxConnectionsPerClient open connections from one client address above which further ones
 *     are closed at once
 */
public record ServerSettings(
    String host,
    int port,
    int maxBodyBytes,
    int maxRecordBytes,
    int maxRecordsPerRequest,
    long maxBacklogRecords,
    long maxInflightBytes,
    Duration bodyTimeout,
    int maxConnectionsPerClient) {
  /** The default of {@code serve.body-timeout}. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

  /** The default of {@code serve.max-connections-per-client}. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;

  public ServerSettings {
    requireNonNull(host, "host is null");
    requireNonNull(bodyTimeout, "bodyTimeout is null");
    if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
      throw new IllegalArgumentException("body timeout must be positive: " + bodyTimeout);
    }
    if (maxConnectionsPerClient < 1) {
      throw new IllegalArgumentException(
          "connections per client must be positive: " + maxConnectionsPerClient);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (maxBodyBytes < 1 || maxRecordBytes < 1 || maxRecordsPerRequest < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (maxBacklogRecords < 1 || maxInflightBytes < 1) {
      throw new IllegalArgumentException("backlog and in-flight bounds must be positive");
    }
  }

  /** Settings with the default body timeout and connection limit per client. */
  public ServerSettings(
      String host,
      int port,
      int maxBodyBytes,
      int maxRecordBytes,
      int maxRecordsPerRequest,
      long maxBacklogRecords,
      long maxInflightBytes) {
    this(
        host,
        port,
        maxBodyBytes,
        maxRecordBytes,
        maxRecordsPerRequest,
        maxBacklogRecords,
        maxInflightBytes,
        DEFAULT_BODY_TIMEOUT,
        DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
  }

  /** These settings with another body timeout and connection limit per client. */
  public ServerSettings withClientLimits(Duration bodyTimeout, int maxConnectionsPerClient) {
    return new ServerSettings(
        host,
        port,
        maxBodyBytes,
        maxRecordBytes,
        maxRecordsPerRequest,
        maxBacklogRecords,
        maxInflightBytes,
        bodyTimeout,
        maxConnectionsPerClient);
  }
}
