package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

/**
 * The least and greatest value of one column among some rows (a batch's primary keys), for finding
 * the data files that may hold rows with those values ({@link LakeTable#filesOverlapping}). Values
 * are Java objects as in {@link DataFile#partition()}: {@code String}, {@code Boolean}, {@code
 * Integer}, {@code Long}, {@code Double}, {@code BigDecimal}, {@code LocalDate}, {@code
 * LocalDateTime}.
 *
 * @param column the column's name
 * @param min the least value, inclusive
 * @param max the greatest value, inclusive
 */
public record KeyRange(String column, Object min, Object max) {
  public KeyRange {
    requireNonNull(column, "column is null");
    requireNonNull(min, "min is null");
    requireNonNull(max, "max is null");
  }
}
