package io.sluice.core.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every run, attempt and step, kept in the state store (embedded: a file in the project's state
 * folder). Whoever runs (the CLI, the scheduler, {@code sluice serve}, the REST API, a backfill)
 * records through it; {@code sluice runs}, {@code sluice status} and the API read it. Safe to call
 * from several threads.
 */
public interface RunHistory extends AutoCloseable {
  /** Inserts the run, or replaces the run of the same id (its status and attempts). */
  void save(RunRecord run);

  Optional<RunRecord> find(String id);

  /**
   * Runs, newest first.
   *
   * @param limit at most this many
   * @param trigger only runs whose trigger starts with this ({@code schedule:nightly}, {@code
   *     backfill:}); empty for all
   */
  List<RunRecord> list(int limit, String trigger);

  /**
   * Runs of one status, newest first.
   *
   * @param limit at most this many
   * @param trigger only runs whose trigger starts with this; empty for all
   * @param status only runs of this status; empty for all
   */
  default List<RunRecord> list(
      int limit, String trigger, Optional<io.sluice.core.run.RunStatus> status) {
    if (status.isEmpty()) {
      return list(limit, trigger);
    }
    return list(Integer.MAX_VALUE, trigger).stream()
        .filter(r -> r.status() == status.get())
        .limit(limit)
        .toList();
  }

  /** The ids of the latest runs, newest first (to match an id a person typed). */
  default List<String> recentIds(int limit) {
    return list(limit, "").stream().map(RunRecord::id).toList();
  }

  /** Removes runs that ended before {@code cutoff}; returns how many. */
  int prune(Instant cutoff);

  @Override
  void close();
}
