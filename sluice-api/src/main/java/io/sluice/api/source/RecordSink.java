package io.sluice.api.source;

/**
 * Receives the records of one split. Called from one thread at a time.
 *
 * <p>Every record of the input reaches the sink exactly once, as either {@link #record}, {@link
 * #malformed} or {@link #rejected}: a connector never skips input silently.
 */
public interface RecordSink {
  /**
   * A record that was parsed.
   *
   * @param position where the record starts (1-based line for text formats, row for others)
   * @param original the record as it appears in the input, verbatim
   * @param values one value per {@link SourceContext#fields()} entry, as text; null when absent
   */
  void record(long position, String original, String[] values);

  /**
   * Input that could not be parsed into a record.
   *
   * @param position where it starts
   * @param original the offending text, verbatim (possibly truncated for huge inputs)
   * @param reason why it could not be parsed, e.g. {@code unterminated quoted field}
   */
  void malformed(long position, String original, String reason);

  /**
   * A record that was read but rejected before mapping, such as one a record function dropped or
   * failed on; it is quarantined under {@code rule}. An engine that does not record the rule may
   * keep the default, which reports it as {@link #malformed} with the rule in the reason.
   *
   * @param position where it starts
   * @param original the record as read, verbatim
   * @param rule the rule to quarantine it under, e.g. {@code function}
   * @param reason why, for a person
   */
  default void rejected(long position, String original, String rule, String reason) {
    malformed(position, original, rule + ": " + reason);
  }

  /**
   * A record that deletes the row with its primary key from the source's clean table (a change
   * stream's delete, a row gone from a table). Only connectors whose capabilities declare {@code
   * changelog} call it, and only for sources that declare a {@code primary-key}; the raw table
   * keeps it as one more change.
   *
   * @param position where it is in its split
   * @param original the change as read, verbatim
   * @param values one value per {@link SourceContext#fields()} entry, as text; at least the primary
   *     key's fields are set, others may be null
   */
  default void deleted(long position, String original, String[] values) {
    throw new UnsupportedOperationException(
        "this sink takes no deletes: the source needs a primary-key and a changelog connector");
  }
}
