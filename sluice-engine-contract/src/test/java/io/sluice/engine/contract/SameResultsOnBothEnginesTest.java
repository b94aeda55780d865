package io.sluice.engine.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.contract.Pipelines.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop example (files connector, CSV and JSON sources with quarantined rows, an incremental
 * model merged on its unique key, tables and views) run on DuckDB and on Spark: every lake table
 * (raw, clean, quarantine) and every model must hold the same rows with the same value types, and
 * the runs must report the same counts, failures by rule and scores.
 */
class SameResultsOnBothEnginesTest {
  @TempDir Path dir;

  @Test
  void shopExampleGivesTheSameTablesOnDuckDbAndSpark() {
    Path duckdb = dir.resolve("duckdb");
    Path spark = dir.resolve("spark");
    Pipelines.create(duckdb, "duckdb");
    Pipelines.create(spark, "spark");

    assertSame(Pipelines.run(duckdb), Pipelines.run(spark));

    // A second pass over new files: incremental models read only the changes and merge them.
    Pipelines.append(duckdb, 1);
    Pipelines.append(spark, 1);
    assertSame(Pipelines.run(duckdb), Pipelines.run(spark));
  }

  static void assertSame(Outcome duckdb, Outcome spark) {
    assertThat(spark.summary()).as("run summary").isEqualTo(duckdb.summary());
    assertThat(spark.tables().keySet()).isEqualTo(duckdb.tables().keySet());
    StringBuilder differences = new StringBuilder();
    for (Map.Entry<String, List<String>> table : duckdb.tables().entrySet()) {
      assertThat(table.getValue()).as(table.getKey() + " on DuckDB").isNotEmpty();
      List<String> expected = table.getValue();
      List<String> actual = spark.tables().get(table.getKey());
      if (!actual.equals(expected)) {
        differences
            .append(table.getKey())
            .append(": ")
            .append(expected.size())
            .append(" rows on DuckDB, ")
            .append(actual.size())
            .append(" on Spark\n  only on DuckDB: ")
            .append(expected.stream().filter(r -> !actual.contains(r)).limit(3).toList())
            .append("\n  only on Spark:  ")
            .append(actual.stream().filter(r -> !expected.contains(r)).limit(3).toList())
            .append('\n');
      }
    }
    assertThat(differences.toString()).as("tables that differ").isEmpty();
  }
}
