package io.sluice.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PortableSqlTest {
  @Test
  void namesDuckDbOnlyAndSparkOnlyConstructsWithTheirLine() {
    String sql =
        """
        {{ config(materialized='table') }}
        SELECT a::BIGINT AS a, CAST(b AS VARCHAR) AS b, * EXCLUDE (c),
          strftime(ts, '%Y') AS y, date_format(ts, 'yyyy') AS z, `weird name`
        FROM {{ ref('x') }}
        WHERE d RLIKE '^a'
        """;
    assertThat(PortableSql.check(sql))
        .extracting(w -> w.line() + " " + w.engine() + " " + w.construct())
        .containsExactlyInAnyOrder(
            "2 DuckDB ::BIGINT",
            "2 DuckDB AS VARCHAR",
            "2 DuckDB * EXCLUDE (",
            "3 DuckDB strftime(",
            "3 Spark date_format(",
            "3 Spark `weird name`",
            "5 Spark RLIKE");
  }

  @Test
  void commentsStringsAndJinjaAreNotSql() {
    String sql =
        """
        -- a::b in a comment, strftime( too
        /* `x` */
        SELECT 'a::b RLIKE `c`' AS s, {{ "x::y" }} AS t, CAST(v AS STRING) AS u
        """;
    assertThat(PortableSql.check(sql)).isEmpty();
  }

  @Test
  void theExampleProjectsModelsArePortable() throws IOException {
    Path models = Path.of("..", "examples", "shop", "models");
    try (Stream<Path> files = Files.list(models)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
        assertThat(PortableSql.check(Files.readString(file))).as(file.toString()).isEmpty();
      }
    }
  }
}
