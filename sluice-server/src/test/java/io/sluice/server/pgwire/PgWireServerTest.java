package io.sluice.server.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL endpoint against the real PostgreSQL JDBC driver and a real in-memory DuckDB. */
class PgWireServerTest {
  static final String TOKEN = "s3cret-query-token";

  private DuckDbBackend backend;
  private PgWireServer server;

  @BeforeEach
  void start() throws Exception {
    backend = new DuckDbBackend();
    backend.setup(
        "CREATE TABLE orders (id INTEGER, customer VARCHAR, amount DECIMAL(18,3), placed DATE)",
        "INSERT INTO orders VALUES (1, 'ann', 10.500, DATE '2024-01-02'),"
            + " (2, 'bob', 20.250, DATE '2024-01-03'), (3, 'o''neil', NULL, NULL)");
    server = start(settings(16, Duration.ofMinutes(5), 64 << 10, 1000));
  }

  private PgWireServer start(PgWireSettings settings) throws Exception {
    return PgWireServer.start(settings, backend);
  }

  static PgWireSettings settings(
      int maxConnections, Duration idle, int maxMessageBytes, long maxRows) {
    return new PgWireSettings(
        "127.0.0.1", 0, TOKEN, maxConnections, idle, maxMessageBytes, maxRows);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    backend.close();
  }

  static Connection connect(PgWireServer server, String password, String... options)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "analyst");
    properties.setProperty("password", password);
    for (String option : options) {
      String[] kv = option.split("=", 2);
      properties.setProperty(kv[0], kv[1]);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.address().getPort() + "/warehouse", properties);
  }

  private Connection connect(String... options) throws SQLException {
    return connect(server, TOKEN, options);
  }

  private static List<String> column(ResultSet rs, int index) throws SQLException {
    List<String> values = new ArrayList<>();
    while (rs.next()) {
      values.add(rs.getString(index));
    }
    return values;
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple", "extendedForPrepared"})
  void queriesTheWarehouseInEveryQueryMode(String mode) throws Exception {
    try (Connection connection = connect("preferQueryMode=" + mode);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT id, customer FROM orders ORDER BY id")) {
      assertThat(rs.getMetaData().getColumnName(2)).isEqualTo("customer");
      assertThat(rs.getMetaData().getColumnType(1)).isEqualTo(Types.INTEGER);
      assertThat(column(rs, 2)).containsExactly("ann", "bob", "o'neil");
    }
  }

  @Test
  void runsEveryStatementOfASimpleQuery() throws Exception {
    try (Connection connection = connect("preferQueryMode=simple");
        Statement statement = connection.createStatement()) {
      assertThat(statement.execute("SELECT 1 AS a; SELECT 'two' AS b; SET application_name = 'x'"))
          .isTrue();
      try (ResultSet first = statement.getResultSet()) {
        assertThat(column(first, 1)).containsExactly("1");
      }
      assertThat(statement.getMoreResults()).isTrue();
      try (ResultSet second = statement.getResultSet()) {
        assertThat(column(second, 1)).containsExactly("two");
      }
      assertThat(statement.getMoreResults()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void bindsParametersAsLiteralsThatCannotEscapeTheirQuotes(String mode) throws Exception {
    try (Connection connection = connect("preferQueryMode=" + mode);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT id FROM orders WHERE id >= ? AND customer <> ? AND placed < ? ORDER BY id")) {
      statement.setInt(1, 1);
      statement.setString(2, "x' OR 1=1 --");
      statement.setObject(3, LocalDate.of(2024, 1, 3));
      try (ResultSet rs = statement.executeQuery()) {
        assertThat(column(rs, 1)).containsExactly("1");
      }
      statement.setInt(1, 2);
      statement.setString(2, "ann");
      statement.setNull(3, Types.DATE);
      try (ResultSet rs = statement.executeQuery()) {
        assertThat(column(rs, 1)).isEmpty();
      }
    }
    assertThat(backend.count("orders")).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"prepareThreshold=0", "prepareThreshold=1", "preferQueryMode=simple"})
  void typesRoundTripInTextAndBinaryFormats(String option) throws Exception {
    String sql =
        "SELECT true AS b, 7::SMALLINT AS s, 42 AS i, 9000000000::BIGINT AS l, 1.5::FLOAT AS f,"
            + " 2.25::DOUBLE AS d, 12345.678::DECIMAL(18,3) AS n, -0.5::DECIMAL(4,2) AS neg,"
            + " 'héllo' AS v, DATE '2024-02-29' AS dt,"
            + " TIMESTAMP '2024-01-02 03:04:05.123456' AS ts,"
            + " TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz, '\\x01\\xFF'::BLOB AS by,"
            + " '6f1c2b7e-8f7a-4c55-9b1e-3a3c1f0e2d4b'::UUID AS u, NULL::INTEGER AS nothing";
    try (Connection connection = connect(option);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int run = 0; run < 3; run++) { // the driver switches to binary after prepareThreshold
        try (ResultSet rs = statement.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBoolean("b")).isTrue();
          assertThat(rs.getShort("s")).isEqualTo((short) 7);
          assertThat(rs.getInt("i")).isEqualTo(42);
          assertThat(rs.getLong("l")).isEqualTo(9_000_000_000L);
          assertThat(rs.getFloat("f")).isEqualTo(1.5f);
          assertThat(rs.getDouble("d")).isEqualTo(2.25);
          assertThat(rs.getBigDecimal("n")).isEqualTo(new BigDecimal("12345.678"));
          assertThat(rs.getBigDecimal("neg")).isEqualByComparingTo(new BigDecimal("-0.50"));
          assertThat(rs.getString("v")).isEqualTo("héllo");
          assertThat(rs.getObject("dt", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
          assertThat(rs.getObject("ts", LocalDateTime.class))
              .isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000));
          assertThat(rs.getObject("tz", OffsetDateTime.class).toInstant())
              .isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC).toInstant());
          assertThat(rs.getBytes("by")).containsExactly(0x01, 0xFF);
          assertThat(rs.getObject("u"))
              .isEqualTo(UUID.fromString("6f1c2b7e-8f7a-4c55-9b1e-3a3c1f0e2d4b"));
          assertThat(rs.getObject("nothing")).isNull();
          var meta = rs.getMetaData();
          assertThat(meta.getColumnTypeName(1)).isEqualTo("bool");
          assertThat(meta.getColumnType(4)).isEqualTo(Types.BIGINT);
          assertThat(meta.getColumnType(7)).isEqualTo(Types.NUMERIC);
          assertThat(meta.getColumnType(10)).isEqualTo(Types.DATE);
          assertThat(meta.getColumnType(11)).isEqualTo(Types.TIMESTAMP);
          assertThat(meta.getColumnTypeName(12)).isEqualTo("timestamptz");
          assertThat(meta.getColumnType(13)).isEqualTo(Types.BINARY);
        }
      }
    }
  }

  @Test
  void refusesAWrongPasswordWith28P01() {
    assertThatThrownBy(() -> connect(server, "wrong").close())
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
        .hasMessageContaining("password authentication failed");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "INSERT INTO orders VALUES (4, 'eve', 1, NULL)",
        "UPDATE orders SET amount = 0",
        "DELETE FROM orders",
        "CREATE TABLE stolen AS SELECT * FROM orders",
        "DROP TABLE orders",
        "ALTER TABLE orders ADD COLUMN x INTEGER",
        "COPY orders TO '/tmp/orders.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA enable_profiling",
        "SET enable_external_access = false",
        "SET memory_limit = '1GB'",
        "CALL pragma_version()",
        "EXPLAIN ANALYZE DELETE FROM orders",
        "/* a comment */ ( DROP TABLE orders )",
        "USE other",
        "CHECKPOINT",
        "WITH x AS (SELECT 4 AS id) INSERT INTO orders SELECT id, 'eve', 1, NULL FROM x",
        "WITH x AS (SELECT 1) DELETE FROM orders",
        "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
        "EXPLAIN ANALYZE WITH x AS (SELECT 1) DELETE FROM orders"
      })
  void refusesEveryStatementThatIsNotAReadWith25006(String sql) throws Exception {
    for (String mode : List.of("extended", "simple")) {
      try (Connection connection = connect("preferQueryMode=" + mode);
          Statement statement = connection.createStatement()) {
        assertThatThrownBy(() -> statement.execute(sql))
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"))
            .hasMessageContaining("read-only");
        // the session goes on
        try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM orders")) {
          assertThat(column(rs, 1)).containsExactly("3");
        }
      }
    }
    assertThat(backend.count("orders")).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT e'\\''; DROP TABLE orders; --'",
        "SELECT E'\\'' ; DROP TABLE orders",
        "SELECT $x$ ; $x$; DROP TABLE orders",
        "SELECT $$ ' $$; DROP TABLE orders; -- '",
        "SELECT 'a'';DROP TABLE orders;--'",
        "SELECT \"a;\" FROM (SELECT 1 AS \"a;\"); DROP TABLE orders",
        "SELECT 1 /* ; /* nested */ ; */; DROP TABLE orders",
        "SELECT 1 -- ;\n; DROP TABLE orders"
      })
  void cannotSmuggleAWriteBehindQuotesOrComments(String sql) throws Exception {
    for (String mode : List.of("extended", "simple")) {
      try (Connection connection = connect("preferQueryMode=" + mode);
          Statement statement = connection.createStatement()) {
        try {
          statement.execute(sql);
          while (statement.getMoreResults() || statement.getUpdateCount() != -1) {
            // drain every result
          }
        } catch (SQLException e) {
          assertThat(e.getSQLState()).isNotEqualTo("XX000");
        }
      }
      assertThat(backend.count("orders")).as(sql).isEqualTo(3);
    }
  }

  @Test
  void readsColumnsNamedLikeWritesWhenQuotedOrQualified() throws Exception {
    backend.setup("CREATE TABLE audit (\"update\" VARCHAR, \"delete\" VARCHAR)");
    backend.setup("INSERT INTO audit VALUES ('u', 'd')");
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT \"update\", a.delete, 'drop table' AS note FROM audit a")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("u");
      assertThat(rs.getString(2)).isEqualTo("d");
    }
  }

  @Test
  void answersTheSessionStatementsOfDriversLocally() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute("SET extra_float_digits = 3");
      statement.execute("SET application_name = 'Metabase'");
      statement.execute("SET DateStyle = 'ISO'");
      statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
      try (ResultSet rs = statement.executeQuery("SHOW transaction_isolation")) {
        assertThat(column(rs, 1)).containsExactly("read committed");
      }
      try (ResultSet rs = statement.executeQuery("select version()")) {
        assertThat(column(rs, 1)).singleElement().asString().startsWith("PostgreSQL 16.0 (Sluice)");
      }
      assertThat(connection.getMetaData().getDatabaseProductVersion()).startsWith("16.0");
      assertThat(connection.getTransactionIsolation())
          .isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
      connection.setReadOnly(true);
      connection.setAutoCommit(false);
      try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM orders")) {
        assertThat(column(rs, 1)).containsExactly("3");
      }
      connection.commit();
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  @Test
  void mapsBackendErrorsToSqlStatesAndKeepsTheSession() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM no_such_table"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42P01"));
      assertThatThrownBy(() -> statement.executeQuery("SELEC 1"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42601"));
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM (SELECT 1"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42601"));
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertThat(column(rs, 1)).containsExactly("1");
      }
    }
  }

  @Test
  void answersCatalogProbesOfBiTools() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT table_name FROM information_schema.tables WHERE table_name = 'orders'")) {
        assertThat(column(rs, 1)).containsExactly("orders");
      }
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders'"
                  + " ORDER BY ordinal_position")) {
        assertThat(column(rs, 1)).containsExactly("id", "customer", "amount", "placed");
      }
      try (ResultSet rs = statement.executeQuery("SELECT nspname FROM pg_catalog.pg_namespace")) {
        assertThat(column(rs, 1)).contains("main");
      }
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT c.relname, a.attname, t.typname FROM pg_catalog.pg_class c"
                  + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
                  + " LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                  + " WHERE c.relname = 'orders' ORDER BY a.attnum")) {
        assertThat(column(rs, 2)).containsExactly("id", "customer", "amount", "placed");
      }
      try (ResultSet rs = statement.executeQuery("SELECT current_database(), current_schema()")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isEqualTo("main");
      }
      try (ResultSet rs = connection.getMetaData().getTables(null, null, "%", null)) {
        // whatever the driver's catalog query gives, the session survives it
        assertThat(rs.getMetaData().getColumnCount()).isPositive();
      } catch (SQLException e) {
        assertThat(e.getSQLState()).isNotNull();
      }
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertThat(column(rs, 1)).containsExactly("1");
      }
    }
  }

  @Test
  void endsAResultLargerThanTheRowLimitWithAnErrorNeverSilently() throws Exception {
    server.close();
    server = start(settings(4, Duration.ofMinutes(5), 64 << 10, 10));
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      try (ResultSet rs = statement.executeQuery("SELECT * FROM range(10)")) {
        assertThat(column(rs, 1)).hasSize(10);
      }
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM range(11)"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("54000"))
          .hasMessageContaining("more than 10 rows");
    }
  }

  @Test
  void refusesAnOversizedMessageBeforeReadingIt() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      String huge = "SELECT '" + "x".repeat(70 << 10) + "'";
      assertThatThrownBy(() -> statement.executeQuery(huge))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isIn("54000", "08006"));
    }
    // a raw client announcing 2 GiB gets an ErrorResponse, and the server does not allocate it
    try (RawClient raw = RawClient.authenticated(server, TOKEN)) {
      raw.out.writeByte('Q');
      raw.out.writeInt(Integer.MAX_VALUE);
      raw.out.flush();
      RawClient.Reply reply = raw.read();
      assertThat(reply.type()).isEqualTo('E');
      assertThat(reply.text()).contains("54000").contains("exceeds the limit");
      assertThat(raw.atEnd()).isTrue();
    }
  }

  @Test
  void refusesConnectionsBeyondTheLimitCleanly() throws Exception {
    server.close();
    server = start(settings(2, Duration.ofMinutes(5), 64 << 10, 1000));
    try (Connection first = connect();
        Connection second = connect()) {
      assertThatThrownBy(() -> connect().close())
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53300"))
          .hasMessageContaining("too many");
      try (Statement statement = first.createStatement();
          ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertThat(column(rs, 1)).containsExactly("1");
      }
      assertThat(second.isValid(5)).isTrue();
    }
    // the slots are free again once the sessions ended
    try (Connection again = connectWithinSeconds(10)) {
      assertThat(again.isValid(5)).isTrue();
    }
  }

  @Test
  void closesAnIdleConnectionAndFreesItsSlot() throws Exception {
    server.close();
    server = start(settings(1, Duration.ofSeconds(2), 64 << 10, 1000));
    try (RawClient raw = RawClient.authenticated(server, TOKEN)) {
      RawClient.Reply reply = raw.read(); // blocks until the server's idle timeout fires
      assertThat(reply.type()).isEqualTo('E');
      assertThat(reply.text()).contains("57P05").contains("idle");
      assertThat(raw.atEnd()).isTrue();
    }
    try (Connection connection = connectWithinSeconds(10);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT 2")) {
      assertThat(column(rs, 1)).containsExactly("2");
    }
  }

  @Test
  void closesAConnectionWhoseClientStopsReadingItsResults() throws Exception {
    server.close();
    server = start(settings(1, Duration.ofSeconds(2), 64 << 10, 50_000_000));
    try (RawClient raw = RawClient.authenticated(server, TOKEN)) {
      byte[] sql = utf8("SELECT * FROM range(50000000)\0");
      raw.out.writeByte('Q');
      raw.out.writeInt(4 + sql.length);
      raw.out.write(sql);
      raw.out.flush();
      // never read: the server's writes block once the socket buffers are full, and its
      // watchdog must end the session and free the only slot
      try (Connection connection = connectWithinSeconds(30);
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT 4")) {
        assertThat(column(rs, 1)).containsExactly("4");
      }
    }
  }

  @Test
  void cancelsARunningStatementAndKeepsTheSession() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      CompletableFuture<SQLException> failure =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  statement.executeQuery("SELECT blocking_probe").close();
                  return null;
                } catch (SQLException e) {
                  return e;
                }
              });
      assertThat(backend.blockingStarted.await(10, TimeUnit.SECONDS)).isTrue();
      statement.cancel();
      SQLException e = failure.get(10, TimeUnit.SECONDS);
      assertThat((Object) e).isNotNull();
      assertThat(e.getSQLState()).isEqualTo("57014");
      try (ResultSet rs = statement.executeQuery("SELECT 3")) {
        assertThat(column(rs, 1)).containsExactly("3");
      }
    }
  }

  @Test
  void answersSslAndGssEncryptionRequestsWithNo() throws Exception {
    try (Connection connection = connect("sslmode=prefer", "gssEncMode=prefer");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT 1")) {
      assertThat(column(rs, 1)).containsExactly("1");
    }
  }

  /** Connects, retrying while the server still counts a session that is ending. */
  private Connection connectWithinSeconds(int seconds) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try {
        return connect();
      } catch (SQLException e) {
        if (!"53300".equals(e.getSQLState()) || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
