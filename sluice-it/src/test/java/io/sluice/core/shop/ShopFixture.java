package io.sluice.core.shop;

import io.sluice.api.engine.QueryResult;
import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.cli.demo.Truth;
import io.sluice.cli.demo.Truth.Defect;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** The example shop project with generated data, run through the real pipeline. */
final class ShopFixture {
  static final List<String> SOURCES = List.of("clicks", "customers", "orders");
  static final List<String> MODELS = List.of("orders_enriched", "daily_revenue", "funnel");

  private ShopFixture() {}

  /** Copies the example project into {@code dir} and generates its initial data. */
  static Truth create(Path dir, ShopGenerator.Options options) {
    ExampleProject.copyTo(dir);
    return ShopGenerator.generate(dir, options);
  }

  /** Opens the project (loaded afresh, as each CLI command does) for a run and queries. */
  static ProjectRuntime open(Path dir) {
    return ProjectRuntime.open(ProjectLoader.load(dir), false);
  }

  static RunSummary run(ProjectRuntime runtime) {
    return runtime.run(Clock.systemUTC(), RunListener.NONE);
  }

  static RunSummary.SourceRun source(RunSummary summary, String name) {
    return summary.sources().stream()
        .filter(s -> s.source().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no source " + name + " in " + summary));
  }

  static Map<String, String> modelActions(RunSummary summary) {
    Map<String, String> actions = new TreeMap<>();
    summary.models().forEach(m -> actions.put(m.model(), m.action()));
    return actions;
  }

  /**
   * The quarantined rows of a source as defects: file, line and the failure key built from the
   * row's {@code _rules} and the column of its failure. Rows with more than one failure come out
   * with their rules joined by commas, so that they cannot equal a single-defect truth.
   */
  static List<Defect> quarantined(ProjectRuntime runtime, String source, String batchId) {
    QueryResult result =
        runtime
            .engine()
            .query(
                "SELECT _file, _line, _rules, json_extract_string(_errors, '$[0].column')"
                    + " FROM quarantine."
                    + source
                    + (batchId.isEmpty() ? "" : " WHERE _batch = '" + batchId + "'")
                    + " ORDER BY _file, _line",
                Integer.MAX_VALUE);
    List<Defect> defects = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      String rules = (String) row.get(2);
      String column = Objects.toString(row.get(3), "");
      String key = rules.contains(",") || column.isEmpty() ? rules : rules + "(" + column + ")";
      defects.add(new Defect((String) row.get(0), ((Number) row.get(1)).longValue(), key));
    }
    return defects;
  }

  /** Every row of a relation as text, sorted: for comparing table contents. */
  static List<List<String>> dump(ProjectRuntime runtime, String relation) {
    QueryResult result =
        runtime.engine().query("SELECT * FROM " + relation + " ORDER BY ALL", Integer.MAX_VALUE);
    List<List<String>> rows = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      rows.add(row.stream().map(String::valueOf).toList());
    }
    return rows;
  }

  /** Every table the pipeline writes: lake (clean, raw, quarantine) and models. */
  static Map<String, List<List<String>>> dumpAll(ProjectRuntime runtime) {
    Map<String, List<List<String>>> tables = new TreeMap<>();
    for (String source : SOURCES) {
      for (String schema : List.of("lake", "raw", "quarantine")) {
        tables.put(schema + "." + source, dump(runtime, schema + "." + source));
      }
    }
    for (String model : MODELS) {
      tables.put(model, dump(runtime, model));
    }
    return tables;
  }

  /** daily_revenue added up per day. */
  static SortedMap<LocalDate, BigDecimal> revenueByDay(ProjectRuntime runtime) {
    QueryResult result =
        runtime
            .engine()
            .query(
                "SELECT CAST(order_date AS VARCHAR), CAST(sum(revenue) AS VARCHAR)"
                    + " FROM daily_revenue GROUP BY 1 ORDER BY 1",
                Integer.MAX_VALUE);
    SortedMap<LocalDate, BigDecimal> revenue = new TreeMap<>();
    for (List<Object> row : result.rows()) {
      revenue.put(LocalDate.parse((String) row.get(0)), new BigDecimal((String) row.get(1)));
    }
    return revenue;
  }

  static BigDecimal scalarDecimal(ProjectRuntime runtime, String sql) {
    Object value = runtime.engine().query(sql, 1).rows().get(0).get(0);
    return new BigDecimal(String.valueOf(value));
  }

  static long scalarLong(ProjectRuntime runtime, String sql) {
    return ((Number) runtime.engine().query(sql, 1).rows().get(0).get(0)).longValue();
  }

  /** Amounts compared by value, whatever their scale. */
  static SortedMap<LocalDate, BigDecimal> normalized(Map<LocalDate, BigDecimal> revenue) {
    SortedMap<LocalDate, BigDecimal> normalized = new TreeMap<>();
    revenue.forEach((day, amount) -> normalized.put(day, amount.setScale(2)));
    return normalized;
  }
}
