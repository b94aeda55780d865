package io.sluice.api.lake;

import java.util.Map;

/**
 * A committed version of a table.
 *
 * @param id snapshot id
 * @param sequence position in the table's history, starting at 1
 * @param timestampMillis commit time
 * @param summary what the committer recorded (keys starting with {@code sluice.} are Sluice's)
 */
public record Snapshot(long id, long sequence, long timestampMillis, Map<String, String> summary) {
  public Snapshot {
    summary = Map.copyOf(summary);
  }
}
