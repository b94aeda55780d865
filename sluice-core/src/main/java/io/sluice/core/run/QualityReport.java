package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The quality history of each dataset, read from its clean table's snapshot summaries (see {@link
 * BatchHistory}): what {@code sluice quality}, {@code sluice status} and {@code /metrics} show.
 */
public final class QualityReport {
  private QualityReport() {}

  /**
   * One dataset's quality.
   *
   * @param dataset the source's name
   * @param minScore the least score a batch must have ({@code min-score}, else {@code
   *     quality.min-score}); 0 when none is set
   * @param history its batches and totals; empty when nothing landed yet
   * @param warnWeight {@code quality.warn-weight}, for weighted scores
   */
  public record Dataset(String dataset, double minScore, BatchHistory history, double warnWeight) {
    public Dataset {
      requireNonNull(dataset, "dataset is null");
      requireNonNull(history, "history is null");
    }

    /** With the default warn weight, 0.5. */
    public Dataset(String dataset, double minScore, BatchHistory history) {
      this(dataset, minScore, history, 0.5);
    }
  }

  /** Every source's dataset, in name order. */
  public static List<Dataset> of(Project project, Lake lake) {
    List<Dataset> datasets = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      datasets.add(of(project, lake, source.name()));
    }
    return datasets;
  }

  /** One source's dataset. */
  public static Dataset of(Project project, Lake lake, String source) {
    BatchHistory history =
        BatchHistory.of(
            lake.load(new TableId(LakeLayout.CLEAN, source))
                .map(LakeTable::snapshots)
                .orElse(List.of()));
    return new Dataset(
        source, project.quality().minScore(source), history, project.quality().warnWeight());
  }
}
