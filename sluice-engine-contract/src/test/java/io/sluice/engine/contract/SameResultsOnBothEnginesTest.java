package io.sluice.engine.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.contract.Pipelines.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
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

  /** Spark's context outlives the engines (one per JVM); stopped here so the JVM exits promptly. */
  @AfterAll
  static void stopSpark() {
    scala.Option<SparkSession> session = SparkSession.getDefaultSession();
    if (session.isDefined()) {
      session.get().stop();
    }
  }

  @Test
  void shopExampleGivesTheSameTablesOnDuckDbAndSpark() {
    Path duckdb = dir.resolve("duckdb");
    Path spark = dir.resolve("spark");
    Pipelines.create(duckdb, "duckdb");
    Pipelines.create(spark, "spark");

    assertSame(Pipelines.run(duckdb), Pipelines.run(spark));

    // Each lake continued by the other engine, from here on.
    Path sparkAfterDuckDb = dir.resolve("spark-after-duckdb");
    Path duckDbAfterSpark = dir.resolve("duckdb-after-spark");
    Pipelines.copy(duckdb, sparkAfterDuckDb);
    Pipelines.copy(spark, duckDbAfterSpark);
    Pipelines.useEngine(sparkAfterDuckDb, "spark");
    Pipelines.useEngine(duckDbAfterSpark, "duckdb");

    // A second pass over new files: incremental models read only the changes and merge them.
    for (Path project : List.of(duckdb, spark, sparkAfterDuckDb, duckDbAfterSpark)) {
      Pipelines.append(project, 1);
    }
    Outcome reference = Pipelines.run(duckdb);
    assertSame(reference, Pipelines.run(spark));

    // The other engine lands only the new files (no duplicates: the unique rules see the rows
    // the first engine landed) and builds its models from the whole lake.
    assertContinued(reference, Pipelines.run(sparkAfterDuckDb));
    assertContinued(reference, Pipelines.run(duckDbAfterSpark));
  }

  /**
   * A project whose lake another engine started: same summary and tables, except the model that
   * only sums the latest changes (a first build in the new warehouse sums all of them).
   */
  static void assertContinued(Outcome reference, Outcome continued) {
    Map<String, Object> expected = new java.util.LinkedHashMap<>(reference.summary());
    Map<String, Object> actual = new java.util.LinkedHashMap<>(continued.summary());
    for (Map<String, Object> summary : List.of(expected, actual)) {
      summary.keySet().removeIf(k -> k.startsWith("model "));
    }
    Map<String, List<String>> tables = new java.util.TreeMap<>(continued.tables());
    Map<String, List<String>> referenceTables = new java.util.TreeMap<>(reference.tables());
    tables.remove(Pipelines.CHANGES_ONLY_MODEL);
    referenceTables.remove(Pipelines.CHANGES_ONLY_MODEL);
    assertSame(new Outcome(expected, referenceTables), new Outcome(actual, tables));
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
