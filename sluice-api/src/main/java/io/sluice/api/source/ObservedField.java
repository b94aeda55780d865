package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

/**
 * A field found in a split's input, for schema drift detection.
 *
 * @param path the field's path as a {@link SourceField#path()} would name it (a CSV header name, a
 *     dotted JSON path to a leaf)
 * @param type what the input says of its values: {@code text} when the format has no types (CSV);
 *     for JSON the widest kind seen over the split: {@code integer} (whole numbers that fit a
 *     32-bit int), {@code bigint}, {@code number} (any with a fraction or exponent), {@code
 *     string}, {@code boolean}, {@code array}; {@code null} when every value was JSON null; {@code
 *     mixed} when values of different kinds were seen (say strings and numbers)
 */
public record ObservedField(String path, String type) {
  public ObservedField {
    requireNonNull(path, "path is null");
    requireNonNull(type, "type is null");
  }
}
