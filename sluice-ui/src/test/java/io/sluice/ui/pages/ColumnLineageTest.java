package io.sluice.ui.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Column lineage over DuckDB's syntax trees: what is traced (aliases, CTEs, subqueries, joins, set
 * operations, earlier output aliases) and what is said not derivable instead of guessed.
 */
class ColumnLineageTest {
  private static final Map<String, List<String>> CATALOG =
      Map.of(
          "lake.orders", List.of("order_id", "customer_id", "amount", "status", "ordered_at"),
          "lake.customers", List.of("customer_id", "segment", "country"),
          "orders_enriched", List.of("order_id", "amount", "segment"));
  private static Connection duckdb;

  @BeforeAll
  static void open() throws Exception {
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  static void close() throws Exception {
    duckdb.close();
  }

  @Test
  void tracesAliasesJoinsAndExpressionsToTheInputColumns() throws Exception {
    assertThat(
            lineage(
                "SELECT o.order_id, o.amount * 2 AS doubled, c.segment, customer_id AS who,"
                    + " count(*) AS n, 42 AS answer"
                    + " FROM lake.orders o JOIN lake.customers c USING (customer_id)"
                    + " GROUP BY ALL"))
        .containsEntry("order_id", "lake.orders.order_id (copied)")
        .containsEntry("doubled", "lake.orders.amount")
        .containsEntry("segment", "lake.customers.segment (copied)")
        .containsEntry(
            "who", "not derivable: 'customer_id' is in more than one input and is not qualified")
        .containsEntry("n", "")
        .containsEntry("answer", "");
  }

  @Test
  void followsCtesSubqueriesAndColumnAliasesThroughToTheInputs() throws Exception {
    assertThat(
            lineage(
                "WITH paid AS (SELECT order_id AS id, amount FROM lake.orders WHERE status ="
                    + " 'paid'), totals(total) AS (SELECT sum(amount) FROM paid)"
                    + " SELECT p.id, t.total, s.seg FROM paid p, totals t,"
                    + " (SELECT segment FROM orders_enriched) AS s(seg)"))
        .containsEntry("id", "lake.orders.order_id (copied)")
        .containsEntry("total", "lake.orders.amount")
        .containsEntry("seg", "orders_enriched.segment (copied)");
  }

  @Test
  void mergesTheBranchesOfASetOperation() throws Exception {
    assertThat(
            lineage(
                "SELECT order_id AS id FROM lake.orders UNION ALL SELECT customer_id FROM"
                    + " lake.customers"))
        .containsEntry("id", "lake.orders.order_id, lake.customers.customer_id (copied)");
  }

  @Test
  void readsAnEarlierOutputAliasAsDuckDbDoes() throws Exception {
    assertThat(lineage("SELECT amount * 2 AS a, a + 1 AS b FROM lake.orders"))
        .containsEntry("b", "lake.orders.amount");
  }

  @Test
  void saysNotDerivableForStarsWindowsSubqueriesAndTableFunctions() throws Exception {
    Map<String, String> lineage =
        lineage(
            "SELECT *, sum(amount) OVER (PARTITION BY customer_id) AS running,"
                + " (SELECT max(amount) FROM orders_enriched) AS top FROM lake.orders");
    assertThat(lineage)
        .containsEntry("*", "not derivable: a * (its columns are only known once the model runs)")
        .containsEntry("running", "not derivable: a window function")
        .containsEntry("top", "not derivable: a subquery in an expression");
    assertThat(lineage("SELECT r.range AS n FROM range(3) r"))
        .containsEntry("n", "not derivable: 'range' comes from a table function");
    assertThat(lineage("WITH x AS (SELECT * FROM lake.orders) SELECT amount FROM x"))
        .containsEntry("amount", "not derivable: 'amount' comes from a * of a CTE or subquery");
    assertThat(lineage("SELECT nothing FROM lake.orders o, lake.customers c"))
        .containsEntry("nothing", "not derivable: no input has a column 'nothing'");
  }

  @Test
  void refusesSqlThatDoesNotParse() {
    assertThatThrownBy(() -> lineage("SELEC 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not parse");
  }

  /** Output column to "origins (copied)", "not derivable: why", or "" for none. */
  private static Map<String, String> lineage(String sql) throws Exception {
    String json;
    try (PreparedStatement parse = duckdb.prepareStatement("SELECT json_serialize_sql(?)")) {
      parse.setString(1, sql);
      try (ResultSet rs = parse.executeQuery()) {
        rs.next();
        json = rs.getString(1);
      }
    }
    Map<String, String> lineage = new LinkedHashMap<>();
    for (ColumnLineage.Column column :
        ColumnLineage.of(sql, new ObjectMapper().readTree(json), CATALOG)) {
      lineage.put(
          column.name(),
          column.notDerivable().isPresent()
              ? "not derivable: " + column.notDerivable().get()
              : column.origins().stream()
                      .map(origin -> origin.relation() + "." + origin.column())
                      .collect(Collectors.joining(", "))
                  + (column.copied() ? " (copied)" : ""));
    }
    return lineage;
  }
}
