package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice query} reads the warehouse only: it does not open the lake (its Iceberg catalog,
 * Hadoop, SQLite), which costs every start a few hundred milliseconds and would wait on a catalog
 * another process holds.
 */
class QueryWithoutLakeTest {
  @TempDir Path dir;

  @Test
  void queryAnswersWhileTheLakesCatalogIsLockedByAnotherProcess() throws Exception {
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isZero();
    Path catalog = dir.resolve(".sluice/lake/catalog.db");

    try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + catalog);
        Statement statement = holder.createStatement()) {
      statement.execute("BEGIN EXCLUSIVE");
      statement.execute("CREATE TABLE held (x INTEGER)");

      Sluice.Result query =
          sluice(
              "query", "-p", dir.toString(), "--format", "csv", "SELECT count(*) FROM lake.events");

      assertThat(query.err()).isEmpty();
      assertThat(query.exit()).isZero();
      assertThat(query.out()).startsWith("count_star()\n");
      statement.execute("ROLLBACK");
    }
  }
}
