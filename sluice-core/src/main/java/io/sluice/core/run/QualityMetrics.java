package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quality figures per dataset of a long-running {@code sluice serve}, which its metrics
 * registry reads (docs/metrics.md). The counts start from each dataset's committed history (so they
 * never go back when the server restarts) and grow with every micro-batch the server lands.
 * Thread-safe: batches are recorded on the processor's thread, scrapes read from HTTP threads.
 *
 * <p>The core keeps only the figures, with no metrics library: the runner counts them already, and
 * the registry belongs to the process that serves them ({@code sluice-cli}'s {@code ServeMetrics}).
 * Micrometer's own counters start at zero with the process; these start from the history.
 */
public final class QualityMetrics {
  private final Map<String, DatasetMetrics> datasets = new TreeMap<>();
  private long microBatches;
  private long microBatchRows;

  private static final class DatasetMetrics {
    long batches;
    long rowsRead;
    long rowsValid;
    long rowsQuarantined;
    final Map<String, Long> failures = new TreeMap<>();
    double lastBatchScore = 1.0;
    double minScore;
    double lastBatchAtSeconds;
    double lastBatchSeconds;
  }

  /** Metrics that start from the committed history of each dataset. */
  public QualityMetrics(List<QualityReport.Dataset> history) {
    for (QualityReport.Dataset dataset : history) {
      DatasetMetrics metrics = new DatasetMetrics();
      BatchHistory batches = dataset.history();
      metrics.batches = batches.batches();
      metrics.rowsRead = batches.rowsRead();
      metrics.rowsValid = batches.rowsValid();
      metrics.rowsQuarantined = batches.rowsQuarantined();
      metrics.failures.putAll(batches.failuresByRule());
      metrics.minScore = dataset.minScore();
      List<BatchHistory.Batch> list = batches.batchList();
      for (int i = list.size() - 1; i >= 0; i--) {
        if (!list.get(i).replay()) {
          metrics.lastBatchScore = list.get(i).score();
          metrics.lastBatchSeconds =
              list.get(i).duration().map(d -> d.toMillis() / 1000.0).orElse(0.0);
          break;
        }
      }
      metrics.lastBatchAtSeconds = batches.lastBatchAt().map(QualityMetrics::seconds).orElse(0.0);
      datasets.put(dataset.dataset(), metrics);
    }
  }

  /** Adds a micro-batch (a pass of the processor) that landed records, finished at {@code at}. */
  public synchronized void record(RunSummary run, Instant at) {
    requireNonNull(run, "run is null");
    microBatches++;
    microBatchRows += run.rowsRead();
    recordRun(run, at);
  }

  /**
   * Adds the batches a run landed (a scheduled run, one asked for through the API), finished at
   * {@code at}; not a micro-batch. Also the batches a failed run committed before it failed.
   */
  public synchronized void recordRun(RunSummary run, Instant at) {
    requireNonNull(run, "run is null");
    for (RunSummary.SourceRun source : run.sources()) {
      if (source.batchId().isEmpty()) {
        continue;
      }
      DatasetMetrics metrics = datasets.computeIfAbsent(source.source(), s -> new DatasetMetrics());
      metrics.batches++;
      metrics.rowsRead += source.rowsRead();
      metrics.rowsValid += source.rowsValid();
      metrics.rowsQuarantined += source.rowsQuarantined();
      source.failuresByRule().forEach((rule, n) -> metrics.failures.merge(rule, n, Long::sum));
      metrics.lastBatchScore = source.score();
      metrics.lastBatchAtSeconds = seconds(at);
      metrics.lastBatchSeconds = source.millis() / 1000.0;
    }
  }

  /** The datasets known so far: those of the history and those a micro-batch landed since. */
  public synchronized java.util.Set<String> datasets() {
    return java.util.Set.copyOf(datasets.keySet());
  }

  /** A dataset's figures now; all zero (score 1) for a dataset not known yet. */
  public synchronized Figures figures(String dataset) {
    DatasetMetrics m = datasets.get(dataset);
    if (m == null) {
      return new Figures(0, 0, 0, 0, Map.of(), 1.0, 1.0, 0, 0, 0);
    }
    return new Figures(
        m.batches,
        m.rowsRead,
        m.rowsValid,
        m.rowsQuarantined,
        Map.copyOf(m.failures),
        m.rowsRead == 0 ? 1.0 : (double) m.rowsValid / m.rowsRead,
        m.lastBatchScore,
        m.minScore,
        m.lastBatchAtSeconds,
        m.lastBatchSeconds);
  }

  /** Micro-batches (passes that landed records) recorded since this object was made. */
  public synchronized long microBatches() {
    return microBatches;
  }

  /** Rows read by the micro-batches recorded since this object was made. */
  public synchronized long microBatchRows() {
    return microBatchRows;
  }

  /**
   * One dataset's figures.
   *
   * @param batches batches committed
   * @param rowsRead rows read
   * @param rowsValid rows landed in the clean table
   * @param rowsQuarantined rows landed in the quarantine table (less those a replay landed)
   * @param failuresByRule rows failing each rule; a row failing two rules counts for both
   * @param qualityScore valid / read over every batch so far (1 when nothing was read)
   * @param lastBatchScore the score of the last batch (replays left out)
   * @param minScore the dataset's {@code min-score} (0: none)
   * @param lastBatchAtSeconds when the last batch was committed (Unix time; 0: never)
   * @param lastBatchSeconds how long the last batch took, from reading to its clean commit
   */
  public record Figures(
      long batches,
      long rowsRead,
      long rowsValid,
      long rowsQuarantined,
      Map<String, Long> failuresByRule,
      double qualityScore,
      double lastBatchScore,
      double minScore,
      double lastBatchAtSeconds,
      double lastBatchSeconds) {}

  private static double seconds(Instant at) {
    return at.toEpochMilli() / 1000.0;
  }
}
