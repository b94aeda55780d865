package io.sluice.server;

import static java.util.Objects.requireNonNull;

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
 */
public record ServerSettings(
    String host,
    int port,
    int maxBodyBytes,
    int maxRecordBytes,
    int maxRecordsPerRequest,
    long maxBacklogRecords,
    long maxInflightBytes) {
  public ServerSettings {
    requireNonNull(host, "host is null");
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
}
