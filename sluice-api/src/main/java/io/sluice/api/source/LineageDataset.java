package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

/**
 * The data a source reads, named as OpenLineage names datasets: a namespace for the system that
 * holds it (e.g. {@code file}, {@code postgres://db.example.com:5432}) and a name unique in it (a
 * path, {@code database.schema.table}). See the OpenLineage naming conventions.
 *
 * @param namespace the system holding the dataset
 * @param name the dataset in that system
 */
public record LineageDataset(String namespace, String name) {
  public LineageDataset {
    requireNonNull(namespace, "namespace is null");
    requireNonNull(name, "name is null");
  }
}
