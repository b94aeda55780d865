package io.sluice.core.dashboard;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.core.project.DashboardDef;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a dashboard's queries on a sandboxed {@link WarehouseReader}: a panel's SQL with the chosen
 * variable values and time range bound as checked literals, its rows bounded by the panel's {@code
 * max-rows}, each value made plain for JSON (numbers, epoch milliseconds for dates and times,
 * text); and a variable's list of values.
 *
 * <p>A value chosen on the page reaches SQL only when it is one of the variable's values (the
 * static list, or what its query returns now), and only as a quoted string literal; the time range
 * only as a TIMESTAMP literal this class formats. Nothing the browser sends is spliced into SQL.
 */
public final class PanelQuery {
  /** The most values a variable's query lists. */
  public static final int MAX_VARIABLE_VALUES = 1_000;

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);

  private PanelQuery() {}

  /**
   * A column of a result.
   *
   * @param name as the query named it
   * @param type the engine's type name
   * @param kind {@code time} (values are epoch milliseconds), {@code number}, {@code text} or
   *     {@code boolean}
   */
  public record Column(String name, String type, String kind) {}

  /**
   * A panel's rows.
   *
   * @param columns the result's columns
   * @param rows the values, as {@link #plain} made them
   * @param truncated whether the query returned more than the panel's {@code max-rows}
   * @param millis how long the query took
   */
  public record Result(
      List<Column> columns, List<List<Object>> rows, boolean truncated, long millis) {
    public Result {
      columns = List.copyOf(columns);
      rows = List.copyOf(rows);
    }
  }

  /**
   * What the page chose: variable values by name and the time range ending {@code now}.
   *
   * @param values chosen values; a variable not in it has its default
   * @param range how far back {@code $from} is from {@code now}
   * @param now {@code $to}
   */
  public record Choice(Map<String, String> values, Duration range, Instant now) {
    public Choice {
      values = Map.copyOf(values);
    }
  }

  /**
   * Runs {@code panel}'s query.
   *
   * @throws SluiceException (USER) for a variable value that is not one of the variable's, or a
   *     query the reader refuses or that fails; {@link io.sluice.api.engine.QueryLimitException}
   *     for one past the reader's limits
   */
  public static Result run(
      DashboardDef dashboard, DashboardDef.Panel panel, Choice choice, WarehouseReader reader) {
    String sql = PanelSql.bind(panel.sql(), literals(dashboard, choice, reader));
    long start = System.nanoTime();
    try (QueryCursor cursor = reader.query(sql)) {
      List<Column> columns = new ArrayList<>();
      for (int i = 0; i < cursor.columns().size(); i++) {
        String type = cursor.types().get(i);
        columns.add(new Column(cursor.columns().get(i), type, kind(type)));
      }
      QueryResult fetched = cursor.fetch(panel.maxRows(), PanelQuery::plain);
      return new Result(
          columns, fetched.rows(), fetched.truncated(), (System.nanoTime() - start) / 1_000_000);
    }
  }

  /**
   * The values of {@code variable}: its static list, or the first column of its query (NULLs left
   * out, at most {@link #MAX_VARIABLE_VALUES}).
   */
  public static List<String> values(DashboardDef.Variable variable, WarehouseReader reader) {
    if (variable.query().isEmpty()) {
      return variable.values();
    }
    List<String> values = new ArrayList<>();
    try (QueryCursor cursor = reader.query(variable.query().get())) {
      while (values.size() < MAX_VARIABLE_VALUES && cursor.next()) {
        Object value = cursor.row().isEmpty() ? null : cursor.row().get(0);
        if (value != null) {
          values.add(text(value));
        }
      }
    }
    return values;
  }

  /** The value {@code variable} has when the page chose none: its default, else its first. */
  public static Optional<String> defaultValue(DashboardDef.Variable variable, List<String> values) {
    return variable.defaultValue().or(() -> values.stream().findFirst());
  }

  /** The literal of every placeholder: the checked variable values and the time range. */
  private static Map<String, String> literals(
      DashboardDef dashboard, Choice choice, WarehouseReader reader) {
    Map<String, String> literals = new LinkedHashMap<>();
    Instant to = choice.now().truncatedTo(ChronoUnit.MILLIS);
    literals.put("from", timestamp(to.minus(choice.range())));
    literals.put("to", timestamp(to));
    for (DashboardDef.Variable variable : dashboard.variables()) {
      String chosen = choice.values().get(variable.name());
      List<String> values = values(variable, reader);
      String value;
      if (chosen == null) {
        value =
            defaultValue(variable, values)
                .orElseThrow(
                    () ->
                        SluiceException.user(
                            "variable '%s' has no values to choose from", variable.name()));
      } else if (values.contains(chosen)) {
        value = chosen;
      } else {
        throw SluiceException.user(
            "'%s' is not a value of variable '%s'", shorten(chosen), variable.name());
      }
      literals.put(variable.name(), PanelSql.stringLiteral(value));
    }
    return literals;
  }

  private static String timestamp(Instant instant) {
    return "TIMESTAMP '" + TIMESTAMP.format(instant.atOffset(ZoneOffset.UTC)) + "'";
  }

  private static String shorten(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }

  /** What the browser does with a column of engine type {@code type}. */
  static String kind(String type) {
    String upper = type.toUpperCase(Locale.ROOT);
    if (upper.startsWith("TIMESTAMP") || upper.equals("DATE")) {
      return "time";
    }
    if (upper.equals("BOOLEAN")) {
      return "boolean";
    }
    if (upper.startsWith("DECIMAL")
        || (upper.contains("INT") && !upper.startsWith("INTERVAL"))
        || upper.equals("DOUBLE")
        || upper.equals("FLOAT")
        || upper.equals("REAL")) {
      return "number";
    }
    return "text";
  }

  /**
   * {@code value} as JSON can carry it: a number as a Long or Double, a date or time as epoch
   * milliseconds (UTC), a boolean as is, anything else as its text.
   */
  static Object plain(Object value) {
    if (value == null || value instanceof Boolean || value instanceof Long) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : big.doubleValue();
    }
    if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      return Double.isFinite(number) ? number : null;
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
    if (value instanceof LocalDateTime time) {
      return time.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (value instanceof LocalDate date) {
      return date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
    if (value instanceof OffsetDateTime time) {
      return time.toInstant().toEpochMilli();
    }
    if (value instanceof ZonedDateTime time) {
      return time.toInstant().toEpochMilli();
    }
    if (value instanceof Instant instant) {
      return instant.toEpochMilli();
    }
    return text(value);
  }

  private static String text(Object value) {
    return value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString();
  }
}
