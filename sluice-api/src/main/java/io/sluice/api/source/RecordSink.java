package io.sluice.api.source;

/**
 * Receives the records of one split. Called from one thread at a time.
 *
 * <p>Every record of the input reaches the sink exactly once, as either {@link #record} or {@link
 * #malformed}: a connector never skips input silently.
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
}
