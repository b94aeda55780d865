package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A validation rule ready for an engine.
 *
 * @param name rule name as reported in quarantine (e.g. {@code not_null})
 * @param column the column it checks, or empty for a row rule
 * @param kind how it is evaluated
 * @param failWhen for {@link Kind#EXPRESSION}: SQL over the mapped row that is TRUE when the row
 *     fails (never NULL); empty for {@link Kind#UNIQUE}
 * @param message what failed, for a person
 * @param valueExpression SQL giving the offending value as text for the quarantine record, or empty
 * @param uniqueColumns for {@link Kind#UNIQUE}: the key columns
 */
public record CompiledRule(
    String name,
    String column,
    Kind kind,
    String failWhen,
    String message,
    String valueExpression,
    List<String> uniqueColumns) {
  public CompiledRule {
    requireNonNull(name, "name is null");
    requireNonNull(column, "column is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(failWhen, "failWhen is null");
    requireNonNull(message, "message is null");
    requireNonNull(valueExpression, "valueExpression is null");
    uniqueColumns = List.copyOf(uniqueColumns);
  }

  /** How a rule is evaluated. */
  public enum Kind {
    /** A boolean SQL expression per row. */
    EXPRESSION,
    /**
     * Unique key within the whole dataset: among rows passing every other rule, a row fails when
     * the key already exists in the clean table or an earlier row of the batch (by source file,
     * then position) has it. NULL keys are not checked.
     */
    UNIQUE
  }
}
