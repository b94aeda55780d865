package io.sluice.api.function;

import java.util.Map;

/**
 * A function applied to each record of a source, before mapping and validation.
 *
 * <p>Threading: an instance is used by one thread at a time; a source may create several instances
 * to process splits side by side. Lifecycle: created by {@link RecordFunctionFactory#create},
 * called for each record, then {@link #close()}d once when the batch is done.
 */
public interface RecordFunction extends AutoCloseable {
  /**
   * Processes one record.
   *
   * @param record the record as a JSON object: keys in input order, values are {@code String},
   *     {@code java.math.BigDecimal} or {@code java.math.BigInteger} (numbers keep their written
   *     scale), {@code Boolean}, {@code null}, {@code java.util.List} or {@code Map} with the same
   *     value types. The map is mutable and owned by the function during the call; it may be
   *     changed in place and returned with {@link FunctionResult#keep}.
   * @return what to do with the record; never null
   * @throws RuntimeException any exception quarantines this record (rule {@code function}, with the
   *     exception's message) and processing goes on with the next record
   */
  FunctionResult apply(Map<String, Object> record);

  /** Releases what the function holds. The default does nothing. */
  @Override
  default void close() {}
}
