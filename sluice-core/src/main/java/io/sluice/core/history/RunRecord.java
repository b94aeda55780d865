package io.sluice.core.history;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One run as the run history keeps it: what was asked, by whom, each attempt, and how it ended.
 *
 * @param id unique in the project, sortable by creation time
 * @param request what was asked (selection, full refresh, window, trigger)
 * @param status the run's status: queued, running, or the last attempt's final status
 * @param createdAt when it was asked for (a schedule's due time, a command's start)
 * @param endedAt when the last attempt ended, if the run has ended
 * @param attempts every attempt, oldest first
 */
public record RunRecord(
    String id,
    RunRequest request,
    RunStatus status,
    Instant createdAt,
    Optional<Instant> endedAt,
    List<Attempt> attempts) {
  public RunRecord {
    requireNonNull(id, "id is null");
    requireNonNull(request, "request is null");
    requireNonNull(status, "status is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(endedAt, "endedAt is null");
    attempts = List.copyOf(attempts);
  }

  /** The same run with {@code attempt} added, or replacing the attempt of the same number. */
  public RunRecord withAttempt(Attempt attempt) {
    List<Attempt> next = new java.util.ArrayList<>(attempts);
    next.removeIf(a -> a.number() == attempt.number());
    next.add(attempt);
    next.sort(java.util.Comparator.comparingInt(Attempt::number));
    return new RunRecord(id, request, status, createdAt, endedAt, next);
  }

  /** The same run with another status and end. */
  public RunRecord withStatus(RunStatus newStatus, Optional<Instant> newEnd) {
    return new RunRecord(id, request, newStatus, createdAt, newEnd, attempts);
  }

  /**
   * One attempt of a run.
   *
   * @param number 1 for the first attempt
   * @param startedAt when it started
   * @param endedAt when it ended, if it has
   * @param status running, or how it ended
   * @param errorCategory when it failed: what kind of failure (whether a retry may succeed)
   * @param error the failure's message, or the quality thresholds missed; empty otherwise
   * @param log the last lines logged while it ran (for {@code sluice runs logs})
   * @param summary what it did, step by step (sources, models, tests), once it ended
   */
  public record Attempt(
      int number,
      Instant startedAt,
      Optional<Instant> endedAt,
      RunStatus status,
      Optional<ErrorCategory> errorCategory,
      String error,
      String log,
      Optional<RunSummary> summary) {
    public Attempt {
      requireNonNull(startedAt, "startedAt is null");
      requireNonNull(endedAt, "endedAt is null");
      requireNonNull(status, "status is null");
      requireNonNull(errorCategory, "errorCategory is null");
      requireNonNull(error, "error is null");
      requireNonNull(log, "log is null");
      requireNonNull(summary, "summary is null");
    }
  }
}
