package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

/**
 * The pipeline, lake and SQL pages in real headless Chromium on the shop example: a click on a
 * model node shows its column lineage, a click on a lake table node its snapshots and partitions,
 * and the console runs a query with Ctrl-Enter and shows the sandbox's refusal of a file read.
 */
class LakePipelineSqlBrowserTest {
  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass().withBrowser();

  @Test
  void theViewerClicksThroughTheGraphToLineageAndTablesAndQueriesTheWarehouse() {
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("browser"))) {
      browser.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/pipeline");
      browser.await("#pipeline-graph a[data-node='source:orders']");
      // 3 sources with 3 lake tables each, 3 models, 2 dashboards.
      assertThat(browser.all("#pipeline-graph a.node")).hasSize(3 * 4 + 3 + 2);
      assertThat(browser.all("#pipeline-graph path[data-to='dashboard:sales']")).hasSize(2);

      // A model node: selected, its inputs marked, its column lineage listed.
      browser.click("#pipeline-graph a[data-node='model:daily_revenue']");
      browser.awaitText("#lineage", "orders_enriched.amount");
      assertThat(browser.driver().getCurrentUrl()).endsWith("/ui/pipeline?model=daily_revenue");
      assertThat(browser.all("#pipeline-graph a.node.selected")).hasSize(1);
      assertThat(browser.all("#pipeline-graph a.node.input")).hasSize(1);
      browser.screenshot("pipeline");

      // A lake table node: its page, with snapshots, partitions and the compaction state.
      browser.click("#pipeline-graph a[data-node='clean.orders']");
      browser.awaitText("#table-name", "clean.orders");
      assertThat(browser.all("#snapshot-list tbody tr")).isNotEmpty();
      assertThat(browser.all("#partitions tbody tr")).isNotEmpty();
      assertThat(browser.await("#compaction").getText()).contains("MiB");
      browser.screenshot("lake-table");
      // Its "query" link opens the console with the table's query, run on arrival.
      browser.click("a[href^='/ui/sql?q=']");
      browser.await("#result-table tbody tr");
      assertThat(browser.await("#sql").getAttribute("value")).contains("FROM lake.orders");
      browser.go("/ui/lake");
      browser.await("#lake-tables tbody tr");
      assertThat(browser.all("#lake-tables tbody tr")).hasSize(9);
      browser.screenshot("lake");

      // The console: Ctrl-Enter runs the query; a file read is refused with the engine's reason.
      browser.go("/ui/sql");
      browser.type(
          "#sql",
          "SELECT order_date, country, orders, revenue FROM daily_revenue"
              + " ORDER BY revenue DESC LIMIT 20");
      browser.await("#sql").sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
      browser.await("#result-table tbody tr");
      assertThat(browser.all("#result-table thead th")).hasSize(4);
      assertThat(browser.await("#sql-meta").getText()).contains("rows").contains("ms");
      browser.screenshot("sql");
      browser.type("#sql", "SELECT * FROM read_text('/etc/passwd')");
      browser.click("#run");
      browser.awaitText("#sql-error", "file system operations are disabled");
      assertThat(browser.all("#result-table")).isEmpty();

      // A source node leads to the source's quality.
      browser.go("/ui/pipeline");
      browser.click("#pipeline-graph a[data-node='source:orders']");
      browser.await("main h1");
      assertThat(browser.driver().getCurrentUrl()).endsWith("/ui/quality?source=orders");
    }
  }
}
