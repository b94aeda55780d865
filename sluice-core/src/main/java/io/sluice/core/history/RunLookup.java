package io.sluice.core.history;

import io.sluice.api.SluiceException;
import io.sluice.config.DidYouMean;
import java.util.List;
import java.util.Optional;

/**
 * Finds a run by the id a person typed ({@code sluice runs show}, {@code GET /v1/runs/{id}}): the
 * whole id, or a prefix of it that only one of the recent runs has; an unknown id gets a message
 * with the closest id and the latest ones.
 */
public final class RunLookup {
  /** How many recent runs a prefix or a misspelt id is matched against. */
  static final int RECENT = 1000;

  private RunLookup() {}

  /** The run of {@code id}, or of the one recent run whose id starts with it. */
  public static Optional<RunRecord> find(RunHistory history, String id) {
    Optional<RunRecord> exact = history.find(id);
    if (exact.isPresent() || id.isEmpty()) {
      return exact;
    }
    List<String> matching =
        history.recentIds(RECENT).stream().filter(recent -> recent.startsWith(id)).toList();
    return matching.size() == 1 ? history.find(matching.get(0)) : Optional.empty();
  }

  /**
   * The run of {@code id} (see {@link #find}).
   *
   * @throws SluiceException (USER) naming the closest id and the latest ones when there is none
   */
  public static RunRecord require(RunHistory history, String id) {
    return find(history, id).orElseThrow(() -> SluiceException.user("%s", unknown(history, id)));
  }

  /** Why {@code id} names no run, with the closest id and the latest ones. */
  public static String unknown(RunHistory history, String id) {
    List<String> recent = history.recentIds(RECENT);
    if (recent.isEmpty()) {
      return "No run '" + id + "' in the run history: it holds no run yet (try sluice run)";
    }
    long prefixed = recent.stream().filter(r -> r.startsWith(id)).count();
    String why =
        prefixed > 1
            ? "No run '" + id + "': " + prefixed + " runs start with it, give more of the id"
            : "No run '" + id + "' in the run history" + DidYouMean.hint(id, recent);
    return why
        + "; the latest: "
        + String.join(", ", recent.subList(0, Math.min(3, recent.size())))
        + " (sluice runs list shows more; runs older than history.retention are removed)";
  }
}
