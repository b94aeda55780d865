package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality thresholds: a source's own {@code min-score} overrides {@code quality.min-score}, and
 * {@code quality.min-run-score} judges the whole run; each threshold missed fails the run with a
 * message naming the dataset, the score and the threshold.
 */
class QualityThresholdsTest {
  @TempDir Path temp;
  private Path project;

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("shop");
    Files.createDirectories(project.resolve("data"));
    write(
        "sluice.yaml",
        """
        name: shop
        quality:
          min-score: 0.5
          min-run-score: 0.8
        """);
    for (String source : new String[] {"orders", "clicks"}) {
      write(
          "sources/" + source + ".yaml",
          "path: data/"
              + source
              + "-*.csv\ncolumns:\n  - {name: id, type: bigint, checks: [not_null]}\n"
              + (source.equals("clicks") ? "min-score: 0.9\n" : ""));
    }
  }

  @Test
  void eachThresholdMissedFailsTheRunNamingDatasetScoreAndThreshold() throws Exception {
    write("data/orders-1.csv", "id\n1\n2\n3\nx\n");
    write("data/clicks-1.csv", "id\n1\nx\n3\n4\n");

    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out())
        .contains(
            "FAILED quality: batch b-000001 of 'clicks' scored 75.00%, below its min-score"
                + " 90.00% (3 of 4 rows valid)\n")
        .contains(
            "FAILED quality: the run scored 75.00% over every source, below"
                + " quality.min-run-score 80.00% (6 of 8 rows valid)\n")
        .doesNotContain("of 'orders' scored")
        .contains("run quality-failed");
    Sluice.Result status = sluice("status", "-p", project.toString());
    assertThat(status.out())
        .contains(
            "dataset  batches  rows read  landed  quarantined  quality  last batch  min score")
        .containsPattern(
            "clicks         1          4       3            1   75.00%      75.00%     90.00%")
        .containsPattern(
            "orders         1          4       3            1   75.00%      75.00%     50.00%")
        .contains("quality-failed");
  }

  @Test
  void aRunMeetingEveryThresholdIsOk() throws Exception {
    write("data/orders-1.csv", "id\n1\n2\n3\nx\n");
    write("data/clicks-1.csv", "id\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");

    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).doesNotContain("FAILED quality").contains("run ok");
  }

  private void write(String relative, String content) throws Exception {
    Path file = project.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
