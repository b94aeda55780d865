package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A record function a source applies to each record, from the source's {@code functions:} list.
 *
 * @param name the function's name (built in, or from a jar in {@code functions/})
 * @param options its options, as written in YAML
 * @param location where it was declared
 */
public record FunctionDef(String name, Map<String, Object> options, Location location) {
  public FunctionDef {
    requireNonNull(name, "name is null");
    options = Map.copyOf(options);
    requireNonNull(location, "location is null");
  }
}
