package io.sluice.api.function;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** What a {@link RecordFunction} decided for a record. */
public sealed interface FunctionResult permits FunctionResult.Keep, FunctionResult.Drop {
  /** Keeps the record, as given (possibly changed in place or a new map). */
  static FunctionResult keep(Map<String, Object> record) {
    return new Keep(record);
  }

  /**
   * Drops the record. It is quarantined with rule {@code dropped} and this reason, never lost.
   *
   * @param reason why, for a person, e.g. {@code internal test account}
   */
  static FunctionResult drop(String reason) {
    return new Drop(reason);
  }

  /** The record goes on to the next function, then to mapping. */
  record Keep(Map<String, Object> record) implements FunctionResult {
    public Keep {
      requireNonNull(record, "record is null");
    }
  }

  /** The record stops here and is quarantined with the reason. */
  record Drop(String reason) implements FunctionResult {
    public Drop {
      requireNonNull(reason, "reason is null");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("a dropped record needs a reason");
      }
    }
  }
}
