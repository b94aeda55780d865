package io.sluice.core.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.core.project.DashboardDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.project.TestProject;
import io.sluice.core.run.EndToEnd;
import io.sluice.core.run.ProjectRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Panels queried on a real DuckDB warehouse through the sandboxed reader: values made plain for
 * JSON, rows bounded, variables bound only as one of their values, the time range as literals.
 */
class PanelQueryTest {
  @TempDir Path directory;
  private Project project;

  @BeforeEach
  void runTheProject() {
    new TestProject(directory)
        .file("sluice.yaml", "name: shop\n")
        .file(
            "sources/orders.yaml",
            """
            path: data/orders.csv
            columns:
              - {name: id, type: bigint}
              - {name: country}
              - {name: amount, type: "decimal(10,2)"}
              - {name: ordered_at, type: timestamp}
            """)
        .file(
            "data/orders.csv",
            """
            id,country,amount,ordered_at
            1,DE,10.50,2026-11-01 10:00:00
            2,DE,4.50,2026-11-02 11:00:00
            3,FR,7.25,2026-11-02 12:00:00
            4,it's,1.00,2026-11-03 09:00:00
            """)
        .file(
            "models/daily.sql",
            """
            {{ config(materialized='table') }}
            SELECT CAST(ordered_at AS DATE) AS day, country, sum(amount) AS revenue, count(*) AS orders
            FROM {{ source('orders') }} GROUP BY 1, 2
            """)
        .file(
            "dashboards/sales.yaml",
            """
            variables:
              - name: country
                query: SELECT DISTINCT country FROM lake.orders ORDER BY 1
                default: DE
              - name: kind
                values: [revenue, orders]
            panels:
              - id: by_day
                type: line
                sql: |
                  SELECT day, revenue, $kind AS kind FROM daily
                  WHERE country = $country AND day >= $from AND day < $to ORDER BY day
              - id: all
                type: table
                max-rows: 2
                sql: SELECT id, ordered_at FROM lake.orders ORDER BY id
            """);
    EndToEnd.run(directory);
    project = ProjectLoader.load(directory);
  }

  private PanelQuery.Result run(String panel, Map<String, String> values, Duration range) {
    DashboardDef sales = project.dashboard("sales").orElseThrow();
    try (WarehouseReader reader =
        ProjectRuntime.openReader(project, Duration.ofSeconds(30), 1 << 20)) {
      return PanelQuery.run(
          sales,
          sales.panel(panel).orElseThrow(),
          new PanelQuery.Choice(values, range, Instant.parse("2026-11-03T00:00:00Z")),
          reader);
    }
  }

  @Test
  void bindsTheChosenValuesAndTheTimeRangeAndMakesValuesPlain() {
    PanelQuery.Result result = run("by_day", Map.of(), Duration.ofDays(7));

    assertThat(result.columns())
        .containsExactly(
            new PanelQuery.Column("day", "DATE", "time"),
            new PanelQuery.Column("revenue", "DECIMAL(38,2)", "number"),
            new PanelQuery.Column("kind", "VARCHAR", "text"));
    // the defaults: DE, and the first of the static values
    assertThat(result.rows())
        .containsExactly(
            List.of(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(), 10.5, "revenue"),
            List.of(Instant.parse("2026-11-02T00:00:00Z").toEpochMilli(), 4.5, "revenue"));
    assertThat(result.truncated()).isFalse();

    // a value with a quote is one of the query's values: bound as a literal, quote doubled
    assertThat(run("by_day", Map.of("country", "it's"), Duration.ofDays(7)).rows()).isEmpty();
    assertThat(run("by_day", Map.of("country", "FR", "kind", "orders"), Duration.ofDays(7)).rows())
        .containsExactly(
            List.of(Instant.parse("2026-11-02T00:00:00Z").toEpochMilli(), 7.25, "orders"));
    // the range ends at the choice's now and starts that long before
    assertThat(run("by_day", Map.of(), Duration.ofDays(1)).rows())
        .containsExactly(
            List.of(Instant.parse("2026-11-02T00:00:00Z").toEpochMilli(), 4.5, "revenue"));
  }

  @Test
  void refusesAValueThatIsNotOneOfTheVariablesAndNeverSplicesIt() {
    assertThatThrownBy(() -> run("by_day", Map.of("country", "DE' OR '1'='1"), Duration.ofDays(7)))
        .isInstanceOf(SluiceException.class)
        .hasMessage("'DE' OR '1'='1' is not a value of variable 'country'");
  }

  @Test
  void boundsTheRowsAtMaxRows() {
    PanelQuery.Result result = run("all", Map.of(), Duration.ofDays(7));

    assertThat(result.rows()).hasSize(2);
    assertThat(result.truncated()).isTrue();
    assertThat(result.rows().get(0))
        .containsExactly(1L, Instant.parse("2026-11-01T10:00:00Z").toEpochMilli());
  }
}
