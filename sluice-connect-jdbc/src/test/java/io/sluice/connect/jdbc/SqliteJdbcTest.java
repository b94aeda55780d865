package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceConnector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jdbc connector on SQLite, whose file is relative to the project. */
class SqliteJdbcTest {
  @TempDir Path project;

  private void sql(String... statements) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + project.resolve("app.db"));
        Statement statement = db.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private Map<String, Object> options(Object... pairs) {
    Map<String, Object> options = new HashMap<>();
    options.put("url", "jdbc:sqlite:app.db");
    for (int i = 0; i < pairs.length; i += 2) {
      options.put((String) pairs[i], pairs[i + 1]);
    }
    return options;
  }

  @Test
  void incrementalOnTextTimestampsWithLookback() throws SQLException {
    sql(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT, updated_at TIMESTAMP)",
        "INSERT INTO orders VALUES (1, 'a', '2024-05-01 10:00:00'), (2, 'b', '2024-05-01"
            + " 10:00:10')");
    try (SourceConnector connector =
        Jdbc.connector(
            project,
            options(
                "table",
                "orders",
                "mode",
                "incremental",
                "cursor",
                List.of("updated_at"),
                "lookback",
                "5s"),
            "id",
            "name",
            "updated_at")) {
      Jdbc.Runs runs = new Jdbc.Runs(connector);
      assertThat(runs.run().rows())
          .containsExactly(
              List.of("1", "a", "2024-05-01T10:00:00"), List.of("2", "b", "2024-05-01T10:00:10"));
      // a row committed late with a stamp inside the window, and an update
      sql(
          "INSERT INTO orders VALUES (3, 'late', '2024-05-01 10:00:07')",
          "UPDATE orders SET name = 'a2', updated_at = '2024-05-01 10:00:12' WHERE id = 1");
      assertThat(runs.run().rows())
          .containsExactly(
              List.of("3", "late", "2024-05-01T10:00:07"),
              List.of("2", "b", "2024-05-01T10:00:10"),
              List.of("1", "a2", "2024-05-01T10:00:12"));
      assertThat(runs.clean)
          .hasSize(3)
          .containsEntry("1", List.of("1", "a2", "2024-05-01T10:00:12"));
    }
  }

  @Test
  void mapsSqliteTypesAndQuarantinesAnUnreadableTimestamp() throws SQLException {
    sql(
        "CREATE TABLE t (id INTEGER, amount NUMERIC(10,2), r REAL, ok BOOLEAN, day DATE, ts"
            + " TIMESTAMP, bytes BLOB, txt TEXT)",
        "INSERT INTO t VALUES (1, 12.5, 0.25, 1, '2024-02-29', '2024-02-29T13:45:01.5', x'0102ff',"
            + " 'hi')",
        "INSERT INTO t VALUES (2, NULL, NULL, 0, NULL, 'not a time', NULL, NULL)");
    try (SourceConnector connector =
        Jdbc.connector(
            project,
            options("query", "SELECT * FROM t ORDER BY id"),
            List.of("id", "amount", "r", "ok", "day", "ts", "bytes", "txt"),
            Map.of())) {
      Jdbc.Collected collected = new Jdbc.Runs(connector).run();
      assertThat(collected.rows())
          .containsExactly(
              Arrays.asList(
                  "1",
                  "12.5",
                  "0.25",
                  "true",
                  "2024-02-29",
                  "2024-02-29T13:45:01.5",
                  "AQL/",
                  "hi"));
      assertThat(collected.malformed)
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("2 column 'ts' (timestamp): cannot convert 'not a time'");
      assertThat(connector.observe(connector.sample(1).get(0)).orElseThrow())
          .extracting(ObservedField::path)
          .containsExactly("id", "amount", "r", "ok", "day", "ts", "bytes", "txt");
    }
  }
}
