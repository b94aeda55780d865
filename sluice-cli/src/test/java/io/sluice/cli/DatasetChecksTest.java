package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset-level checks end to end: batches built to trip one check each trip exactly that check, a
 * check of severity fail fails the run and keeps the models as they were, warn only reports.
 */
class DatasetChecksTest {
  @TempDir Path temp;
  private Path project;
  private int file;
  private String lastOut = "";
  private final String recent =
      Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("orders");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("models"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: orders\n");
    Files.writeString(
        project.resolve("models/totals.sql"),
        "{{ config(materialized='table') }}\nSELECT count(*) AS n FROM {{ source('orders') }}\n");
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/*.ndjson
        event-time: ts
        columns:
          - {name: id, type: bigint}
          - {name: ts, type: timestamp}
          - {name: email, type: string}
          - {name: country, type: string}
          - {name: amount, type: "decimal(10,2)"}
        dataset-checks:
          - {name: enough_rows, kind: volume, min-rows: 2}
          - {name: usual_volume, kind: volume, window: 3, k: 3, severity: fail}
          - {name: emails_present, kind: null-rate, column: email, max-rate: 0.5}
          - {name: countries, kind: distinct-count, column: country, min: 2}
          - name: no_negative_amounts
            kind: assertion
            sql: "SELECT * FROM {{ batch }} WHERE amount < 0"
            severity: fail
          - {name: fresh, kind: freshness, max-lag: 1d}
        """);
  }

  /** Writes a batch of {@code rows} orders and runs; returns the failed checks' names. */
  private List<String> batch(int rows, boolean negative, boolean nullEmails, int countries)
      throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      lines.append(
          String.format(
              "{\"id\":%d,\"ts\":\"%s\",\"email\":%s,\"country\":\"c%d\",\"amount\":%s}%n",
              file * 1000 + i,
              recent,
              nullEmails ? "null" : "\"a" + i + "@example.com\"",
              i % countries,
              negative ? "-1.50" : "2.50"));
    }
    Files.writeString(project.resolve("data/part-" + file++ + ".ndjson"), lines.toString());
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    lastOut = run.out();
    List<String> failed = new ArrayList<>();
    for (String line : run.out().split("\n")) {
      if (line.startsWith("FAILED check orders.") || line.startsWith("warning: check orders.")) {
        failed.add(line.substring(line.indexOf("orders.") + 7, line.indexOf(" (")));
      }
    }
    assertThat(run.exit())
        .as(run.out() + run.err())
        .isEqualTo(
            failed.contains("usual_volume") || failed.contains("no_negative_amounts") ? 1 : 0);
    return failed;
  }

  private long modelRows() {
    Sluice.Result result =
        sluice("query", "-p", project.toString(), "--format", "csv", "SELECT n FROM totals");
    return Long.parseLong(result.out().split("\n")[1].trim());
  }

  @Test
  void eachBatchBuiltToTripACheckTripsExactlyThatCheck() throws Exception {
    assertThat(batch(10, false, false, 3)).isEmpty();
    assertThat(batch(12, false, false, 3)).isEmpty();
    assertThat(batch(11, false, false, 3)).isEmpty();
    assertThat(modelRows()).isEqualTo(33);

    assertThat(batch(100, false, false, 3)).containsExactly("usual_volume");
    assertThat(modelRows()).as("a failed check of severity fail keeps the models").isEqualTo(33);

    assertThat(batch(11, true, false, 3)).containsExactly("no_negative_amounts");
    assertThat(batch(1, false, true, 1))
        .containsExactly("enough_rows", "emails_present", "countries");
    assertThat(batch(11, false, false, 3)).isEmpty();
    assertThat(modelRows()).isEqualTo(33 + 100 + 11 + 1 + 11);
  }

  @Test
  void volumeMaxChangeComparesWithTheMeanOfTheWindow() throws Exception {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        path: data/*.ndjson
        columns:
          - {name: id, type: bigint}
          - {name: ts, type: timestamp}
          - {name: email, type: string}
          - {name: country, type: string}
          - {name: amount, type: "decimal(10,2)"}
        dataset-checks:
          - {name: steady_volume, kind: volume, window: 2, max-change: 0.5}
        """);
    assertThat(batch(10, false, false, 3)).isEmpty();
    assertThat(batch(30, false, false, 3)).as("fewer than window batches before").isEmpty();
    assertThat(batch(30, false, false, 3)).as("mean 20, +50%% is not more than 0.5").isEmpty();
    assertThat(batch(14, false, false, 3)).as("mean 30, -53%").containsExactly("steady_volume");
    assertThat(lastOut)
        .contains(
            "warning: check orders.steady_volume (volume): 14 rows landed, -53% from the mean 30.0"
                + " of the last 2 batches (max-change 0.5)");
    assertThat(batch(22, false, false, 3)).as("mean 22").isEmpty();
  }

  @Test
  void freshnessIsJudgedOnEveryRunAlsoWithoutNewData() throws Exception {
    Files.writeString(
        project.resolve("data/old.ndjson"),
        "{\"id\":1,\"ts\":\"2020-01-01T00:00:00Z\",\"email\":\"a@b.c\",\"country\":\"x\","
            + "\"amount\":1}\n{\"id\":2,\"ts\":\"2020-01-01T00:00:00Z\",\"email\":\"a@b.c\","
            + "\"country\":\"y\",\"amount\":1}\n");
    Sluice.Result first = sluice("run", "-p", project.toString(), "--progress=never");
    Sluice.Result again = sluice("run", "-p", project.toString(), "--progress=never");

    for (Sluice.Result run : List.of(first, again)) {
      assertThat(run.exit()).as(run.out()).isZero();
      assertThat(run.out())
          .contains(
              "warning: check orders.fresh (freshness): the newest event time,"
                  + " 2020-01-01T00:00:00, is ")
          .contains("old (max-lag 1d)");
    }
  }
}
