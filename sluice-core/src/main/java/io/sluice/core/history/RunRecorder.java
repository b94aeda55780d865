package io.sluice.core.history;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Records a run that is tried once ({@code sluice run}, a micro-batch of {@code sluice serve}, a
 * run the REST API asked for) as a run with one attempt: saved as running when it starts (unless it
 * may be left out as idle), then with how it ended, its error and category, its log excerpt and its
 * summary. A caller that retries (the scheduler) records its attempts itself instead, so that no
 * run is recorded twice.
 */
public final class RunRecorder {
  private final RunHistory history;
  private final Clock clock;

  /**
   * @param history where runs are recorded
   * @param clock the run's clock (its start and end times)
   */
  public RunRecorder(RunHistory history, Clock clock) {
    this.history = requireNonNull(history, "history is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A run to record, as the recorder hands it the listener that logs it. */
  @FunctionalInterface
  public interface Run {
    /**
     * Runs with {@code listener}, whose {@link RunListener#runFinished} must be called when the run
     * ends (as {@link io.sluice.core.run.PipelineRunner} does).
     */
    RunSummary run(RunListener listener);
  }

  /**
   * Records {@code run} as a new run of {@code request} with one attempt and returns its summary.
   *
   * @param listener told about the run's progress as well
   * @throws RuntimeException what {@code run} threw, after recording the failed run
   */
  public RunSummary record(RunRequest request, RunListener listener, Run run) {
    return record(queued(request), listener, true, run);
  }

  /** A new run of {@code request}, queued now (not saved). */
  public RunRecord queued(RunRequest request) {
    Instant now = clock.instant();
    return new RunRecord(
        RunIds.next(now), request, RunStatus.QUEUED, now, Optional.empty(), List.of());
  }

  /**
   * Records {@code run} as the one attempt of {@code queued} (a run queued earlier, e.g. by the
   * REST API, whose id, request and creation time are kept) and returns its summary.
   *
   * @param keepIdle whether a run that found nothing to do is recorded too: false for {@code sluice
   *     serve}'s micro-batches, which poll every few seconds (then the run is only saved once it
   *     ends, when it landed a batch, built a model, or did not succeed)
   * @throws RuntimeException what {@code run} threw, after recording the failed run
   */
  public RunSummary record(RunRecord queued, RunListener listener, boolean keepIdle, Run run) {
    Instant started = clock.instant();
    RunLog log = new RunLog(clock, listener);
    RunRecord running =
        queued
            .withStatus(RunStatus.RUNNING, Optional.empty())
            .withAttempt(
                new RunRecord.Attempt(
                    1,
                    started,
                    Optional.empty(),
                    RunStatus.RUNNING,
                    Optional.empty(),
                    "",
                    "",
                    Optional.empty()));
    if (keepIdle) {
      history.save(running);
    }
    RunSummary summary;
    try {
      summary = run.run(log);
    } catch (RuntimeException e) {
      ErrorCategory category =
          e instanceof SluiceException sluice ? sluice.category() : ErrorCategory.INTERNAL;
      log.line("failed (" + category.name().toLowerCase(java.util.Locale.ROOT) + "): " + e);
      try {
        save(running, RunStatus.FAILED, Optional.of(category), message(e), log, log.summary());
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
    if (keepIdle || !idle(summary)) {
      save(running, summary.status(), Optional.empty(), summary.error(), log, summary);
    }
    return summary;
  }

  private void save(
      RunRecord running,
      RunStatus status,
      Optional<ErrorCategory> category,
      String error,
      RunLog log,
      RunSummary summary) {
    Instant ended = clock.instant();
    RunRecord.Attempt first = running.attempts().get(0);
    history.save(
        running
            .withStatus(status, Optional.of(ended))
            .withAttempt(
                new RunRecord.Attempt(
                    1,
                    first.startedAt(),
                    Optional.of(ended),
                    status,
                    category,
                    error,
                    log.text(),
                    Optional.ofNullable(summary))));
  }

  /** Whether a successful run landed no batch and built no model. */
  static boolean idle(RunSummary summary) {
    return summary.status() == RunStatus.OK
        && summary.sources().stream().allMatch(s -> s.batchId().isEmpty())
        && summary.models().stream().allMatch(m -> m.action().equals("skipped"));
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
