package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule severities and relationships end to end: a warn rule lands its rows and reports them, a fail
 * rule quarantines its rows and stops the run before the models, and a relationships rule checks
 * against the referenced dataset's clean rows (processed first), so that a replay after the missing
 * rows arrived lands the orphans.
 */
class SeverityAndRelationshipsTest {
  @TempDir Path temp;
  private Path project;

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("shop");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("models"));
    Files.createDirectories(project.resolve("data/orders"));
    Files.createDirectories(project.resolve("data/customers"));
    Files.writeString(project.resolve("sluice.yaml"), "name: shop\n");
    Files.writeString(
        project.resolve("models/totals.sql"),
        "{{ config(materialized='table') }}\nSELECT count(*) AS n FROM {{ source('orders') }}\n");
    // Named so that by name orders would come first: the loader must order by reference.
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/orders/*.csv
        columns:
          - {name: id, type: bigint, checks: [not_null, unique]}
          - name: customer
            type: bigint
            checks: [{relationships: {to: z_customers, field: id}}]
          - name: amount
            type: "decimal(10,2)"
            checks: [{range: {min: 0, max: 1000, severity: warn}}]
          - name: currency
            checks: [{accepted_values: {values: [EUR, USD], severity: fail}}]
        checks:
          - {name: small, expr: "amount < 500", severity: warn, message: "unusually large"}
        """);
    Files.writeString(
        project.resolve("sources/z_customers.yaml"),
        """
        path: data/customers/*.csv
        columns:
          - {name: id, type: bigint, checks: [not_null, unique]}
          - {name: name}
        """);
  }

  private Sluice.Result run() {
    return sluice("run", "-p", project.toString(), "--progress=never");
  }

  private Object query(String sql) {
    Sluice.Result result = sluice("query", "-p", project.toString(), "--format", "csv", sql);
    assertThat(result.exit()).as(result.err()).isZero();
    String[] lines = result.out().strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  @Test
  void warnLandsAndReportsFailQuarantinesAndStopsRelationshipsFollowTheReference()
      throws Exception {
    Files.writeString(project.resolve("data/customers/c1.csv"), "id,name\n1,Ann\n2,Bob\n");
    Files.writeString(
        project.resolve("data/orders/o1.csv"),
        """
        id,customer,amount,currency
        10,1,20.00,EUR
        11,2,-5.00,USD
        12,3,30.00,EUR
        13,,700.00,USD
        14,2,1500.00,EUR
        """);

    Sluice.Result first = run();

    assertThat(first.exit()).as(first.out() + first.err()).isZero();
    // Order 12 refers to customer 3, who has not arrived: quarantined by relationships.
    assertThat(first.out())
        .contains("quarantined in orders: relationships(customer) 1")
        .contains(
            "warning: rule orders.range(amount): 2 rows failed range(amount) (value is outside"
                + " the range [0, 1000]); they landed, severity is warn")
        .contains(
            "warning: rule orders.small: 2 rows failed small (unusually large); they landed,"
                + " severity is warn")
        // 3 orders landed with warnings (11, 13, 14); each counts half (quality.warn-weight):
        // (6 - 0.5 * 3) / 7.
        .contains("quality 85.71% (weighted 64.29%: 3 landed with warnings)");
    assertThat(query("SELECT string_agg(CAST(id AS VARCHAR), '-' ORDER BY id) FROM lake.orders"))
        .isEqualTo("10-11-13-14");
    assertThat(query("SELECT n FROM totals")).isEqualTo("4");
    assertThat(query("SELECT _rules FROM quarantine.orders")).isEqualTo("relationships");

    // Customer 3 arrives; replaying the quarantined order now lands it, once.
    Files.writeString(project.resolve("data/customers/c2.csv"), "id,name\n3,Cy\n");
    assertThat(run().exit()).isZero();
    Sluice.Result replay = sluice("quarantine", "replay", "orders", "-p", project.toString());
    assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
    assertThat(query("SELECT count(*) FROM lake.orders WHERE id = 12")).isEqualTo("1");

    // A currency outside the list has severity fail: the row is quarantined and the run stops
    // before the models (totals stays at its last value), exit code 1.
    Files.writeString(
        project.resolve("data/orders/o2.csv"), "id,customer,amount,currency\n20,1,5.00,GBP\n");
    Sluice.Result failed = run();
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out())
        .contains(
            "FAILED rule orders.accepted_values(currency): 1 row failed"
                + " accepted_values(currency) (value is not one of: EUR, USD); severity is fail")
        .contains("a check or rule of severity fail failed: the models were not rebuilt");
    assertThat(query("SELECT count(*) FROM quarantine.orders")).isEqualTo("1");
    assertThat(query("SELECT n FROM totals")).isEqualTo("4");
  }
}
