package io.sluice.core.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.history.InMemoryRunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.Orchestration;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One run's attempts. Failures are injected by the work function (a timeout, an outside system
 * failing on cue) because they cannot be produced on demand for real.
 */
class RunExecutorTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryRunHistory history = new InMemoryRunHistory();
  private final RunExecutor executor = new RunExecutor(history, clock, clock.sleeper());
  private final RetryPolicy threeAttempts =
      new RetryPolicy(
          new Orchestration.Retries(3, Duration.ofSeconds(10), Duration.ofMinutes(1), 2, 0),
          new Random(7));

  private static RunSummary summary(RunStatus status, String error) {
    return new RunSummary(
        "r", "r", 0, status, error, List.of(), List.of(), List.of(), "manual", List.of(), null);
  }

  @Test
  void aTimedOutAttemptIsInterruptedAndRetriedAsATransientFailure() {
    CountDownLatch never = new CountDownLatch(1);
    int[] calls = {0};
    RunRecord run =
        executor.run(
            RunRequest.all("manual"),
            clock.instant(),
            threeAttempts,
            Optional.of(Duration.ofMillis(50)),
            request -> {
              if (calls[0]++ == 0) {
                try {
                  never.await(); // the first attempt hangs until interrupted
                } catch (InterruptedException e) {
                  throw SluiceException.external("interrupted", e);
                }
              }
              return summary(RunStatus.OK, "");
            });
    assertThat(run.status()).isEqualTo(RunStatus.OK);
    assertThat(run.attempts()).hasSize(2);
    RunRecord.Attempt first = run.attempts().get(0);
    assertThat(first.status()).isEqualTo(RunStatus.FAILED);
    assertThat(first.errorCategory()).contains(ErrorCategory.EXTERNAL);
    assertThat(first.error()).contains("longer than its timeout of PT0.05S");
    assertThat(run.attempts().get(1).startedAt())
        .isEqualTo(first.startedAt().plus(Duration.ofSeconds(10)));
  }

  @Test
  void retriesStopAtMaxAttemptsWithTheLastErrorAndItsCauses() {
    RunRecord run =
        executor.run(
            RunRequest.all("manual"),
            clock.instant(),
            threeAttempts,
            Optional.empty(),
            request -> {
              throw SluiceException.external(
                  "Cannot reach the catalog", new java.net.ConnectException("refused"));
            });
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.attempts()).extracting(RunRecord.Attempt::number).containsExactly(1, 2, 3);
    assertThat(run.attempts().get(2).log())
        .contains("Cannot reach the catalog")
        .contains("caused by: java.net.ConnectException: refused");
    assertThat(run.endedAt()).isPresent();
    assertThat(history.find(run.id())).contains(run);
  }

  @Test
  void failedChecksAndABugAreNotRetried() {
    RunRecord checks =
        executor.run(
            RunRequest.all("manual"),
            clock.instant(),
            threeAttempts,
            Optional.empty(),
            request -> summary(RunStatus.CHECKS_FAILED, "volume(orders) failed"));
    assertThat(checks.status()).isEqualTo(RunStatus.CHECKS_FAILED);
    assertThat(checks.attempts()).hasSize(1);
    assertThat(checks.attempts().get(0).errorCategory()).contains(ErrorCategory.DATA);
    RunRecord bug =
        executor.run(
            RunRequest.all("manual"),
            clock.instant(),
            threeAttempts,
            Optional.empty(),
            request -> {
              throw new IllegalStateException("a bug");
            });
    assertThat(bug.attempts()).hasSize(1);
    assertThat(bug.attempts().get(0).errorCategory()).contains(ErrorCategory.INTERNAL);
  }

  @Test
  void aCancelledRunStopsItsAttemptAndEndsCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    RunRecord queued = executor.queue(RunRequest.all("api"), clock.instant());
    assertThat(history.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    CompletableFuture<RunRecord> run =
        CompletableFuture.supplyAsync(
            () ->
                executor.execute(
                    queued,
                    threeAttempts,
                    Optional.empty(),
                    request -> {
                      started.countDown();
                      try {
                        new CountDownLatch(1).await();
                      } catch (InterruptedException e) {
                        throw SluiceException.external("interrupted", e);
                      }
                      return summary(RunStatus.OK, "");
                    }));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(history.find(queued.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(executor.cancel(queued.id())).isTrue();
    RunRecord ended = run.get(10, TimeUnit.SECONDS);
    assertThat(ended.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(ended.attempts()).hasSize(1);
    assertThat(executor.cancel(queued.id())).isFalse();
  }
}
