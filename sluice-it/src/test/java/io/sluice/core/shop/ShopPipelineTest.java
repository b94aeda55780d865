package io.sluice.core.shop;

import static io.sluice.core.shop.ShopFixture.normalized;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ShopGenerator;
import io.sluice.cli.demo.Truth;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunSummary;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example shop project on generated data, through the real pipeline (files connector, DuckDB,
 * Iceberg lake): what lands, what is quarantined and why must be exactly what the generator
 * injected.
 */
class ShopPipelineTest {
  private static final ShopGenerator.Options OPTIONS =
      ShopGenerator.Options.defaults().withOrders(5_000).withDefectRate(0.05);

  @TempDir static Path project;

  private static Truth truth;
  private static RunSummary summary;
  private static ProjectRuntime runtime;

  @BeforeAll
  static void runPipeline() {
    truth = ShopFixture.create(project, OPTIONS);
    runtime = ShopFixture.open(project);
    summary = ShopFixture.run(runtime);
  }

  @AfterAll
  static void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void readsLandsAndQuarantinesExactlyWhatTheGeneratorWrote() {
    assertThat(summary.error()).isEmpty();
    for (String name : ShopFixture.SOURCES) {
      Truth.Source expected = truth.source(name);
      RunSummary.SourceRun actual = ShopFixture.source(summary, name);
      assertThat(actual.files()).as(name + " files").isEqualTo(expected.files().size());
      assertThat(actual.rowsRead()).as(name + " rows read").isEqualTo(expected.records());
      assertThat(actual.rowsValid()).as(name + " rows valid").isEqualTo(expected.valid());
      assertThat(actual.rowsQuarantined())
          .as(name + " rows quarantined")
          .isEqualTo(expected.quarantined());
      assertThat(actual.failuresByRule())
          .as(name + " failures by rule")
          .isEqualTo(expected.failuresByRule());
      assertThat(actual.rowsWarned()).as(name + " rows warned").isEqualTo(expected.warned());
    }
    assertThat(summary.score()).isEqualTo(truth.score());
  }

  @Test
  void quarantineHoldsExactlyTheInjectedDefectsWithTheirRules() {
    for (String name : ShopFixture.SOURCES) {
      assertThat(ShopFixture.quarantined(runtime, name, ""))
          .as("quarantine.%s (file, line, rule) vs the injected defects", name)
          .isEqualTo(truth.source(name).defects());
    }
  }

  @Test
  void cleanTablesHoldEveryValidRecord() {
    for (String name : ShopFixture.SOURCES) {
      assertThat(ShopFixture.scalarLong(runtime, "SELECT count(*) FROM lake." + name))
          .as("lake." + name)
          .isEqualTo(truth.source(name).valid());
      assertThat(ShopFixture.scalarLong(runtime, "SELECT count(*) FROM raw." + name))
          .as("raw." + name)
          .isEqualTo(truth.source(name).records());
    }
    assertThat(
            ShopFixture.scalarLong(
                runtime, "SELECT count(DISTINCT order_id) - count(*) FROM lake.orders"))
        .isZero();
  }

  @Test
  void modelsAreBuiltAndTheirTestsPass() {
    assertThat(ShopFixture.modelActions(summary))
        .containsOnlyKeys(ShopFixture.MODELS)
        .allSatisfy((model, action) -> assertThat(action).isEqualTo("built"));
    assertThat(summary.tests())
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.passed()).as(t.test()).isTrue());
    assertThat(summary.status().label()).isEqualTo("ok");
  }

  @Test
  void dailyRevenueAddsUpToTheValidPaidAndShippedOrders() {
    assertThat(normalized(ShopFixture.revenueByDay(runtime)))
        .isEqualTo(normalized(truth.paidRevenueByDay()));
    assertThat(
            ShopFixture.scalarDecimal(
                runtime, "SELECT sum(amount) FROM lake.orders WHERE status IN ('paid', 'shipped')"))
        .isEqualByComparingTo(truth.paidRevenue());
    assertThat(ShopFixture.scalarLong(runtime, "SELECT count(*) FROM orders_enriched"))
        .isEqualTo(truth.source("orders").valid());
  }

  @Test
  void funnelHasOneRowPerDayOfClicks() {
    assertThat(ShopFixture.scalarLong(runtime, "SELECT count(*) FROM funnel"))
        .isEqualTo(
            ShopFixture.scalarLong(
                runtime, "SELECT count(DISTINCT CAST(event_time AS DATE)) FROM lake.clicks"));
    assertThat(ShopFixture.scalarLong(runtime, "SELECT sum(orders) FROM funnel"))
        .isEqualTo(truth.source("orders").valid());
  }
}
