package io.sluice.ui.dashboard;

import static java.util.Objects.requireNonNull;

import io.sluice.core.dashboard.PanelQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Panel results shared by the pages that show the same panel with the same choices: after a
 * publication, N open pages of a dashboard cost one query per panel, not N. Pages that ask while
 * the query runs wait for it. A result serves for the publication it was queried at, and for at
 * most {@link #FRESH} after it was queried: its time range ends "now", and under {@code sluice ui}
 * no publication is told. A failure is not kept: each page that waited on it runs its own query,
 * and gets its own error.
 */
final class PanelResults {
  /** How long a result serves other pages at most. */
  static final Duration FRESH = Duration.ofSeconds(1);

  /** Beyond this many results, the stale ones are dropped (and all, if that is not enough). */
  static final int MAX_ENTRIES = 512;

  /**
   * What a result depends on.
   *
   * @param sql the panel's query as the dashboard's file has it now (an edit makes a new key)
   * @param sequence the newest publication told to the pages when the query started
   */
  record Key(
      String dashboard,
      String panel,
      String sql,
      Map<String, String> values,
      Duration range,
      long sequence) {
    Key {
      values = Map.copyOf(values);
    }
  }

  /** A result, and whether another page's query made it. */
  record Answer(PanelQuery.Result result, boolean shared) {}

  private record Entry(CompletableFuture<PanelQuery.Result> result, Instant queriedAt) {}

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

  /**
   * The result for {@code key}: another page's, when one is fresh at {@code now} or being queried,
   * else {@code query}'s, shared with the pages that ask next.
   */
  Answer get(Key key, Instant now, Supplier<PanelQuery.Result> query) {
    requireNonNull(key, "key is null");
    while (true) {
      Entry entry = entries.get(key);
      if (entry != null && !stale(entry, now)) {
        try {
          return new Answer(entry.result().join(), true);
        } catch (CompletionException e) {
          return new Answer(query.get(), false); // its query failed: this page's own, own error
        }
      }
      CompletableFuture<PanelQuery.Result> mine = new CompletableFuture<>();
      Entry fresh = new Entry(mine, now);
      boolean claimed =
          entry == null
              ? entries.putIfAbsent(key, fresh) == null
              : entries.replace(key, entry, fresh);
      if (!claimed) {
        continue; // another page claimed it meanwhile: share its query
      }
      if (entries.size() > MAX_ENTRIES) {
        prune(now);
      }
      try {
        PanelQuery.Result result = query.get();
        mine.complete(result);
        return new Answer(result, false);
      } catch (RuntimeException | Error e) {
        entries.remove(key, fresh);
        mine.completeExceptionally(e);
        throw e;
      }
    }
  }

  /** How many results are kept. */
  int size() {
    return entries.size();
  }

  private static boolean stale(Entry entry, Instant now) {
    // One in progress is never stale: its page is about to answer.
    return entry.result().isDone()
        && Duration.between(entry.queriedAt(), now).compareTo(FRESH) >= 0;
  }

  private void prune(Instant now) {
    entries.values().removeIf(entry -> stale(entry, now));
    if (entries.size() > MAX_ENTRIES) {
      entries.values().removeIf(entry -> entry.result().isDone());
    }
  }
}
