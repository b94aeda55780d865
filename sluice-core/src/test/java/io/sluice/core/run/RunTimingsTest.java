package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.engine.StepTiming;
import org.junit.jupiter.api.Test;

class RunTimingsTest {
  @Test
  void aStepIsListedBeforeTheStepsInsideItOneLevelDeeper() {
    RunTimings timings = new RunTimings();
    RunTimings.Step batch = timings.start();
    RunTimings.Step plan = timings.start();
    timings.stop(plan, "events: plan", -1);
    RunTimings.Step ingest = timings.start();
    timings.add(new StepTiming("events: stage", 5, 7, 100, 2048, -1, -1));
    timings.stop(ingest, "events: ingest", 100, 2048, 512);
    timings.stop(batch, "source events", 100, 2048, -1);
    RunTimings.Step views = timings.start();
    timings.stop(views, "views", -1);

    assertThat(timings.list())
        .extracting(t -> t.depth() + " " + t.figures().name())
        .containsExactly(
            "0 source events", "1 events: plan", "1 events: ingest", "2 events: stage", "0 views");
    assertThat(timings.list().get(2).figures())
        .extracting(StepTiming::rows, StepTiming::bytesIn, StepTiming::bytesOut)
        .containsExactly(100L, 2048L, 512L);
  }

  @Test
  void aStepLeftOpenByAFailureDoesNotDeepenTheNextRun() {
    RunTimings timings = new RunTimings();
    timings.start(); // a batch that threw
    timings.clear();
    RunTimings.Step views = timings.start();
    timings.stop(views, "views", -1);

    assertThat(timings.list()).extracting(RunSummary.Timing::depth).containsExactly(0);
  }
}
