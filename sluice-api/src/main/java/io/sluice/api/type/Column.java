package io.sluice.api.type;

import static java.util.Objects.requireNonNull;

/**
 * A named, typed column of a dataset or table.
 *
 * @param name column name as stored
 * @param type column type
 */
public record Column(String name, DataType type) {
  public Column {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
