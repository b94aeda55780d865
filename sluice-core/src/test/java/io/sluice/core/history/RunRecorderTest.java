package io.sluice.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunRecorderTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private final InMemoryRunHistory history = new InMemoryRunHistory();
  private final RunRecorder recorder = new RunRecorder(history, Clock.fixed(T0, ZoneOffset.UTC));

  private static RunSummary idle() {
    return new RunSummary(
        "x",
        T0.toString(),
        5,
        RunStatus.OK,
        "",
        List.of(
            new RunSummary.SourceRun(
                "orders", "", 0, 0, 0, 0, 0, Map.of(), List.of(), false, 1, List.of(), 0,
                List.of())),
        List.of(new RunSummary.ModelRun("daily", "table", "skipped", 31, 1)),
        List.of(),
        "serve",
        List.of(),
        null);
  }

  @Test
  void recordsARunWithOneAttemptItsLogAndSummary() {
    RunSummary done = SqliteRunHistoryTest.summary(T0, RunStatus.TESTS_FAILED);
    RunSummary returned =
        recorder.record(
            RunRequest.all("manual"),
            RunListener.NONE,
            listener -> {
              done.sources().forEach(listener::sourceFinished);
              done.models().forEach(listener::modelFinished);
              done.tests().forEach(listener::testFinished);
              listener.runFinished(done);
              return done;
            });

    RunRecord run = history.list(10, "").get(0);
    // Under the run's id in the history (the pipeline names a run by its start time).
    assertThat(returned).isEqualTo(done.withRunId(run.id()));
    assertThat(run.status()).isEqualTo(RunStatus.TESTS_FAILED);
    assertThat(run.endedAt()).contains(T0);
    assertThat(run.attempts()).hasSize(1);
    RunRecord.Attempt attempt = run.attempts().get(0);
    assertThat(attempt.summary()).contains(returned);
    assertThat(attempt.log())
        .contains("10:00:00.000 source orders: batch 000003, 100 read, 90 landed, 10 quarantined")
        .contains("warning: freshness orders.fresh: 2 days old")
        .contains("model daily: built (table), 31 rows")
        .contains("test unique(daily.day): FAIL 2 failing rows")
        .contains("run tests-failed in 1.50s");
  }

  @Test
  void aFailedRunIsRecordedWithItsErrorAndCategoryThenRethrown() {
    SluiceException failure = SluiceException.external("catalog unreachable", null);
    assertThatThrownBy(
            () ->
                recorder.record(
                    RunRequest.all("api"),
                    RunListener.NONE,
                    listener -> {
                      throw failure;
                    }))
        .isSameAs(failure);

    RunRecord run = history.list(10, "").get(0);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    RunRecord.Attempt attempt = run.attempts().get(0);
    assertThat(attempt.errorCategory()).contains(ErrorCategory.EXTERNAL);
    assertThat(attempt.error()).isEqualTo("catalog unreachable");
    assertThat(attempt.summary()).isEmpty();
    assertThat(attempt.log()).contains("failed (external)");
  }

  @Test
  void aRunThatFailsBeforeItsPipelineStartsIsStillHeardToEndFailed() {
    // Listeners (alerts) learn that a run ended from runFinished, which the pipeline calls; a run
    // that fails before it (checking the project, opening the engine) must still be heard.
    List<RunSummary> heard = new java.util.ArrayList<>();
    RunListener listener =
        new RunListener() {
          @Override
          public void runFinished(RunSummary summary) {
            heard.add(summary);
          }
        };
    SluiceException failure = SluiceException.external("the warehouse file is locked", null);
    RunRequest request =
        new RunRequest(List.of("daily_revenue"), List.of(), false, Optional.empty(), "manual");
    assertThatThrownBy(
            () ->
                recorder.record(
                    request,
                    listener,
                    l -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    RunRecord run = history.list(10, "").get(0);
    assertThat(heard)
        .singleElement()
        .satisfies(
            summary -> {
              assertThat(summary.runId()).isEqualTo(run.id());
              assertThat(summary.status()).isEqualTo(RunStatus.FAILED);
              assertThat(summary.errorCategory()).isEqualTo(ErrorCategory.EXTERNAL);
              assertThat(summary.error()).isEqualTo("the warehouse file is locked");
              assertThat(summary.trigger()).isEqualTo("manual");
              assertThat(summary.select()).containsExactly("daily_revenue");
            });
    // A run whose pipeline heard its own end is not told twice.
    heard.clear();
    RunSummary partial = SqliteRunHistoryTest.summary(T0, RunStatus.FAILED);
    assertThatThrownBy(
            () ->
                recorder.record(
                    RunRequest.all("manual"),
                    listener,
                    l -> {
                      l.runFinished(partial);
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(heard)
        .singleElement()
        .satisfies(
            summary -> {
              assertThat(summary.status()).isEqualTo(RunStatus.FAILED);
              // Under the run's id in the history, not the pipeline's start time.
              assertThat(summary.runId()).isEqualTo(history.list(10, "").get(0).id());
            });
  }

  @Test
  void aFailedAttemptKeepsWhatTheRunDidBeforeItFailed() {
    RunSummary partial = SqliteRunHistoryTest.summary(T0, RunStatus.FAILED);
    RunRecorder.Outcome outcome =
        recorder.attempt(
            2,
            RunListener.NONE,
            listener -> {
              listener.runFinished(partial);
              throw SluiceException.user("model daily: syntax error");
            });

    assertThat(outcome.failure()).isPresent();
    assertThat(outcome.attempt().number()).isEqualTo(2);
    assertThat(outcome.attempt().status()).isEqualTo(RunStatus.FAILED);
    assertThat(outcome.attempt().errorCategory()).contains(ErrorCategory.USER);
    assertThat(outcome.attempt().summary()).contains(partial);
    assertThat(outcome.attempt().log()).contains("failed (user)").contains("syntax error");
    assertThat(history.list(10, "")).isEmpty();
  }

  @Test
  void anIdleMicroBatchIsNotRecordedButOneThatLandedIs() {
    RunRecord idle = recorder.queued(RunRequest.all("serve"));
    recorder.record(idle, RunListener.NONE, false, l -> idle());
    assertThat(history.find(idle.id())).isEmpty();

    RunSummary landed = SqliteRunHistoryTest.summary(T0, RunStatus.OK);
    RunRecord landing = recorder.queued(RunRequest.all("serve"));
    recorder.record(landing, RunListener.NONE, false, l -> landed);
    assertThat(history.find(landing.id())).map(RunRecord::status).contains(RunStatus.OK);
    assertThat(history.list(10, "")).hasSize(1);
  }

  @Test
  void aRunIsVisibleAsRunningWhileItRuns() {
    java.util.concurrent.atomic.AtomicReference<Optional<RunRecord>> seen =
        new java.util.concurrent.atomic.AtomicReference<>();
    RunRecord queued = recorder.queued(RunRequest.all("api"));
    history.save(queued);
    recorder.record(
        queued,
        RunListener.NONE,
        true,
        listener -> {
          seen.set(history.find(queued.id()));
          return idle();
        });
    assertThat(seen.get()).map(RunRecord::status).contains(RunStatus.RUNNING);
    RunRecord ended = history.find(queued.id()).orElseThrow();
    assertThat(ended.status()).isEqualTo(RunStatus.OK);
    assertThat(ended.createdAt()).isEqualTo(queued.createdAt());
    assertThat(ended.attempts()).hasSize(1);
  }
}
