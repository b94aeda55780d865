package io.sluice.api.log;

import static java.util.Objects.requireNonNull;

/** One record read from a log partition: its offset and its payload (owned by the caller). */
public record LogRecord(long offset, byte[] payload) {
  public LogRecord {
    if (offset < 0) {
      throw new IllegalArgumentException("offset is negative: " + offset);
    }
    requireNonNull(payload, "payload is null");
  }
}
