package io.sluice.api.source;

import java.util.List;

/**
 * What a source has that earlier batches did not consume.
 *
 * @param splits splits to read, in a deterministic order
 * @param skipped human-readable notes on splits deliberately left out (e.g. a changed file under
 *     the {@code skip} policy); shown to the user, never silent
 */
public record SplitPlan(List<Split> splits, List<String> skipped) {
  public SplitPlan {
    splits = List.copyOf(splits);
    skipped = List.copyOf(skipped);
  }
}
