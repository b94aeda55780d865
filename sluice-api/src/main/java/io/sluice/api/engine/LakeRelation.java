package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import io.sluice.api.lake.LakeColumn;
import java.util.List;

/**
 * A lake table as SQL sees it: {@code schema.name} reading exactly {@code files}.
 *
 * @param schema SQL schema, e.g. {@code lake}
 * @param name relation name
 * @param columns the table's columns
 * @param files data file paths of the snapshot to expose
 */
public record LakeRelation(
    String schema, String name, List<LakeColumn> columns, List<String> files) {
  public LakeRelation {
    requireNonNull(schema, "schema is null");
    requireNonNull(name, "name is null");
    columns = List.copyOf(columns);
    files = List.copyOf(files);
  }
}
