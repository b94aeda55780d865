package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema drift of a Parquet source, read from each file's footer: three files, one run each (the
 * files written by DuckDB at test time). The second gains {@code country}; the third loses {@code
 * name}, its {@code amount} is a BIGINT beyond the declared int, and its {@code price} a wider
 * decimal. Each policy does what docs/schema-drift.md says and every row stays readable.
 */
class ParquetSchemaDriftTest {
  @TempDir Path temp;
  private Path project;

  private static final String FIRST =
      "SELECT 1::BIGINT AS id, 'Ann' AS name, 10::INTEGER AS amount,"
          + " DATE '2026-11-01' AS created, 1.50::DECIMAL(8,2) AS price";
  private static final String SECOND =
      "SELECT 2::BIGINT AS id, 'Bob' AS name, 20::INTEGER AS amount,"
          + " DATE '2026-11-02' AS created, 2.50::DECIMAL(8,2) AS price, 'FR' AS country";
  private static final String THIRD =
      "SELECT 3::BIGINT AS id, 3000000000::BIGINT AS amount, DATE '2026-11-03' AS created,"
          + " 123456.25::DECIMAL(12,2) AS price, 'DE' AS country";

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
  }

  private void declare(String policy) throws Exception {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/*.parquet
        format: parquet
        schema-drift: {policy: %s}
        columns:
          - {name: id, type: bigint, checks: [not_null]}
          - {name: name}
          - {name: amount, type: int}
          - {name: created, type: date}
          - {name: price, type: "decimal(8,2)"}
        """
            .formatted(policy));
  }

  private Sluice.Result runWith(String file, String select) throws Exception {
    Path target = project.resolve("data/" + file);
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement()) {
      statement.execute(
          "COPY ("
              + select
              + ") TO '"
              + target.toString().replace("'", "''")
              + "' (FORMAT parquet)");
    }
    return sluice("run", "-p", project.toString(), "--progress=never");
  }

  private List<String> query(String sql) {
    return Sluice.queryRows(project, sql);
  }

  @Test
  void evolveAddsTheColumnWidensTypesAndReadsAMissingFieldAsNull() throws Exception {
    declare("evolve");
    Sluice.Result first = runWith("1.parquet", FIRST);
    assertThat(first.exit()).as(first.out() + first.err()).isZero();
    assertThat(first.out()).doesNotContain("schema drift");
    Sluice.Result second = runWith("2.parquet", SECOND);
    Sluice.Result third = runWith("3.parquet", THIRD);

    assertThat(second.exit()).as(second.out() + second.err()).isZero();
    assertThat(second.out())
        .contains(
            "schema drift in orders: data/2.parquet: new field 'country' (string) -> column added"
                + " to the clean table as string");
    assertThat(third.exit()).as(third.out() + third.err()).isZero();
    assertThat(third.out())
        .contains("data/3.parquet: field 'name' of column name is missing -> the column reads NULL")
        .contains(
            "data/3.parquet: field 'amount' has bigint values, column amount is int -> column"
                + " widened to bigint")
        .contains(
            "data/3.parquet: field 'price' has decimal(12,2) values, column price is decimal(8,2)"
                + " -> column widened to decimal(12,2)");
    assertThat(
            query("SELECT id, name, amount, created, price, country FROM lake.orders ORDER BY id"))
        .containsExactly(
            "1,Ann,10,2026-11-01,1.50,",
            "2,Bob,20,2026-11-02,2.50,FR",
            "3,,3000000000,2026-11-03,123456.25,DE");
    assertThat(query("SELECT count(*) FROM quarantine.orders")).containsExactly("0");
  }

  @Test
  void ignoreRecordsTheDriftAndReadsAsDeclared() throws Exception {
    declare("ignore");
    runWith("1.parquet", FIRST);
    Sluice.Result second = runWith("2.parquet", SECOND);
    Sluice.Result third = runWith("3.parquet", THIRD);

    assertThat(second.out())
        .contains(
            "data/2.parquet: new field 'country' (string) -> left out (schema-drift.policy is"
                + " ignore)");
    assertThat(third.exit()).as(third.out() + third.err()).isZero();
    assertThat(third.out())
        .contains(
            "data/3.parquet: field 'name' of column name is missing -> the column reads NULL");
    assertThat(query("SELECT id, name, amount FROM lake.orders ORDER BY id"))
        .containsExactly("1,Ann,10", "2,Bob,20");
    assertThat(query("SELECT _file || ':' || _rules FROM quarantine.orders"))
        .as("3,000,000,000 is not an int, 123456.25 not a decimal(8,2)")
        .hasSize(1)
        .allMatch(line -> line.startsWith("data/3.parquet:type"));
  }

  @Test
  void quarantineSendsEveryRowOfADriftedFileToQuarantine() throws Exception {
    declare("quarantine");
    runWith("1.parquet", FIRST);
    Sluice.Result second = runWith("2.parquet", SECOND);
    Sluice.Result third = runWith("3.parquet", THIRD);

    assertThat(second.exit()).as(second.out() + second.err()).isZero();
    assertThat(third.exit()).as(third.out() + third.err()).isZero();
    assertThat(query("SELECT id FROM lake.orders")).containsExactly("1");
    assertThat(
            query(
                "SELECT _file || ':' || _line || ':' || _rules FROM quarantine.orders ORDER BY _file"))
        .containsExactly("data/2.parquet:1:schema_drift", "data/3.parquet:1:schema_drift");
    assertThat(query("SELECT _errors FROM quarantine.orders WHERE _file = 'data/3.parquet'").get(0))
        .contains("field 'name' of column name is missing")
        .contains("field 'amount' has bigint values, column amount is int");
    assertThat(query("SELECT _record FROM quarantine.orders WHERE _file = 'data/2.parquet'").get(0))
        .contains("\"\"country\"\":\"\"FR\"\"");
  }

  @Test
  void failStopsBeforeTheBatchLands() throws Exception {
    declare("fail");
    runWith("1.parquet", FIRST);
    Sluice.Result second = runWith("2.parquet", SECOND);

    assertThat(second.exit()).isEqualTo(2);
    assertThat(second.err())
        .contains("differs from the declared columns")
        .contains("data/2.parquet: new field 'country' (string)");
    assertThat(query("SELECT id FROM lake.orders")).containsExactly("1");
  }

  @Test
  void aFileThatIsNotParquetIsAClearErrorNamingIt() throws Exception {
    declare("ignore");
    Files.writeString(project.resolve("data/bad.parquet"), "id,name\n1,Ann\n");
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");

    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("data/bad.parquet").doesNotContain("Exception");
  }
}
