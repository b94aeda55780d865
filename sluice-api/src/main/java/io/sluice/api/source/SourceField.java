package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

/**
 * A field to extract from each source record.
 *
 * @param name the staging name of the field
 * @param path where the value is: a CSV header name, a Parquet column, or a dotted JSON path such
 *     as {@code context.device.os}
 * @param optional whether input without the field reads NULL for it; otherwise a connector whose
 *     input declares its columns (a CSV header) reports the missing field as an error
 */
public record SourceField(String name, String path, boolean optional) {
  public SourceField {
    requireNonNull(name, "name is null");
    requireNonNull(path, "path is null");
  }

  /** A required field. */
  public SourceField(String name, String path) {
    this(name, path, false);
  }
}
