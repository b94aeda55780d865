package io.sluice.connect.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cdc connector against a real PostgreSQL, through the connector SPI. */
class PostgresCdcConnectorTest {
  @TempDir Path project;

  private Harness harness(String table, Map<String, Object> cdc) {
    java.util.Map<String, Object> options = new java.util.LinkedHashMap<>(cdc);
    options.putIfAbsent("tables", List.of("public." + table));
    return new Harness(table, project, options, "id", "name", "qty");
  }

  private static void createTable(String table) {
    TestPostgres.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, qty int)");
  }

  @Test
  void readsASnapshotThenInsertsUpdatesAndDeletes() {
    createTable("snap");
    TestPostgres.execute("INSERT INTO snap VALUES (1, 'one', 10), (2, 'two', 20)");
    Harness harness = harness("snap", Map.of());
    try (SourceConnector connector = harness.open()) {
      SplitPlan plan = connector.plan(Map.of());
      assertThat(plan.splits())
          .singleElement()
          .satisfies(
              split -> {
                assertThat(split.key()).isEqualTo("wal");
                assertThat(split.location()).isEqualTo("snapshot:sluice_snap");
                assertThat(split.position()).isEqualTo("snapshot");
              });
      CollectingSink snapshot = Harness.read(connector, plan);
      // Written after the slot's consistent point: a change, not part of the snapshot.
      TestPostgres.execute("INSERT INTO snap VALUES (3, 'three', 30)");
      assertThat(snapshot.kinds()).containsExactly("record", "record");
      assertThat(snapshot.values())
          .containsExactlyInAnyOrder(List.of("1", "one", "10"), List.of("2", "two", "20"));
      assertThat(snapshot.delivered.get(0).original())
          .startsWith("{\"op\":\"snapshot\",\"table\":\"public.snap\",\"lsn\":\"");
      harness.land(plan, snapshot);
      connector.committed(Harness.positions(plan));

      TestPostgres.execute(
          "UPDATE snap SET qty = 11 WHERE id = 1", "DELETE FROM snap WHERE id = 2");
      CollectingSink changes = harness.batch(connector);
      assertThat(changes.kinds()).containsExactly("record", "record", "deleted");
      assertThat(changes.values())
          .containsExactly(
              List.of("3", "three", "30"),
              List.of("1", "one", "11"),
              Arrays.asList("2", null, null));
      assertThat(changes.delivered.get(0).original()).contains("\"op\":\"insert\"");
      assertThat(changes.delivered.get(1).original())
          .contains(
              "\"op\":\"update\"", "\"after\":{\"id\":\"1\",\"name\":\"one\",\"qty\":\"11\"}");
      assertThat(changes.delivered.get(2).original())
          .contains("\"op\":\"delete\"", "\"key\":{\"id\":\"2\"}");
      assertThat(changes.delivered.stream().map(CollectingSink.Delivered::position))
          .containsExactly(1L, 2L, 3L);
      assertThat(harness.clean).isEqualTo(source("snap"));
      assertThat(connector.observe(plan.splits().get(0)).orElseThrow())
          .extracting(ObservedField::path)
          .containsExactly("id", "name", "qty");
      assertThat(connector.plan(Map.copyOf(harness.committed)).splits()).isEmpty();
    }
  }

  @Test
  void writesTimestampsInIso8601AndBooleansAsWords() {
    TestPostgres.execute(
        "CREATE TABLE typed (id int PRIMARY KEY, at timestamptz, local timestamp, ok boolean,"
            + " day date)",
        "INSERT INTO typed VALUES (1, '2024-05-01 12:00:00.5+02', '2024-05-01 12:00:00', true,"
            + " '2024-05-01')");
    Harness harness =
        new Harness(
            "typed",
            project,
            Map.of("tables", List.of("public.typed")),
            "id",
            "at",
            "local",
            "ok",
            "day");
    try (SourceConnector connector = harness.open()) {
      CollectingSink snapshot = harness.batch(connector);
      TestPostgres.execute("UPDATE typed SET ok = false WHERE id = 1");
      CollectingSink changes = harness.batch(connector);
      List<String> expected =
          List.of("1", "2024-05-01T10:00:00.5+00:00", "2024-05-01T12:00:00", "true", "2024-05-01");
      assertThat(snapshot.values()).containsExactly(expected);
      List<String> updated = new ArrayList<>(expected);
      updated.set(3, "false");
      assertThat(changes.values()).containsExactly(updated);
    }
  }

  @Test
  void concurrentWritersEndWithTheCleanTableEqualToTheSource() throws Exception {
    createTable("busy");
    TestPostgres.execute("INSERT INTO busy SELECT g, 'seed', 0 FROM generate_series(1, 50) g");
    Harness harness = harness("busy", Map.of("max-changes-per-batch", 40));
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (SourceConnector connector = harness.open()) {
      harness.batch(connector);
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        running.add(pool.submit(() -> write("busy", writer, 150)));
      }
      // Batches go on while the writers write.
      int batches = 0;
      while (running.stream().anyMatch(future -> !future.isDone()) && batches < 10_000) {
        harness.batch(connector);
        batches++;
      }
      for (Future<?> future : running) {
        future.get(2, TimeUnit.MINUTES);
      }
      harness.drain(connector, 1_000);
      assertThat(harness.clean).isEqualTo(source("busy"));
      assertThat(harness.raw.stream().filter(c -> c.kind().equals("deleted"))).isNotEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Random inserts, updates and deletes on keys shared by all writers (some in multi-statement
   * transactions); a statement that conflicts with another writer's rolls back and is retried.
   */
  private static Void write(String table, int writer, int operations) throws SQLException {
    Random random = new Random(writer);
    try (Connection connection = TestPostgres.connect()) {
      for (int i = 0; i < operations; i++) {
        int id = 1 + random.nextInt(80);
        int op = random.nextInt(3);
        boolean transaction = random.nextInt(4) == 0;
        try (Statement statement = connection.createStatement()) {
          if (transaction) {
            connection.setAutoCommit(false);
          }
          switch (op) {
            case 0 ->
                statement.execute(
                    "INSERT INTO "
                        + table
                        + " VALUES ("
                        + id
                        + ", 'w"
                        + writer
                        + "', "
                        + i
                        + ") ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty = excluded.qty");
            case 1 ->
                statement.execute(
                    "UPDATE "
                        + table
                        + " SET qty = qty + 1, name = 'u"
                        + writer
                        + "' WHERE id = "
                        + id);
            default -> statement.execute("DELETE FROM " + table + " WHERE id = " + id);
          }
          if (transaction) {
            statement.execute(
                "UPDATE " + table + " SET qty = qty + 100 WHERE id = " + (1 + random.nextInt(80)));
            connection.commit();
          }
        } catch (SQLException e) {
          if (transaction) {
            connection.rollback(); // a deadlock with another writer: this transaction is lost
          } else {
            throw e;
          }
        } finally {
          connection.setAutoCommit(true);
        }
      }
    }
    return null;
  }

  @Test
  void restartsFromTheCommittedLsnWithNoChangeLostOrRepeated() {
    createTable("restart");
    Harness harness = harness("restart", Map.of("max-changes-per-batch", 3));
    try (SourceConnector first = harness.open()) {
      harness.batch(first); // the (empty) snapshot
      for (int i = 1; i <= 10; i++) {
        TestPostgres.execute("INSERT INTO restart VALUES (" + i + ", 'r', " + i + ")");
      }
      harness.batch(first);
      harness.batch(first);
    }
    assertThat(harness.raw).hasSizeBetween(2, 9);
    TestPostgres.execute("UPDATE restart SET qty = qty * 10 WHERE id > 5");
    try (SourceConnector second = harness.open()) {
      harness.drain(second, 100);
    }
    // Every insert once, then every update once, in order.
    List<List<String>> expected = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      expected.add(List.of(String.valueOf(i), "r", String.valueOf(i)));
    }
    for (int i = 6; i <= 10; i++) {
      expected.add(List.of(String.valueOf(i), "r", String.valueOf(i * 10)));
    }
    assertThat(harness.raw.stream().map(CollectingSink.Delivered::values)).isEqualTo(expected);
    assertThat(harness.clean).isEqualTo(source("restart"));
  }

  @Test
  void aCrashAfterTheLakeCommitBeforeTheSlotAdvanceRepeatsNothing() {
    createTable("behind");
    Harness harness = harness("behind", Map.of());
    try (SourceConnector first = harness.open()) {
      harness.batch(first);
      TestPostgres.execute(
          "INSERT INTO behind VALUES (1, 'a', 1)", "INSERT INTO behind VALUES (2, 'b', 2)");
      SplitPlan plan = first.plan(Map.copyOf(harness.committed));
      harness.land(plan, Harness.read(first, plan));
      // The process dies here: the lake has the batch, the slot was never advanced.
    }
    TestPostgres.execute("INSERT INTO behind VALUES (3, 'c', 3)");
    try (SourceConnector second = harness.open()) {
      CollectingSink next = harness.batch(second);
      assertThat(next.values()).containsExactly(List.of("3", "c", "3"));
    }
    assertThat(harness.clean).isEqualTo(source("behind"));
  }

  @Test
  void aCrashBetweenReadAndCommitReadsTheSameChangesAgain() {
    createTable("crash");
    Harness harness = harness("crash", Map.of());
    Split split;
    CollectingSink before;
    try (SourceConnector first = harness.open()) {
      harness.batch(first);
      TestPostgres.execute(
          "INSERT INTO crash VALUES (1, 'a', 1)",
          "UPDATE crash SET qty = 2 WHERE id = 1",
          "DELETE FROM crash WHERE id = 1");
      SplitPlan plan = first.plan(Map.copyOf(harness.committed));
      split = plan.splits().get(0);
      before = Harness.read(first, plan);
      // The process dies here: nothing landed, nothing committed.
    }
    TestPostgres.execute("INSERT INTO crash VALUES (4, 'd', 4)");
    try (SourceConnector second = harness.open()) {
      CollectingSink again = new CollectingSink();
      second.read(split, again);
      assertThat(again.delivered).isEqualTo(before.delivered);
      assertThat(before.kinds()).containsExactly("record", "record", "deleted");
      CollectingSink next = harness.batch(second);
      assertThat(next.delivered.subList(0, 3)).isEqualTo(before.delivered);
      assertThat(next.values().get(3)).isEqualTo(List.of("4", "d", "4"));
    }
  }

  @Test
  void aSnapshotBatchThatDidNotLandIsTakenAgainWhenItsSplitIsReadAgain() {
    createTable("resnap");
    TestPostgres.execute("INSERT INTO resnap VALUES (1, 'a', 1)");
    Harness harness = harness("resnap", Map.of());
    SplitPlan plan;
    try (SourceConnector first = harness.open()) {
      plan = first.plan(Map.of());
      Harness.read(first, plan);
      TestPostgres.execute("INSERT INTO resnap VALUES (2, 'b', 2)");
      // Dies before the snapshot batch lands; the core's intent keeps the split.
    }
    TestPostgres.execute("INSERT INTO resnap VALUES (3, 'c', 3)");
    try (SourceConnector second = harness.open()) {
      CollectingSink snapshot = Harness.read(second, plan);
      harness.land(plan, snapshot);
      second.committed(Harness.positions(plan));
      assertThat(snapshot.values())
          .containsExactlyInAnyOrder(
              List.of("1", "a", "1"), List.of("2", "b", "2"), List.of("3", "c", "3"));
      assertThat(second.plan(Map.copyOf(harness.committed)).splits()).isEmpty();
      TestPostgres.execute("UPDATE resnap SET qty = 4 WHERE id = 3");
      assertThat(harness.batch(second).values()).containsExactly(List.of("3", "c", "4"));
    }
    assertThat(harness.clean).isEqualTo(source("resnap"));
  }

  @Test
  void closeReleasesTheConnectionsAndLeavesTheSlotInactive() throws SQLException {
    createTable("closing");
    Harness harness = harness("closing", Map.of());
    SourceConnector connector = harness.open();
    SplitPlan plan = connector.plan(Map.of());
    Harness.read(connector, plan);
    // The exported snapshot's replication connection is open until the snapshot lands.
    assertThat(
            count(
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'sluice-cdc-closing'"))
        .isEqualTo(1);
    connector.close();
    connector.close(); // twice is fine
    assertThat(
            count(
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'sluice-cdc-closing'"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice-cdc-closing'"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sluice_closing' AND NOT active"))
        .isEqualTo(1);
    assertThatThrownBy(() -> connector.plan(Map.of())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void readsAPublicationAndSlotTheUserMadeWithoutASnapshot() {
    createTable("own");
    TestPostgres.execute(
        "INSERT INTO own VALUES (1, 'before the slot', 1)",
        "CREATE PUBLICATION own_pub FOR TABLE own",
        "SELECT pg_create_logical_replication_slot('own_slot', 'pgoutput')",
        "INSERT INTO own VALUES (2, 'after', 2)");
    Harness harness =
        harness(
            "own",
            Map.of(
                "create", false,
                "snapshot", "never",
                "slot", "own_slot",
                "publication", "own_pub"));
    try (SourceConnector connector = harness.open()) {
      CollectingSink changes = harness.batch(connector);
      assertThat(changes.values()).containsExactly(List.of("2", "after", "2"));
    }
    Harness missing = harness("own", Map.of("create", false, "snapshot", "never"));
    try (SourceConnector connector = missing.open()) {
      assertThatThrownBy(() -> connector.plan(Map.of()))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining(
              "the publication sluice_own does not exist and cdc.create is false; create it with"
                  + " CREATE PUBLICATION sluice_own FOR TABLE \"public\".\"own\"");
    }
  }

  @Test
  void aTruncateIsReportedNotDropped() {
    createTable("trunc");
    TestPostgres.execute("INSERT INTO trunc VALUES (1, 'a', 1)");
    Harness harness = harness("trunc", Map.of());
    try (SourceConnector connector = harness.open()) {
      harness.batch(connector);
      TestPostgres.execute("TRUNCATE trunc");
      SplitPlan plan = connector.plan(Map.copyOf(harness.committed));
      CollectingSink sink = Harness.read(connector, plan);
      assertThat(sink.kinds()).containsExactly("malformed");
      assertThat(sink.delivered.get(0).reason()).startsWith("TRUNCATE of public.trunc at LSN ");
    }
  }

  @Test
  void rereadsQuarantinedChangesFromTheirText() {
    createTable("again");
    TestPostgres.execute("INSERT INTO again VALUES (1, 'a', 1)");
    Harness harness = harness("again", Map.of());
    try (SourceConnector connector = harness.open()) {
      CollectingSink snapshot = harness.batch(connector);
      TestPostgres.execute(
          "INSERT INTO again VALUES (2, 'b', 2)",
          "UPDATE again SET name = 'c' WHERE id = 2",
          "DELETE FROM again WHERE id = 1",
          "TRUNCATE again");
      SplitPlan plan = connector.plan(Map.copyOf(harness.committed));
      CollectingSink changes = Harness.read(connector, plan);
      List<SourceConnector.Original> originals = new ArrayList<>();
      List<CollectingSink.Delivered> all = new ArrayList<>(snapshot.delivered);
      all.addAll(changes.delivered);
      for (CollectingSink.Delivered change : all) {
        originals.add(new SourceConnector.Original(change.position(), change.original(), false));
      }
      CollectingSink reread = new CollectingSink();
      connector.reread("wal", originals, reread);
      assertThat(reread.delivered).isEqualTo(all);
      assertThat(reread.kinds())
          .containsExactly("record", "record", "record", "deleted", "malformed");
    }
  }

  @Test
  void aSlotAheadOfTheLakeIsAnError() {
    createTable("ahead");
    Harness harness = harness("ahead", Map.of());
    try (SourceConnector connector = harness.open()) {
      harness.batch(connector);
      TestPostgres.execute("INSERT INTO ahead VALUES (1, 'a', 1)");
      harness.batch(connector);
      String landed = harness.committed.get("wal");
      TestPostgres.execute("INSERT INTO ahead VALUES (2, 'b', 2)");
      harness.batch(connector);
      assertThatThrownBy(() -> connector.plan(Map.of("wal", landed)))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("the replication slot sluice_ahead is at LSN")
          .hasMessageContaining("past the LSN " + landed);
    }
  }

  private static long count(String query) throws SQLException {
    try (Connection connection = TestPostgres.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** The source table as the clean table should be: id → [id, name, qty] as text. */
  private static Map<String, List<String>> source(String table) {
    Map<String, List<String>> rows = new TreeMap<>();
    try (Connection connection = TestPostgres.connect();
        PreparedStatement statement =
            connection.prepareStatement("SELECT id::text, name, qty::text FROM " + table);
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        rows.put(
            result.getString(1),
            Arrays.asList(result.getString(1), result.getString(2), result.getString(3)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }
}
