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
 * @param severity what a failure does to the row
 */
public record CompiledRule(
    String name,
    String column,
    Kind kind,
    String failWhen,
    String message,
    String valueExpression,
    List<String> uniqueColumns,
    Severity severity) {
  public CompiledRule {
    requireNonNull(name, "name is null");
    requireNonNull(column, "column is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(failWhen, "failWhen is null");
    requireNonNull(message, "message is null");
    requireNonNull(valueExpression, "valueExpression is null");
    uniqueColumns = List.copyOf(uniqueColumns);
    requireNonNull(severity, "severity is null");
  }

  /** A rule of severity {@link Severity#QUARANTINE}. */
  public CompiledRule(
      String name,
      String column,
      Kind kind,
      String failWhen,
      String message,
      String valueExpression,
      List<String> uniqueColumns) {
    this(
        name, column, kind, failWhen, message, valueExpression, uniqueColumns, Severity.QUARANTINE);
  }

  /** This rule with another severity. */
  public CompiledRule withSeverity(Severity newSeverity) {
    return new CompiledRule(
        name, column, kind, failWhen, message, valueExpression, uniqueColumns, newSeverity);
  }

  /** Whether a failure sends the row to quarantine (every severity but {@link Severity#WARN}). */
  public boolean quarantines() {
    return severity != Severity.WARN;
  }

  /**
   * What a failure of a rule does. Engines treat {@link #QUARANTINE} and {@link #FAIL} alike (the
   * row goes to quarantine); the runtime stops the pipeline after a batch with a {@code FAIL}
   * failure. A {@link #WARN} failure is counted in {@link IngestResult#failuresByRule()} and the
   * row still lands in clean unless a quarantining rule fails too.
   */
  public enum Severity {
    QUARANTINE,
    WARN,
    FAIL
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
