package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model tests end to end: schema.yml tests and singular tests ({@code tests/*.sql}) run after every
 * pass and by {@code sluice test}; a failing test of severity warn is reported but fails neither.
 */
class ModelTestsTest {
  @TempDir Path temp;
  private Path project;

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("shop");
    Files.createDirectories(project.resolve("data"));
    write("sluice.yaml", "name: shop\n");
    write(
        "sources/orders.yaml",
        """
        path: data/*.csv
        columns:
          - {name: id, type: bigint}
          - {name: customer, type: string}
          - {name: amount, type: "decimal(10,2)"}
        """);
    write(
        "models/totals.sql",
        "{{ config(materialized='table') }}\n"
            + "SELECT customer, sum(amount) AS total FROM {{ source('orders') }} GROUP BY 1\n");
    write(
        "models/schema.yml",
        """
        version: 2
        models:
          - name: totals
            columns:
              - name: customer
                tests:
                  - unique
                  - accepted_values:
                      values: [ann, bob]
                      config: {severity: warn}
        """);
    write(
        "tests/no_negative_totals.sql",
        "-- a customer never owes us\n" + "SELECT * FROM {{ ref('totals') }} WHERE total < 0;\n");
    write(
        "tests/few_big_orders.sql",
        "{{ config(severity='warn') }}\nSELECT id, amount FROM {{ source('orders') }}"
            + " WHERE amount > 100 -- big\n");
  }

  @Test
  void singularTestsRunAfterEveryPassAndFailTheRunUnlessTheyWarn() throws Exception {
    assertThat(sluice("validate", "-p", project.toString()).out())
        .contains("is valid: 1 sources, 1 models, 2 model tests, 2 singular tests.");
    Sluice.Result early = sluice("test", "-p", project.toString());
    assertThat(early.exit()).isEqualTo(1);
    assertThat(early.out())
        .contains("note: the project has never run: `sluice run` builds the models first");

    write("data/1.csv", "id,customer,amount\n1,ann,10\n2,bob,200\n3,cid,5\n");

    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("tests: 2 passed, 0 failed, 2 warned")
        .contains("  WARN accepted_values(totals.customer): 1 failing rows")
        .contains("  WARN few_big_orders: 1 failing rows")
        .contains("run ok");

    write("data/2.csv", "id,customer,amount\n4,ann,-50\n");
    run = sluice("run", "-p", project.toString(), "--progress=never");

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out())
        .contains("tests: 1 passed, 1 failed, 2 warned")
        .contains("  FAIL no_negative_totals: 1 failing rows")
        .contains("run tests-failed");
  }

  @Test
  void sluiceTestRunsTheTestsWithoutRunningThePipelineAndShowsFailingRows() throws Exception {
    write("data/1.csv", "id,customer,amount\n1,ann,-10\n2,bob,200\n");
    assertThat(sluice("run", "-p", project.toString(), "--progress=never").exit()).isEqualTo(1);
    // new input is not landed by sluice test
    write("data/2.csv", "id,customer,amount\n3,ann,100\n");

    Sluice.Result test = sluice("test", "-p", project.toString());

    assertThat(test.exit()).as(test.out() + test.err()).isEqualTo(1);
    assertThat(test.out())
        .contains(
            """
            test                              severity  status  failing rows
            --------------------------------  --------  ------  ------------
            unique(totals.customer)           error     pass               0
            accepted_values(totals.customer)  warn      pass               0
            few_big_orders                    warn      WARN               1
            no_negative_totals                error     FAIL               1
            """)
        .contains("no_negative_totals (tests/no_negative_totals.sql): 1 failing rows")
        .contains("ann       -10.00")
        .contains(
            """
            all of them (sluice query):
              -- a customer never owes us
              SELECT * FROM "totals" WHERE total < 0
            """)
        .contains("few_big_orders (tests/few_big_orders.sql): 1 failing rows")
        .contains("tests: 2 passed, 1 failed, 1 warned");

    Sluice.Result selected = sluice("test", "-p", project.toString(), "--select", "few_big_orders");
    assertThat(selected.exit()).as(selected.out()).isZero();
    assertThat(selected.out()).contains("tests: 0 passed, 0 failed, 1 warned");

    Sluice.Result byModel = sluice("test", "-p", project.toString(), "-s", "totals");
    assertThat(byModel.out()).contains("tests: 2 passed, 1 failed").doesNotContain("few_big");

    Sluice.Result none = sluice("test", "-p", project.toString(), "-s", "nothing");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("No test matches --select nothing");
  }

  @Test
  void aTestWhoseQueryFailsIsAnErrorWhateverItsSeverity() throws Exception {
    write("data/1.csv", "id,customer,amount\n1,ann,10\n");
    assertThat(sluice("run", "-p", project.toString(), "--progress=never").exit()).isZero();
    write(
        "tests/few_big_orders.sql",
        "{{ config(severity='warn') }}\nSELECT * FROM {{ source('orders') }} WHERE no_such > 1\n");

    // a run compiles every test before it reads anything, and refuses one that cannot run
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("tests/few_big_orders.sql:2: test 'few_big_orders': unknown column 'no_such'");

    Sluice.Result test = sluice("test", "-p", project.toString(), "-s", "few_big_orders");
    assertThat(test.exit()).isEqualTo(1);
    assertThat(test.out())
        .contains("few_big_orders  warn      ERROR   -")
        .contains("LINE 2: SELECT * FROM")
        .contains("few_big_orders: could not run: ")
        .contains("(tests/few_big_orders.sql)")
        .contains("tests: 0 passed, 1 failed");
  }

  private void write(String relative, String content) throws Exception {
    Path file = project.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
