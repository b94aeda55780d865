package io.sluice.core.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.engine.QueryResult;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ChildRun;
import io.sluice.core.run.ProjectRuntime;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cdc acceptance test: several writers insert, update and delete rows of a PostgreSQL table
 * while a run ({@link ChildRun}, a child JVM) is killed with SIGKILL again and again, after its
 * snapshot landed; runs that finish then leave the source's clean table equal to the PostgreSQL
 * table row for row, deletes in raw, and the slot inactive.
 */
@Tag("integration")
class CdcCrashTest {
  private static final int WRITERS = 3;
  private static final int ROUNDS = 6;
  private static final int OPERATIONS_PER_ROUND = 60;
  private static final int KEYS = 120;

  private static EmbeddedPostgres postgres;

  @TempDir Path temp;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(Path.of("target", "cdc-postgres"))
            .setCleanDataDirectory(true)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("wal_level", "logical")
            .setServerConfig("max_replication_slots", "4")
            .setServerConfig("max_wal_senders", "4")
            .setServerConfig("synchronous_commit", "on")
            .start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void runsKilledWhileWritersChangeTheTableEndWithTheCleanTableEqualToIt() throws Exception {
    execute(
        "CREATE TABLE items (id int PRIMARY KEY, name text, qty int)",
        "INSERT INTO items SELECT g, 'seed', g FROM generate_series(1, 60) g");
    Path project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
    Files.writeString(
        project.resolve("sources/items.yaml"),
        """
        connector: cdc
        cdc:
          url: jdbc:postgresql://127.0.0.1:%d/postgres
          user: postgres
          tables: [public.items]
        primary-key: [id]
        columns:
          - {name: id, type: integer}
          - {name: name, type: string}
          - {name: qty, type: integer}
        """
            .formatted(postgres.getPort()));

    // The snapshot lands first, so that the kills hit batches of streamed changes.
    runToCompletion(project, "snapshot");
    SplittableRandom random = new SplittableRandom(20261202L);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    int killed = 0;
    try {
      for (int round = 0; round < ROUNDS; round++) {
        Process run = start(project, "run-" + round);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          long seed = random.nextLong();
          writers.add(pool.submit(() -> write(seed, OPERATIONS_PER_ROUND)));
        }
        // From JVM start-up to after a batch landed: a run takes a few seconds here.
        long delay = random.nextLong(500, 6_000);
        if (!run.waitFor(delay, TimeUnit.MILLISECONDS)) {
          run.destroyForcibly();
          assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
          killed++;
        }
        for (Future<?> writer : writers) {
          writer.get(2, TimeUnit.MINUTES);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    // A run lands one batch per source: the first finishes the batch a killed run left (if
    // any), the second lands every change made since.
    runToCompletion(project, "complete-1");
    runToCompletion(project, "complete-2");

    assertThat(killed).as("runs killed before they finished").isGreaterThanOrEqualTo(2);
    assertThat(clean(project)).isEqualTo(source());
    assertThat(count(project, "SELECT count(*) FROM raw.items WHERE _op = 'delete'"))
        .as("deletes streamed into raw")
        .isPositive();
    assertThat(
            count(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sluice_items' AND"
                    + " NOT active"))
        .isEqualTo(1);
  }

  /** Random inserts, updates and deletes on keys all writers share; conflicts roll back. */
  private static Void write(long seed, int operations) throws SQLException {
    SplittableRandom random = new SplittableRandom(seed);
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (int i = 0; i < operations; i++) {
        int id = 1 + random.nextInt(KEYS);
        boolean transaction = random.nextInt(4) == 0;
        connection.setAutoCommit(!transaction);
        try {
          switch (random.nextInt(3)) {
            case 0 ->
                statement.execute(
                    "INSERT INTO items VALUES ("
                        + id
                        + ", 'i"
                        + seed % 1000
                        + "', "
                        + i
                        + ") ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty ="
                        + " excluded.qty");
            case 1 -> statement.execute("UPDATE items SET qty = qty + 1 WHERE id = " + id);
            default -> statement.execute("DELETE FROM items WHERE id = " + id);
          }
          if (transaction) {
            statement.execute(
                "UPDATE items SET name = 'tx' WHERE id = " + (1 + random.nextInt(KEYS)));
            connection.commit();
          }
        } catch (SQLException e) {
          if (!transaction) {
            throw e;
          }
          connection.rollback(); // a deadlock between writers: this transaction did not happen
        }
      }
    }
    return null;
  }

  private static List<List<String>> source() throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, name, qty FROM items ORDER BY id")) {
      while (result.next()) {
        rows.add(List.of(result.getString(1), result.getString(2), result.getString(3)));
      }
    }
    return rows;
  }

  private static List<List<String>> clean(Path dir) {
    Project project = ProjectLoader.load(dir);
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
      QueryResult result =
          runtime.engine().query("SELECT id, name, qty FROM lake.items ORDER BY id", 1_000_000);
      assertThat(result.truncated()).isFalse();
      List<List<String>> rows = new ArrayList<>();
      for (List<Object> row : result.rows()) {
        rows.add(row.stream().map(String::valueOf).toList());
      }
      return rows;
    }
  }

  private void runToCompletion(Path project, String name) throws Exception {
    Process run = start(project, name);
    assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("run %s finished", name).isTrue();
    assertThat(run.exitValue())
        .as("exit code of %s; output:%n%s", name, Files.readString(log(project, name)))
        .isZero();
  }

  private static long count(Path dir, String query) {
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(dir), true)) {
      return ((Number) runtime.engine().query(query, 1).rows().get(0).get(0)).longValue();
    }
  }

  private Process start(Path project, String name) throws Exception {
    return ChildRun.start(log(project, name), project);
  }

  private Path log(Path project, String name) {
    return project.resolveSibling(project.getFileName() + "-" + name + ".log");
  }

  private static Connection connect() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }

  private static void execute(String... statements) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static long count(String query) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }
}
