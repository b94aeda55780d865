package io.sluice.api.engine;

import io.sluice.api.type.DataType;
import java.util.Optional;

/** The few SQL constructs that differ between engines. */
public interface SqlDialect {
  /** Quotes an identifier. */
  String quote(String identifier);

  /** A string literal. */
  String literal(String value);

  /** The engine's name for a type. */
  String typeName(DataType type);

  /**
   * Converts text to {@code type}, yielding NULL instead of failing.
   *
   * @param format a strptime-style pattern for dates and timestamps, if the source declares one
   */
  String tryCast(String textExpression, DataType type, Optional<String> format);

  /** TRUE when the whole of {@code expression} matches the Java-compatible regular expression. */
  String regexMatches(String expression, String regex);

  /** The character length of a string expression. */
  String length(String expression);
}
