package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When what runs, as {@code sluice.yaml} declares it: schedules, the retry policy, freshness SLAs
 * and how long run history is kept (keys in {@link io.sluice.core.config.OrchestrationSpec}).
 *
 * @param schedules in file order
 * @param retries the project's retry policy (a schedule may have its own)
 * @param freshness freshness SLAs in file order
 * @param historyRetention how long runs stay in the run history
 */
public record Orchestration(
    List<Schedule> schedules,
    Retries retries,
    List<Freshness> freshness,
    Duration historyRetention) {
  public Orchestration {
    schedules = List.copyOf(schedules);
    requireNonNull(retries, "retries is null");
    freshness = List.copyOf(freshness);
    requireNonNull(historyRetention, "historyRetention is null");
  }

  /** No schedule, no SLA, default retries. */
  public static Orchestration none() {
    return new Orchestration(List.of(), Retries.DEFAULT, List.of(), Duration.ofDays(30));
  }

  public Optional<Schedule> schedule(String name) {
    return schedules.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Exponential backoff with jitter for transient failures.
   *
   * @param maxAttempts attempts, the first included
   * @param initialBackoff wait before the second attempt
   * @param maxBackoff longest wait
   * @param multiplier growth of the wait per attempt
   * @param jitter the largest random fraction a wait is shortened by
   */
  public record Retries(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      double multiplier,
      double jitter) {
    public static final Retries DEFAULT =
        new Retries(3, Duration.ofSeconds(10), Duration.ofMinutes(10), 2.0, 0.2);

    public Retries {
      requireNonNull(initialBackoff, "initialBackoff is null");
      requireNonNull(maxBackoff, "maxBackoff is null");
    }
  }

  /**
   * One schedule.
   *
   * @param name unique in the project
   * @param select selectors of what it runs (empty: everything)
   * @param exclude selectors of what it leaves out
   * @param cron a five-field Unix cron expression, in {@code timeZone}
   * @param timeZone time zone of {@code cron}
   * @param interval run every this long
   * @param on triggers
   * @param catchUp what to do about runs missed while no scheduler ran
   * @param maxConcurrent runs at once
   * @param timeout longest attempt
   * @param jitter largest random delay of a start
   * @param fullRefresh rebuild the selected models whole
   * @param paused declared paused
   * @param retries its retry policy (the project's unless it sets its own)
   */
  public record Schedule(
      String name,
      List<String> select,
      List<String> exclude,
      Optional<String> cron,
      ZoneId timeZone,
      Optional<Duration> interval,
      List<Trigger> on,
      CatchUp catchUp,
      int maxConcurrent,
      Optional<Duration> timeout,
      Duration jitter,
      boolean fullRefresh,
      boolean paused,
      Retries retries) {
    public Schedule {
      requireNonNull(name, "name is null");
      select = List.copyOf(select);
      exclude = List.copyOf(exclude);
      requireNonNull(cron, "cron is null");
      requireNonNull(timeZone, "timeZone is null");
      requireNonNull(interval, "interval is null");
      on = List.copyOf(on);
      requireNonNull(catchUp, "catchUp is null");
      requireNonNull(timeout, "timeout is null");
      requireNonNull(jitter, "jitter is null");
      requireNonNull(retries, "retries is null");
    }
  }

  /** What a scheduler that was down does about the runs it missed. */
  public enum CatchUp {
    SKIP,
    LATEST,
    ALL;

    static CatchUp parse(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * An event that starts a schedule's run.
   *
   * @param kind what happens
   * @param target the schedule ({@code success}) or SLA ({@code freshness-breach}); empty for
   *     {@code new-data}
   */
  public record Trigger(Kind kind, String target) {
    public enum Kind {
      /** A selected source has input no run has landed. */
      NEW_DATA("new-data"),
      /** A run of the schedule {@code target} succeeded. */
      SUCCESS("success"),
      /** The freshness SLA {@code target} is breached. */
      FRESHNESS_BREACH("freshness-breach");

      private final String label;

      Kind(String label) {
        this.label = label;
      }

      public String label() {
        return label;
      }
    }

    public Trigger {
      requireNonNull(kind, "kind is null");
      requireNonNull(target, "target is null");
    }

    /**
     * Parses {@code new-data}, {@code success:SCHEDULE} or {@code freshness-breach:SLA}.
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static Trigger parse(String text) {
      int colon = text.indexOf(':');
      String kind = colon < 0 ? text : text.substring(0, colon);
      String target = colon < 0 ? "" : text.substring(colon + 1).trim();
      for (Kind k : Kind.values()) {
        if (k.label.equals(kind.trim())) {
          if ((k == Kind.NEW_DATA) != target.isEmpty()) {
            break;
          }
          return new Trigger(k, target);
        }
      }
      throw new IllegalArgumentException(
          "unknown trigger '"
              + text
              + "'; expected new-data, success:SCHEDULE or freshness-breach:SLA");
    }

    @Override
    public String toString() {
      return target.isEmpty() ? kind.label : kind.label + ":" + target;
    }
  }

  /**
   * A freshness SLA.
   *
   * @param name unique in the project
   * @param target {@code source:NAME} or a model's name (a bare name that is only a source's is
   *     read as the source)
   * @param maxAge breached when older than this
   * @param deadline breached when not refreshed since the day began at this time of day
   * @param timeZone of {@code deadline}
   * @param severity {@code warn} or {@code fail}
   */
  public record Freshness(
      String name,
      String target,
      Optional<Duration> maxAge,
      Optional<LocalTime> deadline,
      ZoneId timeZone,
      String severity) {
    public Freshness {
      requireNonNull(name, "name is null");
      requireNonNull(target, "target is null");
      requireNonNull(maxAge, "maxAge is null");
      requireNonNull(deadline, "deadline is null");
      requireNonNull(timeZone, "timeZone is null");
      requireNonNull(severity, "severity is null");
    }
  }
}
