package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.RunSummary;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL endpoint of a running {@code sluice serve}, through the real PostgreSQL JDBC driver: it
 * reads the lake and the models while micro-batches land, and refuses every write.
 */
class ServeSqlEndpointTest {
  private static final String QUERY_TOKEN = "sql-endpoint-token-7";

  @TempDir Path dir;

  private final BlockingQueue<RunSummary> batches = new LinkedBlockingQueue<>();
  private long landed;

  private void project(String extraServeKeys) throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\n"
            + extraServeKeys
            + "  log:\n    partitions: 2\n");
  }

  private ServeSession start() {
    return ServeSession.start(
        ProjectLoader.load(dir), Optional.empty(), Map.of("SQL_TOKEN", QUERY_TOKEN), batches::add);
  }

  /** Waits for the batches that land {@code rows} more rows (read from the stream). */
  private void awaitLanded(long rows) throws InterruptedException {
    long target = landed + rows;
    while (landed < target) {
      RunSummary batch = batches.poll(60, TimeUnit.SECONDS);
      assertThat(batch).as("a micro-batch within 60 s").isNotNull();
      landed += batch.rowsRead();
    }
  }

  private static Connection connect(InetSocketAddress address, String password, String mode)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "analyst");
    properties.setProperty("password", password);
    properties.setProperty("preferQueryMode", mode);
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + address.getPort() + "/warehouse", properties);
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }

  @Test
  void readsTheLakeAndModelsWhileBatchesLandAndRefusesWrites() throws Exception {
    project("  query-token-env: SQL_TOKEN\n  sql-port: 0\n");
    HttpClient client = HttpClient.newHttpClient();
    try (ServeSession session = start()) {
      InetSocketAddress address = session.sqlAddress().orElseThrow();
      assertThat(address.getHostString()).isEqualTo("127.0.0.1");
      try (Connection extended = connect(address, QUERY_TOKEN, "extended");
          Connection simple = connect(address, QUERY_TOKEN, "simple");
          Statement statement = extended.createStatement();
          Statement simpleStatement = simple.createStatement();
          PreparedStatement perUser =
              extended.prepareStatement("SELECT events, amount FROM per_user WHERE \"user\" = ?")) {
        long expected = 0;
        for (int round = 1; round <= 3; round++) {
          StringBuilder body = new StringBuilder();
          for (int i = 0; i < round; i++) {
            body.append(StreamProject.event("r" + round + "-" + i, "ann", "1.50")).append('\n');
          }
          assertThat(StreamProject.push(client, session.uri(), body.toString()).statusCode())
              .isEqualTo(200);
          awaitLanded(round);
          expected += round;

          // Readers see the snapshot the processor publishes at most a second after a batch.
          assertThat(session.awaitReadersCurrent(Duration.ofSeconds(30))).isTrue();
          assertThat(count(statement, "SELECT count(*) FROM lake.events")).isEqualTo(expected);
          assertThat(count(simpleStatement, "SELECT count(*) FROM lake.events;"))
              .isEqualTo(expected);
          perUser.setString(1, "ann");
          try (ResultSet rs = perUser.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong("events")).isEqualTo(expected);
            assertThat(rs.getBigDecimal("amount"))
                .isEqualByComparingTo(
                    new BigDecimal("1.50").multiply(BigDecimal.valueOf(expected)));
          }
        }

        for (String write :
            new String[] {
              "INSERT INTO lake.events (id) VALUES ('forged')",
              "CREATE TABLE stolen AS SELECT * FROM lake.events",
              "DROP TABLE per_user",
              "DELETE FROM per_user",
              "COPY per_user TO '/tmp/per_user.csv'",
              "ATTACH '/tmp/elsewhere.duckdb' AS elsewhere",
              "SET enable_external_access = false"
            }) {
          for (Statement each : new Statement[] {statement, simpleStatement}) {
            assertThatThrownBy(() -> each.execute(write))
                .as(write)
                .isInstanceOfSatisfying(
                    SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
          }
        }
        assertThat(count(statement, "SELECT count(*) FROM per_user")).isEqualTo(1);
        // reads, but of files outside the lake: refused by the sandboxed reader behind the endpoint
        for (String attack :
            new String[] {
              "SELECT * FROM read_text('/etc/passwd')",
              "SELECT content FROM read_text('/proc/self/environ')",
              "SELECT * FROM '/etc/passwd'"
            }) {
          assertThatThrownBy(() -> count(statement, attack))
              .as(attack)
              .isInstanceOf(SQLException.class)
              .hasMessageNotContaining("root:");
        }
      }
      // Counted in /metrics: the statements the endpoint's readers ran, and those they refused
      // (the writes above are refused before any reader, by the endpoint's own policy).
      PrometheusText metrics =
          PrometheusText.parse(
              client
                  .send(
                      java.net.http.HttpRequest.newBuilder(session.uri().resolve("/metrics"))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(
              metrics.value(
                  "sluice_sql_queries_seconds_count", "endpoint", "pgwire", "outcome", "ok"))
          .isGreaterThanOrEqualTo(10);
      assertThat(
              metrics.value(
                  "sluice_sql_queries_seconds_count", "endpoint", "pgwire", "outcome", "refused"))
          .isEqualTo(3);

      // the pipeline still lands after all that
      StreamProject.push(client, session.uri(), StreamProject.event("last", "bob", "2.00"));
      awaitLanded(1);
      try (Connection again = connect(address, QUERY_TOKEN, "extended");
          Statement statement = again.createStatement()) {
        assertThat(session.awaitReadersCurrent(Duration.ofSeconds(30))).isTrue();
        assertThat(count(statement, "SELECT count(*) FROM lake.events")).isEqualTo(7);
      }
      assertThatThrownBy(() -> connect(address, "not-the-token", "extended").close())
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }
  }

  @Test
  void isOffByDefault() throws Exception {
    project("  query-token-env: SQL_TOKEN\n");
    try (ServeSession session = start()) {
      assertThat(session.sqlAddress()).isEmpty();
    }
  }

  @Test
  void refusesToStartTheEndpointWithoutAToken() throws Exception {
    project("  sql-port: 0\n");
    assertThatThrownBy(this::start)
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("serve.sql-port is set")
        .hasMessageContaining("serve.query-token-env or serve.query-token-file");
  }
}
