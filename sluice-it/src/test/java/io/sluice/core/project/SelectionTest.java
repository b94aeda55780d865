package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dbt-style selectors over a small graph: orders, customers -> enriched -> daily -> weekly. */
class SelectionTest {
  @TempDir Path directory;
  private Project project;

  @BeforeEach
  void setUp() {
    project =
        new TestProject(directory)
            .minimal()
            .source("orders")
            .source("customers")
            .source("clicks")
            .file(
                "models/enriched.sql",
                "SELECT * FROM {{ source('orders') }} JOIN {{ source('customers') }} USING (id)")
            .file(
                "models/daily.sql",
                "{{ config(materialized='table', tags=['daily', 'finance']) }}\n"
                    + "SELECT * FROM {{ ref('enriched') }}")
            .file("models/weekly.sql", "SELECT * FROM {{ ref('daily') }}")
            .file(
                "models/funnel.sql",
                "{{ config(tags='daily') }}\nSELECT * FROM {{ source('clicks') }}")
            .load();
  }

  private Selection select(String... selectors) {
    return Selection.of(project, List.of(selectors), List.of());
  }

  @Test
  void nothingSelectsEverything() {
    Selection all = Selection.of(project, List.of(), List.of());
    assertThat(all.sources()).containsExactly("clicks", "customers", "orders");
    assertThat(all.models()).containsExactly("enriched", "daily", "funnel", "weekly");
    assertThat(all).isEqualTo(Selection.all(project));
  }

  @Test
  void aNameWithPlusAfterIsTheModelAndWhatReadsIt() {
    Selection selection = select("daily+");
    assertThat(selection.sources()).isEmpty();
    assertThat(selection.models()).containsExactly("daily", "weekly");
  }

  @Test
  void aPlusBeforeAddsEverythingUpstreamSourcesIncluded() {
    Selection selection = select("+daily");
    assertThat(selection.sources()).containsExactly("customers", "orders");
    assertThat(selection.models()).containsExactly("enriched", "daily");
  }

  @Test
  void sourceAndTagMethodsAndUnionsAndIntersections() {
    assertThat(select("source:orders+").models()).containsExactly("enriched", "daily", "weekly");
    assertThat(select("source:orders+").sources()).containsExactly("orders");
    assertThat(select("tag:daily").models()).containsExactly("daily", "funnel");
    assertThat(select("tag:daily source:clicks").sources()).containsExactly("clicks");
    assertThat(select("tag:daily,source:orders+").models()).containsExactly("daily");
    assertThat(select("clicks").sources()).containsExactly("clicks");
  }

  @Test
  void excludeRemovesFromTheSelection() {
    Selection selection = Selection.of(project, List.of("source:orders+"), List.of("weekly"));
    assertThat(selection.models()).containsExactly("enriched", "daily");
  }

  @Test
  void unknownNamesAreUserErrorsWithSuggestions() {
    assertThatThrownBy(() -> select("dialy+"))
        .isInstanceOf(SluiceException.class)
        .hasMessage(
            "--select 'dialy+': no model or source is named 'dialy' (did you mean 'daily'?);"
                + " models: enriched, daily, funnel, weekly; sources: clicks, customers, orders");
    assertThatThrownBy(() -> select("tag:weekly"))
        .hasMessageStartingWith("--select 'tag:weekly': no model has the tag 'weekly'");
    assertThatThrownBy(() -> select("model:daily"))
        .hasMessageStartingWith("--select 'model:daily': unknown selector method 'model:'");
    assertThatThrownBy(() -> Selection.of(project, List.of("weekly"), List.of("weekly")))
        .hasMessage("The selection weekly --exclude weekly selects no source and no model");
  }

  @Test
  void badCronAndTimeZoneAreReportedWhereTheyAre() {
    TestProject broken =
        new TestProject(directory)
            .file(
                "sluice.yaml",
                """
                name: shop
                schedules:
                  - name: both
                    cron: "61 * * * *"
                    time-zone: Mars/Olympus
                """);
    assertThat(broken.problems())
        .containsExactly(
            "sluice.yaml:4:11: not a cron expression (minute hour day-of-month month day-of-week,"
                + " e.g. \"0 6 * * *\"): Failed to parse cron expression. Value 61 not in range"
                + " [0, 59]",
            "sluice.yaml:5:16: unknown time zone 'Mars/Olympus' (use a region such as"
                + " Europe/Berlin, or UTC)");
  }

  @Test
  void schedulesAndSlasAreCheckedAgainstTheProject() {
    TestProject broken =
        new TestProject(directory)
            .file(
                "sluice.yaml",
                """
                name: shop
                schedules:
                  - name: hourly
                    select: [dialy+]
                    cron: "0 * * * *"
                  - name: after
                    on: [success:hourly, freshness-breach:late, new-data]
                  - name: never
                    catch-up: latest
                  - name: both
                    cron: "1 * * * *"
                    interval: 5m
                freshness:
                  - name: stale
                    target: source:order
                """);
    assertThat(broken.problems())
        .containsExactlyInAnyOrder(
            "sluice.yaml:15:13: freshness 'stale': no source is named 'order' (did you mean"
                + " 'orders'?)",
            "sluice.yaml:14:5: freshness 'stale': set max-age (e.g. 2h), deadline (e.g. \"07:00\"),"
                + " or both",
            "sluice.yaml:7:9: schedule 'after': on: no freshness SLA is named 'late'",
            "sluice.yaml:8:5: schedule 'never': say when it runs: cron (e.g. \"0 6 * * *\"),"
                + " interval (e.g. 15m) or on",
            "sluice.yaml:12:15: schedule 'both': set cron or interval, not both",
            "sluice.yaml:4:13: schedule 'hourly': select 'dialy+': no model or source is named"
                + " 'dialy' (did you mean 'daily'?); models: enriched, daily, funnel, weekly;"
                + " sources: clicks, customers, orders");
  }

  @Test
  void schedulesAreRead() {
    Project loaded =
        new TestProject(directory)
            .file(
                "sluice.yaml",
                """
                name: shop
                retries: {max-attempts: 5}
                schedules:
                  - name: nightly
                    select: [daily+]
                    cron: "30 2 * * *"
                    time-zone: Europe/Berlin
                    catch-up: all
                  - name: after
                    on: [success:nightly]
                    retries: {max-attempts: 1}
                freshness:
                  - {name: fresh_daily, target: daily, max-age: 26h, deadline: "07:00"}
                """)
            .load();
    Orchestration orchestration = loaded.orchestration();
    Orchestration.Schedule nightly = orchestration.schedule("nightly").orElseThrow();
    assertThat(nightly.cron()).contains("30 2 * * *");
    assertThat(nightly.timeZone().getId()).isEqualTo("Europe/Berlin");
    assertThat(nightly.catchUp()).isEqualTo(Orchestration.CatchUp.ALL);
    assertThat(nightly.retries().maxAttempts()).isEqualTo(5);
    Orchestration.Schedule after = orchestration.schedule("after").orElseThrow();
    assertThat(after.on())
        .containsExactly(new Orchestration.Trigger(Orchestration.Trigger.Kind.SUCCESS, "nightly"));
    assertThat(after.retries().maxAttempts()).isEqualTo(1);
    assertThat(orchestration.freshness().get(0).deadline().orElseThrow().toString())
        .isEqualTo("07:00");
  }
}
