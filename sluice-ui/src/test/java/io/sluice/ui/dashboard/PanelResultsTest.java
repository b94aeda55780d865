package io.sluice.ui.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.dashboard.PanelQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PanelResultsTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
  private final PanelResults results = new PanelResults();
  private final AtomicInteger queries = new AtomicInteger();

  private static PanelResults.Key key(long sequence) {
    return new PanelResults.Key(
        "sales", "revenue", "SELECT 1", Map.of("segment", "retail"), Duration.ofDays(7), sequence);
  }

  private Supplier<PanelQuery.Result> query(long value) {
    return () -> {
      queries.incrementAndGet();
      return new PanelQuery.Result(List.of(), List.of(List.of(value)), false, 3);
    };
  }

  @Test
  void pagesAskingForTheSamePanelAfterAPublicationShareOneQuery() {
    PanelResults.Answer first = results.get(key(7), T0, query(1));
    PanelResults.Answer second = results.get(key(7), T0.plusMillis(400), query(2));

    assertThat(first.shared()).isFalse();
    assertThat(second.shared()).isTrue();
    assertThat(second.result()).isSameAs(first.result());
    assertThat(queries).hasValue(1);
  }

  @Test
  void aNewPublicationAnotherChoiceOrASecondLaterQueryAgain() {
    results.get(key(7), T0, query(1));
    assertThat(results.get(key(8), T0, query(2)).shared()).as("a new publication").isFalse();
    PanelResults.Key otherChoice =
        new PanelResults.Key(
            "sales", "revenue", "SELECT 1", Map.of("segment", "b2b"), Duration.ofDays(7), 7);
    assertThat(results.get(otherChoice, T0, query(3)).shared()).as("another choice").isFalse();
    PanelResults.Key edited =
        new PanelResults.Key(
            "sales", "revenue", "SELECT 2", Map.of("segment", "retail"), Duration.ofDays(7), 7);
    assertThat(results.get(edited, T0, query(4)).shared()).as("the panel's SQL edited").isFalse();
    assertThat(results.get(key(7), T0.plus(PanelResults.FRESH), query(5)).shared())
        .as("its range ends now: a result serves a second at most")
        .isFalse();
    assertThat(queries).hasValue(5);
  }

  @Test
  void aPageAskingWhileTheQueryRunsWaitsForIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Supplier<PanelQuery.Result> slow =
        () -> {
          started.countDown();
          try {
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return query(1).get();
        };
    CompletableFuture<PanelResults.Answer> first =
        CompletableFuture.supplyAsync(() -> results.get(key(7), T0, slow));
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<PanelResults.Answer> second =
        CompletableFuture.supplyAsync(() -> results.get(key(7), T0.plusMillis(10), query(2)));
    assertThat(second).isNotDone();
    release.countDown();

    assertThat(first.get(30, TimeUnit.SECONDS).shared()).isFalse();
    assertThat(second.get(30, TimeUnit.SECONDS).shared()).isTrue();
    assertThat(queries).hasValue(1);
  }

  @Test
  void aFailureIsNotKept() {
    Supplier<PanelQuery.Result> failing =
        () -> {
          queries.incrementAndGet();
          throw new IllegalStateException("the reader is gone");
        };
    assertThatThrownBy(() -> results.get(key(7), T0, failing)).hasMessage("the reader is gone");
    assertThat(results.size()).isZero();
    assertThat(results.get(key(7), T0, query(1)).shared()).isFalse();
    assertThat(queries).hasValue(2);
  }

  @Test
  void staleResultsAreDroppedBeyondTheBound() {
    for (int i = 0; i < PanelResults.MAX_ENTRIES; i++) {
      results.get(key(i), T0, query(i));
    }
    assertThat(results.size()).isEqualTo(PanelResults.MAX_ENTRIES);
    // One more, a second later: the stale ones go.
    results.get(key(-1), T0.plus(PanelResults.FRESH), query(-1));
    assertThat(results.size()).isEqualTo(1);
    // Fresh ones beyond the bound go too (all but the one in progress).
    for (int i = 0; i <= PanelResults.MAX_ENTRIES; i++) {
      results.get(key(i), T0.plus(PanelResults.FRESH), query(i));
    }
    assertThat(results.size()).isLessThanOrEqualTo(PanelResults.MAX_ENTRIES);
  }
}
