package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * How an engine can read a source's splits itself.
 *
 * @param format a format name engines know, e.g. {@code parquet}
 * @param options format options
 */
public record NativeFormat(String format, Map<String, String> options) {
  public NativeFormat {
    requireNonNull(format, "format is null");
    options = Map.copyOf(options);
  }
}
