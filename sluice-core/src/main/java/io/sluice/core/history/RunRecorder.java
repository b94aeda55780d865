package io.sluice.core.history;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.run.LogContext;
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
 * summary. A caller that retries (the scheduler) records the run and its attempts itself instead,
 * so that no run is recorded twice; {@link #attempt} gives it each attempt with its log excerpt and
 * summary.
 */
public final class RunRecorder {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunRecorder.class);

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
    LogContext.Scope logged = LogContext.run(queued.id());
    try {
      return recordAttempt(queued, listener, keepIdle, run);
    } finally {
      logged.close();
    }
  }

  private RunSummary recordAttempt(
      RunRecord queued, RunListener listener, boolean keepIdle, Run run) {
    RunRecord running =
        queued
            .withStatus(RunStatus.RUNNING, Optional.empty())
            .withAttempt(
                new RunRecord.Attempt(
                    1,
                    clock.instant(),
                    Optional.empty(),
                    RunStatus.RUNNING,
                    Optional.empty(),
                    "",
                    "",
                    Optional.empty()));
    if (keepIdle) {
      history.save(running);
    }
    Outcome outcome = attempt(Optional.of(queued.id()), 1, listener, run);
    RunRecord.Attempt attempt = outcome.attempt();
    if (outcome.failure().isPresent() && attempt.summary().isEmpty()) {
      // It failed before the pipeline started (checking the project, opening the engine or the
      // lake), so no listener heard it end: alerts would miss it.
      tellFailedBeforeStart(queued, attempt, listener, outcome.failure().get());
    }
    if (keepIdle || attempt.summary().map(s -> !idle(s)).orElse(true)) {
      LOG.info(
          "Run {} ({}) ended {}{}",
          queued.id(),
          queued.request().trigger(),
          attempt.status(),
          attempt.error().isEmpty() ? "" : ": " + attempt.error());
    }
    RunRecord ended = running.withStatus(attempt.status(), attempt.endedAt()).withAttempt(attempt);
    if (outcome.failure().isPresent()) {
      RuntimeException failure = outcome.failure().get();
      try {
        history.save(ended);
      } catch (RuntimeException recordFailure) {
        failure.addSuppressed(recordFailure);
      }
      throw failure;
    }
    RunSummary summary = attempt.summary().orElseThrow();
    if (keepIdle || !idle(summary)) {
      history.save(ended);
    }
    return summary;
  }

  private void tellFailedBeforeStart(
      RunRecord queued, RunRecord.Attempt attempt, RunListener listener, RuntimeException failure) {
    Instant ended = attempt.endedAt().orElse(clock.instant());
    RunSummary failed =
        new RunSummary(
            queued.id(),
            attempt.startedAt().toString(),
            ended.toEpochMilli() - attempt.startedAt().toEpochMilli(),
            RunStatus.FAILED,
            attempt.error(),
            List.of(),
            List.of(),
            List.of(),
            queued.request().trigger(),
            queued.request().select(),
            attempt.errorCategory().orElse(ErrorCategory.INTERNAL));
    try {
      listener.runFinished(failed);
    } catch (RuntimeException listenerFailure) {
      failure.addSuppressed(listenerFailure);
    }
  }

  /**
   * How one attempt ended.
   *
   * @param attempt the attempt, ended: its status, error and category, log excerpt and summary
   *     (also what a failed attempt did before it failed)
   * @param failure what the attempt threw, when it failed
   */
  public record Outcome(RunRecord.Attempt attempt, Optional<RuntimeException> failure) {
    public Outcome {
      requireNonNull(attempt, "attempt is null");
      requireNonNull(failure, "failure is null");
    }
  }

  /**
   * Runs one attempt, keeping its log excerpt and summary, and returns it ended; saves nothing. For
   * a caller that records the attempts of a run itself (a scheduler that retries).
   *
   * @param number the attempt's number, 1 for the first
   * @param listener told about the attempt's progress as well
   */
  public Outcome attempt(int number, RunListener listener, Run work) {
    return attempt(Optional.empty(), number, listener, work);
  }

  private Outcome attempt(Optional<String> runId, int number, RunListener listener, Run work) {
    Instant started = clock.instant();
    RunLog log = new RunLog(clock, listener, runId);
    try {
      RunSummary ran = work.run(log);
      RunSummary summary = runId.map(ran::withRunId).orElse(ran);
      return new Outcome(
          new RunRecord.Attempt(
              number,
              started,
              Optional.of(clock.instant()),
              summary.status(),
              Optional.empty(),
              summary.error(),
              log.text(),
              Optional.of(summary)),
          Optional.empty());
    } catch (RuntimeException e) {
      ErrorCategory category =
          e instanceof SluiceException sluice ? sluice.category() : ErrorCategory.INTERNAL;
      log.line("failed (" + category.name().toLowerCase(java.util.Locale.ROOT) + "): " + e);
      return new Outcome(
          new RunRecord.Attempt(
              number,
              started,
              Optional.of(clock.instant()),
              RunStatus.FAILED,
              Optional.of(category),
              message(e),
              log.text(),
              Optional.ofNullable(log.summary())),
          Optional.of(e));
    }
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
