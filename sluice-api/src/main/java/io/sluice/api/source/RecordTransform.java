package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

/**
 * The record functions of a source, as a connector sees them: one JSON object record in, the record
 * to map (or a rejection) out. Connectors that read JSON object records apply it to each record
 * before extracting fields, and store the returned text as the record; a connector reading other
 * records ignores it (the project loader only allows functions on JSON sources).
 *
 * <p>Used by one thread at a time.
 */
public interface RecordTransform {
  /** The transform of a source without functions: every record is kept as is. */
  RecordTransform IDENTITY =
      new RecordTransform() {
        @Override
        public Result apply(String json) {
          return new Keep(json);
        }

        @Override
        public boolean isIdentity() {
          return true;
        }
      };

  /**
   * Applies the functions to one record.
   *
   * @param json a JSON object, as read
   */
  Result apply(String json);

  /**
   * Whether every record is kept unchanged; a connector may then let an engine read the input
   * natively, as the engine does not run functions.
   */
  boolean isIdentity();

  /** What became of a record. */
  sealed interface Result permits Keep, Reject {}

  /** The record goes on, as this JSON text. */
  record Keep(String json) implements Result {
    public Keep {
      requireNonNull(json, "json is null");
    }
  }

  /**
   * The record is quarantined (see {@link RecordSink#rejected}).
   *
   * @param rule {@code function} (a function threw) or {@code dropped} (a function dropped it)
   * @param message why, naming the function
   */
  record Reject(String rule, String message) implements Result {
    public Reject {
      requireNonNull(rule, "rule is null");
      requireNonNull(message, "message is null");
    }
  }
}
