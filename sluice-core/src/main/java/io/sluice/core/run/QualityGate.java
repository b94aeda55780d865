package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.core.project.Project;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quality thresholds a run must meet: each source's batch against its {@code min-score} (else
 * {@code quality.min-score}), and the whole run against {@code quality.min-run-score}. Scores are
 * those of {@link RunSummary.SourceRun#score()} and {@link RunSummary#score()}, so a weighted score
 * defined there is what the thresholds judge.
 */
public final class QualityGate {
  private final Project.QualityConfig quality;

  public QualityGate(Project.QualityConfig quality) {
    this.quality = requireNonNull(quality, "quality is null");
  }

  /**
   * Why the run fails its thresholds, one message per threshold missed (naming the dataset, its
   * score and the threshold); empty when it meets them all. A source that read nothing in the run
   * has no batch to judge.
   */
  public List<String> violations(RunSummary run) {
    List<String> violations = new ArrayList<>();
    for (RunSummary.SourceRun source : run.sources()) {
      double min = quality.minScore(source.source());
      if (source.rowsRead() > 0 && source.score() < min) {
        violations.add(
            String.format(
                Locale.ROOT,
                "batch %s of '%s' scored %s, below its min-score %s (%s of %s rows valid)",
                source.batchId(),
                source.source(),
                percent(source.score()),
                percent(min),
                source.rowsValid(),
                source.rowsRead()));
      }
    }
    if (run.rowsRead() > 0 && run.score() < quality.minRunScore()) {
      violations.add(
          String.format(
              Locale.ROOT,
              "the run scored %s over every source, below quality.min-run-score %s (%s of %s rows"
                  + " valid)",
              percent(run.score()),
              percent(quality.minRunScore()),
              run.rowsValid(),
              run.rowsRead()));
    }
    return violations;
  }

  /**
   * A score as a percentage with two decimals, as every command prints scores. Rounding never hides
   * a failed row: a score below 1 prints at most {@code 99.99%} (not {@code 100.00%} for 99.996%),
   * a score above 0 at least {@code 0.01%}.
   */
  public static String percent(double ratio) {
    String text = String.format(Locale.ROOT, "%.2f", ratio * 100);
    if (ratio < 1 && text.equals("100.00")) {
      text = "99.99";
    } else if (ratio > 0 && text.equals("0.00")) {
      text = "0.01";
    }
    return text + "%";
  }
}
