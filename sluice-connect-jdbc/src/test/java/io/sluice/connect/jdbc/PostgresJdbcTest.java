package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jdbc connector against a real PostgreSQL server. */
class PostgresJdbcTest {
  private static String url;

  @TempDir Path project;

  @BeforeAll
  static void start() {
    url = Servers.postgresUrl();
  }

  static void sql(String... statements) throws SQLException {
    Servers.postgres(statements);
  }

  private Map<String, Object> options(Object... pairs) {
    Map<String, Object> options = new HashMap<>();
    options.put("url", url);
    options.put("user", "postgres");
    for (int i = 0; i < pairs.length; i += 2) {
      options.put((String) pairs[i], pairs[i + 1]);
    }
    return options;
  }

  @Test
  void fullRefreshReadsTheWholeTableEveryRun() throws SQLException {
    sql(
        "CREATE TABLE full_refresh (id int PRIMARY KEY, name text)",
        "INSERT INTO full_refresh VALUES (1, 'a'), (2, 'b')");
    try (SourceConnector connector =
        Jdbc.connector(project, options("table", "public.full_refresh"), "id", "name")) {
      Jdbc.Runs runs = new Jdbc.Runs(connector);
      Jdbc.Collected first = runs.run();
      assertThat(first.rows()).containsExactlyInAnyOrder(List.of("1", "a"), List.of("2", "b"));
      assertThat(first.positions).containsExactlyInAnyOrder(1L, 2L);
      assertThat(first.originals).contains("{\"id\":1,\"name\":\"a\"}");
      assertThat(runs.committed).containsEntry("public.full_refresh", "full-refresh:1");

      sql(
          "UPDATE full_refresh SET name = 'b2' WHERE id = 2",
          "INSERT INTO full_refresh VALUES (3, 'c')");
      Jdbc.Collected second = runs.run();
      assertThat(second.rows())
          .containsExactlyInAnyOrder(List.of("1", "a"), List.of("2", "b2"), List.of("3", "c"));
      assertThat(runs.committed).containsEntry("public.full_refresh", "full-refresh:2");
      assertThat(runs.clean).hasSize(3).containsEntry("2", List.of("2", "b2"));
    }
  }

  @Test
  void incrementalPicksUpInsertedAndUpdatedRowsBetweenRunsExactlyOnceWithLatestValues()
      throws SQLException {
    sql(
        "CREATE TABLE inc (id int PRIMARY KEY, name text, updated_at timestamp NOT NULL)",
        "INSERT INTO inc VALUES (1, 'a', '2024-05-01 10:00:00'), (2, 'b', '2024-05-01 10:00:01')");
    try (SourceConnector connector =
        Jdbc.connector(
            project,
            options("table", "inc", "mode", "incremental", "cursor", List.of("updated_at", "id")),
            "id",
            "name",
            "updated_at")) {
      Jdbc.Runs runs = new Jdbc.Runs(connector);
      assertThat(runs.run().rows())
          .containsExactly(
              List.of("1", "a", "2024-05-01T10:00:00"), List.of("2", "b", "2024-05-01T10:00:01"));

      // nothing new: no split, nothing read again
      assertThat(connector.plan(runs.committed).splits()).isEmpty();

      sql(
          "UPDATE inc SET name = 'a2', updated_at = '2024-05-01 10:00:05' WHERE id = 1",
          "INSERT INTO inc VALUES (3, 'c', '2024-05-01 10:00:05')");
      Jdbc.Collected second = runs.run();
      assertThat(second.rows())
          .containsExactly(
              List.of("1", "a2", "2024-05-01T10:00:05"), List.of("3", "c", "2024-05-01T10:00:05"));
      assertThat(runs.clean.values())
          .containsExactlyInAnyOrder(
              List.of("1", "a2", "2024-05-01T10:00:05"),
              List.of("2", "b", "2024-05-01T10:00:01"),
              List.of("3", "c", "2024-05-01T10:00:05"));

      // a row with the same timestamp as the mark but a greater id is still new
      sql("INSERT INTO inc VALUES (4, 'd', '2024-05-01 10:00:05')");
      assertThat(runs.run().rows()).containsExactly(List.of("4", "d", "2024-05-01T10:00:05"));
    }
  }

  @Test
  void restartFromCommittedPositionReadsOnlyWhatWasNotCommitted() throws SQLException {
    sql(
        "CREATE TABLE restart (id bigint PRIMARY KEY, name text)",
        "INSERT INTO restart SELECT g, 'n' || g FROM generate_series(1, 5) g");
    Map<String, Object> options =
        options("table", "restart", "mode", "incremental", "cursor", List.of("id"));
    Map<String, String> committed;
    try (SourceConnector first = Jdbc.connector(project, options, "id", "name")) {
      Jdbc.Runs runs = new Jdbc.Runs(first);
      assertThat(runs.run().records).hasSize(5);
      committed = Map.copyOf(runs.committed);
      // a crash after reading, before committing: the next process plans from the old position
      sql("INSERT INTO restart VALUES (6, 'n6')");
      first.read(first.plan(committed).splits().get(0), new Jdbc.Collected());
    }
    try (SourceConnector second = Jdbc.connector(project, options, "id", "name")) {
      Jdbc.Runs runs = new Jdbc.Runs(second);
      runs.committed.putAll(committed);
      assertThat(runs.run().rows()).containsExactly(List.of("6", "n6"));
    }
  }

  @Test
  void lateCommittedRowInsideTheLookbackWindowIsPickedUp() throws SQLException {
    sql(
        "CREATE TABLE late (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL)",
        "INSERT INTO late VALUES (1, 'a', '2024-05-01 10:00:00Z')");
    try (SourceConnector connector =
            Jdbc.connector(
                project,
                options(
                    "table",
                    "late",
                    "mode",
                    "incremental",
                    "cursor",
                    List.of("updated_at"),
                    "lookback",
                    "8s"),
                "id",
                "name",
                "updated_at");
        Connection writer = DriverManager.getConnection(url, "postgres", "")) {
      Jdbc.Runs runs = new Jdbc.Runs(connector);
      // a transaction takes its timestamp at 10:00:05 but commits only after the next run
      writer.setAutoCommit(false);
      try (Statement statement = writer.createStatement()) {
        statement.execute("INSERT INTO late VALUES (2, 'late', '2024-05-01 10:00:05Z')");
      }
      sql("INSERT INTO late VALUES (3, 'c', '2024-05-01 10:00:10Z')");
      assertThat(runs.run().rows())
          .containsExactly(
              List.of("1", "a", "2024-05-01T10:00:00Z"), List.of("3", "c", "2024-05-01T10:00:10Z"));
      writer.commit();

      sql("INSERT INTO late VALUES (4, 'd', '2024-05-01 10:00:20Z')");
      Jdbc.Collected second = runs.run();
      // the window re-reads row 3 too: the primary-key merge keeps it once
      assertThat(second.rows())
          .containsExactly(
              List.of("2", "late", "2024-05-01T10:00:05Z"),
              List.of("3", "c", "2024-05-01T10:00:10Z"),
              List.of("4", "d", "2024-05-01T10:00:20Z"));
      assertThat(runs.clean.keySet()).containsExactlyInAnyOrder("1", "2", "3", "4");
    }
  }

  @Test
  void withoutLookbackALateCommittedRowIsMissed() throws SQLException {
    sql(
        "CREATE TABLE late0 (id int PRIMARY KEY, updated_at timestamp NOT NULL)",
        "INSERT INTO late0 VALUES (1, '2024-05-01 10:00:00')");
    try (SourceConnector connector =
            Jdbc.connector(
                project,
                options("table", "late0", "mode", "incremental", "cursor", List.of("updated_at")),
                "id");
        Connection writer = DriverManager.getConnection(url, "postgres", "")) {
      Jdbc.Runs runs = new Jdbc.Runs(connector);
      writer.setAutoCommit(false);
      try (Statement statement = writer.createStatement()) {
        statement.execute("INSERT INTO late0 VALUES (2, '2024-05-01 10:00:05')");
      }
      sql("INSERT INTO late0 VALUES (3, '2024-05-01 10:00:10')");
      runs.run();
      writer.commit();
      sql("INSERT INTO late0 VALUES (4, '2024-05-01 10:00:20')");
      assertThat(runs.run().rows()).containsExactly(List.of("4"));
    }
  }

  @Test
  void readsStreamThroughAServerSideCursorInChunksOfTheFetchSize() throws SQLException {
    sql(
        "CREATE TABLE big (id int PRIMARY KEY)",
        "INSERT INTO big SELECT g FROM generate_series(1, 20000) g");
    // row 15000 fails on the server (division by zero): with a server-side cursor the rows of the
    // chunks before it have reached the sink already; a driver that fetched the whole result first
    // would fail before the first row
    try (SourceConnector connector =
        Jdbc.connector(
            project,
            options(
                "query",
                "SELECT id, 10 / (15000 - id) AS x FROM big ORDER BY id",
                "fetch-size",
                100),
            "id")) {
      Jdbc.Collected collected = new Jdbc.Collected();
      Split split = connector.plan(Map.of()).splits().get(0);
      assertThatThrownBy(() -> connector.read(split, collected))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("division by zero");
      assertThat(collected.records).hasSize(14900);
    }
  }

  @Test
  void mapsPostgresTypesToCanonicalText() throws SQLException {
    sql(
        "CREATE TABLE types (i int, s smallint, b bigint, n numeric(12,4), big numeric, r real,"
            + " d double precision, ok boolean, day date, t time, ts timestamp(6), tz timestamptz,"
            + " bytes bytea, j jsonb, u uuid, arr int[], txt text, v varchar(10))",
        "INSERT INTO types VALUES (1, 2, 9007199254740993, 12.5000, 1e30, 1.5, 0.1, true,"
            + " '2024-02-29', '13:45:01', '2024-02-29 13:45:01.123456',"
            + " '2024-02-29 13:45:01+02', '\\x0102ff', '{\"a\": 1}',"
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,2}', 'x\"y', 'v')",
        "INSERT INTO types (i) VALUES (NULL)");
    List<String> fields =
        List.of(
            "i", "s", "b", "n", "big", "r", "d", "ok", "day", "t", "ts", "tz", "bytes", "j", "u",
            "arr", "txt", "v");
    try (SourceConnector connector =
        Jdbc.connector(
            project,
            options("query", "SELECT * FROM types ORDER BY i NULLS LAST"),
            fields,
            Map.of())) {
      Jdbc.Collected collected = new Jdbc.Runs(connector).run();
      assertThat(collected.rows().get(0))
          .containsExactly(
              "1",
              "2",
              "9007199254740993",
              "12.5000",
              "1000000000000000000000000000000",
              "1.5",
              "0.1",
              "true",
              "2024-02-29",
              "13:45:01",
              "2024-02-29T13:45:01.123456",
              "2024-02-29T11:45:01Z",
              "AQL/",
              "{\"a\": 1}",
              "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
              "{1,2}",
              "x\"y",
              "v");
      assertThat(collected.rows().get(1)).containsOnlyNulls();
      assertThat(collected.originals.get(0))
          .startsWith("{\"i\":1,\"s\":2,\"b\":9007199254740993,\"n\":12.5000,")
          .contains("\"ok\":true,\"day\":\"2024-02-29\"");

      Split split = connector.sample(1).get(0);
      assertThat(connector.observe(split).orElseThrow())
          .extracting(ObservedField::type)
          .containsExactly(
              "integer",
              "integer",
              "bigint",
              "decimal(12,4)",
              "number",
              "number",
              "number",
              "boolean",
              "date",
              "string",
              "timestamp",
              "timestamp",
              "string",
              "string",
              "string",
              "array",
              "string",
              "string");
    }
  }

  @Test
  void aValueWithoutCanonicalTextIsMalformedNamingTheColumn() throws SQLException {
    sql(
        "CREATE TABLE odd (id int, ts timestamp)",
        "INSERT INTO odd VALUES (1, '2024-01-01 00:00:00'), (2, 'infinity'), (3, NULL)");
    try (SourceConnector connector =
        Jdbc.connector(project, options("query", "SELECT * FROM odd ORDER BY id"), "id", "ts")) {
      Jdbc.Collected collected = new Jdbc.Runs(connector).run();
      assertThat(collected.rows())
          .containsExactly(List.of("1", "2024-01-01T00:00:00"), java.util.Arrays.asList("3", null));
      assertThat(collected.malformed)
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("2 column 'ts' (timestamp): cannot convert 'infinity'")
          .contains("infinity has no ISO-8601 timestamp")
          .endsWith("{\"id\":\"2\",\"ts\":\"infinity\"}");
    }
  }

  @Test
  void aMissingColumnIsAnErrorWithADidYouMean() throws SQLException {
    sql("CREATE TABLE named (id int, customer text)");
    try (SourceConnector connector =
        Jdbc.connector(project, options("table", "named"), "id", "custmer")) {
      Split split = connector.plan(Map.of()).splits().get(0);
      assertThatThrownBy(() -> connector.read(split, new Jdbc.Collected()))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("column 'custmer' is not in table named")
          .hasMessageContaining("did you mean 'customer'");
    }
  }

  @Test
  void wrongPasswordIsAnExternalErrorShowingTheUrlButNotThePassword() {
    Map<String, Object> options = options("table", "whatever", "password-env", "PG_PASSWORD");
    options.put("user", "guarded");
    try (SourceConnector connector =
        Jdbc.connector(project, options, List.of("id"), Map.of("PG_PASSWORD", "wrong-secret"))) {
      assertThatThrownBy(
              () ->
                  connector
                      .plan(Map.of())
                      .splits()
                      .forEach(s -> connector.read(s, new Jdbc.Collected())))
          .isInstanceOfSatisfying(
              SluiceException.class,
              e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
          .hasMessageContaining("Cannot connect source 'orders' to " + url + " as user 'guarded'")
          .hasMessageContaining("password authentication failed")
          .hasMessageNotContaining("wrong-secret");
    }
  }

  @Test
  void rightPasswordFromAFileConnects() throws Exception {
    sql(
        "CREATE TABLE guarded_t (id int)",
        "GRANT SELECT ON guarded_t TO guarded",
        "INSERT INTO guarded_t VALUES (7)");
    Files.writeString(project.resolve("pg.secret"), "right-secret\n");
    Map<String, Object> options = options("table", "guarded_t", "password-file", "pg.secret");
    options.put("user", "guarded");
    try (SourceConnector connector = Jdbc.connector(project, options, "id")) {
      assertThat(new Jdbc.Runs(connector).run().rows()).containsExactly(List.of("7"));
    }
  }

  @Test
  void anUnsetPasswordVariableIsAUserErrorNamingIt() {
    try (SourceConnector connector =
        Jdbc.connector(project, options("table", "t", "password-env", "NOT_SET_HERE"), "id")) {
      assertThatThrownBy(() -> connector.observe(connector.sample(1).get(0)))
          .isInstanceOfSatisfying(
              SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
          .hasMessageContaining("the environment variable NOT_SET_HERE (jdbc.password-env")
          .hasMessageContaining("is not set");
    }
  }

  @Test
  void unreachableServerIsAnExternalErrorWithTheUrl() {
    String closed = "jdbc:postgresql://127.0.0.1:" + Jdbc.freePort() + "/db?password=hunter2";
    Map<String, Object> options = options("table", "t");
    options.put("url", closed.substring(0, closed.indexOf('?')));
    options.put("properties", Map.of("connectTimeout", "5"));
    try (SourceConnector connector = Jdbc.connector(project, options, "id")) {
      assertThatThrownBy(() -> connector.observe(connector.sample(1).get(0)))
          .isInstanceOfSatisfying(
              SluiceException.class,
              e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
          .hasMessageStartingWith("Cannot connect source 'orders' to " + options.get("url"))
          .hasMessageContaining("Connection");
    }
    assertThat(JdbcUrls.redact(closed)).endsWith("/db?password=***").doesNotContain("hunter2");
  }

  @Test
  void closeReleasesTheConnection() throws SQLException {
    sql("CREATE TABLE closing (id int)");
    Map<String, Object> options = options("table", "closing");
    options.put("properties", Map.of("ApplicationName", "sluice-close-test"));
    JdbcConnector connector = (JdbcConnector) Jdbc.connector(project, options, "id");
    connector.observe(connector.sample(1).get(0));
    assertThat(connector.isOpen()).isTrue();
    assertThat(backends()).isEqualTo(1);
    connector.close();
    connector.close(); // twice is fine
    assertThat(connector.isOpen()).isFalse();
    // the server ends the backend when it reads the driver's Terminate message: wait for that,
    // bounded
    int left = backends();
    for (int i = 0; i < 100 && left > 0; i++) {
      left = backendsAfter(0.02);
    }
    assertThat(left).isZero();
  }

  private static int backends() throws SQLException {
    return backendsAfter(0);
  }

  /** The connector's backends, counted after the server waited {@code seconds}. */
  private static int backendsAfter(double seconds) throws SQLException {
    try (Connection db = DriverManager.getConnection(url, "postgres", "");
        Statement statement = db.createStatement();
        var rows =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity, pg_sleep("
                    + seconds
                    + ") WHERE application_name = 'sluice-close-test'")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void aHighWaterMarkBelowTheCommittedOneIsReportedNotSilent() throws SQLException {
    sql("CREATE TABLE shrinking (id int)", "INSERT INTO shrinking VALUES (1), (2), (3)");
    try (SourceConnector connector =
        Jdbc.connector(
            project,
            options("table", "shrinking", "mode", "incremental", "cursor", List.of("id")),
            "id")) {
      Jdbc.Runs runs = new Jdbc.Runs(connector);
      assertThat(runs.run().records).hasSize(3);
      sql("DELETE FROM shrinking WHERE id = 3");
      var plan = connector.plan(runs.committed);
      assertThat(plan.splits()).isEmpty();
      assertThat(plan.skipped())
          .singleElement()
          .asString()
          .contains("the high-water mark of cursor [id] in table shrinking")
          .contains("is [2], below the committed [3]");
    }
  }

  @Test
  void lookbackOnANumericCursorIsAUserError() throws SQLException {
    sql("CREATE TABLE numeric_cursor (id int)", "INSERT INTO numeric_cursor VALUES (1)");
    try (SourceConnector connector =
        Jdbc.connector(
            project,
            options(
                "table",
                "numeric_cursor",
                "mode",
                "incremental",
                "cursor",
                List.of("id"),
                "lookback",
                "1h"),
            "id")) {
      assertThatThrownBy(() -> connector.plan(Map.of()))
          .hasMessageContaining(
              "lookback needs a date or timestamp first cursor column; 'id' is integer");
    }
  }
}
