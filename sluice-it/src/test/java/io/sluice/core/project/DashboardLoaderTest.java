package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dashboards/*.yaml}: read into the exact records, and each mistake with file:line. */
class DashboardLoaderTest {
  @TempDir Path directory;
  private TestProject project;

  @BeforeEach
  void setUp() {
    project =
        new TestProject(directory)
            .minimal()
            .source("orders")
            .source("clicks")
            .file("models/daily.sql", "SELECT id FROM {{ source('orders') }}\n")
            .file("models/top.sql", "SELECT id FROM {{ ref('daily') }}\n");
  }

  @Test
  void readsEveryKeyAndDerivesWhatEachPanelReads() {
    project.file(
        "dashboards/sales.yaml",
        """
        title: Sales
        description: Orders, live.
        time-range: 7d
        variables:
          - name: country
            label: Country
            values: [DE, FR]
            default: FR
          - name: status
            query: SELECT DISTINCT id FROM lake.orders
        panels:
          - id: revenue
            title: Revenue
            type: line
            sql: |
              WITH recent AS (SELECT * FROM top)
              SELECT id FROM recent WHERE id = $country AND id > $from
            x: id
            series: id
            values: [id]
            width: 12
            unit: EUR
            decimals: 1
            thresholds:
              - {value: 0, color: green}
              - {value: 10, color: red}
            max-rows: 50
          - id: clicks
            type: stat
            sql: SELECT count(*) FROM lake.clicks c JOIN quarantine.orders q ON true
          - id: anything
            type: table
            sql: SELECT * FROM range(10)
        """);

    Project loaded = project.load();

    DashboardDef sales = loaded.dashboard("sales").orElseThrow();
    assertThat(sales.title()).isEqualTo("Sales");
    assertThat(sales.description()).isEqualTo("Orders, live.");
    assertThat(sales.timeRange()).isEqualTo(Duration.ofDays(7));
    assertThat(sales.variables())
        .containsExactly(
            new DashboardDef.Variable(
                "country", "Country", List.of("DE", "FR"), Optional.empty(), Optional.of("FR")),
            new DashboardDef.Variable(
                "status",
                "status",
                List.of(),
                Optional.of("SELECT DISTINCT id FROM lake.orders"),
                Optional.empty()));
    DashboardDef.Panel revenue = sales.panel("revenue").orElseThrow();
    assertThat(revenue.type()).isEqualTo("line");
    assertThat(revenue.x()).contains("id");
    assertThat(revenue.series()).contains("id");
    assertThat(revenue.values()).containsExactly("id");
    assertThat(revenue.width()).isEqualTo(12);
    assertThat(revenue.unit()).isEqualTo("EUR");
    assertThat(revenue.decimals()).isEqualTo(OptionalInt.of(1));
    assertThat(revenue.thresholds())
        .containsExactly(
            new DashboardDef.Threshold(0, "green"), new DashboardDef.Threshold(10, "red"));
    assertThat(revenue.maxRows()).isEqualTo(50);
    // top refs daily, which reads orders: a batch of orders changes the panel
    assertThat(revenue.inputs())
        .contains(
            Set.of(
                "top",
                "daily",
                "lake.orders",
                "raw.orders",
                "quarantine.orders",
                "sluice_quarantine.orders"));
    assertThat(revenue.readsAny(Set.of("lake.orders"))).isTrue();
    assertThat(revenue.readsAny(Set.of("lake.clicks"))).isFalse();

    DashboardDef.Panel clicks = sales.panel("clicks").orElseThrow();
    assertThat(clicks.title()).isEqualTo("clicks");
    assertThat(clicks.width()).isEqualTo(6);
    assertThat(clicks.maxRows()).isEqualTo(1000);
    assertThat(clicks.inputs().orElseThrow()).contains("lake.clicks", "quarantine.orders");
    // a table function: what it reads cannot be told, so every change refreshes it
    DashboardDef.Panel anything = sales.panel("anything").orElseThrow();
    assertThat(anything.inputs()).isEmpty();
    assertThat(anything.readsAny(Set.of("lake.clicks"))).isTrue();
  }

  @Test
  void reportsUnknownKeysWithDidYouMeanAndTheirLine() {
    project.file(
        "dashboards/sales.yaml",
        """
        panels:
          - id: a
            type: pie
            sql: SELECT 1
            widht: 3
        """);

    assertThat(project.problems())
        .containsExactly(
            "dashboards/sales.yaml:3:11: type: expected one of line, area, bar, table, stat,"
                + " found 'pie' (did you mean 'line'?)",
            "dashboards/sales.yaml:5:5: unknown key 'widht' in panel 'a' (did you mean"
                + " 'width'?)");
  }

  @Test
  void reportsAnUnknownTableAtItsLineInTheSql() {
    project.file(
        "dashboards/sales.yaml",
        """
        panels:
          - id: a
            type: table
            sql: |
              SELECT *
              FROM dayly
          - id: b
            type: table
            sql: SELECT * FROM lake.order
          - id: c
            type: table
            sql: SELECT * FROM orders
        """);

    assertThat(project.problems())
        .containsExactly(
            "dashboards/sales.yaml:6: panel 'a': unknown table 'dayly' (did you mean 'daily'?);"
                + " read a model by its name or a source as lake.NAME",
            "dashboards/sales.yaml:9: panel 'b': unknown source 'order' in lake.order (did you"
                + " mean 'orders'?)",
            "dashboards/sales.yaml:12: panel 'c': unknown table 'orders'; a source is read as"
                + " lake.orders");
  }

  @Test
  void reportsVariableMistakes() {
    project.file(
        "dashboards/sales.yaml",
        """
        variables:
          - name: country
            values: [DE, FR]
            default: NL
          - name: both
            values: [a]
            query: SELECT 1
          - name: from
            values: [x]
        panels:
          - id: a
            type: table
            sql: SELECT * FROM daily WHERE c = $contry
        """);

    assertThat(project.problems())
        .containsExactly(
            "dashboards/sales.yaml:4:14: variable 'country': default 'NL' is not one of its"
                + " values (DE, FR)",
            "dashboards/sales.yaml:5:5: variable 'both': set either values (a static list) or"
                + " query (values from the warehouse), not both",
            "dashboards/sales.yaml:8:11: variable 'from': $from and $to are the dashboard's time"
                + " range; choose another name",
            "dashboards/sales.yaml:13: panel 'a': unknown variable $contry (did you mean"
                + " 'country'?)");
  }

  @Test
  void reportsADuplicatePanel() {
    project.file(
        "dashboards/sales.yaml",
        """
        panels:
          - {id: a, type: stat, sql: SELECT 1}
          - {id: a, type: stat, sql: SELECT 2}
        """);

    assertThat(project.problems())
        .containsExactly(
            "dashboards/sales.yaml:3:10: panel 'a' is defined twice in this dashboard");
  }

  @Test
  void reportsAFileInASubfolder() {
    project.file("dashboards/old/x.yaml", "panels: []\n");

    assertThat(project.problems())
        .containsExactly(
            "dashboards/old/x.yaml: only files directly in dashboards/ are read; move this one to"
                + " dashboards/");
  }
}
