package io.sluice.core.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.ErrorCategory;
import io.sluice.core.project.Orchestration;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Orchestration.Retries FOUR_ATTEMPTS =
      new Orchestration.Retries(4, Duration.ofSeconds(10), Duration.ofSeconds(30), 2.0, 0.0);

  @Test
  void onlyExternalFailuresAreRetriedUpToMaxAttempts() {
    RetryPolicy policy = new RetryPolicy(FOUR_ATTEMPTS, new Random(1));
    assertThat(policy.retries(ErrorCategory.EXTERNAL, 1)).isTrue();
    assertThat(policy.retries(ErrorCategory.EXTERNAL, 3)).isTrue();
    assertThat(policy.retries(ErrorCategory.EXTERNAL, 4)).isFalse();
    for (ErrorCategory never :
        new ErrorCategory[] {ErrorCategory.USER, ErrorCategory.DATA, ErrorCategory.INTERNAL}) {
      assertThat(policy.retries(never, 1)).as(never.name()).isFalse();
    }
  }

  @Test
  void backoffGrowsByTheMultiplierUpToTheMaximum() {
    RetryPolicy policy = new RetryPolicy(FOUR_ATTEMPTS, new Random(1));
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.backoff(10)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void jitterShortensEachWaitByAtMostItsFractionReproduciblyForASeed() {
    Orchestration.Retries jittered =
        new Orchestration.Retries(5, Duration.ofSeconds(10), Duration.ofMinutes(10), 2.0, 0.5);
    RetryPolicy policy = new RetryPolicy(jittered, new Random(42));
    RetryPolicy same = new RetryPolicy(jittered, new Random(42));
    for (int attempt = 1; attempt <= 4; attempt++) {
      Duration wait = policy.backoff(attempt);
      assertThat(wait)
          .isLessThanOrEqualTo(policy.ceiling(attempt))
          .isGreaterThanOrEqualTo(policy.ceiling(attempt).dividedBy(2));
      assertThat(same.backoff(attempt)).isEqualTo(wait);
    }
  }
}
