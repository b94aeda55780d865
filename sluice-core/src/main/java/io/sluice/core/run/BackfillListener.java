package io.sluice.core.run;

/**
 * Follows a backfill (e.g. to draw a progress bar). Called from the backfill's worker threads, one
 * call at a time.
 */
public interface BackfillListener {
  BackfillListener NONE = new BackfillListener() {};

  /** The backfill starts {@code toDo} steps (the others are done already). */
  default void started(BackfillRecord record, int toDo) {}

  /** A step finished (done or failed); {@code finished} of {@code toDo} steps are finished. */
  default void stepFinished(BackfillRecord.Step step, int finished, int toDo) {}
}
