package io.sluice.core.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A run history that lives as long as the process: for tests, and a project without a state. */
public final class InMemoryRunHistory implements RunHistory {
  private final Map<String, RunRecord> runs = new ConcurrentHashMap<>();

  @Override
  public void save(RunRecord run) {
    runs.put(run.id(), run);
  }

  @Override
  public Optional<RunRecord> find(String id) {
    return Optional.ofNullable(runs.get(id));
  }

  @Override
  public List<RunRecord> list(int limit, String trigger) {
    List<RunRecord> all = new ArrayList<>(runs.values());
    all.removeIf(r -> !r.request().trigger().startsWith(trigger));
    all.sort(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id).reversed());
    return all.subList(0, Math.min(limit, all.size()));
  }

  @Override
  public int prune(Instant cutoff) {
    int before = runs.size();
    runs.values().removeIf(r -> r.endedAt().map(end -> end.isBefore(cutoff)).orElse(false));
    return before - runs.size();
  }

  @Override
  public void close() {}
}
