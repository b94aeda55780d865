package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.history.RunHistories;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.history.RunRecorder;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The runs page in real headless Chromium on the shop example: the operator triggers a run, retries
 * a failed one, backfills two days and pauses a schedule; the viewer sees none of the controls, and
 * the server refuses the viewer's forged requests.
 */
class RunsBrowserTest {
  /** A run that ended, whatever its status. */
  private static final String ENDED =
      ":not([data-status=\"queued\"]):not([data-status=\"running\"])";

  // Orders are stale one second after they landed: the overview shows the breach.
  @RegisterExtension
  static final ShopConsole.PerClass shop =
      ShopConsole.perClass()
          .withBrowser()
          .adjusted(
              project -> {
                try {
                  Path yaml = project.resolve("sluice.yaml");
                  String text = Files.readString(yaml);
                  assertThat(text).contains("max-age: 2h");
                  Files.writeString(yaml, text.replace("max-age: 2h", "max-age: 1s"));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });

  private static Browser operator;

  @BeforeAll
  static void signIn() {
    operator = Browser.open(shop.uri(), shop.scratch().resolve("operator"));
    operator.signIn(ShopConsole.OPERATOR_TOKEN);
  }

  @AfterAll
  static void signOut() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void theOperatorTriggersARunAndSeesItFinishInTheListThenReadsARunsSteps() {
    operator.go("/ui/runs");
    operator.await("#timeline rect.bar");
    // The API's refusal is shown, not swallowed.
    operator.type("#trigger-select", "source:nosuch");
    operator.click("#trigger-run");
    operator.awaitText("#runs-notice.error", "nosuch");
    operator.type("#trigger-select", "source:customers");
    operator.click("#trigger-run");
    // The page follows the run and shows the list again once it ended.
    WebElement row = operator.await("#runs tbody tr[data-trigger=\"api\"]" + ENDED);
    assertThat(row.getAttribute("data-status")).isEqualTo("ok");
    assertThat(row.findElement(By.cssSelector("td:nth-child(3)")).getText())
        .isEqualTo("source:customers");
    operator.screenshot("runs");

    operator.go("/ui/runs?trigger=manual");
    assertThat(operator.all("#runs tbody tr"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getAttribute("data-trigger")).isEqualTo("manual"));
    // The oldest: the sluice run that set the shop up, which did everything.
    operator.click("#runs tbody tr[data-trigger=\"manual\"]:last-child td a");
    operator.await("#run");
    assertThat(operator.currentPath()).startsWith("/ui/runs/");
    List<String> steps =
        operator.all(".attempt table.steps tbody tr td:nth-child(2)").stream()
            .map(WebElement::getText)
            .toList();
    assertThat(steps).contains("orders", "clicks", "customers", "daily_revenue");
    assertThat(operator.all(".attempt table.timings tbody tr")).isNotEmpty();
    operator.screenshot("run-detail");
  }

  @Test
  void theListShowsARunAskedForElsewhereWithoutBeingReloaded() throws Exception {
    operator.go("/ui/runs");
    operator.await("#runs tbody tr");
    operator.type("#trigger-select", "typed, not sent");
    // Someone else asks for a run, through the API.
    java.net.http.HttpResponse<String> asked =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(shop.uri().resolve("/v1/runs"))
                    .header("Authorization", "Bearer " + ShopConsole.OPERATOR_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"select\": [\"source:customers\"]}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
    String id =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(asked.body()).get("id").asText();
    operator.await("#runs tbody tr[data-run=\"" + id + "\"][data-status=\"ok\"]");
    // The list changed in place: what was typed in the form is still there.
    assertThat(operator.script("return document.getElementById('trigger-select').value"))
        .isEqualTo("typed, not sent");
    operator.await("#runs[data-refreshed-at]");
  }

  @Test
  void theOperatorRetriesAFailedRunAndTheRetryIsLinkedToIt() {
    String failed;
    try (RunHistory history = RunHistories.open(ProjectLoader.load(shop.project()))) {
      RunRecord queued =
          new RunRecorder(history, Clock.systemUTC())
              .queued(
                  new RunRequest(
                      List.of("source:customers"), List.of(), false, Optional.empty(), "manual"));
      failed = queued.id();
      history.save(
          queued.withStatus(RunStatus.FAILED, Optional.of(queued.createdAt().plusSeconds(1))));
    }
    operator.go("/ui/runs/" + failed);
    operator.click("#run button.retry");
    // The page of the new run, which reloads until the run ended (so elements are read afresh).
    operator.await("#run:not([data-run=\"" + failed + "\"])[data-status=\"ok\"]");
    operator.awaitText("#run", "retry of " + failed);
    String retry = (String) operator.script("return document.getElementById('run').dataset.run");
    operator.go("/ui/runs/" + failed);
    operator.awaitText("#retries", retry);
  }

  @Test
  void theOperatorBackfillsTwoDaysAndFollowsItToTheEnd() {
    operator.go("/ui/runs");
    operator.script(
        "document.getElementById('backfill-from').value = '2026-11-01';"
            + "document.getElementById('backfill-to').value = '2026-11-02';");
    operator.type("#backfill-select", "source:orders");
    // A dry run first: the plan, nothing written.
    operator.click("#backfill-dry-run");
    operator.click("#start-backfill");
    operator.awaitText("#runs-notice", "Dry run");
    assertThat(operator.all("#backfill-plan tbody tr")).hasSize(2);
    operator.click("#backfill-dry-run");
    operator.click("#start-backfill");
    WebElement backfill =
        operator.await("#backfill[data-backfill^=\"bf-\"]:not([data-status=\"dry-run\"])" + ENDED);
    assertThat(backfill.getAttribute("data-status")).isEqualTo("ok");
    List<String> days =
        operator.all("#backfill-steps tbody tr").stream()
            .map(
                r ->
                    r.findElement(By.cssSelector("td:nth-child(1)")).getText()
                        + " "
                        + r.findElement(By.cssSelector("td:nth-child(2)")).getText()
                        + " "
                        + r.findElement(By.cssSelector("td:nth-child(3)")).getText())
            .toList();
    assertThat(days).contains("orders 2026-11-01 done", "orders 2026-11-02 done");
    assertThat(operator.await("#backfill-progress").getText()).contains("steps done");
    operator.script("document.getElementById('backfill-form').scrollIntoView()");
    operator.screenshot("backfill");

    // The page lists it, and its link follows it again.
    String id = backfill.getAttribute("data-backfill");
    operator.go("/ui/runs");
    operator.click("#backfills tr[data-backfill=\"" + id + "\"] a");
    assertThat(operator.await("#backfill[data-status=\"ok\"]").getAttribute("data-backfill"))
        .isEqualTo(id);
  }

  @Test
  void anUnknownRunAndABadFilterAreAnsweredWithWhatIsWrong() {
    operator.go("/ui/runs/nosuch");
    operator.awaitText("main p.error", "No run 'nosuch'");
    operator.go("/ui/runs?limit=0");
    operator.awaitText("main p.error", "'limit' must be a whole number from 1 to 1000");
  }

  @Test
  void theOperatorPausesThenResumesASchedule() {
    operator.go("/ui/runs");
    String row = "#schedules tr[data-schedule=\"hourly\"]";
    operator.click(row + " button.schedule-toggle");
    operator.awaitText(row + " .state", "paused");
    operator.go("/ui/runs");
    assertThat(operator.await(row + " .state").getText()).isEqualTo("paused");
    assertThat(operator.await(row + " button.schedule-toggle").getText()).isEqualTo("Resume");
    operator.click(row + " button.schedule-toggle");
    operator.awaitText(row + " .state", "active");
    operator.go("/ui/runs");
    assertThat(operator.await(row + " .state").getText()).isEqualTo("active");
  }

  @Test
  void theOverviewShowsTheStaleSourceTheLastRunAndLinksToQualityAndQuarantine() {
    operator.go("/ui/");
    // The run that set the shop up landed orders more than a second ago.
    WebElement orders = operator.await("#sources tr[data-source=\"orders\"].failing");
    assertThat(orders.findElement(By.cssSelector(".freshness")).getText())
        .isEqualTo("orders_recent: breached");
    assertThat(orders.findElement(By.cssSelector(".rate")).getText()).endsWith("/s");
    assertThat(
            orders.findElements(By.cssSelector("td.links a")).stream()
                .map(
                    a ->
                        URI.create(a.getAttribute("href")).getRawPath()
                            + "?"
                            + URI.create(a.getAttribute("href")).getRawQuery())
                .toList())
        .containsExactly("/ui/quality?source=orders", "/ui/quarantine?source=orders");
    assertThat(operator.all("#sources tr[data-source=\"customers\"].failing")).isEmpty();
    assertThat(operator.await("#freshness tr[data-sla=\"orders_recent\"]").getText())
        .contains("breached", "more than max-age 1s");
    assertThat(operator.await("#last-run a").getAttribute("href")).contains("/ui/runs/");
  }

  @Test
  void theViewerSeesNoControlsAndTheServerRefusesItsForgedRequests() {
    try (Browser viewer = Browser.open(shop.uri(), shop.scratch().resolve("viewer"))) {
      viewer.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/runs");
      viewer.await("#runs tbody tr");
      for (String control :
          List.of("#trigger-run", "#start-backfill", "button.schedule-toggle", "#trigger-form")) {
        assertThat(viewer.all(control)).as(control).isNotEmpty();
        assertThat(viewer.all(control)).as(control).noneMatch(WebElement::isDisplayed);
      }
      String run = viewer.await("#runs tbody tr").getAttribute("data-run");
      for (String path :
          List.of("/v1/runs", "/v1/runs/" + run + "/retry", "/v1/schedules/hourly/pause")) {
        Object status =
            viewer
                .driver()
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {method: 'POST', credentials: 'same-origin',"
                        + " headers: {'X-Sluice-Console': '1', 'Content-Type': 'application/json'},"
                        + " body: '{}'}).then(r => done(r.status), e => done(String(e)));",
                    path);
        assertThat(status).as(path).isEqualTo(403L);
      }
      Object backfill =
          viewer
              .driver()
              .executeAsyncScript(
                  "const done = arguments[arguments.length - 1];"
                      + "sluice.api('POST', '/v1/backfills', {from: '2026-11-01', to: '2026-11-01'})"
                      + ".then(() => done('accepted'), e => done(e.message));");
      assertThat(String.valueOf(backfill)).contains("needs the operator token");
    }
  }
}
