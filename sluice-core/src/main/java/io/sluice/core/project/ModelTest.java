package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A dbt-style column test on a model, from {@code models/schema.yml}.
 *
 * @param model the model tested
 * @param column the column tested
 * @param kind the test
 * @param values for {@code accepted_values}
 * @param toModel for {@code relationships}: the referenced model or source ({@code ref('x')} or
 *     {@code source('x')} as written in dbt, stored as the bare name)
 * @param toField for {@code relationships}: the referenced column
 * @param severity what a failure does ({@code config: {severity: warn}} only reports it)
 * @param location where it was declared
 */
public record ModelTest(
    String model,
    String column,
    Kind kind,
    List<String> values,
    Optional<String> toModel,
    Optional<String> toField,
    Severity severity,
    Location location) {
  public ModelTest {
    requireNonNull(model, "model is null");
    requireNonNull(column, "column is null");
    requireNonNull(kind, "kind is null");
    values = List.copyOf(values);
    requireNonNull(toModel, "toModel is null");
    requireNonNull(toField, "toField is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(location, "location is null");
  }

  /** Test kinds and their dbt names. */
  public enum Kind {
    NOT_NULL("not_null"),
    UNIQUE("unique"),
    ACCEPTED_VALUES("accepted_values"),
    RELATIONSHIPS("relationships");

    private final String yamlName;

    Kind(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** What a failing test does, as dbt's {@code severity} config says. */
  public enum Severity {
    /** A failure fails the run (and {@code sluice test}). */
    ERROR,
    /** A failure is reported; the run goes on and ends ok. */
    WARN;

    /** The name as written in YAML and SQL ({@code error}, {@code warn}). */
    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@code error} or {@code warn}, in any case, as dbt does. */
    public static Optional<Severity> parse(String text) {
      for (Severity severity : values()) {
        if (severity.yamlName().equalsIgnoreCase(text.trim())) {
          return Optional.of(severity);
        }
      }
      return Optional.empty();
    }
  }

  /** A readable name such as {@code unique(daily_revenue.day)}. */
  public String displayName() {
    return kind.yamlName() + "(" + model + "." + column + ")";
  }
}
