package io.sluice.core.run;

import io.sluice.api.source.Split;
import java.util.List;

/** Progress of a run, for progress bars and logs. Called from the run's thread. */
public interface RunListener {
  RunListener NONE = new RunListener() {};

  default void sourceStarted(String source, List<Split> splits) {}

  /**
   * Roughly {@code bytes} more of the source's input have been read (not called for input the
   * engine reads natively).
   */
  default void bytesRead(String source, long bytes) {}

  /** A batch's input differs from the columns (before the batch lands, also when policy fails). */
  default void schemaDrift(String source, SchemaDrift.Event event) {}

  default void sourceFinished(RunSummary.SourceRun result) {}

  default void modelFinished(RunSummary.ModelRun result) {}

  default void testFinished(RunSummary.TestRun result) {}

  /**
   * The run ended: called once, last, also when it failed (then with status {@code failed}, what it
   * did before the failure and the error's category), before the run returns or throws. Whoever
   * keeps the run history records it from here.
   */
  default void runFinished(RunSummary summary) {}

  /** One listener that tells each of {@code listeners}, in order, everything it is told. */
  static RunListener all(List<RunListener> listeners) {
    List<RunListener> each = List.copyOf(listeners);
    return new RunListener() {
      @Override
      public void sourceStarted(String source, List<Split> splits) {
        each.forEach(l -> l.sourceStarted(source, splits));
      }

      @Override
      public void bytesRead(String source, long bytes) {
        each.forEach(l -> l.bytesRead(source, bytes));
      }

      @Override
      public void schemaDrift(String source, SchemaDrift.Event event) {
        each.forEach(l -> l.schemaDrift(source, event));
      }

      @Override
      public void sourceFinished(RunSummary.SourceRun result) {
        each.forEach(l -> l.sourceFinished(result));
      }

      @Override
      public void modelFinished(RunSummary.ModelRun result) {
        each.forEach(l -> l.modelFinished(result));
      }

      @Override
      public void testFinished(RunSummary.TestRun result) {
        each.forEach(l -> l.testFinished(result));
      }

      @Override
      public void runFinished(RunSummary summary) {
        each.forEach(l -> l.runFinished(summary));
      }
    };
  }
}
