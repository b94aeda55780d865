package io.sluice.core.shop;

import static io.sluice.core.shop.ShopFixture.normalized;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ShopGenerator;
import io.sluice.cli.demo.Truth;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs after the first: nothing new does nothing; new files are all that is read. */
class IncrementalRunTest {
  private static final ShopGenerator.Options OPTIONS =
      ShopGenerator.Options.defaults().withOrders(2_000).withDefectRate(0.05);

  @TempDir Path project;

  @Test
  void aSecondRunOnUnchangedInputReadsNothingAndChangesNothing() {
    ShopFixture.create(project, OPTIONS);
    Map<String, List<List<String>>> before;
    try (ProjectRuntime runtime = ShopFixture.open(project)) {
      assertThat(ShopFixture.run(runtime).status().label()).isEqualTo("ok");
      before = ShopFixture.dumpAll(runtime);
    }

    RunSummary second;
    Map<String, List<List<String>>> after;
    try (ProjectRuntime runtime = ShopFixture.open(project)) {
      second = ShopFixture.run(runtime);
      after = ShopFixture.dumpAll(runtime);
    }

    assertThat(second.status().label()).isEqualTo("ok");
    assertThat(second.sources())
        .hasSize(3)
        .allSatisfy(
            s -> {
              assertThat(s.rowsRead()).as(s.source()).isZero();
              assertThat(s.files()).as(s.source()).isZero();
              assertThat(s.batchId()).as(s.source()).isEmpty();
            });
    assertThat(ShopFixture.modelActions(second))
        .containsOnlyKeys(ShopFixture.MODELS)
        .allSatisfy((model, action) -> assertThat(action).as(model).isEqualTo("skipped"));
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach(
        (table, rows) -> {
          assertThat(rows).as(table + " before").isNotEmpty();
          assertThat(after.get(table)).as(table).isEqualTo(rows);
        });
  }

  @Test
  void aNewFilePerSourceIsAllTheNextRunReadsAndTheIncrementalModelMergesIt() {
    Truth initial = ShopFixture.create(project, OPTIONS);
    try (ProjectRuntime runtime = ShopFixture.open(project)) {
      assertThat(ShopFixture.run(runtime).status().label()).isEqualTo("ok");
    }
    Truth later = ShopGenerator.appendBatch(project, OPTIONS, 1);
    Truth both = initial.plus(later);

    try (ProjectRuntime runtime = ShopFixture.open(project)) {
      RunSummary summary = ShopFixture.run(runtime);

      assertThat(summary.status().label()).isEqualTo("ok");
      for (String name : ShopFixture.SOURCES) {
        Truth.Source expected = later.source(name);
        RunSummary.SourceRun actual = ShopFixture.source(summary, name);
        assertThat(actual.files()).as(name + " files").isEqualTo(1);
        assertThat(actual.rowsRead()).as(name + " rows read").isEqualTo(expected.records());
        assertThat(actual.rowsValid()).as(name + " rows valid").isEqualTo(expected.valid());
        assertThat(actual.rowsQuarantined())
            .as(name + " rows quarantined")
            .isEqualTo(expected.quarantined());
        assertThat(actual.failuresByRule())
            .as(name + " failures by rule")
            .isEqualTo(expected.failuresByRule());
        assertThat(ShopFixture.quarantined(runtime, name, actual.batchId()))
            .as("quarantine.%s of batch %s", name, actual.batchId())
            .isEqualTo(expected.defects());
        assertThat(ShopFixture.quarantined(runtime, name, ""))
            .as("quarantine.%s", name)
            .isEqualTo(both.source(name).defects());
        assertThat(ShopFixture.scalarLong(runtime, "SELECT count(*) FROM lake." + name))
            .as("lake." + name)
            .isEqualTo(both.source(name).valid());
      }
      assertThat(ShopFixture.modelActions(summary))
          .containsEntry("orders_enriched", "incremental")
          .containsEntry("daily_revenue", "built")
          .containsEntry("funnel", "built");
      assertThat(summary.tests()).allSatisfy(t -> assertThat(t.passed()).as(t.test()).isTrue());

      // The merged model equals the model computed from scratch over all clean orders.
      assertThat(
              ShopFixture.dump(
                  runtime,
                  "(SELECT order_id, customer_id, ordered_at, order_date, status, amount, currency,"
                      + " country, segment FROM orders_enriched)"))
          .isEqualTo(
              ShopFixture.dump(
                  runtime,
                  "(SELECT o.order_id, o.customer_id, o.ordered_at,"
                      + " CAST(o.ordered_at AS DATE) AS order_date, o.status, o.amount,"
                      + " o.currency, o.country, coalesce(c.segment, 'unknown') AS segment"
                      + " FROM lake.orders o"
                      + " LEFT JOIN lake.customers c ON c.customer_id = o.customer_id)"));
      assertThat(ShopFixture.scalarLong(runtime, "SELECT count(*) FROM orders_enriched"))
          .isEqualTo(both.source("orders").valid());
      assertThat(normalized(ShopFixture.revenueByDay(runtime)))
          .isEqualTo(normalized(both.paidRevenueByDay()));
    }

    try (ProjectRuntime runtime = ShopFixture.open(project)) {
      RunSummary third = ShopFixture.run(runtime);
      assertThat(third.rowsRead()).isZero();
      assertThat(ShopFixture.modelActions(third))
          .allSatisfy((model, action) -> assertThat(action).as(model).isEqualTo("skipped"));
    }
  }
}
