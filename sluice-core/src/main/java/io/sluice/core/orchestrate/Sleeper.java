package io.sluice.core.orchestrate;

import java.time.Duration;

/**
 * Waits: between the attempts of a run, and for the scheduler's next due time. Production waits for
 * real ({@link #REAL}); a test's sleeper advances its clock instead, so that a simulated week
 * passes in milliseconds.
 */
@FunctionalInterface
public interface Sleeper {
  /** Waits for real, on {@link Thread#sleep}. */
  Sleeper REAL =
      duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
          Thread.sleep(duration.toMillis());
        }
      };

  /**
   * Waits {@code duration} (returns at once when it is zero or negative).
   *
   * @throws InterruptedException when the thread is interrupted meanwhile (a cancellation)
   */
  void sleep(Duration duration) throws InterruptedException;
}
