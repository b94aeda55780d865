package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

/**
 * A field to extract from each source record.
 *
 * @param name the staging name of the field
 * @param path where the value is: a CSV header name, a Parquet column, or a dotted JSON path such
 *     as {@code context.device.os}
 */
public record SourceField(String name, String path) {
  public SourceField {
    requireNonNull(name, "name is null");
    requireNonNull(path, "path is null");
  }
}
