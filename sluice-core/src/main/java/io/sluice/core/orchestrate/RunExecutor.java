package io.sluice.core.orchestrate;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.run.LogContext;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Executes one run: its attempts, the waits between them by the {@link RetryPolicy}, a timeout per
 * attempt and cancellation, and records the run and every attempt in the {@link RunHistory} as it
 * goes (queued, running, then how each attempt ended).
 *
 * <p>The work of one attempt is a {@link Work}; in production {@code ProjectRuntime.run(request,
 * clock, listener)} on an open runtime. Each attempt runs on a thread of its own, so that a timeout
 * or a cancellation can interrupt it; the next attempt starts only once the interrupted one has
 * stopped, so that two attempts of a run never overlap. Thread-safe: several runs may execute at
 * once, each on its caller's thread.
 */
public final class RunExecutor {
  private static final int MAX_LOG_CHARS = 4000;

  private final RunHistory history;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Map<String, Cancellation> active = new ConcurrentHashMap<>();

  /**
   * The work of one attempt: runs what the request selects and says how it went, or throws a {@link
   * SluiceException} whose category says whether a retry may succeed.
   */
  @FunctionalInterface
  public interface Work {
    RunSummary run(RunRequest request);
  }

  /**
   * @param history where runs and attempts are recorded
   * @param clock the time of attempts' starts and ends
   * @param sleeper waits between attempts
   */
  public RunExecutor(RunHistory history, Clock clock, Sleeper sleeper) {
    this.history = requireNonNull(history, "history is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
  }

  /**
   * Records a new run as queued (due, not started) and returns it; {@link #execute} runs it.
   *
   * @param createdAt when it was asked for (a schedule's due time)
   */
  public RunRecord queue(RunRequest request, Instant createdAt) {
    RunRecord run =
        new RunRecord(
            io.sluice.core.history.RunIds.next(createdAt),
            request,
            RunStatus.QUEUED,
            createdAt,
            Optional.empty(),
            java.util.List.of());
    active.put(run.id(), new Cancellation());
    history.save(run);
    return run;
  }

  /**
   * Runs a queued run's attempts on the caller's thread until one succeeds, one fails for a cause
   * that is not retried, the attempts are used up, or the run is cancelled; returns the run as
   * recorded at its end.
   *
   * @param queued a run from {@link #queue}
   * @param policy which failures are retried, and after how long
   * @param timeout the longest one attempt may take; a longer one is interrupted and counts as a
   *     transient (external) failure
   * @param work one attempt
   */
  public RunRecord execute(
      RunRecord queued, RetryPolicy policy, Optional<Duration> timeout, Work work) {
    requireNonNull(policy, "policy is null");
    requireNonNull(timeout, "timeout is null");
    requireNonNull(work, "work is null");
    Cancellation cancellation = active.computeIfAbsent(queued.id(), id -> new Cancellation());
    cancellation.runner = Thread.currentThread();
    RunRecord run = queued;
    try {
      for (int number = 1; ; number++) {
        if (cancellation.requested) {
          return end(run.withStatus(RunStatus.CANCELLED, Optional.of(clock.instant())));
        }
        Instant started = clock.instant();
        run =
            run.withStatus(RunStatus.RUNNING, Optional.empty())
                .withAttempt(
                    new RunRecord.Attempt(
                        number,
                        started,
                        Optional.empty(),
                        RunStatus.RUNNING,
                        Optional.empty(),
                        "",
                        "",
                        Optional.empty()));
        history.save(run);
        RunRecord.Attempt attempt =
            attempt(run.id(), run.request(), number, started, timeout, work, cancellation);
        run = run.withAttempt(attempt);
        boolean retry =
            attempt.status() == RunStatus.FAILED
                && !cancellation.requested
                && policy.retries(attempt.errorCategory().orElse(ErrorCategory.INTERNAL), number);
        if (!retry) {
          return end(run.withStatus(attempt.status(), attempt.endedAt()));
        }
        run = run.withStatus(RunStatus.QUEUED, Optional.empty());
        history.save(run);
        try {
          sleeper.sleep(policy.backoff(number));
        } catch (InterruptedException e) {
          if (!cancellation.requested) {
            Thread.currentThread().interrupt(); // a shutdown, not a cancel: let the caller see it
          }
          return end(run.withStatus(RunStatus.CANCELLED, Optional.of(clock.instant())));
        }
      }
    } finally {
      active.remove(queued.id());
      if (cancellation.requested) {
        Thread.interrupted(); // the cancel's interrupt is consumed by this run
      }
    }
  }

  /** Queues and executes a run at once; see {@link #execute}. */
  public RunRecord run(
      RunRequest request,
      Instant createdAt,
      RetryPolicy policy,
      Optional<Duration> timeout,
      Work work) {
    return execute(queue(request, createdAt), policy, timeout, work);
  }

  /**
   * Cancels a queued or running run: a queued one ends without an attempt, a running attempt is
   * interrupted, a wait for the next attempt ends. Returns false when no such run is active here.
   */
  public boolean cancel(String runId) {
    Cancellation cancellation = active.get(runId);
    if (cancellation == null) {
      return false;
    }
    cancellation.requested = true;
    Thread runner = cancellation.runner;
    if (runner != null) {
      runner.interrupt();
    }
    FutureTask<?> attempt = cancellation.attempt;
    if (attempt != null) {
      attempt.cancel(true);
    }
    return true;
  }

  private RunRecord end(RunRecord run) {
    history.save(run);
    return run;
  }

  private RunRecord.Attempt attempt(
      String runId,
      RunRequest request,
      int number,
      Instant started,
      Optional<Duration> timeout,
      Work work,
      Cancellation cancellation) {
    FutureTask<RunSummary> task =
        new FutureTask<>(
            () -> {
              LogContext.Scope logged = LogContext.run(runId);
              try {
                return work.run(request);
              } finally {
                logged.close();
              }
            });
    Thread thread = new Thread(task, "sluice-run-" + request.trigger() + "-" + number);
    thread.setDaemon(true);
    cancellation.attempt = task;
    thread.start();
    try {
      RunSummary summary =
          timeout.isPresent()
              ? task.get(timeout.get().toMillis(), TimeUnit.MILLISECONDS)
              : task.get();
      return finished(number, started, summary);
    } catch (TimeoutException e) {
      stop(task, thread);
      return failed(
          number,
          started,
          ErrorCategory.EXTERNAL,
          "The attempt took longer than its timeout of "
              + timeout.orElseThrow()
              + " and was interrupted (a timeout counts as a transient failure)",
          "");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      ErrorCategory category =
          cause instanceof SluiceException sluice ? sluice.category() : ErrorCategory.INTERNAL;
      return failed(number, started, category, String.valueOf(cause.getMessage()), log(cause));
    } catch (java.util.concurrent.CancellationException | InterruptedException e) {
      stop(task, thread);
      if (!cancellation.requested) {
        Thread.currentThread().interrupt(); // a shutdown: the caller sees it
      }
      return new RunRecord.Attempt(
          number,
          started,
          Optional.of(clock.instant()),
          RunStatus.CANCELLED,
          Optional.empty(),
          cancellation.requested ? "Cancelled" : "Interrupted by a shutdown",
          "",
          Optional.empty());
    } finally {
      cancellation.attempt = null;
    }
  }

  /** Interrupts an attempt and waits until it has stopped, so that attempts never overlap. */
  private static void stop(FutureTask<RunSummary> task, Thread thread) {
    task.cancel(true);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private RunRecord.Attempt finished(int number, Instant started, RunSummary summary) {
    RunStatus status = summary.status();
    Optional<ErrorCategory> category =
        status.succeeded()
            ? Optional.empty()
            : Optional.of(
                summary.errorCategory() != null
                    ? summary.errorCategory()
                    : status == RunStatus.FAILED ? ErrorCategory.INTERNAL : ErrorCategory.DATA);
    String log =
        "%d source batches (%d rows read, %d landed, %d quarantined), %d models, %d tests"
            .formatted(
                summary.sources().size(),
                summary.rowsRead(),
                summary.rowsValid(),
                summary.rowsQuarantined(),
                summary.models().size(),
                summary.tests().size());
    return new RunRecord.Attempt(
        number,
        started,
        Optional.of(clock.instant()),
        status,
        category,
        summary.error(),
        log,
        Optional.of(summary));
  }

  private RunRecord.Attempt failed(
      int number, Instant started, ErrorCategory category, String error, String log) {
    return new RunRecord.Attempt(
        number,
        started,
        Optional.of(clock.instant()),
        RunStatus.FAILED,
        Optional.of(category),
        error,
        log,
        Optional.empty());
  }

  /** The error and its causes, one line each, at most {@value #MAX_LOG_CHARS} characters. */
  private static String log(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null && text.length() < MAX_LOG_CHARS; t = t.getCause()) {
      if (!text.isEmpty()) {
        text.append("\ncaused by: ");
      }
      text.append(t.getClass().getName()).append(": ").append(t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    return text.length() > MAX_LOG_CHARS ? text.substring(0, MAX_LOG_CHARS) : text.toString();
  }

  /** What {@link #cancel} needs to stop a run. */
  private static final class Cancellation {
    volatile boolean requested;
    volatile Thread runner;
    volatile FutureTask<?> attempt;
  }
}
