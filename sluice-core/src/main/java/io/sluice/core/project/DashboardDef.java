package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A dashboard of {@code dashboards/NAME.yaml} (keys in {@link
 * io.sluice.core.config.DashboardSpec}).
 *
 * @param name the file name without its extension: the dashboard's address
 * @param location the file
 * @param title heading
 * @param description free text, possibly empty
 * @param timeRange the time range the page opens with
 * @param variables filters, in file order
 * @param panels panels, in file order
 */
public record DashboardDef(
    String name,
    Location location,
    String title,
    String description,
    Duration timeRange,
    List<Variable> variables,
    List<Panel> panels) {
  public DashboardDef {
    requireNonNull(name, "name is null");
    requireNonNull(location, "location is null");
    requireNonNull(title, "title is null");
    requireNonNull(description, "description is null");
    requireNonNull(timeRange, "timeRange is null");
    variables = List.copyOf(variables);
    panels = List.copyOf(panels);
  }

  /** The panel with {@code id}. */
  public Optional<Panel> panel(String id) {
    return panels.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** The variable named {@code name}. */
  public Optional<Variable> variable(String name) {
    return variables.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /**
   * A filter.
   *
   * @param name what panel SQL writes as {@code $name}
   * @param label what the page shows
   * @param values the static values, empty when {@code query} lists them
   * @param query a query whose first column lists the values, when not static
   * @param defaultValue the value the page opens with, empty for the first one
   */
  public record Variable(
      String name,
      String label,
      List<String> values,
      Optional<String> query,
      Optional<String> defaultValue) {
    public Variable {
      requireNonNull(name, "name is null");
      requireNonNull(label, "label is null");
      values = List.copyOf(values);
      requireNonNull(query, "query is null");
      requireNonNull(defaultValue, "defaultValue is null");
    }
  }

  /**
   * A color step.
   *
   * @param value from this value up
   * @param color the color's name
   */
  public record Threshold(double value, String color) {}

  /**
   * A panel.
   *
   * @param id unique in the dashboard
   * @param location where the panel is written
   * @param title heading
   * @param description free text, possibly empty
   * @param type line, area, bar, table or stat
   * @param sql the query, with {@code $name} placeholders
   * @param x the x column, empty for the first
   * @param series the column that splits rows into series, if any
   * @param values the value columns, empty for every numeric column but x and series
   * @param width in twelfths of the page
   * @param unit shown after values, possibly empty
   * @param decimals decimals shown, empty for as the value has
   * @param thresholds color steps in ascending order
   * @param maxRows the most rows the panel reads
   * @param inputs the relations whose change changes the panel's result ({@code lake.orders}, a
   *     model's name), upstream models and sources included; empty when they cannot be told: the
   *     panel is then refreshed after every change
   */
  public record Panel(
      String id,
      Location location,
      String title,
      String description,
      String type,
      String sql,
      Optional<String> x,
      Optional<String> series,
      List<String> values,
      int width,
      String unit,
      OptionalInt decimals,
      List<Threshold> thresholds,
      int maxRows,
      Optional<Set<String>> inputs) {
    public Panel {
      requireNonNull(id, "id is null");
      requireNonNull(location, "location is null");
      requireNonNull(title, "title is null");
      requireNonNull(description, "description is null");
      requireNonNull(type, "type is null");
      requireNonNull(sql, "sql is null");
      requireNonNull(x, "x is null");
      requireNonNull(series, "series is null");
      values = List.copyOf(values);
      requireNonNull(unit, "unit is null");
      requireNonNull(decimals, "decimals is null");
      thresholds = List.copyOf(thresholds);
      inputs = inputs.map(Set::copyOf);
    }

    /** Whether a change of {@code relations} may change this panel's result. */
    public boolean readsAny(Set<String> relations) {
      return inputs.map(in -> relations.stream().anyMatch(in::contains)).orElse(true);
    }
  }
}
