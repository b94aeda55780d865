package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quality and throughput metrics of a long-running {@code sluice serve}, in the Prometheus text
 * format (version 0.0.4) for {@code GET /metrics}. The counters start from each dataset's committed
 * history (so they never go back when the server restarts) and grow with every micro-batch the
 * server lands. Thread-safe: batches are recorded on the processor's thread, scrapes come from HTTP
 * threads.
 *
 * <p>The text is written directly rather than through Micrometer: the values are already counted by
 * the runner, and the core stays free of a metrics library.
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
    double durationSum;
    long durationCount;
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

  /** Adds a pass that landed records, finished at {@code at}. */
  public synchronized void record(RunSummary run, Instant at) {
    requireNonNull(run, "run is null");
    microBatches++;
    microBatchRows += run.rowsRead();
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
      metrics.durationSum += source.millis() / 1000.0;
      metrics.durationCount++;
    }
  }

  /** The metrics in the Prometheus text format. */
  public synchronized String prometheus() {
    StringBuilder text = new StringBuilder();
    counter(text, "sluice_batches_total", "Batches committed per dataset.", m -> m.batches);
    counter(text, "sluice_rows_read_total", "Rows read per dataset.", m -> m.rowsRead);
    counter(
        text,
        "sluice_rows_valid_total",
        "Rows landed in the clean table per dataset.",
        m -> m.rowsValid);
    counter(
        text,
        "sluice_rows_quarantined_total",
        "Rows landed in the quarantine table per dataset (less those a replay landed).",
        m -> m.rowsQuarantined);
    header(text, "sluice_rule_failures_total", "counter", "Rows failing each rule per dataset.");
    datasets.forEach(
        (dataset, m) ->
            m.failures.forEach(
                (rule, n) ->
                    sample(
                        text,
                        "sluice_rule_failures_total{dataset=\""
                            + escape(dataset)
                            + "\",rule=\""
                            + escape(rule)
                            + "\"}",
                        n)));
    gauge(
        text,
        "sluice_quality_score",
        "Quality score (valid rows / rows read) of every batch of the dataset so far.",
        m -> m.rowsRead == 0 ? 1.0 : (double) m.rowsValid / m.rowsRead);
    gauge(
        text,
        "sluice_batch_quality_score",
        "Quality score of the dataset's last batch.",
        m -> m.lastBatchScore);
    gauge(
        text,
        "sluice_min_quality_score",
        "The dataset's min-score threshold (0: none).",
        m -> m.minScore);
    gauge(
        text,
        "sluice_last_batch_timestamp_seconds",
        "When the dataset's last batch was committed (Unix time; 0: never).",
        m -> m.lastBatchAtSeconds);
    gauge(
        text,
        "sluice_last_batch_duration_seconds",
        "How long the dataset's last batch took, from reading to its clean commit.",
        m -> m.lastBatchSeconds);
    header(
        text,
        "sluice_batch_duration_seconds",
        "summary",
        "Time per batch of each dataset landed since the server started.");
    datasets.forEach(
        (dataset, m) -> {
          String labels = "{dataset=\"" + escape(dataset) + "\"}";
          sample(text, "sluice_batch_duration_seconds_sum" + labels, m.durationSum);
          sample(text, "sluice_batch_duration_seconds_count" + labels, m.durationCount);
        });
    header(
        text,
        "sluice_microbatches_total",
        "counter",
        "Micro-batches (passes that landed records) since the server started.");
    sample(text, "sluice_microbatches_total", microBatches);
    header(
        text,
        "sluice_microbatch_rows_total",
        "counter",
        "Rows read by micro-batches since the server started.");
    sample(text, "sluice_microbatch_rows_total", microBatchRows);
    return text.toString();
  }

  private interface Value {
    double of(DatasetMetrics metrics);
  }

  private void counter(StringBuilder text, String name, String help, Value value) {
    perDataset(text, name, "counter", help, value);
  }

  private void gauge(StringBuilder text, String name, String help, Value value) {
    perDataset(text, name, "gauge", help, value);
  }

  private void perDataset(StringBuilder text, String name, String type, String help, Value value) {
    header(text, name, type, help);
    datasets.forEach(
        (dataset, m) -> sample(text, name + "{dataset=\"" + escape(dataset) + "\"}", value.of(m)));
  }

  private static void header(StringBuilder text, String name, String type, String help) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder text, String series, double value) {
    text.append(series).append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      text.append((long) value);
    } else {
      text.append(String.format(Locale.ROOT, "%s", value));
    }
    text.append('\n');
  }

  /** A label value as the text format wants it: backslash, quote and newline escaped. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static double seconds(Instant at) {
    return at.toEpochMilli() / 1000.0;
  }
}
