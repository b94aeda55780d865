package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

/**
 * One partition field: a transform of a source column.
 *
 * @param column the source column
 * @param transform how values are derived from it
 */
public record PartitionField(String column, Transform transform) {
  public PartitionField {
    requireNonNull(column, "column is null");
    requireNonNull(transform, "transform is null");
  }

  /** Partition transforms. */
  public enum Transform {
    /** The column value itself. Partition value: the value (String, Integer, Long, ...). */
    IDENTITY,
    /** Days since 1970-01-01 of a timestamp or date. Partition value: Integer. */
    DAY,
    /** Hours since 1970-01-01T00:00 of a timestamp. Partition value: Integer. */
    HOUR
  }
}
