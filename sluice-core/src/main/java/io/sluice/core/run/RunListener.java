package io.sluice.core.run;

import io.sluice.api.source.Split;
import java.util.List;

/** Progress of a run, for progress bars and logs. Called from the run's thread. */
public interface RunListener {
  RunListener NONE = new RunListener() {};

  default void sourceStarted(String source, List<Split> splits) {}

  default void splitRead(String source, Split split) {}

  default void sourceFinished(RunSummary.SourceRun result) {}

  default void modelFinished(RunSummary.ModelRun result) {}

  default void testFinished(RunSummary.TestRun result) {}
}
