package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Parquet data file that an engine wrote for a table.
 *
 * @param path absolute local path (or URI) of the file
 * @param partition partition values in the table's partition order (Integer for day/hour
 *     transforms; the column's Java value for identity); empty for an unpartitioned table. An
 *     element may be null.
 * @param recordCount rows in the file
 * @param sizeBytes file size
 */
public record DataFile(String path, List<Object> partition, long recordCount, long sizeBytes) {
  public DataFile {
    requireNonNull(path, "path is null");
    partition = Collections.unmodifiableList(new ArrayList<>(partition));
  }
}
