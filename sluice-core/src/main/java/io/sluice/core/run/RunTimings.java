package io.sluice.core.run;

import io.sluice.api.engine.StepMeter;
import io.sluice.api.engine.StepTiming;
import java.util.ArrayList;
import java.util.List;

/**
 * The timings of one run, measured step by step on the run's thread: a step started while another
 * is open is inside it (one level deeper), and a step is listed before the steps inside it, though
 * it ends after them.
 */
final class RunTimings {
  private final List<RunSummary.Timing> timings = new ArrayList<>();
  private int depth;

  /** A step being measured: where it goes in the list, how deep, and its meter. */
  static final class Step {
    private final int position;
    private final int depth;
    private final StepMeter meter;

    private Step(int position, int depth) {
      this.position = position;
      this.depth = depth;
      this.meter = StepMeter.start();
    }
  }

  /** Starts a step; until it stops, the steps started or added are inside it. */
  Step start() {
    return new Step(timings.size(), depth++);
  }

  /** Ends {@code step} (see {@link StepMeter#stop}). */
  void stop(Step step, String name, long rows, long bytesIn, long bytesOut) {
    depth = step.depth;
    timings.add(
        step.position,
        new RunSummary.Timing(step.depth, step.meter.stop(name, rows, bytesIn, bytesOut)));
  }

  /** Ends {@code step}, whose bytes are not known. */
  void stop(Step step, String name, long rows) {
    stop(step, name, rows, -1, -1);
  }

  /** Adds a step measured elsewhere (an engine's) inside the steps open now. */
  void add(StepTiming step) {
    timings.add(new RunSummary.Timing(depth, step));
  }

  /** Forgets every step: a new run starts. */
  void clear() {
    timings.clear();
    depth = 0;
  }

  /** The steps ended so far, in the order they started. */
  List<RunSummary.Timing> list() {
    return List.copyOf(timings);
  }
}
