package io.sluice.core.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.DatasetIncident;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.cli.demo.Truth;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example shop project's dataset checks on a series of incremental runs, with {@link
 * DatasetIncident}s built into chosen batches: each run fails exactly the checks its batch was
 * built to trip, every other check of every source passes, and the row-level truth still holds per
 * batch. Each run happens one hour after its batch's data ends (an injected clock), as an hourly
 * scheduler would.
 */
class ShopDatasetChecksTest {
  private static final int LATER_BATCHES = 7;
  private static final ShopGenerator.Options OPTIONS =
      ShopGenerator.Options.defaults()
          .withOrders(2_000)
          .withDefectRate(0.05)
          .withIncident(4, DatasetIncident.TRUNCATED_EXPORT)
          .withIncident(4, DatasetIncident.GEO_OUTAGE)
          .withIncident(5, DatasetIncident.REGIONAL_EXPORT)
          .withIncident(5, DatasetIncident.TRACKER_DOWN)
          .withIncident(6, DatasetIncident.DOUBLE_SUBMIT);

  @TempDir Path project;

  @Test
  void eachRunFailsExactlyTheChecksItsBatchWasBuiltToTrip() {
    List<Truth> truths = new ArrayList<>();
    truths.add(ShopFixture.create(project, OPTIONS));
    List<Map<String, List<String>>> expected = new ArrayList<>();
    List<Map<String, List<String>>> actual = new ArrayList<>();
    List<RunSummary> summaries = new ArrayList<>();
    for (int batch = 0; batch <= LATER_BATCHES; batch++) {
      if (batch > 0) {
        truths.add(ShopGenerator.appendBatch(project, OPTIONS, batch));
      }
      Clock clock =
          Clock.fixed(
              ShopGenerator.dataEnd(OPTIONS, batch).plus(Duration.ofHours(1)), ZoneOffset.UTC);
      RunSummary summary;
      try (ProjectRuntime runtime = ShopFixture.open(project)) {
        summary = runtime.run(clock, RunListener.NONE);
      }
      summaries.add(summary);
      Truth truth = truths.get(batch);
      Map<String, List<String>> wanted = new TreeMap<>();
      Map<String, List<String>> failed = new TreeMap<>();
      for (String source : ShopFixture.SOURCES) {
        wanted.put(source, truth.source(source).failedChecks());
        RunSummary.SourceRun run = ShopFixture.source(summary, source);
        failed.put(
            source,
            run.checks().stream()
                .filter(c -> !c.kind().equals("rule") && !c.passed())
                .map(RunSummary.CheckRun::check)
                .sorted()
                .toList());
        if (!truth.source(source).files().isEmpty()) {
          assertThat(run.rowsValid())
              .as("batch %d %s valid", batch, source)
              .isEqualTo(truth.source(source).valid());
          assertThat(run.failuresByRule())
              .as("batch %d %s failures", batch, source)
              .isEqualTo(truth.source(source).failuresByRule());
        }
      }
      expected.add(wanted);
      actual.add(failed);
    }

    assertThat(actual).as("failed dataset checks per run").isEqualTo(expected);
    // Each incident trips its check on its batch only; the batches without one trip nothing.
    assertThat(expected.get(4))
        .containsEntry("orders", List.of("usual_volume"))
        .containsEntry("clicks", List.of("country_known"));
    assertThat(expected.get(5))
        .containsEntry("orders", List.of("countries"))
        .containsEntry("clicks", List.of("tracker_alive"));
    assertThat(expected.get(6)).containsEntry("orders", List.of("no_double_submits"));
    for (int batch : List.of(0, 1, 2, 3, 7)) {
      assertThat(expected.get(batch).values()).as("batch " + batch).allMatch(List::isEmpty);
    }

    // usual_volume has severity fail: that run stops before the models, the others are ok.
    for (int batch = 0; batch <= LATER_BATCHES; batch++) {
      assertThat(summaries.get(batch).status().label())
          .as("run %d status", batch)
          .isEqualTo(batch == 4 ? "checks-failed" : "ok");
    }
    RunSummary.SourceRun tracker = ShopFixture.source(summaries.get(5), "clicks");
    assertThat(tracker.files()).as("the tracker sent nothing").isZero();
    assertThat(
            tracker.checks().stream()
                .filter(c -> c.check().equals("tracker_alive"))
                .findFirst()
                .orElseThrow()
                .message())
        .startsWith("the newest event time, ")
        .endsWith(" old (max-lag 36h)");
  }
}
