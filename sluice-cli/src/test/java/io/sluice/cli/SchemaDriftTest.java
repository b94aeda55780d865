package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema drift across three files, one run each, under each policy: the second file gains a field
 * ({@code country}), the third loses one ({@code name}) and its {@code amount} outgrows the
 * declared {@code int}. Each policy does what docs/schema-drift.md says, every drift is recorded
 * with the batch that showed it, and every row stays readable.
 */
class SchemaDriftTest {
  @TempDir Path temp;
  private Path project;

  private static final String FIRST = "{\"id\":1,\"name\":\"Ann\",\"amount\":10}\n";
  private static final String SECOND =
      "{\"id\":2,\"name\":\"Bob\",\"amount\":20,\"country\":\"FR\"}\n";
  private static final String THIRD = "{\"id\":3,\"amount\":3000000000,\"country\":\"DE\"}\n";

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
        path: data/*.ndjson
        schema-drift: {policy: %s}
        columns:
          - {name: id, type: bigint, checks: [not_null]}
          - {name: name}
          - {name: amount, type: int}
        """
            .formatted(policy));
  }

  private Sluice.Result runWith(String file, String content) throws Exception {
    Files.writeString(project.resolve("data/" + file), content);
    return sluice("run", "-p", project.toString(), "--progress=never");
  }

  private List<String> query(String sql) {
    return Sluice.queryRows(project, sql);
  }

  @Test
  void evolveAddsTheNewColumnWidensTheTypeAndKeepsEveryRowReadable() throws Exception {
    declare("evolve");
    assertThat(runWith("1.ndjson", FIRST).exit()).isZero();
    Sluice.Result second = runWith("2.ndjson", SECOND);
    Sluice.Result third = runWith("3.ndjson", THIRD);

    assertThat(second.exit()).as(second.out() + second.err()).isZero();
    assertThat(second.out())
        .contains(
            "schema drift in orders: data/2.ndjson: new field 'country' (string) -> column added to the"
                + " clean table as string");
    assertThat(third.exit()).as(third.out() + third.err()).isZero();
    assertThat(third.out())
        .contains("schema drift in orders: data/3.ndjson: field 'name' of column name is missing")
        .contains(
            "data/3.ndjson: field 'amount' has bigint values, column amount is int -> column widened"
                + " to bigint");
    assertThat(query("SELECT id, name, amount, country FROM lake.orders ORDER BY id"))
        .containsExactly("1,Ann,10,", "2,Bob,20,FR", "3,,3000000000,DE");
    assertThat(
            query(
                "SELECT column_name || ':' || data_type FROM information_schema.columns"
                    + " WHERE table_schema = 'lake' AND table_name = 'orders'"
                    + " AND column_name IN ('amount', 'country') ORDER BY column_name"))
        .containsExactly("amount:BIGINT", "country:VARCHAR");
    assertThat(query("SELECT count(*) FROM quarantine.orders")).containsExactly("0");
  }

  @Test
  void ignoreRecordsTheDriftAndReadsAsDeclared() throws Exception {
    declare("ignore");
    runWith("1.ndjson", FIRST);
    Sluice.Result second = runWith("2.ndjson", SECOND);
    Sluice.Result third = runWith("3.ndjson", THIRD);

    assertThat(second.out())
        .contains(
            "schema drift in orders: data/2.ndjson: new field 'country' (string) -> left out"
                + " (schema-drift.policy is ignore)");
    assertThat(third.out())
        .contains("data/3.ndjson: field 'name' of column name is missing -> the column reads NULL")
        .contains(
            "data/3.ndjson: field 'amount' has bigint values, column amount is int -> values are read"
                + " as int; those that do not convert fail rule type");
    assertThat(query("SELECT id, name, amount FROM lake.orders ORDER BY id"))
        .containsExactly("1,Ann,10", "2,Bob,20");
    assertThat(query("SELECT _rules FROM quarantine.orders")).containsExactly("type");
    assertThat(
            query(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'lake'"
                    + " AND table_name = 'orders' AND column_name = 'country'"))
        .containsExactly("0");
    // The raw table keeps every record verbatim, country included.
    assertThat(query("SELECT count(*) FROM raw.orders WHERE _record LIKE '%country%'"))
        .containsExactly("2");
  }

  @Test
  void quarantineSendsEveryRowOfADriftedFileToQuarantineWithItsReasons() throws Exception {
    declare("quarantine");
    runWith("1.ndjson", FIRST);
    Sluice.Result second = runWith("2.ndjson", SECOND);
    runWith("3.ndjson", THIRD);

    assertThat(second.exit()).isZero();
    assertThat(query("SELECT id FROM lake.orders")).containsExactly("1");
    assertThat(query("SELECT _file || ':' || _rules FROM quarantine.orders ORDER BY _file"))
        .containsExactly("data/2.ndjson:schema_drift", "data/3.ndjson:schema_drift");
    assertThat(query("SELECT _errors FROM quarantine.orders WHERE _file = 'data/3.ndjson'").get(0))
        .contains("field 'name' of column name is missing")
        .contains("field 'amount' has bigint values, column amount is int");
  }

  @Test
  void failStopsBeforeTheBatchLandsAndKeepsStoppingUntilTheDeclarationChanges() throws Exception {
    declare("fail");
    runWith("1.ndjson", FIRST);
    Sluice.Result second = runWith("2.ndjson", SECOND);

    assertThat(second.exit()).isEqualTo(2);
    assertThat(second.err())
        .contains("Source 'orders': the input of batch b-000002 differs from the declared columns")
        .contains("data/2.ndjson: new field 'country' (string) -> the run stops")
        .contains("sources/orders.yaml");
    assertThat(query("SELECT id FROM lake.orders")).containsExactly("1");

    // Declaring the new column and choosing evolve lets the same batch land.
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/*.ndjson
        schema-drift: {policy: evolve}
        columns:
          - {name: id, type: bigint, checks: [not_null]}
          - {name: name}
          - {name: amount, type: int}
        """);
    assertThat(sluice("run", "-p", project.toString(), "--progress=never").exit()).isZero();
    assertThat(query("SELECT id, country FROM lake.orders ORDER BY id"))
        .containsExactly("1,", "2,FR");
  }
}
