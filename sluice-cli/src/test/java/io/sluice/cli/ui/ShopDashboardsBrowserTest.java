package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * The shop example's dashboards in real headless Chromium: every panel of each is drawn without an
 * error, a filter re-queries the panels, and a screenshot of each goes to docs/ui (see {@link
 * Browser}).
 */
class ShopDashboardsBrowserTest {
  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass().withBrowser();

  @Test
  void listsBothDashboards() {
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("b1"))) {
      browser.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/dashboards");
      browser.await("#dashboards tbody tr");
      assertThat(browser.all("#dashboards tbody tr a"))
          .extracting(WebElement::getText)
          .containsExactly("Pipeline health", "Sales");
    }
  }

  @Test
  void drawsEveryPanelOfTheSalesDashboardAndRequeriesOnAFilter() {
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("b2"))) {
      browser.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/dashboards/sales");
      everyPanelDrawn(browser);
      assertThat(browser.all("#panel-revenue_by_day .uplot")).hasSize(1);
      assertThat(browser.all("#panel-funnel tbody tr")).isNotEmpty();
      String before = browser.await("#panel-orders_total .stat-value").getAttribute("data-value");
      int renders =
          ((Number) browser.script("return window.sluiceDashboard.renders.length;")).intValue();
      browser.script(
          "const s = document.querySelector('[data-variable=segment]');"
              + " s.selectedIndex = (s.selectedIndex + 1) % s.options.length;"
              + " s.dispatchEvent(new Event('change'));");
      new org.openqa.selenium.support.ui.WebDriverWait(
              browser.driver(), java.time.Duration.ofSeconds(30))
          .until(
              driver ->
                  ((Number) browser.script("return window.sluiceDashboard.renders.length;"))
                          .intValue()
                      >= renders + 8);
      everyPanelDrawn(browser);
      assertThat(browser.await("#panel-orders_total .stat-value").getAttribute("data-value"))
          .isNotEqualTo(before);
      browser.script(
          "const s = document.querySelector('[data-variable=segment]'); s.selectedIndex = 0;"
              + " s.dispatchEvent(new Event('change'));");
      browser.screenshot("dashboard-sales");
    }
  }

  @Test
  void drawsEveryPanelOfThePipelineHealthDashboard() {
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("b3"))) {
      browser.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/dashboards/pipeline-health");
      everyPanelDrawn(browser);
      assertThat(browser.all("#panel-quarantine_sample tbody tr")).isNotEmpty();
      browser.screenshot("dashboard-pipeline-health");
    }
  }

  /** Waits until each panel was drawn once, then checks that none shows an error. */
  private static void everyPanelDrawn(Browser browser) {
    List<WebElement> panels = browser.all("#dashboard section.panel");
    assertThat(panels).isNotEmpty();
    for (WebElement panel : panels) {
      browser.await("#" + panel.getAttribute("id") + "[data-updated]");
    }
    assertThat(browser.all(".panel-status.error")).extracting(WebElement::getText).isEmpty();
  }
}
