package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * The quality page and the quarantine browser in real headless Chromium, on the shop example after
 * one run: the viewer filters the quarantine by rule and reads the records and their reasons but
 * cannot replay; the operator fixes the rule in the source's file, dry-runs and replays from the
 * page, and both pages show the records resolved.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QualityQuarantineBrowserTest {
  private static final String RULE = "accepted_values(event_type)";
  private static final String FILTERED =
      "/ui/quarantine?source=clicks&rule=" + URLEncoder.encode(RULE, StandardCharsets.UTF_8);

  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass().withBrowser();

  private static long quarantined(String query) {
    return ConsoleHttp.get(shop.uri(), ShopConsole.VIEWER_TOKEN, "/ui/api/quarantine?" + query)
        .body()
        .path("total")
        .asLong();
  }

  @Test
  @Order(1)
  void theViewerFiltersByRuleAndSeesTheRecordsAndReasonsButCannotReplay() {
    long expected =
        quarantined("source=clicks&rule=" + URLEncoder.encode(RULE, StandardCharsets.UTF_8));
    assertThat(expected).isPositive();
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("viewer"))) {
      browser.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/quarantine");
      browser.await("#counts tbody tr");
      browser.await("#filter-source option[value='clicks']").click();
      browser.type("#filter-rule", RULE);
      browser.click("#apply-filters");
      browser.awaitText("#records-range", "of " + expected);
      List<WebElement> rows = browser.all("#records tbody tr");
      assertThat(rows).hasSize((int) expected);
      for (WebElement row : rows) {
        assertThat(row.findElement(org.openqa.selenium.By.cssSelector(".rule")).getText())
            .isEqualTo(RULE);
        assertThat(row.findElement(org.openqa.selenium.By.cssSelector(".message")).getText())
            .contains("not one of");
        assertThat(row.findElement(org.openqa.selenium.By.cssSelector("pre.json")).getText())
            .contains("\"type\" : ");
        assertThat(row.findElement(org.openqa.selenium.By.cssSelector(".position")).getText())
            .startsWith("data/clicks/");
      }
      assertThat(browser.await("#replay").isDisplayed()).isFalse();
      assertThat(browser.await("#replay-run").isDisplayed()).isFalse();
      browser.screenshot("quarantine");

      // A viewer who forges the replay's request is refused by the server, not only by the page.
      Object status =
          browser
              .driver()
              .executeAsyncScript(
                  "const done = arguments[arguments.length - 1];"
                      + "fetch('/ui/api/quarantine/replay', {method: 'POST', credentials:"
                      + " 'same-origin', headers: {'X-Sluice-Console': '1', 'Content-Type':"
                      + " 'application/json'}, body: JSON.stringify({source: 'clicks'})})"
                      + ".then(r => done(r.status), e => done(String(e)));");
      assertThat(status).isEqualTo(403L);
    }
    assertThat(quarantined("source=clicks&rule=" + URLEncoder.encode(RULE, StandardCharsets.UTF_8)))
        .isEqualTo(expected);
  }

  @Test
  @Order(2)
  void theOperatorFixesTheRuleDryRunsAndReplaysFromThePage() throws Exception {
    String rule = "rule=" + URLEncoder.encode(RULE, StandardCharsets.UTF_8);
    long failing = quarantined("source=clicks&" + rule);
    long before = quarantined("source=clicks");
    // The fix a user makes: the tracker's new event types are accepted.
    TreeSet<String> types = new TreeSet<>();
    for (JsonNode record :
        ConsoleHttp.get(
                shop.uri(), ShopConsole.VIEWER_TOKEN, "/ui/api/quarantine?source=clicks&" + rule)
            .body()
            .path("records")) {
      types.add(
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(record.path("record").asText())
              .path("type")
              .asText());
    }
    Path clicks = shop.project().resolve("sources/clicks.yaml");
    String declared = "accepted_values: [page_view, product_view, add_to_cart, checkout]";
    String source = Files.readString(clicks);
    assertThat(source).contains(declared);
    List<String> accepted =
        new ArrayList<>(List.of("page_view", "product_view", "add_to_cart", "checkout"));
    accepted.addAll(types);
    Files.writeString(
        clicks, source.replace(declared, "accepted_values: [" + String.join(", ", accepted) + "]"));

    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("operator"))) {
      browser.signIn(ShopConsole.OPERATOR_TOKEN).go(FILTERED);
      browser.await("#records tbody tr");
      assertThat(browser.await("#replay").isDisplayed()).isTrue();
      browser.click("#replay-dry-run");
      browser.await("#replay-notice[data-outcome='dry-run']");
      assertThat(browser.await("#replay-notice").getText())
          .contains(failing + " replayed", failing + " would be resolved", "0 still failing");
      assertThat(quarantined("source=clicks")).isEqualTo(before); // a dry run commits nothing
      browser.click("#replay-run");
      browser.await("#replay-notice[data-outcome='replayed']");
      assertThat(browser.await("#replay-notice").getText())
          .contains(failing + " replayed", failing + " resolved", "0 still failing");
      browser.await("#no-records");
      browser.screenshot("quarantine-replayed");

      browser.go("/ui/quality?source=clicks");
      browser.await("#trend-clicks[data-drawn='true']");
      assertThat(browser.await("#quality-clicks .batches tbody tr:first-child").getText())
          .contains("(replay)", Long.toString(failing));
      assertThat(browser.await("#quality-clicks [data-fact='quarantined']").getText())
          .isEqualTo((before - failing) + " quarantined now");
    }
    assertThat(quarantined("source=clicks&" + rule)).isZero();
    assertThat(quarantined("source=clicks")).isEqualTo(before - failing);
  }

  @Test
  @Order(3)
  void theQualityPageShowsEachSourcesTrendFailuresWarningsAndRuns() {
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("quality"))) {
      browser.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/quality");
      for (String source : List.of("clicks", "customers", "orders")) {
        browser.await("#trend-" + source + "[data-drawn='true']");
      }
      browser.await("#runs-chart[data-drawn='true']");
      assertThat(browser.await("#quality-orders table.failures").getText())
          .contains("range(amount)");
      // The shop's url format check is of severity warn: its failures are warnings, not failures.
      assertThat(browser.await("#quality-clicks table.warnings").getText()).contains("format(url)");
      assertThat(browser.await("#quality-clicks table.failures").getText())
          .doesNotContain("format(url)");
      assertThat(browser.await("#quality-run-table tbody tr").getText()).contains("ok", "%");
      assertThat(browser.await("#quality-checks").getText()).contains("usual_volume");
      browser.screenshot("quality");
    }
  }
}
