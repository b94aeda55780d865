package io.sluice.connect.cdc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One embedded PostgreSQL server for all the tests of this module (started on first use, stopped
 * when the JVM exits), with logical decoding on, listening on 127.0.0.1 only.
 */
final class TestPostgres {
  private static EmbeddedPostgres server;

  private TestPostgres() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server =
            EmbeddedPostgres.builder()
                .setDataDirectory(Path.of("target", "postgres-data"))
                .setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("fsync", "off")
                // Logical decoding reads only flushed WAL: commits must flush before they return.
                .setServerConfig("synchronous_commit", "on")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // the JVM is exiting; the data directory is under target/
                    }
                  }));
    }
    return server;
  }

  static String url() {
    return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/postgres";
  }

  static Connection connect() throws SQLException {
    return server().getPostgresDatabase().getConnection();
  }

  static void execute(String... statements) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + String.join("; ", statements), e);
    }
  }
}
