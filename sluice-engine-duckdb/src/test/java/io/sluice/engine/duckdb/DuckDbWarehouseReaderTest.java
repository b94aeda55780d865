package io.sluice.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.ModelRequest;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryLimitException;
import io.sluice.api.engine.ReaderContext;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.type.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbWarehouseReaderTest {
  @TempDir Path dir;
  private Path lake;
  private Path warehouse;
  private Engine writer;

  @BeforeEach
  void setUp() throws Exception {
    lake = dir.resolve("lake/warehouse");
    Files.createDirectories(lake);
    Path file = lake.resolve("orders.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("COPY (SELECT 7 AS id) TO '" + file + "' (FORMAT parquet, FIELD_IDS {id: 1})");
    }
    warehouse = dir.resolve("warehouse.duckdb");
    writer =
        new DuckDbEngineFactory()
            .create(new EngineContext(dir, warehouse.toString(), Map.of(), false));
    writer.exposeLakeRelations(
        List.of(
            new LakeRelation(
                "lake",
                "orders",
                List.of(new LakeColumn(1, "id", DataType.BIGINT)),
                List.of(file.toString()))));
    writer.materialize(
        new ModelRequest(
            "revenue",
            "SELECT 42 AS total",
            ModelRequest.Materialization.TABLE,
            List.of(),
            false,
            "model:revenue",
            "{}"));
  }

  @AfterEach
  void tearDown() {
    writer.close();
  }

  private WarehouseReader reader(Duration timeout, long maxBytes) {
    return new DuckDbEngineFactory()
        .openReader(
            new ReaderContext(
                dir, warehouse.toString(), Map.of(), List.of(lake), timeout, maxBytes));
  }

  private static List<List<Object>> rows(WarehouseReader reader, String sql) {
    try (QueryCursor cursor = reader.query(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      while (cursor.next()) {
        rows.add(cursor.row());
      }
      return rows;
    }
  }

  @Test
  void readsModelsAndLakeRelationsFromThePublishedSnapshotWhileThisProcessWrites() {
    writer.publishSnapshot();
    try (WarehouseReader reader = reader(Duration.ZERO, 0)) {
      assertThat(rows(reader, "SELECT total FROM revenue")).containsExactly(List.of(42));
      assertThat(rows(reader, "SELECT id FROM lake.orders")).containsExactly(List.of(7L));
      // Nothing was written since: the snapshot is the warehouse as it is.
      assertThat(reader.snapshotTime()).isEmpty();
      try (QueryCursor cursor = reader.query("SELECT total FROM revenue;")) {
        assertThat(cursor.columns()).containsExactly("total");
        assertThat(cursor.types()).containsExactly("INTEGER");
      }
    }
  }

  @Test
  void readersOfOneSnapshotShareASandboxThatClosesAfterANewerOneIsReadAndItsLastReaderIsGone() {
    writer.publishSnapshot();
    int before = DuckDbWarehouseReader.sharedSandboxes();
    WarehouseReader first = reader(Duration.ZERO, 0);
    WarehouseReader second = reader(Duration.ZERO, 0);
    assertThat(DuckDbWarehouseReader.sharedSandboxes()).isEqualTo(before + 1);
    assertThat(rows(first, "SELECT total FROM revenue")).containsExactly(List.of(42));
    assertThat(rows(second, "SELECT id FROM lake.orders")).containsExactly(List.of(7L));
    // A query's failure or timeout leaves the shared sandbox as it was for the others.
    assertThatThrownBy(() -> rows(first, "SELECT * FROM read_text('/etc/passwd')"))
        .isInstanceOf(SluiceException.class);
    assertThatThrownBy(() -> rows(second, "SET enable_external_access = true"))
        .isInstanceOf(SluiceException.class);
    second.close();
    writer.materialize(
        new ModelRequest(
            "later",
            "SELECT 2 AS y",
            ModelRequest.Materialization.TABLE,
            List.of(),
            false,
            "model:later",
            "{}"));
    writer.publishSnapshot();
    try (WarehouseReader newer = reader(Duration.ZERO, 0)) {
      assertThat(rows(newer, "SELECT y FROM later")).containsExactly(List.of(2));
      // The older sandbox serves its last reader on, over the snapshot it began with.
      assertThat(DuckDbWarehouseReader.sharedSandboxes()).isEqualTo(before + 2);
      assertThatThrownBy(() -> rows(first, "SELECT * FROM later"))
          .hasMessageContaining("later does not exist");
      first.close();
      assertThat(DuckDbWarehouseReader.sharedSandboxes()).isEqualTo(before + 1);
    }
  }

  @Test
  void readsTheNewestSnapshotAndSaysSoWhileThisProcessHasUnpublishedWrites() {
    writer.publishSnapshot();
    writer.materialize(
        new ModelRequest(
            "unpublished",
            "SELECT 1 AS x",
            ModelRequest.Materialization.TABLE,
            List.of(),
            false,
            "model:unpublished",
            "{}"));
    try (WarehouseReader reader = reader(Duration.ZERO, 0)) {
      assertThat(reader.snapshotTime()).isPresent();
      assertThat(rows(reader, "SELECT total FROM revenue")).containsExactly(List.of(42));
      assertThatThrownBy(() -> rows(reader, "SELECT * FROM unpublished"))
          .hasMessageContaining("unpublished does not exist");
    }
    writer.publishSnapshot();
    try (WarehouseReader reader = reader(Duration.ZERO, 0)) {
      assertThat(rows(reader, "SELECT x FROM unpublished")).containsExactly(List.of(1));
    }
  }

  @Test
  void refusesEveryAttackWithAClearUserError() {
    writer.publishSnapshot();
    try (WarehouseReader reader = reader(Duration.ZERO, 0)) {
      for (String attack :
          List.of(
              "SELECT * FROM read_text('/etc/passwd')",
              "SELECT * FROM read_text('/proc/self/environ')",
              "SELECT * FROM read_blob('/proc/self/environ')",
              "SELECT * FROM '/etc/passwd'",
              "SELECT * FROM read_csv('/etc/passwd')",
              "SELECT * FROM read_text('" + lake + "/../../warehouse.duckdb')",
              "SELECT * FROM glob('/etc/*')",
              "COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "COPY (SELECT 1) TO '/tmp/sluice-attack.csv'",
              "ATTACH '" + dir + "/other.duckdb' AS other",
              "DETACH warehouse",
              "INSTALL httpfs",
              "LOAD httpfs",
              "CREATE TABLE evil AS SELECT 1",
              "CREATE TEMP TABLE evil AS SELECT 1",
              "DROP TABLE revenue",
              "DROP VIEW lake.orders",
              "INSERT INTO revenue VALUES (1)",
              "UPDATE revenue SET total = 0",
              "DELETE FROM revenue",
              "ALTER TABLE revenue RENAME TO r",
              "SET enable_external_access = true",
              "SET memory_limit = '100GB'",
              "RESET lock_configuration",
              "PRAGMA memory_limit = '100GB'",
              "CALL read_text('/etc/passwd')",
              "EXPORT DATABASE '/tmp/sluice-export'",
              "IMPORT DATABASE '/tmp/sluice-export'",
              "CHECKPOINT",
              "SELECT 1; DROP TABLE revenue",
              "SELECT E'\\'' ; DROP TABLE revenue; --'",
              "EXPLAIN ANALYZE COPY (SELECT 1) TO '/tmp/sluice-attack.csv'",
              // EXPLAIN with options runs what it explains under ANALYZE: the lake's folder is
              // readable, so a COPY there must be refused before DuckDB sees it.
              "EXPLAIN (ANALYZE) COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "EXPLAIN (ANALYZE, FORMAT JSON) COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "EXPLAIN (FORMAT JSON) COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "EXPLAIN ( ANALYZE ) CREATE TABLE memory.evil AS SELECT 1",
              "EXPLAIN (FORMAT ')') COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "EXPLAIN (ANALYZE) ATTACH '" + lake + "/x.duckdb' AS x",
              "EXPLAIN (ANALYZE /* ) */) COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "EXPLAIN (ANALYZE -- )\n) COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "EXPLAIN (SUMMARIZE) COPY (SELECT 1) TO '" + lake + "/x.csv'",
              "/* */ EXPLAIN\n(ANALYZE)\nCOPY (SELECT 1) TO '" + lake + "/x.csv'",
              "SELECT getenv('HOME')",
              "SELECT * FROM query('DROP TABLE revenue')",
              "SELECT * FROM read_parquet('https://example.com/x.parquet')")) {
        assertThatThrownBy(() -> rows(reader, attack))
            .as(attack)
            .isInstanceOfSatisfying(
                SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER));
      }
      assertThatThrownBy(() -> rows(reader, "COPY (SELECT 1) TO 'x.csv'"))
          .hasMessageContaining("COPY is refused");
      assertThatThrownBy(() -> rows(reader, "SELECT 1; SELECT 2"))
          .hasMessageContaining("Only one statement at a time");
      assertThatThrownBy(() -> rows(reader, "SELECT * FROM memory.evil"))
          .hasMessageContaining("evil");
      assertThatThrownBy(() -> rows(reader, "EXPLAIN (ANALYZE) COPY (SELECT 1) TO 'x.csv'"))
          .hasMessageContaining("COPY is refused");
      assertThat(rows(reader, "EXPLAIN (FORMAT JSON) SELECT total FROM revenue")).isNotEmpty();
      assertThat(rows(reader, "EXPLAIN (ANALYZE) SELECT total FROM revenue")).isNotEmpty();
      assertThat(rows(reader, "EXPLAIN (SELECT total FROM revenue)")).isNotEmpty();
      // A syntax error is the parser's, with where it is; nothing that did not parse is run.
      assertThatThrownBy(() -> rows(reader, "EXPLAIN SELECT * FRM revenue"))
          .hasMessageContaining("Parser Error: syntax error at or near \"revenue\"")
          .hasMessageContaining("at character 22");
      // A read followed by a write is refused as that, not as "SELECT is refused".
      assertThatThrownBy(() -> rows(reader, "SELECT 1; DROP TABLE revenue"))
          .hasMessageContaining("a second statement after a semicolon")
          .hasMessageNotContaining("SELECT is refused");
      assertThatThrownBy(() -> rows(reader, "SELECT * FROM read_text('/etc/passwd')"))
          .hasMessageContaining("file system operations are disabled");
      // The sandbox is unchanged after the attacks and the warehouse intact.
      assertThat(rows(reader, "SELECT current_setting('enable_external_access')"))
          .containsExactly(List.of(false));
      assertThat(rows(reader, "SELECT total FROM revenue")).containsExactly(List.of(42));
      assertThat(rows(reader, "DESCRIBE revenue")).hasSize(1);
      assertThat(rows(reader, "EXPLAIN SELECT * FROM revenue")).isNotEmpty();
    }
    assertThat(Files.exists(lake.resolve("x.csv"))).isFalse();
    assertThat(Files.exists(Path.of("/tmp/sluice-attack.csv"))).isFalse();
    writer.materialize(
        new ModelRequest(
            "revenue",
            "SELECT 43 AS total",
            ModelRequest.Materialization.TABLE,
            List.of(),
            false,
            "model:revenue",
            "{}"));
    writer.publishSnapshot();
    try (WarehouseReader reader = reader(Duration.ZERO, 0)) {
      assertThat(rows(reader, "SELECT total FROM revenue")).containsExactly(List.of(43));
    }
  }

  @Test
  void stopsAQueryAtItsTimeout() {
    writer.publishSnapshot();
    try (WarehouseReader reader = reader(Duration.ofMillis(200), 0)) {
      // Certainly slower than 200 ms (a cross join of 10^12 rows), certainly stopped.
      assertThatThrownBy(
              () -> rows(reader, "SELECT count(*) FROM range(1000000) a, range(1000000) b"))
          .isInstanceOfSatisfying(
              QueryLimitException.class,
              e -> assertThat(e.limit()).isEqualTo(QueryLimitException.Limit.TIMEOUT))
          .hasMessageContaining("ran longer than 200 ms");
      assertThat(rows(reader, "SELECT 1 AS one")).containsExactly(List.of(1));
    }
  }

  @Test
  void refusesAResultLargerThanItsByteLimitWhileStreaming() {
    writer.publishSnapshot();
    try (WarehouseReader reader = reader(Duration.ZERO, 1 << 20)) {
      assertThatThrownBy(() -> rows(reader, "SELECT repeat('x', 1000) FROM range(100000000)"))
          .isInstanceOfSatisfying(
              QueryLimitException.class,
              e -> assertThat(e.limit()).isEqualTo(QueryLimitException.Limit.RESULT_SIZE))
          .hasMessageContaining("larger than 1048576 bytes");
    }
    try (WarehouseReader reader = reader(Duration.ZERO, 0);
        QueryCursor cursor = reader.query("SELECT repeat('x', 1000) FROM range(300000)")) {
      long n = 0;
      while (cursor.next()) {
        n++;
      }
      assertThat(n).isEqualTo(300_000); // 300 MB of values, streamed, never held whole
    }
  }
}
