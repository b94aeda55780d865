package io.sluice.api.function;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What a function is created with.
 *
 * @param sourceName the source the function runs for
 * @param functionName the name it was referred to by
 * @param options the function's options from the source file (every key of its entry but {@code
 *     function}), as written in YAML: strings, numbers, booleans, lists or maps
 */
public record FunctionContext(String sourceName, String functionName, Map<String, Object> options) {
  public FunctionContext {
    requireNonNull(sourceName, "sourceName is null");
    requireNonNull(functionName, "functionName is null");
    options = Map.copyOf(options);
  }
}
