package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A field a column reads that the files lack altogether (a misspelt {@code from:}, a wrong CSV
 * delimiter) does not land NULL in every row without a word: without a declared schema-drift policy
 * the source stops before anything lands, naming the column's line, the file and what the file has;
 * {@code sluice validate} says the same before any run (docs/schema-drift.md).
 */
class MissingFieldsTest {
  @TempDir Path temp;
  private Path project;

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
  }

  private void declare(String source, String yaml) throws Exception {
    Files.writeString(project.resolve("sources/" + source + ".yaml"), yaml);
  }

  private Sluice.Result run() {
    return sluice("run", "-p", project.toString(), "--progress=never");
  }

  private static final String ORDERS_WITH_TYPO =
      """
      path: data/*.csv
      columns:
        - {name: id, type: bigint}
        - {name: amount, type: int, from: amout}
      """;

  @Test
  void aMisspeltFromStopsTheSourceWithTheHeaderAndADidYouMeanAndLandsNothing() throws Exception {
    declare("orders", ORDERS_WITH_TYPO);
    Files.writeString(project.resolve("data/orders.csv"), "id,amount,ts\n1,10,x\n2,20,y\n");

    Sluice.Result result = run();

    assertThat(result.exit()).as(result.out() + result.err()).isEqualTo(2);
    assertThat(result.err())
        .contains("Source 'orders': a column would read NULL in every row, so nothing of batch")
        .contains(
            "column amount (sources/orders.yaml:4:5) reads field 'amout', which the header of"
                + " file 'data/orders.csv' does not have; did you mean 'amount'? its columns are:"
                + " id, amount, ts")
        .contains("schema-drift: {policy: ignore}")
        .doesNotContain("Exception");

    // Fixed, the next run lands the file (the stopped batch left nothing behind to redo).
    declare("orders", ORDERS_WITH_TYPO.replace("from: amout", "from: amount"));
    Sluice.Result fixed = run();
    assertThat(fixed.exit()).as(fixed.out() + fixed.err()).isZero();
    assertThat(Sluice.queryRows(project, "SELECT id, amount FROM lake.orders ORDER BY id"))
        .containsExactly("1,10", "2,20");
    assertThat(Sluice.queryRows(project, "SELECT count(*) FROM raw.orders")).containsExactly("2");
  }

  @Test
  void aWrongDelimiterIsNamedAsSuch() throws Exception {
    declare("orders", ORDERS_WITH_TYPO.replace("from: amout", "from: amount"));
    Files.writeString(project.resolve("data/orders.csv"), "id;amount;ts\n1;10;x\n");

    Sluice.Result result = run();

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "the header of file 'data/orders.csv' is one field, 'id;amount;ts', so columns id,"
                + " amount find no field: is the delimiter ';'? (set `csv: {delimiter: \";\"}`)");
  }

  @Test
  void aJsonFieldIsMissingOnlyWhenNoRecordOfTheBatchHasIt() throws Exception {
    declare(
        "clicks",
        """
        path: data/*.ndjson
        columns:
          - {name: id, type: bigint}
          - {name: coupon}
          - {name: page, from: pgae}
        """);
    // coupon is in one file of the batch only: an optional field, read NULL elsewhere.
    Files.writeString(project.resolve("data/1.ndjson"), "{\"id\":1,\"page\":\"/\"}\n");
    Files.writeString(
        project.resolve("data/2.ndjson"), "{\"id\":2,\"page\":\"/a\",\"coupon\":\"X\"}\n");

    Sluice.Result result = run();

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "column page (sources/clicks.yaml:5:5) reads field 'pgae', which no record of files"
                + " 'data/1.ndjson', 'data/2.ndjson' has; did you mean 'page'? the fields seen"
                + " are: id, page, coupon")
        .doesNotContain("coupon (");
  }

  @Test
  void aDeclaredPolicyOrADefaultSaysWhatAMissingFieldReads() throws Exception {
    declare(
        "orders",
        """
        path: data/*.csv
        schema-drift: {policy: ignore}
        columns:
          - {name: id, type: bigint}
          - {name: amount, type: int, from: amout}
        """);
    declare(
        "refunds",
        """
        path: data/*.csv
        columns:
          - {name: id, type: bigint}
          - {name: amount, type: int, from: amout, default: 0}
        """);
    Files.writeString(project.resolve("data/orders.csv"), "id,amount\n1,10\n");

    Sluice.Result result = run();

    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    assertThat(result.out())
        .contains(
            "schema drift in orders: data/orders.csv: field 'amout' of column amount is missing ->"
                + " the column reads NULL");
    assertThat(Sluice.queryRows(project, "SELECT id, amount FROM lake.orders"))
        .containsExactly("1,");
    assertThat(Sluice.queryRows(project, "SELECT id, amount FROM lake.refunds"))
        .containsExactly("1,0");
  }

  @Test
  void validateReportsTheSameProblemsWithFileAndLineBeforeAnyRun() throws Exception {
    declare("orders", ORDERS_WITH_TYPO);
    Files.writeString(project.resolve("data/a.csv"), "id,amount\n1,10\n");
    Files.writeString(project.resolve("data/b.csv"), "id;amount\n1;10\n");

    Sluice.Result result = sluice("validate", "-p", project.toString());

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("(checked against the first 3 files of each source)")
        .contains(
            "source 'orders': column amount (sources/orders.yaml:4:5) reads field 'amout', which"
                + " the header of file 'data/a.csv' does not have; did you mean 'amount'?")
        .contains(
            "source 'orders': the header of file 'data/b.csv' is one field, 'id;amount', so"
                + " columns id, amount find no field: is the delimiter ';'?");
    assertThat(project.resolve(".sluice")).doesNotExist();

    declare("orders", ORDERS_WITH_TYPO.replace("from: amout", "from: amount"));
    Files.delete(project.resolve("data/b.csv"));
    Sluice.Result valid = sluice("validate", "-p", project.toString());
    assertThat(valid.exit()).as(valid.err()).isZero();
  }
}
