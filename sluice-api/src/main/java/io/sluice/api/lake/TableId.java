package io.sluice.api.lake;

import static java.util.Objects.requireNonNull;

/**
 * A table's identity: one namespace level and a name, e.g. {@code clean.orders}.
 *
 * @param namespace e.g. {@code raw}, {@code clean}, {@code quarantine}
 * @param name table name
 */
public record TableId(String namespace, String name) {
  public TableId {
    requireNonNull(namespace, "namespace is null");
    requireNonNull(name, "name is null");
  }

  @Override
  public String toString() {
    return namespace + "." + name;
  }
}
