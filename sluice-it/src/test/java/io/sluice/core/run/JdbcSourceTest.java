package io.sluice.core.run;

import static io.sluice.core.run.EndToEnd.queryRows;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project with a {@code connector: jdbc} source on a real PostgreSQL: runs twice with inserts and
 * updates between, the positions advancing; with a primary-key, rows inserted, updated and
 * committed late (inside the lookback window) land exactly once with their latest values
 * (docs/connectors/jdbc.md). A misspelt jdbc option: ValidateTest in sluice-cli.
 */
class JdbcSourceTest {
  private static EmbeddedPostgres postgres;
  private static String url;

  @TempDir Path temp;
  private Path project;

  @BeforeAll
  static void start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(Path.of("target", "jdbc-source-pg").toAbsolutePath())
            .setCleanDataDirectory(true)
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
    url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection db = DriverManager.getConnection(url, "postgres", "");
        Statement statement = db.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  @BeforeEach
  void createProject() throws IOException {
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
  }

  private void declare(String table, String extra) throws IOException {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        "connector: jdbc\n"
            + "jdbc:\n"
            + "  url: "
            + url
            + "\n"
            + "  user: postgres\n"
            + "  table: "
            + table
            + "\n"
            + "  mode: incremental\n"
            + "  cursor: [updated_at, id]\n"
            + "  lookback: 1m\n"
            + extra
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: status, type: string}\n"
            + "  - {name: amount, type: \"decimal(12,2)\"}\n"
            + "  - {name: updated_at, type: timestamp}\n");
  }

  private RunSummary run() {
    return EndToEnd.run(project);
  }

  @Test
  void incrementalRunsLandInsertedAndUpdatedRows() throws Exception {
    sql(
        "CREATE TABLE orders_e2e (id bigint PRIMARY KEY, status text, amount numeric(12,2),"
            + " updated_at timestamp NOT NULL)",
        "INSERT INTO orders_e2e VALUES (1, 'new', 10.50, '2024-05-01 10:00:00'),"
            + " (2, 'new', 20.00, '2024-05-01 10:00:01')");
    declare("orders_e2e", "");

    RunSummary first = run();
    assertThat(first.status()).isEqualTo(RunStatus.OK);
    assertThat(queryRows(project, "SELECT id, status, amount FROM lake.orders ORDER BY id"))
        .containsExactly("1,new,10.50", "2,new,20.00");

    sql(
        "UPDATE orders_e2e SET status = 'paid', updated_at = '2024-05-01 10:05:00' WHERE id = 1",
        "INSERT INTO orders_e2e VALUES (3, 'new', 30.00, '2024-05-01 10:05:01')");
    RunSummary second = run();
    assertThat(second.status()).isEqualTo(RunStatus.OK);
    // raw keeps every row read, as its JSON original: the first run's two, then row 2 again (its
    // stamp is inside the lookback window of the committed mark), the update and the insert
    assertThat(queryRows(project, "SELECT count(*) FROM raw.orders")).containsExactly("5");
    assertThat(
            queryRows(
                project,
                "SELECT replace(_record, '\"', '') FROM raw.orders WHERE _record LIKE '%paid%'"))
        .singleElement()
        .asString()
        .contains("{id:1,status:paid,amount:10.50,updated_at:2024-05-01T10:05:00}");
    // without a primary-key the clean table appends each run's rows, repeats included
    assertThat(queryRows(project, "SELECT id, status, amount FROM lake.orders ORDER BY id, status"))
        .containsExactly(
            "1,new,10.50", "1,paid,10.50", "2,new,20.00", "2,new,20.00", "3,new,30.00");

    RunSummary third = run();
    assertThat(third.status()).isEqualTo(RunStatus.OK);
    // nothing new: the committed high-water mark plans no split, nothing is read again
    assertThat(queryRows(project, "SELECT count(*) FROM raw.orders")).containsExactly("5");
  }

  @Test
  void withAPrimaryKeyRowsInsertedUpdatedAndCommittedLateLandOnceWithTheirLatestValues()
      throws Exception {
    sql(
        "CREATE TABLE orders_pk (id bigint PRIMARY KEY, status text, amount numeric(12,2),"
            + " updated_at timestamp NOT NULL)",
        "INSERT INTO orders_pk VALUES (1, 'new', 10.50, '2024-05-01 10:00:00'),"
            + " (2, 'new', 20.00, '2024-05-01 10:00:01')");
    declare("orders_pk", "primary-key: [id]\n");
    RunSummary first = run();
    assertThat(first.status()).isEqualTo(RunStatus.OK);

    try (Connection writer = DriverManager.getConnection(url, "postgres", "")) {
      // a transaction stamps its row at 10:00:30 but commits only after the next run
      writer.setAutoCommit(false);
      try (Statement statement = writer.createStatement()) {
        statement.execute("INSERT INTO orders_pk VALUES (4, 'late', 40.00, '2024-05-01 10:00:30')");
      }
      sql(
          "UPDATE orders_pk SET status = 'paid', updated_at = '2024-05-01 10:00:40' WHERE id = 1",
          "INSERT INTO orders_pk VALUES (3, 'new', 30.00, '2024-05-01 10:00:41')");
      RunSummary second = run();
      assertThat(second.status()).isEqualTo(RunStatus.OK);
      writer.commit();
    }
    sql("UPDATE orders_pk SET status = 'shipped', updated_at = '2024-05-01 10:00:50' WHERE id = 1");
    RunSummary third = run();
    assertThat(third.status()).isEqualTo(RunStatus.OK);

    // exactly once, latest values: the late row (inside the 1m lookback) and every update
    assertThat(queryRows(project, "SELECT id, status, amount FROM lake.orders ORDER BY id"))
        .containsExactly("1,shipped,10.50", "2,new,20.00", "3,new,30.00", "4,late,40.00");
  }
}
