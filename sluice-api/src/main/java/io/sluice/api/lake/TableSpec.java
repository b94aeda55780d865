package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

import io.sluice.api.type.Column;
import java.util.List;

/**
 * The desired shape of a table.
 *
 * @param id the table
 * @param columns columns in order; all are optional (nullable) in the lake
 * @param partitioning partition fields in order, possibly empty
 */
public record TableSpec(TableId id, List<Column> columns, List<PartitionField> partitioning) {
  public TableSpec {
    requireNonNull(id, "id is null");
    columns = List.copyOf(columns);
    partitioning = List.copyOf(partitioning);
  }
}
