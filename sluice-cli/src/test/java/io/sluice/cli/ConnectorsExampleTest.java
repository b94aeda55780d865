package io.sluice.cli;

import static io.sluice.cli.Sluice.queryRows;
import static io.sluice.cli.Sluice.sluice;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.S3Server;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/connectors} as committed (docs/examples/connectors.md), run against a real
 * PostgreSQL and an in-process S3 server on 127.0.0.1: only the addresses and the way credentials
 * are given change (a password file and the AWS chain's system properties instead of environment
 * variables, which a test cannot set).
 */
class ConnectorsExampleTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "connectors");

  private static EmbeddedPostgres postgres;
  private static S3Server s3;

  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(Path.of("target", "connectors-example-pg").toAbsolutePath())
            .setCleanDataDirectory(true)
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
    sql("postgres", "CREATE DATABASE shop");
    sql("shop", Files.readString(EXAMPLE.resolve("setup/postgres.sql"), UTF_8));
    s3 = new S3Server();
    System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
    s3.createBucket("shop-exports");
    s3.put(
        "shop-exports",
        "orders/orders-2026-11-30T09.csv.gz",
        gzip(Files.readAllBytes(EXAMPLE.resolve("setup/orders-2026-11-30T09.csv"))));
  }

  @AfterAll
  static void stop() throws IOException {
    s3.close();
    postgres.close();
  }

  private static String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
  }

  private static void sql(String database, String... statements) throws SQLException {
    try (Connection db = DriverManager.getConnection(url(database), "postgres", "");
        Statement statement = db.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  /** A copy of the example with its addresses pointed at the test's servers. */
  private Path project() throws IOException {
    Path project = temp.resolve("connectors");
    try (Stream<Path> files = Files.walk(EXAMPLE)) {
      for (Path file : files.toList()) {
        Path target = project.resolve(EXAMPLE.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else if (!EXAMPLE.relativize(file).startsWith(".sluice")) {
          Files.copy(file, target);
        }
      }
    }
    Path customers = project.resolve("sources/customers.yaml");
    String text = Files.readString(customers, UTF_8);
    assertThat(text).contains("jdbc:postgresql://127.0.0.1:5432/shop", "password-env:");
    Files.writeString(
        customers,
        text.replace("jdbc:postgresql://127.0.0.1:5432/shop", url("shop"))
            .replace("password-env: SHOP_DB_PASSWORD", "password-file: db.password"),
        UTF_8);
    Files.writeString(project.resolve("db.password"), "change-me\n", UTF_8);
    Path orders = project.resolve("sources/orders.yaml");
    text = Files.readString(orders, UTF_8);
    assertThat(text).contains("endpoint: http://127.0.0.1:9000", "access-key-env:");
    Files.writeString(
        orders,
        text.replace("endpoint: http://127.0.0.1:9000", "endpoint: " + s3.endpoint())
            .replaceAll("(?m)^  (access|secret)-key-env: .*\\n", ""),
        UTF_8);
    return project;
  }

  @Test
  void pullsFromADatabaseABucketAndFilesAndFollowsAnUpdate() throws Exception {
    Path project = project();

    Sluice.Result validate = sluice("validate", "-p", project.toString());
    assertThat(validate.exit()).as(validate.out() + validate.err()).isZero();
    Sluice.Result first = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(first.exit()).as(first.out() + first.err()).isZero();

    assertThat(queryRows(project, "SELECT customer_id, region FROM lake.customers ORDER BY 1"))
        .containsExactly("1,north", "2,south", "3,east", "4,west");
    assertThat(queryRows(project, "SELECT count(*) FROM lake.orders")).containsExactly("11");
    assertThat(queryRows(project, "SELECT count(*) FROM lake.events")).containsExactly("11");
    assertThat(
            queryRows(
                project,
                "SELECT region, orders, revenue, events FROM revenue_by_region ORDER BY region"))
        .containsExactly("east,2,70.95,3", "north,3,77.40,3", "south,3,35.50,3", "west,3,46.74,2");
    Sluice.Result quarantine = sluice("quarantine", "list", "-p", project.toString());
    assertThat(quarantine.out()).contains("orders", "events");

    // a customer moves: only the changed row is read, and the clean table holds it once
    sql(
        "shop",
        "UPDATE customers SET region = 'west', updated_at = '2026-11-30 10:00:00'"
            + " WHERE customer_id = 1");
    Sluice.Result second = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(second.exit()).as(second.out() + second.err()).isZero();

    assertThat(queryRows(project, "SELECT customer_id, region FROM lake.customers ORDER BY 1"))
        .containsExactly("1,west", "2,south", "3,east", "4,west");
    assertThat(
            queryRows(
                project, "SELECT region, orders, revenue FROM revenue_by_region ORDER BY region"))
        .containsExactly("east,2,70.95", "south,3,35.50", "west,6,124.14");
  }
}
