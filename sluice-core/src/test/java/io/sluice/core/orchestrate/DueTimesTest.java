package io.sluice.core.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.Orchestration;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cron times in a time zone, across both daylight-saving changes, and intervals. */
class DueTimesTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static DueTimes cron(String expression, ZoneId zone) {
    return DueTimes.of(
        new Orchestration.Schedule(
            "s",
            List.of(),
            List.of(),
            Optional.of(expression),
            zone,
            Optional.empty(),
            List.of(),
            Orchestration.CatchUp.LATEST,
            1,
            Optional.empty(),
            Duration.ZERO,
            false,
            false,
            Orchestration.Retries.DEFAULT));
  }

  private static List<String> dues(DueTimes times, String from, int count) {
    List<String> dues = new ArrayList<>();
    Instant after = Instant.parse(from);
    for (int i = 0; i < count; i++) {
      after = times.nextAfter(after, Instant.EPOCH).orElseThrow();
      dues.add(after.toString());
    }
    return dues;
  }

  @Test
  void aDailyRunAtTwoThirtyOnTheSpringForwardDayRunsAnHourLaterLocally() {
    // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST, 02:30 does not exist: due at 03:30 CEST.
    assertThat(dues(cron("30 2 * * *", BERLIN), "2026-03-27T12:00:00Z", 4))
        .containsExactly(
            "2026-03-28T01:30:00Z", // 02:30 CET
            "2026-03-29T01:30:00Z", // 03:30 CEST
            "2026-03-30T00:30:00Z", // 02:30 CEST
            "2026-03-31T00:30:00Z");
  }

  @Test
  void aDailyRunAtTwoThirtyOnTheFallBackDayRunsOnceAtItsFirstOccurrence() {
    // 2026-10-25 in Berlin: 03:00 CEST goes back to 02:00 CET, 02:30 happens twice: due once.
    assertThat(dues(cron("30 2 * * *", BERLIN), "2026-10-23T12:00:00Z", 4))
        .containsExactly(
            "2026-10-24T00:30:00Z", // 02:30 CEST
            "2026-10-25T00:30:00Z", // the first 02:30 (CEST), not the second (01:30Z, CET)
            "2026-10-26T01:30:00Z", // 02:30 CET
            "2026-10-27T01:30:00Z");
  }

  @Test
  void anHourlyRunSkipsTheRepeatedHourAndDoesNotRunTwiceAfterTheGap() {
    assertThat(dues(cron("30 * * * *", BERLIN), "2026-10-25T00:00:00Z", 3))
        .containsExactly("2026-10-25T00:30:00Z", "2026-10-25T02:30:00Z", "2026-10-25T03:30:00Z");
    assertThat(dues(cron("30 * * * *", BERLIN), "2026-03-29T00:00:00Z", 3))
        .containsExactly("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z");
  }

  @Test
  void aCronInUtcIgnoresDaylightSaving() {
    assertThat(dues(cron("0 6 * * 1-5", ZoneId.of("UTC")), "2026-03-27T07:00:00Z", 2))
        .containsExactly("2026-03-30T06:00:00Z", "2026-03-31T06:00:00Z");
  }

  @Test
  void anIntervalCountsFromItsAnchor() {
    DueTimes every15m =
        DueTimes.of(
            new Orchestration.Schedule(
                "s",
                List.of(),
                List.of(),
                Optional.empty(),
                ZoneId.of("UTC"),
                Optional.of(Duration.ofMinutes(15)),
                List.of(),
                Orchestration.CatchUp.LATEST,
                1,
                Optional.empty(),
                Duration.ZERO,
                false,
                false,
                Orchestration.Retries.DEFAULT));
    Instant anchor = Instant.parse("2026-01-01T00:05:00Z");
    assertThat(every15m.nextAfter(anchor, anchor)).contains(Instant.parse("2026-01-01T00:20:00Z"));
    assertThat(every15m.nextAfter(Instant.parse("2026-01-01T00:20:00Z"), anchor))
        .contains(Instant.parse("2026-01-01T00:35:00Z"));
    assertThat(every15m.nextAfter(Instant.parse("2026-01-01T01:00:00Z"), anchor))
        .contains(Instant.parse("2026-01-01T01:05:00Z"));
    assertThat(every15m.nextAfter(Instant.parse("2025-12-31T00:00:00Z"), anchor)).contains(anchor);
  }
}
