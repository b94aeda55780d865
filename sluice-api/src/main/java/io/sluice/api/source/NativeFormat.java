package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * How an engine can read a source's splits itself.
 *
 * @param format a format name engines know: {@code parquet}, or {@code ndjson} (UTF-8 text, one
 *     JSON object per line, no control characters but tab, CR and LF, so that a line reader and a
 *     JSON parser see the same records; fields are dotted paths of object keys)
 * @param options format options
 */
public record NativeFormat(String format, Map<String, String> options) {
  public NativeFormat {
    requireNonNull(format, "format is null");
    options = Map.copyOf(options);
  }
}
