package io.sluice.core.function;

import io.sluice.api.SluiceException;
import io.sluice.api.function.FunctionContext;
import io.sluice.config.DidYouMean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a built-in function's options strictly: unknown keys and wrong types are errors. */
final class FunctionOptions {
  private final FunctionContext context;

  FunctionOptions(FunctionContext context, Set<String> known) {
    this.context = context;
    for (String key : context.options().keySet()) {
      if (!known.contains(key)) {
        throw error(
            "unknown option '"
                + key
                + "'"
                + DidYouMean.hint(key, known)
                + "; options: "
                + new java.util.TreeSet<>(known));
      }
    }
  }

  List<String> requiredPaths(String key) {
    Object value = context.options().get(key);
    if (value == null) {
      throw error("option '" + key + "' is required: a list of dotted field paths");
    }
    List<String> paths = new ArrayList<>();
    for (Object item : value instanceof List<?> list ? list : List.of(value)) {
      if (!(item instanceof String path) || path.isBlank()) {
        throw error("option '" + key + "' must list field paths as text, found " + item);
      }
      paths.add(path);
    }
    if (paths.isEmpty()) {
      throw error("option '" + key + "' lists no field");
    }
    return paths;
  }

  Optional<String> text(String key) {
    Object value = context.options().get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      throw error("option '" + key + "' must be text, found " + value);
    }
    return Optional.of(value.toString());
  }

  int integer(String key, int defaultValue) {
    Object value = context.options().get(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number number)
        || number.doubleValue() != number.intValue()
        || number.intValue() < 0) {
      throw error("option '" + key + "' must be a whole number >= 0, found " + value);
    }
    return number.intValue();
  }

  Optional<Boolean> bool(String key) {
    Object value = context.options().get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Boolean b)) {
      throw error("option '" + key + "' must be true or false, found " + value);
    }
    return Optional.of(b);
  }

  Optional<List<String>> texts(String key) {
    Object value = context.options().get(key);
    if (value == null) {
      return Optional.empty();
    }
    List<String> texts = new ArrayList<>();
    for (Object item : value instanceof List<?> list ? list : List.of(value)) {
      if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
        throw error("option '" + key + "' must list plain values, found " + item);
      }
      texts.add(item.toString());
    }
    return Optional.of(texts);
  }

  SluiceException error(String message) {
    return SluiceException.user(
        "Function '%s' of source '%s': %s", context.functionName(), context.sourceName(), message);
  }
}
