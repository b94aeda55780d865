package io.sluice.cli;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.api.log.IngestLog;
import io.sluice.core.run.ContinuousProcessor;
import io.sluice.core.run.QualityMetrics;
import io.sluice.core.run.RunSummary;
import io.sluice.server.MeterBuckets;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one metrics registry of a {@code sluice serve} process, which {@code GET /metrics} scrapes;
 * every metric is listed in docs/metrics.md (a test keeps the list true). The HTTP server adds its
 * request and push meters; this adds the pipeline's (per dataset, rule, stream and step), the JVM's
 * and the process's. Every name starts with {@code sluice_}, the JVM's too.
 *
 * <p>The dataset counters read {@link QualityMetrics}, which starts from the committed history, so
 * they never go back when the server restarts; the duration histograms count since the process
 * started. Nothing here runs per record: a batch is recorded once, when it has landed.
 */
final class ServeMetrics implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServeMetrics.class);

  /** How often each stream's end offsets are noted for {@link StreamLag}. */
  private static final long LAG_SAMPLE_MILLIS = 250;

  /** Bucket bounds of the batch and step duration histograms. */
  private static final Duration[] DURATION_BUCKETS = MeterBuckets.work();

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final StreamLag lag;
  private final ScheduledExecutorService sampler;
  private final Set<String> datasets = ConcurrentHashMap.newKeySet();
  private final Set<List<String>> rules = ConcurrentHashMap.newKeySet();
  private volatile QualityMetrics quality;
  private boolean lagFailed; // on the sampler's thread only

  /** A registry with the JVM's and the process's meters, and the backlog and lag of each stream. */
  ServeMetrics(IngestLog log, List<String> streams) {
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                if (id.getName().equals("system.cpu.count")) {
                  // A gauge named *_count reads as a summary's part (promtool's lint refuses it).
                  return id.withName("sluice.system.cpus");
                }
                return id.getName().startsWith("sluice.")
                    ? id
                    : id.withName("sluice." + id.getName());
              }
            })
        // Micrometer's process CPU time is in nanoseconds; Prometheus's base unit is the second.
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("sluice.process.cpu.time")));
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("sluice.process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .description("CPU time the process used, all its threads.")
          .baseUnit("seconds")
          .register(registry);
    }
    new UptimeMetrics().bindTo(registry);
    lag = new StreamLag(log, streams);
    for (String stream : streams) {
      Gauge.builder(
              "sluice.stream.backlog", () -> ContinuousProcessor.waiting(log, List.of(stream)))
          .description("Records pushed to the stream and not landed yet.")
          .baseUnit("records")
          .tag("stream", stream)
          .register(registry);
      Gauge.builder("sluice.stream.lag", () -> lag.seconds(stream, System.nanoTime()))
          .description("How long the oldest record waiting in the stream has waited (0: none).")
          .baseUnit("seconds")
          .tag("stream", stream)
          .register(registry);
    }
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "sluice-metrics");
              thread.setDaemon(true);
              return thread;
            });
    if (!streams.isEmpty()) {
      sampler.scheduleAtFixedRate(this::sampleLag, 0, LAG_SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * One sample for the lag; a failure is logged once and sampling goes on (a thrown one ends it).
   */
  private void sampleLag() {
    try {
      lag.sample(System.nanoTime());
    } catch (RuntimeException e) {
      if (!lagFailed) {
        lagFailed = true;
        LOG.warn("Cannot sample the ingest log for sluice_stream_lag_seconds", e);
      }
    }
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Adds the dataset meters, read from {@code figures} (once the processor, or under {@code sluice
   * ui} a thread of its own, has read the history).
   */
  void bind(QualityMetrics figures) {
    quality = figures;
    FunctionCounter.builder("sluice.microbatches", figures, QualityMetrics::microBatches)
        .description("Micro-batches (passes that landed records) since the server started.")
        .register(registry);
    FunctionCounter.builder("sluice.microbatch.rows", figures, QualityMetrics::microBatchRows)
        .description("Rows read by micro-batches since the server started.")
        .register(registry);
    figures.datasets().forEach(this::bindDataset);
  }

  /**
   * Records a micro-batch that landed records, or a scheduled or API run (after {@link
   * QualityMetrics#record} or {@link QualityMetrics#recordRun}). A failure is logged, never thrown:
   * the batch has committed, and metrics must not make it look failed.
   */
  void record(RunSummary summary) {
    try {
      recordBatch(summary);
    } catch (RuntimeException e) {
      LOG.warn("Cannot record the metrics of a micro-batch", e);
    }
  }

  private void recordBatch(RunSummary summary) {
    for (RunSummary.SourceRun source : summary.sources()) {
      if (source.batchId().isEmpty()) {
        continue;
      }
      bindDataset(source.source());
      Timer.builder("sluice.batch.duration")
          .description("Time per batch of each dataset landed since the server started.")
          .tag("dataset", source.source())
          .serviceLevelObjectives(DURATION_BUCKETS)
          .register(registry)
          .record(source.millis(), TimeUnit.MILLISECONDS);
    }
    for (RunSummary.Timing timing : summary.timings()) {
      Timer.builder("sluice.step.duration")
          .description(
              "Wall time per step of the micro-batches and runs (as sluice run --timings names"
                  + " them).")
          .tag("step", timing.figures().name())
          .serviceLevelObjectives(DURATION_BUCKETS)
          .register(registry)
          .record(timing.figures().wallNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void bindDataset(String dataset) {
    QualityMetrics figures = quality;
    if (figures == null) {
      return;
    }
    if (datasets.add(dataset)) {
      counter("sluice.batches", "Batches committed per dataset.", dataset, f -> f.batches());
      counter("sluice.rows.read", "Rows read per dataset.", dataset, f -> f.rowsRead());
      counter(
          "sluice.rows.valid",
          "Rows landed in the clean table per dataset.",
          dataset,
          f -> f.rowsValid());
      counter(
          "sluice.rows.quarantined",
          "Rows landed in the quarantine table per dataset (less those a replay landed).",
          dataset,
          f -> f.rowsQuarantined());
      gauge(
          "sluice.quality.score",
          "Quality score (valid rows / rows read) of every batch of the dataset so far.",
          null,
          dataset,
          QualityMetrics.Figures::qualityScore);
      gauge(
          "sluice.batch.quality.score",
          "Quality score of the dataset's last batch.",
          null,
          dataset,
          QualityMetrics.Figures::lastBatchScore);
      gauge(
          "sluice.min.quality.score",
          "The dataset's min-score threshold (0: none).",
          null,
          dataset,
          QualityMetrics.Figures::minScore);
      gauge(
          "sluice.last.batch.timestamp",
          "When the dataset's last batch was committed (Unix time; 0: never).",
          "seconds",
          dataset,
          QualityMetrics.Figures::lastBatchAtSeconds);
      gauge(
          "sluice.last.batch.duration",
          "How long the dataset's last batch took, from reading to its clean commit.",
          "seconds",
          dataset,
          QualityMetrics.Figures::lastBatchSeconds);
    }
    for (String rule : figures.figures(dataset).failuresByRule().keySet()) {
      if (rules.add(List.of(dataset, rule))) {
        FunctionCounter.builder(
                "sluice.rule.failures",
                figures,
                q -> q.figures(dataset).failuresByRule().getOrDefault(rule, 0L))
            .description("Rows failing each rule per dataset.")
            .tag("dataset", dataset)
            .tag("rule", rule)
            .register(registry);
      }
    }
  }

  private void counter(
      String name, String description, String dataset, ToDoubleFunction<QualityMetrics.Figures> f) {
    FunctionCounter.builder(name, quality, q -> f.applyAsDouble(q.figures(dataset)))
        .description(description)
        .tag("dataset", dataset)
        .register(registry);
  }

  private void gauge(
      String name,
      String description,
      String unit,
      String dataset,
      ToDoubleFunction<QualityMetrics.Figures> f) {
    Gauge.builder(name, quality, q -> f.applyAsDouble(q.figures(dataset)))
        .description(description)
        .baseUnit(unit)
        .tag("dataset", dataset)
        .register(registry);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    gc.close();
    registry.close();
  }
}
