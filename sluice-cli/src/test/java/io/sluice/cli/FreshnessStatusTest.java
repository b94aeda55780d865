package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop example's freshness SLAs in {@code sluice status}: orders must have landed within 2h
 * (severity fail), daily_revenue must be built every day by 07:00 Berlin time (warn).
 */
class FreshnessStatusTest {
  @TempDir Path project;

  private void shop() {
    ExampleProject.copyTo(project);
    ShopGenerator.generate(
        project, ShopGenerator.Options.defaults().withOrders(200).withDefectRate(0.0));
  }

  private void runAt(Instant instant) {
    assertThat(
            ProjectRuntime.runOnce(
                    ProjectLoader.load(project),
                    RunRequest.all("manual"),
                    Clock.fixed(instant, ZoneOffset.UTC),
                    RunListener.NONE)
                .status())
        .isEqualTo(RunStatus.OK);
  }

  @Test
  void theShopExampleValidatesCleanlyWithItsSchedules() {
    shop();

    Sluice.Result result = sluice("validate", "-p", project.toString());

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.err()).doesNotContain("warning");
    assertThat(result.out()).contains("is valid");
  }

  @Test
  void beforeAnyRunTheSlasAreUnknown() {
    shop();

    Sluice.Result result = sluice("status", "-p", project.toString());

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Freshness")
        .containsPattern("orders_recent +source orders +unknown +never +max-age 2h")
        .containsPattern(
            "revenue_by_seven +model daily_revenue +unknown +never +deadline 07:00 Europe/Berlin")
        .contains(
            "warning: freshness SLA orders_recent on source orders cannot be evaluated: no batch"
                + " of source orders has landed yet");
  }

  @Test
  void ordersLandedThreeHoursAgoFailTheirSla() throws Exception {
    shop();
    runAt(Instant.now().minus(Duration.ofHours(3)));

    Sluice.Result table = sluice("status", "-p", project.toString());

    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out())
        .containsPattern("orders_recent +source orders +breached \\(fail\\) +3h(0m)? +max-age 2h")
        .containsPattern(
            "FAILED: freshness SLA orders_recent on source orders is breached: last refreshed"
                + " 3h(0m)? ago, 1h(0m)? more than max-age 2h");

    Sluice.Result json = sluice("status", "-p", project.toString(), "--format", "json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode orders = new ObjectMapper().readTree(json.out()).get("freshness").get(0);
    assertThat(orders.get("name").asText()).isEqualTo("orders_recent");
    assertThat(orders.get("target").asText()).isEqualTo("source:orders");
    assertThat(orders.get("status").asText()).isEqualTo("breached");
    assertThat(orders.get("severity").asText()).isEqualTo("fail");
    assertThat(orders.get("age-seconds").asLong()).isBetween(3 * 3600L, 3 * 3600L + 600);
    assertThat(orders.get("limit").asText()).isEqualTo("max-age 2h");
  }

  @Test
  void aFreshRunMeetsTheMaxAge() {
    shop();
    runAt(Instant.now());

    Sluice.Result result = sluice("status", "-p", project.toString());

    assertThat(result.out())
        .containsPattern("orders_recent +source orders +fresh +\\d+s +max-age 2h")
        .containsPattern("revenue_by_seven +model daily_revenue +fresh +\\d+s")
        .doesNotContain("FAILED: freshness");
  }
}
