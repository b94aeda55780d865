package io.sluice.config;

import static java.util.Objects.requireNonNull;

import org.yaml.snakeyaml.nodes.Node;

/**
 * A parsed {@link ConfigType#tagged tagged} item.
 *
 * @param name which variant
 * @param arguments the variant's arguments, defaults filled in
 * @param node the item, for locations
 */
public record TaggedValue(String name, ConfigValues arguments, Node node) {
  public TaggedValue {
    requireNonNull(name, "name is null");
    requireNonNull(arguments, "arguments is null");
    requireNonNull(node, "node is null");
  }
}
