package io.sluice.core.lineage;

import static java.util.Objects.requireNonNull;

import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.lineage.LineageEvents.EventType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run history that tells the lineage transport how each attempt of each run it records goes:
 * START when an attempt is recorded running, COMPLETE, FAIL or ABORT when it is recorded ended.
 * Every runner (the CLI, the scheduler, {@code serve}, the REST API, backfills) records its runs
 * here, so this is the one place that sees them all. An attempt recorded only once it ended (a
 * micro-batch of {@code serve}, which is recorded only when it did something) gets its START then,
 * with the time it started.
 */
final class LineageRunHistory implements RunHistory {
  /** Attempts remembered as reported, so that a run saved again is not reported twice. */
  private static final int REMEMBERED = 10_000;

  private final RunHistory history;
  private final LineageEvents events;
  private final Lineage lineage;

  /** Per attempt ({@code <run id>/<attempt>}): whether its end was reported. */
  private final Map<String, Boolean> reported =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };

  LineageRunHistory(RunHistory history, LineageEvents events, Lineage lineage) {
    this.history = requireNonNull(history, "history is null");
    this.events = requireNonNull(events, "events is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
  }

  @Override
  public void save(RunRecord run) {
    history.save(run);
    for (RunRecord.Attempt attempt : run.attempts()) {
      report(run, attempt);
    }
  }

  private void report(RunRecord run, RunRecord.Attempt attempt) {
    String key = run.id() + "/" + attempt.number();
    boolean ended = attempt.status().finished();
    synchronized (reported) {
      Boolean endReported = reported.get(key);
      if (Boolean.TRUE.equals(endReported) || (endReported != null && !ended)) {
        return;
      }
      reported.put(key, ended);
      if (endReported == null) {
        lineage.emit(() -> events.event(EventType.START, run, attempt), "START of run " + key);
      }
      if (ended) {
        EventType type = LineageEvents.ended(attempt.status());
        lineage.emit(() -> events.event(type, run, attempt), type + " of run " + key);
      }
    }
  }

  @Override
  public Optional<RunRecord> find(String id) {
    return history.find(id);
  }

  @Override
  public List<RunRecord> list(int limit, String trigger) {
    return history.list(limit, trigger);
  }

  @Override
  public List<RunRecord> list(
      int limit, String trigger, Optional<io.sluice.core.run.RunStatus> status) {
    return history.list(limit, trigger, status);
  }

  @Override
  public List<String> recentIds(int limit) {
    return history.recentIds(limit);
  }

  @Override
  public int prune(Instant cutoff) {
    return history.prune(cutoff);
  }

  @Override
  public void close() {
    try {
      lineage.close();
    } finally {
      history.close();
    }
  }
}
