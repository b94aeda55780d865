package io.sluice.core.orchestrate;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.core.project.Orchestration;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Whether, and after how long, a failed attempt of a run is tried again ({@code retries} of
 * sluice.yaml): only failures whose {@link ErrorCategory#retryable() category is retryable} (an
 * outside system, I/O, a lock held elsewhere, a timeout) are retried, up to {@code max-attempts}
 * attempts in all, after an exponential backoff shortened by a random fraction (the jitter). User,
 * data and internal errors fail the same way every time: never retried.
 *
 * <p>Thread-safe when its random generator is (the scheduler gives each policy its own).
 */
public final class RetryPolicy {
  private final Orchestration.Retries retries;
  private final RandomGenerator random;

  /**
   * @param retries the settings
   * @param random draws the jitter; a seeded one makes the waits reproducible
   */
  public RetryPolicy(Orchestration.Retries retries, RandomGenerator random) {
    this.retries = requireNonNull(retries, "retries is null");
    this.random = requireNonNull(random, "random is null");
  }

  /** Attempts in all, the first included. */
  public int maxAttempts() {
    return retries.maxAttempts();
  }

  /**
   * Whether a run whose attempt number {@code attempt} (1 for the first) failed with {@code
   * category} is tried again.
   */
  public boolean retries(ErrorCategory category, int attempt) {
    requireNonNull(category, "category is null");
    return category.retryable() && attempt < retries.maxAttempts();
  }

  /**
   * The wait after the failed attempt number {@code attempt} (1 for the first): {@code
   * initial-backoff * multiplier^(attempt-1)}, at most {@code max-backoff}, shortened by a random
   * fraction of up to {@code jitter}.
   */
  public Duration backoff(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt " + attempt + " is not 1 or more");
    }
    return jittered(ceiling(attempt));
  }

  /**
   * The longest wait after the failed attempt number {@code attempt}: the backoff without jitter.
   */
  public Duration ceiling(int attempt) {
    double millis =
        retries.initialBackoff().toMillis() * Math.pow(retries.multiplier(), attempt - 1.0);
    long cap = retries.maxBackoff().toMillis();
    return Duration.ofMillis(millis >= cap ? cap : (long) millis);
  }

  private Duration jittered(Duration ceiling) {
    if (retries.jitter() <= 0 || ceiling.isZero()) {
      return ceiling;
    }
    double shortenBy = random.nextDouble() * retries.jitter();
    return Duration.ofMillis(Math.round(ceiling.toMillis() * (1 - shortenBy)));
  }

  @Override
  public String toString() {
    return "RetryPolicy" + retries;
  }
}
