package io.sluice.api.source;

import io.sluice.api.engine.StepTiming;
import java.util.List;

/**
 * What a source has that earlier batches did not consume.
 *
 * @param splits splits to read, in a deterministic order
 * @param skipped human-readable notes on splits deliberately left out (e.g. a changed file under
 *     the {@code skip} policy); shown to the user, never silent
 * @param steps what planning's steps cost (e.g. listing files, reading new ones), in the order they
 *     ran, for {@code sluice run --timings}; empty when the connector does not measure them
 */
public record SplitPlan(List<Split> splits, List<String> skipped, List<StepTiming> steps) {
  public SplitPlan {
    splits = List.copyOf(splits);
    skipped = List.copyOf(skipped);
    steps = List.copyOf(steps);
  }

  /** A plan without step timings. */
  public SplitPlan(List<Split> splits, List<String> skipped) {
    this(splits, skipped, List.of());
  }

  /** This plan with the connector's step timings. */
  public SplitPlan withSteps(List<StepTiming> planSteps) {
    return new SplitPlan(splits, skipped, planSteps);
  }
}
