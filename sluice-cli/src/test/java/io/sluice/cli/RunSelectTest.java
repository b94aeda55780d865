package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice run --select}, as a user types it: only what the selectors pick runs. */
class RunSelectTest {
  @TempDir Path project;

  @Test
  void aModelWithPlusBuildsOnlyThatModelAndItsDescendants() {
    ExampleProject.copyTo(project);
    ShopGenerator.generate(project, ShopGenerator.Options.defaults().withOrders(200));
    assertThat(sluice("run", "-p", project.toString(), "--progress=never").exit()).isZero();

    Sluice.Result selected =
        sluice(
            "run",
            "-p",
            project.toString(),
            "--select",
            "daily_revenue+",
            "--full-refresh",
            "--progress=never");

    assertThat(selected.exit()).as(selected.err()).isZero();
    assertThat(selected.out())
        .containsPattern("daily_revenue\\s+table\\s+built")
        .doesNotContain("orders_enriched")
        .doesNotContain("funnel")
        .contains("run ok in");
    Sluice.Result runs = sluice("runs", "list", "-p", project.toString());
    assertThat(runs.out()).contains("manual");
  }

  @Test
  void aSelectorThatNamesNothingIsAUserErrorWithASuggestion() {
    ExampleProject.copyTo(project);
    Sluice.Result result = sluice("run", "-p", project.toString(), "--select", "daly_revenue+");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("--select 'daly_revenue+': no model or source is named 'daly_revenue'")
        .contains("did you mean 'daily_revenue'?");
  }
}
