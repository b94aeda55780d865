package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.api.engine.ModelRequest.Materialization;
import io.sluice.api.type.DataType;
import io.sluice.core.project.SourceDef.Granularity;
import io.sluice.core.project.SourceDef.RowCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLoaderTest {
  private static final String ORDERS_CLEAN =
      """
      SELECT * FROM {{ source('orders') }} WHERE amount > 0
      """;
  private static final String DAILY =
      """
      {{ config(materialized='incremental', unique_key=['day', 'country']) }}
      SELECT CAST(ordered_at AS DATE) AS day, country, SUM(amount) AS revenue
      FROM {{ ref('orders_clean') }}
      {% if is_incremental() %}WHERE ordered_at > (SELECT max(day) FROM {{ this }}){% endif %}
      GROUP BY 1, 2
      """;
  private static final String TOP =
      """
      {{ config(materialized='table') }}
      SELECT * FROM {{ ref('daily') }} ORDER BY revenue DESC LIMIT {{ var('limit') }}
      """;
  private static final String ANOTHER =
      """
      SELECT count(*) AS n FROM {{ ref('orders_clean') }}, {{ source('shop', 'clicks') }}
      """;

  @TempDir Path directory;

  private TestProject fullProject() {
    return new TestProject(directory)
        .file(
            "sluice.yaml",
            """
            name: shop
            description: The web shop.
            engine: spark
            state-dir: state
            lake:
              type: iceberg
              options:
                catalog: jdbc
                port: 5432
            warehouse:
              path: out/wh.duckdb
            defaults:
              granularity: hour
              on-change: skip
            quality:
              min-score: 0.9
              min-run-score: 0.95
            vars:
              currency: EUR
              start: 2024-01-01
              limit: 10
            """)
        .file(
            "sources/orders.yaml",
            """
            name: orders
            description: Orders.
            path: data/orders/*.csv
            csv:
              header: false
              delimiter: ";"
            event-time: ordered_at
            partition:
              columns: [country]
            columns:
              - name: id
                type: bigint
                from: order_id
                checks: [not_null, unique]
              - name: ordered_at
                type: timestamp
                format: "%d/%m/%Y %H:%M"
              - name: country
                default: NL
                description: ISO code
                checks:
                  - accepted_values: {values: [NL, DE], case-sensitive: false}
                  - regex: "[A-Z]{2}"
              - name: amount
                type: decimal(10,2)
                checks:
                  - range: {min: 0, max: 1000}
              - name: amount_cents
                type: bigint
                expr: CAST(amount * 100 AS BIGINT)
            checks:
              - name: positive
                expr: amount > 0
                message: amounts are positive
            """)
        .file(
            "sources/clicks.yml",
            """
            connector: files
            path: data/clicks.jsonl
            json:
              encoding: ISO-8859-1
            event-time: day
            partition:
              granularity: day
            columns:
              - name: day
                type: date
                from: meta.day
              - name: url
            min-score: 0.5
            """)
        .file("models/orders_clean.sql", ORDERS_CLEAN)
        .file("models/daily.sql", DAILY)
        .file("models/top.sql", TOP)
        .file("models/another.sql", ANOTHER)
        .file(
            "models/schema.yml",
            """
            version: 2
            models:
              - name: daily
                description: Revenue per day and country.
                columns:
                  - name: day
                    tests: [not_null]
                  - name: country
                    data_tests:
                      - accepted_values: {values: [NL, DE]}
                      - relationships: {to: "source('orders')", field: country}
              - name: top
                columns:
                  - name: day
                    tests:
                      - unique
                      - relationships: {to: "ref('daily')", field: day}
            """);
  }

  @Test
  void loadsAFullProjectIntoTheExactRecords() {
    TestProject test = fullProject();
    Project project = test.load();

    Path root = test.directory();
    Path orders = test.path("sources/orders.yaml");
    Path clicks = test.path("sources/clicks.yml");
    Path schema = test.path("models/schema.yml");
    assertThat(project.directory()).isEqualTo(root);
    assertThat(project.name()).isEqualTo("shop");
    assertThat(project.engine()).isEqualTo("spark");
    assertThat(project.stateDirectory()).isEqualTo(root.resolve("state"));
    assertThat(project.lake())
        .isEqualTo(new Project.LakeConfig("iceberg", Map.of("catalog", "jdbc", "port", "5432")));
    assertThat(project.warehouse()).isEqualTo(root.resolve("out/wh.duckdb").toString());
    assertThat(project.quality())
        .isEqualTo(new Project.QualityConfig(0.9, 0.95, Map.of("clicks", 0.5)));
    assertThat(project.quality().minScore("clicks")).isEqualTo(0.5);
    assertThat(project.quality().minScore("orders")).isEqualTo(0.9);
    assertThat(project.vars())
        .isEqualTo(Map.of("currency", "EUR", "start", "2024-01-01", "limit", 10));

    assertThat(project.sources())
        .containsExactly(
            new SourceDef(
                "clicks",
                Location.of(clicks),
                "",
                "files",
                Map.of(
                    "path", "data/clicks.jsonl",
                    "json", Map.of("encoding", "ISO-8859-1"),
                    "format", "json",
                    "on-change", "skip"),
                Optional.of("day"),
                Granularity.DAY,
                List.of(),
                List.of(
                    column("day", DataType.DATE, "meta.day", new Location(clicks, 9, 5)),
                    column("url", DataType.STRING, "url", new Location(clicks, 12, 5))),
                List.of(),
                List.of(),
                SourceDef.LatePolicy.ACCEPT,
                List.of()),
            new SourceDef(
                "orders",
                Location.of(orders),
                "Orders.",
                "files",
                Map.of(
                    "path", "data/orders/*.csv",
                    "csv", Map.of("header", false, "delimiter", ";"),
                    "format", "csv",
                    "on-change", "skip"),
                Optional.of("ordered_at"),
                Granularity.HOUR,
                List.of("country"),
                List.of(
                    new ColumnDef(
                        "id",
                        DataType.BIGINT,
                        Optional.of("order_id"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        "",
                        List.of(
                            CheckDef.simple(CheckDef.Kind.NOT_NULL, new Location(orders, 14, 14)),
                            CheckDef.simple(CheckDef.Kind.UNIQUE, new Location(orders, 14, 24))),
                        new Location(orders, 11, 5)),
                    new ColumnDef(
                        "ordered_at",
                        DataType.TIMESTAMP,
                        Optional.of("ordered_at"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("%d/%m/%Y %H:%M"),
                        "",
                        List.of(),
                        new Location(orders, 15, 5)),
                    new ColumnDef(
                        "country",
                        DataType.STRING,
                        Optional.of("country"),
                        Optional.empty(),
                        Optional.of("NL"),
                        Optional.empty(),
                        "ISO code",
                        List.of(
                            new CheckDef(
                                CheckDef.Kind.ACCEPTED_VALUES,
                                Optional.empty(),
                                Optional.empty(),
                                List.of("NL", "DE"),
                                false,
                                Optional.empty(),
                                new Location(orders, 22, 9)),
                            new CheckDef(
                                CheckDef.Kind.REGEX,
                                Optional.empty(),
                                Optional.empty(),
                                List.of(),
                                true,
                                Optional.of("[A-Z]{2}"),
                                new Location(orders, 23, 9))),
                        new Location(orders, 18, 5)),
                    new ColumnDef(
                        "amount",
                        DataType.decimal(10, 2),
                        Optional.of("amount"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        "",
                        List.of(
                            new CheckDef(
                                CheckDef.Kind.RANGE,
                                Optional.of("0"),
                                Optional.of("1000"),
                                List.of(),
                                true,
                                Optional.empty(),
                                new Location(orders, 27, 9))),
                        new Location(orders, 24, 5)),
                    new ColumnDef(
                        "amount_cents",
                        DataType.BIGINT,
                        Optional.empty(),
                        Optional.of("CAST(amount * 100 AS BIGINT)"),
                        Optional.empty(),
                        Optional.empty(),
                        "",
                        List.of(),
                        new Location(orders, 28, 5))),
                List.of(
                    new RowCheck(
                        "positive",
                        "amount > 0",
                        "amounts are positive",
                        new Location(orders, 32, 5))),
                List.of(),
                SourceDef.LatePolicy.ACCEPT,
                List.of()));

    assertThat(project.models())
        .containsExactly(
            new ModelDef(
                "orders_clean",
                Location.of(test.path("models/orders_clean.sql")),
                ORDERS_CLEAN,
                Materialization.VIEW,
                List.of(),
                List.of(),
                List.of("orders"),
                "",
                List.of()),
            new ModelDef(
                "another",
                Location.of(test.path("models/another.sql")),
                ANOTHER,
                Materialization.VIEW,
                List.of(),
                List.of("orders_clean"),
                List.of("clicks"),
                "",
                List.of()),
            new ModelDef(
                "daily",
                Location.of(test.path("models/daily.sql")),
                DAILY,
                Materialization.INCREMENTAL,
                List.of("day", "country"),
                List.of("orders_clean"),
                List.of(),
                "Revenue per day and country.",
                List.of()),
            new ModelDef(
                "top",
                Location.of(test.path("models/top.sql")),
                TOP,
                Materialization.TABLE,
                List.of(),
                List.of("daily"),
                List.of(),
                "",
                List.of()));

    assertThat(project.modelTests())
        .containsExactly(
            new ModelTest(
                "daily",
                "day",
                ModelTest.Kind.NOT_NULL,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                ModelTest.Severity.ERROR,
                new Location(schema, 7, 17)),
            new ModelTest(
                "daily",
                "country",
                ModelTest.Kind.ACCEPTED_VALUES,
                List.of("NL", "DE"),
                Optional.empty(),
                Optional.empty(),
                ModelTest.Severity.ERROR,
                new Location(schema, 10, 13)),
            new ModelTest(
                "daily",
                "country",
                ModelTest.Kind.RELATIONSHIPS,
                List.of(),
                Optional.of("orders"),
                Optional.of("country"),
                ModelTest.Severity.ERROR,
                new Location(schema, 11, 13)),
            new ModelTest(
                "top",
                "day",
                ModelTest.Kind.UNIQUE,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                ModelTest.Severity.ERROR,
                new Location(schema, 16, 13)),
            new ModelTest(
                "top",
                "day",
                ModelTest.Kind.RELATIONSHIPS,
                List.of(),
                Optional.of("daily"),
                Optional.of("day"),
                ModelTest.Severity.ERROR,
                new Location(schema, 17, 13)));
  }

  @Test
  void readsSingularTestsAndTheSeverityOfEveryTest() {
    TestProject test =
        new TestProject(directory)
            .minimal()
            .source("orders")
            .file("models/daily.sql", "SELECT 1 AS day\n")
            .file(
                "models/schema.yml",
                """
                version: 2
                models:
                  - name: daily
                    columns:
                      - name: day
                        tests:
                          - not_null: {config: {severity: warn}}
                          - unique
                """)
            .file(
                "tests/no_future_days.sql",
                "{{ config(severity='warn') }}\nSELECT * FROM {{ ref('daily') }} d\n"
                    + "JOIN {{ source('orders') }} o ON o.id = d.day\n")
            .file(
                "tests/orders_have_ids.sql",
                "SELECT * FROM {{ source('orders') }} WHERE id IS NULL");

    Project project = test.load();

    assertThat(project.modelTests())
        .extracting(ModelTest::displayName, ModelTest::severity)
        .containsExactly(
            tuple("not_null(daily.day)", ModelTest.Severity.WARN),
            tuple("unique(daily.day)", ModelTest.Severity.ERROR));
    assertThat(project.singularTests())
        .containsExactly(
            new SingularTest(
                "no_future_days",
                Location.of(test.path("tests/no_future_days.sql")),
                "{{ config(severity='warn') }}\nSELECT * FROM {{ ref('daily') }} d\n"
                    + "JOIN {{ source('orders') }} o ON o.id = d.day\n",
                ModelTest.Severity.WARN,
                List.of("daily"),
                List.of("orders")),
            new SingularTest(
                "orders_have_ids",
                Location.of(test.path("tests/orders_have_ids.sql")),
                "SELECT * FROM {{ source('orders') }} WHERE id IS NULL",
                ModelTest.Severity.ERROR,
                List.of(),
                List.of("orders")));
  }

  @Test
  void mapsTheServeClientLimits() {
    Project project =
        new TestProject(directory)
            .file(
                "sluice.yaml",
                "name: shop\nserve:\n  body-timeout: 2s\n  max-connections-per-client: 5\n")
            .file("sources/orders.yaml", "path: orders.csv\ncolumns:\n  - name: id\n")
            .load();

    assertThat(project.serve().bodyTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(project.serve().maxConnectionsPerClient()).isEqualTo(5);
  }

  @Test
  void appliesEveryDefaultToAMinimalProject() {
    TestProject test =
        new TestProject(directory)
            .file("sluice.yaml", "name: shop\n")
            .file("sources/orders.yaml", "path: orders.csv\ncolumns:\n  - name: id\n");

    Project project = test.load();

    Path root = test.directory();
    assertThat(project)
        .isEqualTo(
            new Project(
                root,
                "shop",
                "duckdb",
                Map.of(),
                root.resolve(".sluice"),
                new Project.LakeConfig("iceberg", Map.of()),
                root.resolve(".sluice/warehouse.duckdb").toString(),
                Project.QualityConfig.none(),
                new Project.ServeConfig(
                    "127.0.0.1",
                    8080,
                    16 << 20,
                    1 << 20,
                    10_000,
                    5_000_000,
                    256L << 20,
                    Duration.ofMillis(500),
                    200_000,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    4,
                    64L << 20,
                    1L << 30,
                    Duration.ofDays(7),
                    Duration.ofSeconds(30),
                    64,
                    Duration.ofSeconds(30),
                    64L << 20,
                    new Project.SqlEndpointConfig(
                        "127.0.0.1", Optional.empty(), 16, 100_000, Duration.ofMinutes(10)),
                    Optional.empty()),
                Project.MaintenanceConfig.defaults(),
                io.sluice.core.project.LineageConfig.none("shop"),
                Orchestration.none(),
                Alerts.none(),
                Map.of(),
                List.of(
                    new SourceDef(
                        "orders",
                        Location.of(test.path("sources/orders.yaml")),
                        "",
                        "files",
                        Map.of("path", "orders.csv", "format", "csv", "on-change", "fail"),
                        Optional.empty(),
                        Granularity.DAY,
                        List.of(),
                        List.of(
                            column(
                                "id",
                                DataType.STRING,
                                "id",
                                new Location(test.path("sources/orders.yaml"), 3, 5))),
                        List.of(),
                        List.of(),
                        SourceDef.LatePolicy.ACCEPT,
                        List.of())),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of()));
  }

  @Test
  void readsEveryKeyOfTheMaintenanceSection() {
    Project project =
        new TestProject(directory)
            .file(
                "sluice.yaml",
                "name: shop\nmaintenance:\n  target-file-size-mb: 64\n  min-files: 3\n"
                    + "  keep-snapshots: 4\n  snapshot-max-age: 6h\n  orphan-min-age: 2d\n"
                    + "  interval: 90s\n")
            .load();

    assertThat(project.maintenance())
        .isEqualTo(
            new Project.MaintenanceConfig(
                64, 3, 4, Duration.ofHours(6), Duration.ofDays(2), Duration.ofSeconds(90)));
    assertThat(project.maintenance().targetFileSizeBytes()).isEqualTo(64L * 1024 * 1024);
  }

  @Test
  void resolvesTheWarehouseUnderAStateDirectoryOfItsOwn() {
    Project project =
        new TestProject(directory).file("sluice.yaml", "name: shop\nstate-dir: ../state\n").load();

    Path state = directory.toAbsolutePath().normalize().getParent().resolve("state");
    assertThat(project.stateDirectory()).isEqualTo(state);
    assertThat(project.warehouse()).isEqualTo(state.resolve("warehouse.duckdb").toString());
  }

  @Test
  void anEngineChosenOnTheCommandLineGetsItsOwnWarehouseAndOnlyItsOwnOptions() {
    new TestProject(directory)
        .file("sluice.yaml", "name: shop\nengine: duckdb\nengine-options:\n  threads: \"2\"\n");
    Path state = directory.toAbsolutePath().normalize().resolve(".sluice");

    Project spark =
        ProjectLoader.load(
            directory, new EngineOverride(Optional.of("spark"), Map.of("master", "local[4]")));
    assertThat(spark.engine()).isEqualTo("spark");
    assertThat(spark.engineOptions()).containsExactly(Map.entry("master", "local[4]"));
    assertThat(spark.warehouse()).isEqualTo(state.resolve("warehouse.spark").toString());

    Project duckdb =
        ProjectLoader.load(directory, new EngineOverride(Optional.empty(), Map.of("threads", "1")));
    assertThat(duckdb.engine()).isEqualTo("duckdb");
    assertThat(duckdb.engineOptions()).containsExactly(Map.entry("threads", "1"));
    assertThat(duckdb.warehouse()).isEqualTo(state.resolve("warehouse.duckdb").toString());
  }

  @Test
  void ordersModelsByDependencyWithTiesByName() {
    Project project =
        new TestProject(directory)
            .minimal()
            .file("models/z_first.sql", "SELECT 1 AS x\n")
            .file("models/c.sql", "SELECT * FROM {{ ref('b') }}, {{ ref('a') }}\n")
            .file("models/b.sql", "SELECT * FROM {{ ref('z_first') }}\n")
            .file("models/a.sql", "SELECT * FROM {{ ref('z_first') }}\n")
            .file("models/d.sql", "SELECT 2 AS y\n")
            .load();

    assertThat(project.models().stream().map(ModelDef::name))
        .containsExactly("d", "z_first", "a", "b", "c");
    assertThat(project.model("c").orElseThrow().refs()).containsExactly("a", "b");
  }

  @Test
  void countsRefsMadeOnlyInIncrementalRunsAsDependencies() {
    Project project =
        new TestProject(directory)
            .minimal()
            .file("models/seen.sql", "SELECT 1 AS x\n")
            .file(
                "models/grows.sql",
                """
                {{ config(materialized='incremental') }}
                SELECT 1 AS x
                {% if is_incremental() %}UNION ALL SELECT * FROM {{ ref('seen') }}{% endif %}
                """)
            .load();

    assertThat(project.model("grows").orElseThrow().refs()).containsExactly("seen");
    assertThat(project.models().stream().map(ModelDef::name)).containsExactly("seen", "grows");
  }

  @Test
  void loadsAProjectWithoutSourcesOrModels() {
    Project project = new TestProject(directory).minimal().load();

    assertThat(project.sources()).isEmpty();
    assertThat(project.models()).isEmpty();
    assertThat(project.modelTests()).isEmpty();
  }

  private static ColumnDef column(String name, DataType type, String from, Location location) {
    return new ColumnDef(
        name,
        type,
        Optional.of(from),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "",
        List.of(),
        location);
  }
}
