package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How an engine can read a source's splits itself.
 *
 * <p>An engine honours every option it is handed or refuses the split ({@link #requireOnly}): an
 * option it ignored would land other records, positions or values than the connector's {@link
 * SourceConnector#read} (a file read from the wrong place, lines numbered from 1 instead of from a
 * log offset).
 *
 * @param format a format name engines know: {@code parquet}, or {@code ndjson} (UTF-8 text, one
 *     JSON object per line, no control characters but tab, CR and LF, so that a line reader and a
 *     JSON parser see the same records; fields are dotted paths of object keys). A record's
 *     position is its line number in the file, counting from 1 (blank lines count and are skipped),
 *     unless {@link #FIRST_POSITION} says otherwise
 * @param options format options; besides a format's own, {@link #REJECT_RULE} and {@link
 *     #REJECT_REASON} ({@code parquet}), {@link #PATH} and {@link #FIRST_POSITION} ({@code ndjson})
 */
public record NativeFormat(String format, Map<String, String> options) {
  /**
   * Option: every record of the split is rejected under this rule (it goes to quarantine with
   * {@link #REJECT_REASON} as its message), as when a connector's sink gets {@code rejected} for
   * each. The core sets it for a split of a format the connector cannot read record by record
   * ({@code parquet}) that schema drift quarantines; an engine that reads {@code parquet} honours
   * it.
   */
  public static final String REJECT_RULE = "sluice.reject-rule";

  /** Option: the quarantine message of every record of a split rejected by {@link #REJECT_RULE}. */
  public static final String REJECT_REASON = "sluice.reject-reason";

  /**
   * Option of {@code ndjson}: the absolute path of the local file that holds the split's bytes,
   * when they are not at the split's {@link Split#location()} (a connector that copies records from
   * elsewhere, such as the ingest log, into a file for the engine; the location then keeps naming
   * the records for the connector).
   */
  public static final String PATH = "sluice.path";

  /**
   * Option of {@code ndjson}: the position of the file's first line, a decimal integer (default 1):
   * line {@code n} is the record at position {@code first + n - 1}, e.g. its log offset.
   */
  public static final String FIRST_POSITION = "sluice.first-position";

  public NativeFormat {
    requireNonNull(format, "format is null");
    options = Map.copyOf(options);
  }

  /** This format with every record rejected under {@code rule} for {@code reason}. */
  public NativeFormat rejectingAll(String rule, String reason) {
    Map<String, String> more = new java.util.HashMap<>(options);
    more.put(REJECT_RULE, requireNonNull(rule, "rule is null"));
    more.put(REJECT_REASON, requireNonNull(reason, "reason is null"));
    return new NativeFormat(format, more);
  }

  /**
   * Where the engine reads the split's bytes: {@link #PATH}, or else the split's location.
   *
   * @param split the split this format was offered for
   */
  public String path(Split split) {
    return options.getOrDefault(PATH, split.location());
  }

  /** The position of the first line ({@link #FIRST_POSITION}, 1 by default). */
  public long firstPosition() {
    String first = options.get(FIRST_POSITION);
    if (first == null) {
      return 1;
    }
    try {
      return Long.parseLong(first);
    } catch (NumberFormatException e) {
      throw SluiceException.internal(
          "Native format option " + FIRST_POSITION + " is not an integer: " + first, e);
    }
  }

  /**
   * Refuses options an engine does not honour, so that none is silently ignored.
   *
   * @param engine the engine's name, for the message
   * @param honoured the options the engine honours for this format
   * @throws SluiceException (INTERNAL) naming the other options
   */
  public void requireOnly(String engine, Set<String> honoured) {
    Set<String> unknown = new TreeSet<>(options.keySet());
    unknown.removeAll(honoured);
    if (!unknown.isEmpty()) {
      throw SluiceException.internal(
          String.format(
              "The %s engine does not honour option(s) %s of native format %s (it honours %s)",
              engine, unknown, format, new TreeSet<>(honoured)),
          null);
    }
  }
}
