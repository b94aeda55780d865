package io.sluice.core.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice run --select}: only what the selectors pick runs; the rest is left as it is. */
class SelectedRunTest {
  private static final ShopGenerator.Options OPTIONS =
      ShopGenerator.Options.defaults().withOrders(500).withDefectRate(0.0);

  @TempDir Path project;

  private static RunSummary run(ProjectRuntime runtime, boolean fullRefresh, String... select) {
    return runtime.run(
        new RunRequest(List.of(select), List.of(), fullRefresh, Optional.empty(), "manual"),
        Clock.systemUTC(),
        RunListener.NONE);
  }

  @Test
  void aModelWithPlusBuildsOnlyItAndItsDescendants() {
    ShopFixture.create(project, OPTIONS);
    try (ProjectRuntime runtime = ShopFixture.open(project)) {
      assertThat(ShopFixture.run(runtime).status()).isEqualTo(RunStatus.OK);

      RunSummary selected = run(runtime, true, "orders_enriched+");

      assertThat(selected.status()).isEqualTo(RunStatus.OK);
      assertThat(selected.sources()).isEmpty();
      assertThat(selected.models())
          .extracting(RunSummary.ModelRun::model, RunSummary.ModelRun::action)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("orders_enriched", "built"),
              org.assertj.core.groups.Tuple.tuple("daily_revenue", "built"),
              org.assertj.core.groups.Tuple.tuple("funnel", "built"));
      assertThat(selected.select()).containsExactly("orders_enriched+");

      RunSummary leaf = run(runtime, true, "daily_revenue+");
      assertThat(leaf.models())
          .extracting(RunSummary.ModelRun::model)
          .containsExactly("daily_revenue");
      assertThat(leaf.tests())
          .as("only the tests that read daily_revenue")
          .extracting(RunSummary.TestRun::test)
          .contains("no_negative_revenue")
          .noneMatch(t -> t.contains("funnel") || t.contains("orders_enriched"));
    }
  }

  @Test
  void aSourceSelectorLandsOnlyThatSource() {
    ShopFixture.create(project, OPTIONS);
    try (ProjectRuntime runtime = ShopFixture.open(project)) {
      RunSummary summary = run(runtime, false, "source:customers");

      assertThat(summary.sources())
          .extracting(RunSummary.SourceRun::source)
          .containsExactly("customers");
      assertThat(summary.sources().get(0).rowsValid()).isPositive();
      assertThat(summary.models()).isEmpty();
    }
  }
}
