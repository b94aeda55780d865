package io.sluice.core.config;

import static io.sluice.config.ConfigType.duration;
import static io.sluice.config.ConfigType.identifier;
import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.listOf;
import static io.sluice.config.ConfigType.nonEmptyListOf;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.scalarText;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The keys of {@code dashboards/NAME.yaml}: a dashboard of panels, each a SQL query over the
 * warehouse and a chart, with variables (filters) and a time range. See docs/dashboards.md.
 */
public final class DashboardSpec {
  private DashboardSpec() {}

  /** The chart types a panel can have. */
  public static final List<String> CHART_TYPES = List.of("line", "area", "bar", "table", "stat");

  /** The most rows a panel may ask for ({@code max-rows}). */
  public static final int MAX_ROWS_LIMIT = 10_000;

  /** Widths are in twelfths of the page, as in most grid layouts. */
  public static final int GRID_COLUMNS = 12;

  // ---- variables

  public static final ConfigKey<String> VARIABLE_NAME =
      ConfigKey.builder("name", identifier())
          .doc("The variable's name: panel SQL refers to it as `$NAME`.")
          .required()
          .build();
  public static final ConfigKey<String> VARIABLE_LABEL =
      ConfigKey.builder("label", string())
          .doc("What the filter is called on the page.")
          .defaultDoc("the name")
          .build();
  public static final ConfigKey<List<String>> VARIABLE_VALUES =
      ConfigKey.builder("values", nonEmptyListOf(scalarText("string", "number", "boolean")))
          .doc("The values to choose from, a static list. Set this or `query`, not both.")
          .build();
  public static final ConfigKey<String> VARIABLE_QUERY =
      ConfigKey.builder("query", string())
          .doc(
              "A read-only SQL query over the warehouse whose first column lists the values to"
                  + " choose from (at most "
                  + 1_000
                  + "; NULLs are left out). Set this or `values`, not both.")
          .build();
  public static final ConfigKey<String> VARIABLE_DEFAULT =
      ConfigKey.builder("default", scalarText("string", "number", "boolean"))
          .doc("The value chosen when the page opens; one of `values` when they are static.")
          .defaultDoc("the first value")
          .build();
  public static final ConfigDef VARIABLE_DEF =
      ConfigDef.builder(
              "variable",
              "A filter on the page. Panel SQL refers to its value as `$NAME`, which is replaced by"
                  + " a SQL string literal of the chosen value, and only a value of the variable's"
                  + " list is accepted.")
          .labelKey("name")
          .add(VARIABLE_NAME, VARIABLE_LABEL, VARIABLE_VALUES, VARIABLE_QUERY, VARIABLE_DEFAULT)
          .build();

  // ---- panels

  public static final ConfigKey<Double> THRESHOLD_VALUE =
      ConfigKey.builder("value", ConfigType.number(-Double.MAX_VALUE, Double.MAX_VALUE))
          .doc("From this value up, the threshold's color applies.")
          .required()
          .build();
  public static final ConfigKey<String> THRESHOLD_COLOR =
      ConfigKey.builder("color", oneOf("green", "yellow", "orange", "red", "blue", "grey"))
          .doc("The color of values at or above `value` (up to the next threshold).")
          .required()
          .build();
  public static final ConfigDef THRESHOLD_DEF =
      ConfigDef.builder("threshold", "A step of colors: a single stat's color, a chart's line.")
          .add(THRESHOLD_VALUE, THRESHOLD_COLOR)
          .build();

  public static final ConfigKey<String> PANEL_ID =
      ConfigKey.builder("id", identifier())
          .doc("The panel's id, unique in the dashboard: its anchor on the page and in the API.")
          .required()
          .build();
  public static final ConfigKey<String> PANEL_TITLE =
      ConfigKey.builder("title", string()).doc("The panel's heading.").defaultDoc("the id").build();
  public static final ConfigKey<String> PANEL_DESCRIPTION =
      ConfigKey.builder("description", string())
          .doc("Free text, shown under the heading.")
          .defaultValue("")
          .build();
  public static final ConfigKey<String> PANEL_TYPE =
      ConfigKey.builder("type", oneOf(CHART_TYPES.toArray(String[]::new)))
          .doc(
              "The chart: `line`, `area` and `bar` plot the value columns against the `x` column,"
                  + " one line per value column or per `series` value; `table` shows the rows;"
                  + " `stat` shows the first value column of the last row, large.")
          .required()
          .build();
  public static final ConfigKey<String> PANEL_SQL =
      ConfigKey.builder("sql", string())
          .doc(
              "One read-only statement over the warehouse (models by name, sources as"
                  + " `lake.NAME`, `raw.NAME`, `quarantine.NAME`), run in the sandboxed reader of"
                  + " `sluice query`. `$VARIABLE` is the chosen value of a variable; `$from` and"
                  + " `$to` are the time range's bounds (TIMESTAMP literals, UTC).")
          .required()
          .build();
  public static final ConfigKey<String> PANEL_X =
      ConfigKey.builder("x", string())
          .doc("The column on the x axis (time, a date, a number or a category).")
          .defaultDoc("the first column")
          .build();
  public static final ConfigKey<String> PANEL_SERIES =
      ConfigKey.builder("series", string())
          .doc(
              "A column whose values split the rows into series, one line or bar color each"
                  + " (the query returns long rows: x, series, value).")
          .build();
  public static final ConfigKey<List<String>> PANEL_VALUES =
      ConfigKey.builder("values", listOf(string()))
          .doc("The value columns plotted (or shown by `stat`).")
          .defaultDoc("every numeric column but `x` and `series`")
          .build();
  public static final ConfigKey<Integer> PANEL_WIDTH =
      ConfigKey.builder("width", integer(1).withCheck(DashboardSpec::checkWidth))
          .doc("The panel's width in twelfths of the page (1 to 12).")
          .defaultValue(6)
          .build();
  public static final ConfigKey<String> PANEL_UNIT =
      ConfigKey.builder("unit", string())
          .doc("A unit shown after values (`EUR`, `%`, `rows/s`).")
          .defaultValue("")
          .build();
  public static final ConfigKey<Integer> PANEL_DECIMALS =
      ConfigKey.builder("decimals", integer(0))
          .doc("Decimals shown of numbers.")
          .defaultDoc("as the value has, at most 2")
          .build();
  public static final ConfigKey<List<ConfigValues>> PANEL_THRESHOLDS =
      ConfigKey.builder("thresholds", listOf(section(THRESHOLD_DEF)))
          .doc("Colors by value, in ascending `value` order.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<Integer> PANEL_MAX_ROWS =
      ConfigKey.builder("max-rows", integer(1).withCheck(DashboardSpec::checkMaxRows))
          .doc(
              "The most rows the panel shows; more are cut off and the panel says so (at most "
                  + MAX_ROWS_LIMIT
                  + ").")
          .defaultValue(1_000)
          .build();
  public static final ConfigDef PANEL_DEF =
      ConfigDef.builder("panel", "A chart of one query.")
          .labelKey("id")
          .add(
              PANEL_ID,
              PANEL_TITLE,
              PANEL_DESCRIPTION,
              PANEL_TYPE,
              PANEL_SQL,
              PANEL_X,
              PANEL_SERIES,
              PANEL_VALUES,
              PANEL_WIDTH,
              PANEL_UNIT,
              PANEL_DECIMALS,
              PANEL_THRESHOLDS,
              PANEL_MAX_ROWS)
          .build();

  // ---- the dashboard

  public static final ConfigKey<String> TITLE =
      ConfigKey.builder("title", string())
          .doc("The dashboard's heading, and its name in the list of dashboards.")
          .defaultDoc("the file name")
          .build();
  public static final ConfigKey<String> DESCRIPTION =
      ConfigKey.builder("description", string()).doc("Free text.").defaultValue("").build();
  public static final ConfigKey<Duration> TIME_RANGE =
      ConfigKey.builder("time-range", duration())
          .doc(
              "The time range the page opens with: `$from` is this long before now, `$to` is"
                  + " now. The page offers 15m, 1h, 6h, 1d, 7d, 30d and 365d besides.")
          .defaultValue(Duration.ofHours(24))
          .build();
  public static final ConfigKey<List<ConfigValues>> VARIABLES =
      ConfigKey.builder("variables", listOf(section(VARIABLE_DEF)))
          .doc("Filters shown above the panels.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<List<ConfigValues>> PANELS =
      ConfigKey.builder("panels", nonEmptyListOf(section(PANEL_DEF)))
          .doc("The panels, laid out left to right and wrapped at the page's width.")
          .required()
          .build();

  /** The whole of {@code dashboards/NAME.yaml}. */
  public static final ConfigDef DASHBOARD_DEF =
      ConfigDef.builder(
              "dashboard",
              "A dashboard: panels of SQL over the warehouse, refreshed live in `sluice serve`.")
          .add(TITLE, DESCRIPTION, TIME_RANGE, VARIABLES, PANELS)
          .build();

  private static Optional<String> checkWidth(int width) {
    return width <= GRID_COLUMNS
        ? Optional.empty()
        : Optional.of("width: at most " + GRID_COLUMNS + " (the whole page), found " + width);
  }

  private static Optional<String> checkMaxRows(int rows) {
    return rows <= MAX_ROWS_LIMIT
        ? Optional.empty()
        : Optional.of("max-rows: at most " + MAX_ROWS_LIMIT + ", found " + rows);
  }
}
