package io.sluice.core.rules;

import static java.util.stream.Collectors.joining;

import io.sluice.api.engine.CompiledRule;
import io.sluice.api.engine.MappedColumn;
import io.sluice.api.engine.SqlDialect;
import io.sluice.api.source.SourceField;
import io.sluice.api.type.DataType;
import io.sluice.config.ConfigType;
import io.sluice.core.project.CheckDef;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.SourceDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compiles a source's mapping and checks to SQL, so that every engine evaluates them the same way.
 *
 * <p>Semantics, documented in {@code docs/rules.md}: empty or blank text is a missing value for
 * every type but {@code string}; a value that is present but does not parse as the column's type
 * fails rule {@code type}; {@code not_null} fails only when the value is missing (a value that
 * failed {@code type} is reported once, as {@code type}); every other check passes on NULL.
 */
public final class RuleCompiler {
  private final SqlDialect dialect;

  public RuleCompiler(SqlDialect dialect) {
    this.dialect = dialect;
  }

  public CompiledSource compile(SourceDef source) {
    Map<String, SourceField> fields = new LinkedHashMap<>();
    Map<String, String> rawText = new LinkedHashMap<>();
    List<MappedColumn> columns = new ArrayList<>();
    List<CompiledRule> rules = new ArrayList<>();
    for (ColumnDef column : source.columns()) {
      if (column.derived()) {
        columns.add(
            new MappedColumn(
                column.name(), column.type(), column.expression().orElseThrow(), true));
        continue;
      }
      String path = column.from().orElseThrow();
      // Unless drift fails the run, input without a field reads NULL for it (schema drift is
      // observed and reported separately).
      boolean optional = source.drift() != SourceDef.DriftPolicy.FAIL;
      fields.computeIfAbsent(path, p -> new SourceField(p, p, optional));
      String text = dialect.quote("s$" + path);
      rawText.put(column.name(), text);
      columns.add(
          new MappedColumn(column.name(), column.type(), valueExpression(column, text), false));
      if (column.type().kind() != DataType.Kind.STRING) {
        rules.add(
            new CompiledRule(
                "type",
                column.name(),
                CompiledRule.Kind.EXPRESSION,
                guard(present(text) + " AND " + dialect.quote(column.name()) + " IS NULL"),
                "value is not a valid "
                    + column.type()
                    + column.format().map(f -> " in format '" + f + "'").orElse(""),
                text,
                List.of()));
      }
    }
    boolean eventTimeChecked = false;
    for (ColumnDef column : source.columns()) {
      for (CheckDef check : column.checks()) {
        rules.add(
            compile(column, check, rawText.get(column.name())).withSeverity(check.severity()));
        if (check.kind() == CheckDef.Kind.NOT_NULL
            && source.eventTime().filter(column.name()::equals).isPresent()) {
          eventTimeChecked = true;
        }
      }
    }
    if (source.eventTime().isPresent() && !eventTimeChecked) {
      // Rows are partitioned by event time: a row without one cannot land in the clean table.
      ColumnDef column =
          source.columns().stream()
              .filter(c -> c.name().equals(source.eventTime().get()))
              .findFirst()
              .orElseThrow();
      rules.add(
          compile(
              column,
              CheckDef.simple(CheckDef.Kind.NOT_NULL, column.location()),
              rawText.get(column.name())));
    }
    for (SourceDef.RowCheck check : source.checks()) {
      rules.add(
          new CompiledRule(
              check.name(),
              "",
              CompiledRule.Kind.EXPRESSION,
              guard("NOT (" + check.expression() + ")"),
              check.message().isEmpty()
                  ? "row check failed: " + check.expression()
                  : check.message(),
              "",
              List.of(),
              check.severity()));
    }
    return new CompiledSource(List.copyOf(fields.values()), columns, rules);
  }

  private String valueExpression(ColumnDef column, String text) {
    boolean isString = column.type().kind() == DataType.Kind.STRING;
    String value = isString ? text : "NULLIF(trim(" + text + "), '')";
    if (column.defaultValue().isPresent()) {
      value = "COALESCE(" + value + ", " + dialect.literal(column.defaultValue().get()) + ")";
    }
    return dialect.tryCast(value, column.type(), column.format());
  }

  /** A column's value as text, in the engine's own name for the string type. */
  private String asText(String column) {
    return "CAST(" + column + " AS " + dialect.typeName(DataType.STRING) + ")";
  }

  private String present(String text) {
    return "(" + text + " IS NOT NULL AND trim(" + text + ") <> '')";
  }

  private String guard(String condition) {
    return "COALESCE((" + condition + "), FALSE)";
  }

  private CompiledRule compile(ColumnDef column, CheckDef check, String rawText) {
    String col = dialect.quote(column.name());
    String name = check.kind().yamlName();
    return switch (check.kind()) {
      case NOT_NULL -> {
        String condition = col + " IS NULL";
        if (rawText != null && column.type().kind() != DataType.Kind.STRING) {
          condition += " AND NOT " + present(rawText);
        }
        yield expression(name, column, guard(condition), "value is missing", "");
      }
      case UNIQUE ->
          new CompiledRule(
              name,
              column.name(),
              CompiledRule.Kind.UNIQUE,
              "",
              "duplicate value: an earlier row already has it",
              "",
              List.of(column.name()));
      case RANGE -> {
        List<String> parts = new ArrayList<>();
        check.min().ifPresent(min -> parts.add(col + " < " + bound(min, column.type())));
        check.max().ifPresent(max -> parts.add(col + " > " + bound(max, column.type())));
        String describe =
            "value is outside the range ["
                + check.min().orElse("")
                + ", "
                + check.max().orElse("")
                + "]";
        yield expression(name, column, guard(String.join(" OR ", parts)), describe, col);
      }
      case ACCEPTED_VALUES -> {
        String text = asText(col);
        String values;
        if (check.caseSensitive()) {
          values = check.values().stream().map(dialect::literal).collect(joining(", "));
        } else {
          text = "lower(" + text + ")";
          values =
              check.values().stream()
                  .map(v -> dialect.literal(v.toLowerCase(Locale.ROOT)))
                  .collect(joining(", "));
        }
        yield expression(
            name,
            column,
            guard(text + " NOT IN (" + values + ")"),
            "value is not one of: " + String.join(", ", check.values()),
            col);
      }
      case REGEX ->
          expression(
              name,
              column,
              guard("NOT " + dialect.regexMatches(asText(col), check.pattern().orElseThrow())),
              "value does not match /" + check.pattern().orElseThrow() + "/",
              col);
      case LENGTH -> {
        String length = dialect.length(asText(col));
        List<String> parts = new ArrayList<>();
        check.min().ifPresent(min -> parts.add(length + " < " + Integer.parseInt(min)));
        check.max().ifPresent(max -> parts.add(length + " > " + Integer.parseInt(max)));
        String describe =
            "value length is outside ["
                + check.min().orElse("0")
                + ", "
                + check.max().orElse("")
                + "] characters";
        yield expression(name, column, guard(String.join(" OR ", parts)), describe, col);
      }
      case RELATIONSHIPS -> {
        String to = check.toDataset().orElseThrow();
        String field = dialect.quote(check.toField().orElseThrow());
        // An uncorrelated IN over the referenced dataset's clean rows (its NULLs left out, or NOT
        // IN would be NULL for every row), exposed as lake.<to> before this source's batch.
        String referenced =
            "SELECT "
                + field
                + " FROM "
                + dialect.quote("lake")
                + "."
                + dialect.quote(to)
                + " WHERE "
                + field
                + " IS NOT NULL";
        yield expression(
            name,
            column,
            guard(col + " IS NOT NULL AND " + col + " NOT IN (" + referenced + ")"),
            "value has no match in " + to + "." + check.toField().orElseThrow(),
            col);
      }
      case FORMAT -> {
        NamedFormat format = NamedFormat.of(check.pattern().orElseThrow());
        yield expression(
            name,
            column,
            guard("NOT " + dialect.regexMatches(asText(col), format.regex())),
            "value is not a valid " + format.yamlName() + " (" + format.definition() + ")",
            col);
      }
    };
  }

  /**
   * The rule that quarantines late events of a batch ingested at {@code ingestedAt}, when the
   * source's late-event policy says so: fails when the event time is more than the allowed lateness
   * before {@code ingestedAt}. Event times are UTC; a date counts as its midnight.
   */
  public java.util.Optional<CompiledRule> late(SourceDef source, java.time.Instant ingestedAt) {
    SourceDef.LatePolicy policy = source.late();
    if (!policy.quarantine() || source.eventTime().isEmpty()) {
      return java.util.Optional.empty();
    }
    String column = source.eventTime().get();
    java.time.LocalDateTime cutoff =
        java.time.LocalDateTime.ofInstant(
            ingestedAt.minus(policy.allowedLateness()), java.time.ZoneOffset.UTC);
    String timestamp = dialect.typeName(DataType.TIMESTAMP);
    String eventTime = "CAST(" + dialect.quote(column) + " AS " + timestamp + ")";
    return java.util.Optional.of(
        new CompiledRule(
            "late",
            column,
            CompiledRule.Kind.EXPRESSION,
            guard(
                eventTime
                    + " < CAST("
                    + dialect.literal(cutoff.toString().replace('T', ' '))
                    + " AS "
                    + timestamp
                    + ")"),
            "event time is more than "
                + ConfigType.formatDuration(policy.allowedLateness())
                + " before the batch was ingested ("
                + ingestedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + "); late-events.policy is quarantine",
            asText(dialect.quote(column)),
            List.of()));
  }

  private CompiledRule expression(
      String name, ColumnDef column, String failWhen, String message, String value) {
    return new CompiledRule(
        name, column.name(), CompiledRule.Kind.EXPRESSION, failWhen, message, value, List.of());
  }

  private String bound(String literal, DataType type) {
    return switch (type.kind()) {
      case DATE, TIMESTAMP, STRING ->
          "CAST(" + dialect.literal(literal) + " AS " + dialect.typeName(type) + ")";
      default -> {
        try {
          new java.math.BigDecimal(literal.trim());
        } catch (NumberFormatException e) {
          throw io.sluice.api.SluiceException.user(
              "Range bound '%s' is not a number for a %s column", literal, type);
        }
        yield literal.trim();
      }
    };
  }
}
