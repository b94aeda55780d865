package io.sluice.core.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.Project;
import io.sluice.core.project.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freshness SLAs evaluated at injected instants, against refresh times the test sets. */
class FreshnessEvaluatorTest {
  @TempDir Path dir;

  /** Refresh times a test moves by hand. */
  private static final class Times implements RefreshTimes {
    final Map<String, Instant> landed = new HashMap<>();
    final Map<String, Instant> built = new HashMap<>();

    @Override
    public Optional<Instant> lastLanded(String source) {
      return Optional.ofNullable(landed.get(source));
    }

    @Override
    public Optional<Instant> lastBuilt(String model) {
      return Optional.ofNullable(built.get(model));
    }
  }

  private final Times times = new Times();

  private Project project(String freshness) {
    return new TestProject(dir)
        .file("sluice.yaml", "name: shop\nfreshness:\n" + freshness)
        .source("orders")
        .source("clicks")
        .file("models/daily.sql", "SELECT * FROM {{ source('orders') }}\n")
        .load();
  }

  private static Instant at(String instant) {
    return Instant.parse(instant);
  }

  @Test
  void aSourceOlderThanMaxAgeIsBreachedBySoMuch() {
    Project project =
        project("  - {name: orders_recent, target: source:orders, max-age: 2h, severity: fail}\n");
    FreshnessEvaluator evaluator = new FreshnessEvaluator(project, times, EventSink.NONE);
    times.landed.put("orders", at("2026-06-01T10:00:00Z"));

    FreshnessState fresh = evaluator.evaluate(at("2026-06-01T12:00:00Z")).get(0);
    assertThat(fresh.status()).isEqualTo(FreshnessState.Status.FRESH);
    assertThat(fresh.age()).contains(Duration.ofHours(2));
    assertThat(fresh.target()).isEqualTo(new FreshnessState.Target(true, "orders"));
    assertThat(evaluator.breached()).isEmpty();

    FreshnessState late = evaluator.evaluate(at("2026-06-01T13:12:00Z")).get(0);
    assertThat(late.status()).isEqualTo(FreshnessState.Status.BREACHED);
    assertThat(late.failing()).isTrue();
    assertThat(late.lastRefresh()).contains(at("2026-06-01T10:00:00Z"));
    assertThat(late.reasons())
        .containsExactly("last refreshed 3h12m ago, 1h12m more than max-age 2h");
    assertThat(late.limit()).isEqualTo("max-age 2h");
    assertThat(evaluator.breached()).containsExactly("orders_recent");
    assertThat(evaluator.lastStates()).containsExactly(late);
  }

  @Test
  void aDeadlineOnTheDaylightSavingDayIsAtLocalTime() {
    // Europe/Berlin moves from +01:00 to +02:00 on 2026-03-29: 07:00 local is 05:00Z that day,
    // while it was 06:00Z the day before; the local day begins at 2026-03-28T23:00Z.
    Project project =
        project(
            "  - {name: revenue_by_7, target: daily, deadline: \"07:00\","
                + " time-zone: Europe/Berlin}\n");
    FreshnessEvaluator evaluator = new FreshnessEvaluator(project, times, EventSink.NONE);
    times.built.put("daily", at("2026-03-28T22:30:00Z")); // 23:30 on the 28th, Berlin time

    assertThat(evaluator.evaluate(at("2026-03-29T04:59:00Z")).get(0).status())
        .as("before the deadline, yesterday's deadline counts, and it was met")
        .isEqualTo(FreshnessState.Status.FRESH);
    FreshnessState missed = evaluator.evaluate(at("2026-03-29T05:30:00Z")).get(0);
    assertThat(missed.status())
        .as("07:30 in Berlin (CEST): today's deadline passed without a refresh today")
        .isEqualTo(FreshnessState.Status.BREACHED);
    assertThat(missed.reasons())
        .containsExactly(
            "not refreshed on 2026-03-29 by its deadline 07:00 Europe/Berlin (last refresh"
                + " 2026-03-28T22:30:00Z)");
    assertThat(missed.failing()).as("severity is warn by default").isFalse();
    assertThat(missed.limit()).isEqualTo("deadline 07:00 Europe/Berlin");

    times.built.put("daily", at("2026-03-28T23:10:00Z")); // 00:10 on the 29th, Berlin time
    assertThat(evaluator.evaluate(at("2026-03-29T05:30:00Z")).get(0).status())
        .isEqualTo(FreshnessState.Status.FRESH);
    assertThat(evaluator.evaluate(at("2026-03-30T04:30:00Z")).get(0).status())
        .as("06:30 on the 30th: the deadline of the 29th was met, the 30th's is not due")
        .isEqualTo(FreshnessState.Status.FRESH);
    assertThat(evaluator.evaluate(at("2026-03-30T05:00:00Z")).get(0).status())
        .as("07:00 on the 30th: due, and nothing since midnight")
        .isEqualTo(FreshnessState.Status.BREACHED);
    assertThat(evaluator.evaluate(at("2026-03-31T03:00:00Z")).get(0).status())
        .as("a breach does not end at midnight by itself")
        .isEqualTo(FreshnessState.Status.BREACHED);
  }

  @Test
  void aSourceThatNeverLandedIsUnknownNotBreached() {
    Project project =
        project("  - {name: clicks_recent, target: clicks, max-age: 1h, severity: fail}\n");
    FreshnessEvaluator evaluator = new FreshnessEvaluator(project, times, EventSink.file(dir));

    FreshnessState state = evaluator.evaluate(at("2026-06-01T12:00:00Z")).get(0);

    assertThat(state.status()).isEqualTo(FreshnessState.Status.UNKNOWN);
    assertThat(state.target())
        .as("a bare source name")
        .isEqualTo(new FreshnessState.Target(true, "clicks"));
    assertThat(state.age()).isEmpty();
    assertThat(state.reasons()).containsExactly("no batch of source clicks has landed yet");
    assertThat(evaluator.breached()).isEmpty();
    assertThat(EventSink.recorded(dir)).isEmpty();
  }

  @Test
  void aModelIsAsFreshAsItsLastBuild() {
    Project project = project("  - {name: daily_fresh, target: daily, max-age: 1d}\n");
    FreshnessEvaluator evaluator = new FreshnessEvaluator(project, times, EventSink.NONE);
    times.landed.put("orders", at("2026-06-01T11:00:00Z"));

    assertThat(evaluator.evaluate(at("2026-06-01T12:00:00Z")).get(0).status())
        .as("its source landed, but the model was never built")
        .isEqualTo(FreshnessState.Status.UNKNOWN);
    times.built.put("daily", at("2026-05-30T12:00:00Z"));
    FreshnessState state = evaluator.evaluate(at("2026-06-01T12:00:00Z")).get(0);
    assertThat(state.target()).isEqualTo(new FreshnessState.Target(false, "daily"));
    assertThat(state.status()).isEqualTo(FreshnessState.Status.BREACHED);
    assertThat(state.reasons()).containsExactly("last refreshed 2d ago, 24h more than max-age 1d");
  }

  @Test
  void transitionsAreEmittedOnceWithTheSlasSeverity() throws java.io.IOException {
    Project project =
        project(
            "  - {name: orders_recent, target: source:orders, max-age: 2h, severity: fail}\n"
                + "  - {name: daily_fresh, target: daily, max-age: 2h}\n");
    FreshnessEvaluator evaluator = new FreshnessEvaluator(project, times, EventSink.file(dir));
    times.landed.put("orders", at("2026-06-01T10:00:00Z"));
    times.built.put("daily", at("2026-06-01T10:00:00Z"));

    evaluator.evaluate(at("2026-06-01T11:00:00Z")); // both fresh: nothing to say
    evaluator.evaluate(at("2026-06-01T13:00:00Z")); // both breached
    evaluator.evaluate(at("2026-06-01T14:00:00Z")); // still breached: nothing new
    times.landed.put("orders", at("2026-06-01T14:30:00Z"));
    evaluator.evaluate(at("2026-06-01T15:00:00Z")); // orders recovered
    evaluator.evaluate(at("2026-06-01T15:30:00Z")); // nothing changed

    List<PipelineEvent> events = EventSink.recorded(dir);
    assertThat(events)
        .extracting(
            PipelineEvent::type,
            PipelineEvent::subject,
            PipelineEvent::severity,
            PipelineEvent::time)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "freshness-breached",
                "freshness:orders_recent",
                PipelineEvent.Severity.FAIL,
                at("2026-06-01T13:00:00Z")),
            org.assertj.core.groups.Tuple.tuple(
                "freshness-breached",
                "freshness:daily_fresh",
                PipelineEvent.Severity.WARN,
                at("2026-06-01T13:00:00Z")),
            org.assertj.core.groups.Tuple.tuple(
                "freshness-recovered",
                "freshness:orders_recent",
                PipelineEvent.Severity.INFO,
                at("2026-06-01T15:00:00Z")));
    assertThat(events.get(0).details())
        .containsExactly(
            Map.entry("sla", "orders_recent"),
            Map.entry("target", "source:orders"),
            Map.entry("last-refresh", "2026-06-01T10:00:00Z"),
            Map.entry("age-seconds", "10800"),
            Map.entry("limit", "max-age 2h"),
            Map.entry("reason", "last refreshed 3h ago, 1h more than max-age 2h"));
    assertThat(events.get(0).message())
        .isEqualTo(
            "Freshness SLA orders_recent on source orders is breached: last refreshed 3h ago, 1h"
                + " more than max-age 2h");
    assertThat(evaluator.breached()).containsExactly("daily_fresh");
    assertThat(Files.readAllLines(dir.resolve("events.jsonl")).get(0))
        .startsWith(
            "{\"time\":\"2026-06-01T13:00:00Z\",\"type\":\"freshness-breached\","
                + "\"subject\":\"freshness:orders_recent\",\"severity\":\"fail\",\"message\":");
  }
}
