package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.CompiledRule;
import java.util.List;
import java.util.Optional;

/**
 * A column check as declared in a source file.
 *
 * @param kind which check
 * @param min for {@link Kind#RANGE}: inclusive lower bound as a SQL literal text (a number, or a
 *     date/timestamp string), if any; for {@link Kind#LENGTH}: the least number of characters
 * @param max for {@link Kind#RANGE}: inclusive upper bound, if any; for {@link Kind#LENGTH}: the
 *     greatest number of characters
 * @param values for {@link Kind#ACCEPTED_VALUES}: the accepted values as text
 * @param caseSensitive for {@link Kind#ACCEPTED_VALUES}: compare case-sensitively (default true)
 * @param pattern for {@link Kind#REGEX}: a regular expression that must match the whole value; for
 *     {@link Kind#FORMAT}: the name of the format (see {@code NamedFormat})
 * @param location where it was declared
 * @param severity what a failure does to the row
 * @param toDataset for {@link Kind#RELATIONSHIPS}: the referenced source
 * @param toField for {@link Kind#RELATIONSHIPS}: the referenced column
 */
public record CheckDef(
    Kind kind,
    Optional<String> min,
    Optional<String> max,
    List<String> values,
    boolean caseSensitive,
    Optional<String> pattern,
    Location location,
    CompiledRule.Severity severity,
    Optional<String> toDataset,
    Optional<String> toField) {
  public CheckDef {
    requireNonNull(kind, "kind is null");
    requireNonNull(min, "min is null");
    requireNonNull(max, "max is null");
    values = List.copyOf(values);
    requireNonNull(pattern, "pattern is null");
    requireNonNull(location, "location is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(toDataset, "toDataset is null");
    requireNonNull(toField, "toField is null");
  }

  /** A check of severity quarantine that references nothing. */
  public CheckDef(
      Kind kind,
      Optional<String> min,
      Optional<String> max,
      List<String> values,
      boolean caseSensitive,
      Optional<String> pattern,
      Location location) {
    this(
        kind,
        min,
        max,
        values,
        caseSensitive,
        pattern,
        location,
        CompiledRule.Severity.QUARANTINE,
        Optional.empty(),
        Optional.empty());
  }

  public CheckDef withSeverity(CompiledRule.Severity newSeverity) {
    return new CheckDef(
        kind, min, max, values, caseSensitive, pattern, location, newSeverity, toDataset, toField);
  }

  /** Check kinds and their names in YAML. */
  public enum Kind {
    NOT_NULL("not_null"),
    UNIQUE("unique"),
    RANGE("range"),
    ACCEPTED_VALUES("accepted_values"),
    REGEX("regex"),
    LENGTH("length"),
    FORMAT("format"),
    RELATIONSHIPS("relationships");

    private final String yamlName;

    Kind(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  public static CheckDef simple(Kind kind, Location location) {
    return new CheckDef(
        kind, Optional.empty(), Optional.empty(), List.of(), true, Optional.empty(), location);
  }
}
