package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Parquet data file that an engine wrote for a table.
 *
 * @param path absolute local path (or URI) of the file
 * @param partition partition values in the table's partition order; empty for an unpartitioned
 *     table; an element may be null. Day and hour transforms: {@code Integer} days or hours since
 *     the epoch. Identity: {@code String}, {@code Boolean}, {@code Integer} (int), {@code Long}
 *     (bigint), {@code Double}, {@code BigDecimal} at the column's scale (decimal), {@code
 *     LocalDate} (date), {@code LocalDateTime} (timestamp).
 * @param recordCount rows in the file, exactly (lakes check it)
 * @param sizeBytes file size in bytes, exactly
 */
public record DataFile(String path, List<Object> partition, long recordCount, long sizeBytes) {
  public DataFile {
    requireNonNull(path, "path is null");
    partition = Collections.unmodifiableList(new ArrayList<>(partition));
  }
}
