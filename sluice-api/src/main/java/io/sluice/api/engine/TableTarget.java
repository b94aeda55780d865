package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.PartitionField;
import java.nio.file.Path;
import java.util.List;

/**
 * Where and how an engine writes one output table's files for a batch.
 *
 * @param columns the table's columns with field ids, in order
 * @param partitioning the table's partition fields
 * @param directory an empty directory to write Parquet files into
 */
public record TableTarget(
    List<LakeColumn> columns, List<PartitionField> partitioning, Path directory) {
  public TableTarget {
    columns = List.copyOf(columns);
    partitioning = List.copyOf(partitioning);
    requireNonNull(directory, "directory is null");
  }
}
