package io.sluice.core.function;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.api.function.FunctionResult;
import io.sluice.api.function.RecordFunction;
import io.sluice.api.source.RecordTransform;
import java.util.List;
import java.util.Map;

/**
 * A source's record functions applied in order to one JSON object record. A function that drops the
 * record ends the chain with rule {@code dropped}; one that throws ends it with rule {@code
 * function} and the exception's message. Used by one thread at a time.
 */
public final class FunctionChain implements RecordTransform, AutoCloseable {
  static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();
  private static final TypeReference<Map<String, Object>> RECORD = new TypeReference<>() {};

  private final List<Named> functions;

  FunctionChain(List<Named> functions) {
    this.functions = List.copyOf(functions);
  }

  /** A function with the name a source referred to it by. */
  record Named(String name, RecordFunction function) {
    Named {
      requireNonNull(name, "name is null");
      requireNonNull(function, "function is null");
    }
  }

  @Override
  public Result apply(String json) {
    Map<String, Object> record;
    try {
      record = JSON.readValue(json, RECORD);
    } catch (JsonProcessingException e) {
      // Connectors hand over records they parsed as JSON objects: this is a bug, not bad data.
      throw new IllegalStateException("a connector passed a record that is not a JSON object", e);
    }
    for (Named named : functions) {
      FunctionResult result;
      try {
        result = named.function().apply(record);
      } catch (RuntimeException | LinkageError | StackOverflowError e) {
        return new Reject("function", "function '" + named.name() + "' failed: " + describe(e));
      }
      if (result == null) {
        return new Reject("function", "function '" + named.name() + "' returned no result");
      }
      if (result instanceof FunctionResult.Drop drop) {
        return new Reject(
            "dropped", "dropped by function '" + named.name() + "': " + drop.reason());
      }
      record = ((FunctionResult.Keep) result).record();
    }
    try {
      return new Keep(JSON.writeValueAsString(record));
    } catch (JsonProcessingException | RuntimeException e) {
      return new Reject(
          "function",
          "the record after function '"
              + functions.get(functions.size() - 1).name()
              + "' cannot be written as JSON: "
              + describe(e));
    }
  }

  @Override
  public boolean isIdentity() {
    return functions.isEmpty();
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (Named named : functions) {
      try {
        named.function().close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }
}
