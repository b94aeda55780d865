package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

import io.sluice.api.type.DataType;

/**
 * A column of an existing table with the field id that data files must carry.
 *
 * @param fieldId the id to write into Parquet files for this column
 * @param name column name
 * @param type column type
 */
public record LakeColumn(int fieldId, String name, DataType type) {
  public LakeColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
