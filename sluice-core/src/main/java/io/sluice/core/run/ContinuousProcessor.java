package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.api.log.IngestLog;
import io.sluice.core.project.Connectors;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continuous processor of {@code sluice serve}: runs micro-batches (the same pass as {@code
 * sluice run}: land, validate, rebuild models, test) while records wait in the ingest log. A batch
 * starts when {@code serve.trigger-records} records wait, or when any record waits and {@code
 * serve.trigger-interval-ms} has passed since the previous batch started.
 *
 * <p>Exactly once: each batch commits the log positions it consumed with its data (see {@link
 * PipelineRunner}), so a crash at any point is recovered by the next pass. A pass that failed for a
 * transient cause (an outside system, I/O, a lock) is retried with the project's {@code retries}
 * policy (exponential backoff with jitter, then every {@code max-backoff} while it keeps failing);
 * a pass that failed on a user, data or internal error, which fails the same way every time, is not
 * retried fast: only every {@code max-backoff} (e.g. once a source file was fixed), with {@code
 * /health} saying so. Pushes are still accepted meanwhile, up to the backlog bound.
 *
 * <p>{@link #run} runs on the caller's thread until {@link #stop}; then it drains what waits (if
 * asked to) and returns.
 */
public final class ContinuousProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ContinuousProcessor.class);
  private static final long POLL_MILLIS = 5;
  private static final int MAX_DRAIN_PASSES = 100;

  private final ProjectRuntime runtime;
  private final Clock clock;
  private final Consumer<RunSummary> onBatch;
  private final List<String> streams;
  private final List<String> polled;
  private final long intervalMillis;
  private final long triggerRecords;
  private final Object lock = new Object();
  private volatile boolean stopping;
  private volatile boolean drainOnStop = true;

  // Status, read by /health from other threads.
  private volatile long batches;
  // The value of batches that the newest published snapshot covers; guarded by publishedLock.
  private long publishedBatches;
  private final Object publishedLock = new Object();
  private volatile long rowsLanded;
  private volatile long rowsQuarantined;
  private volatile Instant lastBatchAt;
  private volatile long lastBatchMillis;
  private volatile Map<String, Object> lastError; // redacted, see HealthError
  private volatile int failuresInARow;
  private volatile boolean lastFailureRetryable;
  private volatile Instant retryAt;
  private final io.sluice.core.orchestrate.RetryPolicy retries;
  private volatile long maintenanceRuns;
  // When a throttled snapshot publication was deferred; -1 when none is.
  private long publishPendingSince = -1;
  private volatile Instant lastMaintenanceAt;
  private volatile Map<String, Object> lastMaintenanceError;
  private final HealthError errors;
  private final Consumer<Publication> onPublished;
  // What the batches since the last publication changed (WarehouseRelations names); processor
  // thread only.
  private final java.util.Set<String> unpublishedChanges = new java.util.TreeSet<>();
  private long publications;
  // When the first batch not yet published had committed; processor thread only.
  private Instant firstUnpublishedAt;
  // Told about every pass when it ends, failed ones included (alerts, metrics, lineage).
  private final List<RunListener> passListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final Maintenance maintenance;
  private final Project.MaintenanceConfig maintenanceSettings;
  private long nextMaintenance;

  /**
   * @param onBatch told about every pass that read something, on the processor's thread
   */
  public ContinuousProcessor(ProjectRuntime runtime, Clock clock, Consumer<RunSummary> onBatch) {
    this(runtime, clock, onBatch, publication -> {});
  }

  /**
   * A snapshot of the warehouse published for readers, after batches that changed it.
   *
   * @param sequence counts publications from 1 in this process
   * @param landedAt when the first batch it covers had committed (the processor's clock): readers
   *     see a batch this long after it landed, plus {@code publishedAt - landedAt}
   * @param publishedAt when readers could first see it (the processor's clock)
   * @param changed what the batches it covers changed, as {@link
   *     io.sluice.core.dashboard.WarehouseRelations} names them
   */
  public record Publication(
      long sequence, Instant landedAt, Instant publishedAt, java.util.Set<String> changed) {
    public Publication {
      changed = java.util.Set.copyOf(changed);
    }
  }

  /**
   * @param onBatch told about every pass that read something, on the processor's thread
   * @param onPublished told about every publication for readers that covers a change, on the
   *     processor's thread, right after it: keep it short (hand the work to another thread)
   */
  public ContinuousProcessor(
      ProjectRuntime runtime,
      Clock clock,
      Consumer<RunSummary> onBatch,
      Consumer<Publication> onPublished) {
    this.onPublished = requireNonNull(onPublished, "onPublished is null");
    this.runtime = requireNonNull(runtime, "runtime is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.onBatch = requireNonNull(onBatch, "onBatch is null");
    Project project = runtime.project();
    this.streams = continuous(project, true);
    this.polled = continuous(project, false);
    this.intervalMillis = project.serve().triggerInterval().toMillis();
    this.triggerRecords = project.serve().triggerRecords();
    this.maintenance = Maintenance.of(runtime, clock);
    this.maintenanceSettings = project.maintenance();
    this.errors = new HealthError(project);
    this.retries =
        new io.sluice.core.orchestrate.RetryPolicy(
            project.orchestration().retries(), java.util.random.RandomGenerator.getDefault());
  }

  /**
   * The continuous sources of {@code project} whose records are pushed into the ingest log ({@code
   * pushed}), or that are polled (a change stream).
   */
  public static List<String> continuous(Project project, boolean pushed) {
    return project.sources().stream()
        .filter(
            s ->
                Connectors.installed()
                    .capabilities(s)
                    .map(c -> c.continuous() && c.pushed() == pushed)
                    .orElse(false))
        .map(SourceDef::name)
        .toList();
  }

  /**
   * Adds a listener told about every pass as it runs, and when it ends ({@link
   * RunListener#runFinished}, also for a pass that failed, with its error category), on the
   * processor's thread. Add listeners before {@link #run}.
   */
  public void addPassListener(RunListener listener) {
    passListeners.add(requireNonNull(listener, "listener is null"));
  }

  /** Records in the ingest log that no committed batch has landed yet, over every stream. */
  public long waiting() {
    return waiting(runtime.ingestLog(), streams);
  }

  /** Records in {@code log} that no committed batch has landed yet, over {@code streams}. */
  public static long waiting(IngestLog log, List<String> streams) {
    long waiting = 0;
    for (String stream : streams) {
      for (int p = 0, n = log.partitions(stream); p < n; p++) {
        waiting += log.endOffset(stream, p) - log.releasedOffset(stream, p);
      }
    }
    return waiting;
  }

  /** Runs batches until {@link #stop} is called, then drains what waits (bounded) and returns. */
  public void run() {
    long lastStart = Long.MIN_VALUE / 2;
    // A first pass at once: it recovers a batch a crash interrupted and releases landed records.
    pass();
    nextMaintenance = clock.millis();
    while (true) {
      maintainIfDue();
      synchronized (lock) {
        while (!stopping) {
          long now = clock.millis();
          long waiting = waiting();
          // pushed records trigger a pass; polled sources (a change stream) are read every interval
          boolean due =
              waiting >= triggerRecords
                  || ((waiting > 0 || !polled.isEmpty()) && now - lastStart >= intervalMillis);
          if ((due && (retryAt == null || now >= retryAt.toEpochMilli()))
              || now >= nextMaintenance
              || publishDue(now)) {
            break;
          }
          try {
            lock.wait(POLL_MILLIS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
          }
        }
      }
      if (stopping) {
        break;
      }
      if (clock.millis() >= nextMaintenance) {
        continue; // maintenance first, at the top of the loop
      }
      if (publishDue(clock.millis())) {
        // Also while records wait: the batch that landed before is seen a batch sooner, for a
        // publication that costs at most about a tenth of the time by construction.
        publish();
        continue;
      }
      lastStart = clock.millis();
      pass(); // a failure set retryAt
    }
    if (drainOnStop) {
      drain();
    }
  }

  /**
   * The wait after the last failure: per the retry policy while transient failures are within its
   * attempts; the policy's longest wait after a user, data or internal error, or beyond them.
   */
  private long backoffMillis() {
    if (lastFailureRetryable
        && retries.retries(io.sluice.api.ErrorCategory.EXTERNAL, failuresInARow)) {
      return retries.backoff(failuresInARow).toMillis();
    }
    return retries.ceiling(Integer.MAX_VALUE).toMillis();
  }

  private void drain() {
    for (int i = 0; i < MAX_DRAIN_PASSES && waiting() > 0; i++) {
      long before = waiting();
      if (!pass() || waiting() >= before) {
        LOG.warn("Stopping with {} records still waiting in the ingest log", waiting());
        return;
      }
    }
  }

  /**
   * Compacts, expires and removes orphans ({@code maintenance} of sluice.yaml) every {@code
   * maintenance.interval}, first right after the first pass, between batches: pushes go on, batches
   * wait while it runs. A failure is logged and retried at the next interval.
   */
  private void maintainIfDue() {
    long now = clock.millis();
    if (now < nextMaintenance) {
      return;
    }
    nextMaintenance = now + Math.max(1, maintenanceSettings.interval().toMillis());
    try {
      List<Maintenance.TableResult> results =
          runtime.runExclusively(
              () -> maintenance.run(maintenanceSettings, java.util.Optional.empty(), false));
      maintenanceRuns++;
      lastMaintenanceAt = clock.instant();
      lastMaintenanceError = null;
      long rewritten = results.stream().mapToLong(r -> r.filesBefore() - r.filesAfter()).sum();
      LOG.info("Maintenance: {} tables, {} fewer data files", results.size(), rewritten);
    } catch (RuntimeException e) {
      lastMaintenanceError = errors.describe(e);
      LOG.error("Lake maintenance failed; retrying in {}", maintenanceSettings.interval(), e);
    }
  }

  /** One pass; returns whether it succeeded. */
  private boolean pass() {
    long start = clock.millis();
    try {
      RunSummary summary = runtime.run(clock, RunListener.all(passListeners));
      batches++;
      rowsLanded += summary.rowsValid();
      rowsQuarantined += summary.rowsQuarantined();
      lastBatchAt = clock.instant();
      lastBatchMillis = clock.millis() - start;
      lastError = null;
      failuresInARow = 0;
      retryAt = null;
      java.util.Set<String> changed =
          io.sluice.core.dashboard.WarehouseRelations.changedBy(summary);
      if (!changed.isEmpty() && unpublishedChanges.isEmpty()) {
        firstUnpublishedAt = clock.instant();
      }
      unpublishedChanges.addAll(changed);
      long published = clock.millis();
      publish();
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "Pass: {} ms, then publication {} ms ({} rows)",
            published - start,
            clock.millis() - published,
            summary.rowsRead());
      }
      if (summary.rowsRead() > 0) {
        onBatch.accept(summary);
      }
      return true;
    } catch (RuntimeException e) {
      failuresInARow++;
      lastFailureRetryable =
          e instanceof io.sluice.api.SluiceException sluice && sluice.category().retryable();
      retryAt = Instant.ofEpochMilli(clock.millis() + backoffMillis());
      lastError = errors.describe(e); // last: /health shows failing with the above in place
      if (lastFailureRetryable) {
        LOG.error("A micro-batch failed (attempt {}); retrying with backoff", failuresInARow, e);
      } else {
        LOG.error(
            "A micro-batch failed on an error that a retry does not fix; fix the cause (see the"
                + " error), then it is tried again within {} or at the next start",
            retries.ceiling(Integer.MAX_VALUE),
            e);
      }
      return false;
    }
  }

  /**
   * Publishes the warehouse for readers (after every batch while publishing is cheap; see {@link
   * ProjectRuntime#publishSnapshot}); a publication the throttle deferred happens as soon as it is
   * due, before the next batch starts. A failure is logged: landing goes on, readers read an older
   * snapshot.
   */
  private void publish() {
    long covering = batches;
    try {
      boolean deferred = runtime.publishSnapshot(clock);
      publishPendingSince = deferred ? clock.millis() : -1;
      if (!deferred) {
        synchronized (publishedLock) {
          publishedBatches = covering;
          publishedLock.notifyAll();
        }
        announce();
      }
    } catch (RuntimeException e) {
      publishPendingSince = -1;
      LOG.error("Cannot publish a warehouse snapshot for readers", e);
    }
  }

  /**
   * Waits until readers ({@code /v1/query}, the SQL endpoint) see every batch finished so far: the
   * snapshot published for readers covers it. Returns false when {@code timeout} passed first.
   */
  public boolean awaitPublished(java.time.Duration timeout) throws InterruptedException {
    long target = batches;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (publishedLock) {
      while (publishedBatches < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(publishedLock, left);
      }
      return true;
    }
  }

  /** Tells {@code onPublished} what the publication just made covers, if it changed anything. */
  private void announce() {
    if (unpublishedChanges.isEmpty()) {
      return;
    }
    Publication publication =
        new Publication(++publications, firstUnpublishedAt, clock.instant(), unpublishedChanges);
    unpublishedChanges.clear();
    try {
      onPublished.accept(publication);
    } catch (RuntimeException e) {
      LOG.warn("A listener of warehouse publications failed", e);
    }
  }

  private boolean publishDue(long now) {
    return publishPendingSince >= 0 && now >= runtime.nextPublicationMillis();
  }

  /**
   * Asks {@link #run} to finish the batch in progress and return, after landing what waits when
   * {@code drain}.
   */
  public void stop(boolean drain) {
    drainOnStop = drain;
    stopping = true;
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /**
   * The processor's state for {@code /health}, with its errors: {@code status} is {@code failing}
   * after a failure.
   */
  public Map<String, Object> status() {
    return status(true);
  }

  /**
   * The processor's state for {@code /health}: {@code status} is {@code failing} after a failure.
   *
   * @param details whether to include the last errors (category and a message without record
   *     values, SQL or absolute paths); without, only the status and counts
   */
  public Map<String, Object> status(boolean details) {
    Map<String, Object> processor = new LinkedHashMap<>();
    processor.put("batches", batches);
    processor.put("rows-landed", rowsLanded);
    processor.put("rows-quarantined", rowsQuarantined);
    processor.put("last-batch-at", lastBatchAt == null ? null : lastBatchAt.toString());
    processor.put("last-batch-ms", lastBatchMillis);
    processor.put("failures-in-a-row", failuresInARow);
    processor.put("retryable", lastError == null || lastFailureRetryable);
    Instant nextRetry = retryAt;
    processor.put("retry-at", nextRetry == null ? null : nextRetry.toString());
    Map<String, Object> maintained = new LinkedHashMap<>();
    maintained.put("runs", maintenanceRuns);
    maintained.put("last-at", lastMaintenanceAt == null ? null : lastMaintenanceAt.toString());
    maintained.put("failing", lastMaintenanceError != null);
    if (details) {
      processor.put("last-error", lastError);
      maintained.put("last-error", lastMaintenanceError);
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("status", lastError == null ? "ok" : "failing");
    status.put("processor", processor);
    status.put("maintenance", maintained);
    return status;
  }
}
