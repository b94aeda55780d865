package io.sluice.core.orchestrate;

import com.cronutils.model.time.ExecutionTime;
import io.sluice.core.config.OrchestrationSpec;
import io.sluice.core.project.Orchestration;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a schedule is due: its {@code cron} in its time zone, or every {@code interval} from an
 * anchor.
 *
 * <p>A cron expression matches local (wall-clock) times of the schedule's zone; each match is one
 * due instant. Across daylight-saving changes: a local time that does not exist (02:30 on the
 * spring-forward day in Europe/Berlin) is due the length of the gap later (03:30, as {@link
 * ZonedDateTime#ofLocal} places it); a local time that occurs twice (02:30 on the fall-back day) is
 * due once, at its first occurrence. An hourly expression therefore runs once less on the fall-back
 * day, and a local time the gap moves onto an existing one (02:30 and 03:30 on the spring-forward
 * day) runs once.
 */
final class DueTimes {
  private static final int MAX_CRON_STEPS = 1000;

  private final Optional<ExecutionTime> cron;
  private final ZoneId zone;
  private final Optional<Duration> interval;

  private DueTimes(Optional<ExecutionTime> cron, ZoneId zone, Optional<Duration> interval) {
    this.cron = cron;
    this.zone = zone;
    this.interval = interval;
  }

  static DueTimes of(Orchestration.Schedule schedule) {
    return new DueTimes(
        schedule.cron().map(text -> ExecutionTime.forCron(OrchestrationSpec.parseCron(text))),
        schedule.timeZone(),
        schedule.interval());
  }

  /** Whether the schedule is due at times at all (rather than on triggers only). */
  boolean timed() {
    return cron.isPresent() || interval.isPresent();
  }

  /**
   * The first due instant strictly after {@code after}; empty when the schedule has no times.
   *
   * @param anchor an instant the interval counts from (a past due time, or the scheduler's start);
   *     unused for cron
   */
  Optional<Instant> nextAfter(Instant after, Instant anchor) {
    if (cron.isPresent()) {
      return nextCron(cron.get(), after);
    }
    if (interval.isPresent()) {
      long step = interval.get().toNanos();
      long since = Duration.between(anchor, after).toNanos();
      long steps = since < 0 ? 0 : since / step + 1;
      return Optional.of(anchor.plusNanos(steps * step));
    }
    return Optional.empty();
  }

  private Optional<Instant> nextCron(ExecutionTime execution, Instant after) {
    // cron-utils walks wall-clock times on a zone without transitions; each match is then placed
    // in the schedule's zone, so that gaps and overlaps behave as the class comment says.
    ZonedDateTime wall = LocalDateTime.ofInstant(after, zone).atZone(ZoneOffset.UTC);
    for (int i = 0; i < MAX_CRON_STEPS; i++) {
      Optional<ZonedDateTime> match = execution.nextExecution(wall);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      Instant due = ZonedDateTime.ofLocal(match.get().toLocalDateTime(), zone, null).toInstant();
      if (due.isAfter(after)) {
        return Optional.of(due);
      }
      wall = match.get();
    }
    return Optional.empty();
  }
}
