package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * How an engine can read a source's splits itself.
 *
 * @param format a format name engines know: {@code parquet}, or {@code ndjson} (UTF-8 text, one
 *     JSON object per line, no control characters but tab, CR and LF, so that a line reader and a
 *     JSON parser see the same records; fields are dotted paths of object keys)
 * @param options format options; besides a format's own, {@link #REJECT_RULE} and {@link
 *     #REJECT_REASON}
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
}
