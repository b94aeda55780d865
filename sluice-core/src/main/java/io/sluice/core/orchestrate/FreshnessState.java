package io.sluice.core.orchestrate;

import static java.util.Objects.requireNonNull;

import io.sluice.config.ConfigType;
import io.sluice.core.project.Orchestration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A freshness SLA's state at one instant.
 *
 * @param sla the SLA
 * @param status fresh, breached or unknown
 * @param target the source or model it watches
 * @param lastRefresh when the target was last refreshed; empty when never
 * @param age how long ago that was, at {@code evaluatedAt}; empty when never
 * @param reasons why it is breached (one per limit exceeded), or why it is unknown; empty when
 *     fresh
 * @param evaluatedAt the instant it was evaluated at
 */
public record FreshnessState(
    Orchestration.Freshness sla,
    Status status,
    Target target,
    Optional<Instant> lastRefresh,
    Optional<Duration> age,
    List<String> reasons,
    Instant evaluatedAt) {
  public FreshnessState {
    requireNonNull(sla, "sla is null");
    requireNonNull(status, "status is null");
    requireNonNull(target, "target is null");
    requireNonNull(lastRefresh, "lastRefresh is null");
    requireNonNull(age, "age is null");
    reasons = List.copyOf(reasons);
    requireNonNull(evaluatedAt, "evaluatedAt is null");
  }

  /** Whether the SLA holds. */
  public enum Status {
    /** Refreshed recently enough. */
    FRESH,
    /** A limit is exceeded. */
    BREACHED,
    /** The target was never refreshed (no batch landed, no build recorded). */
    UNKNOWN;

    /** The lower-case name shown in status and JSON. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What an SLA watches.
   *
   * @param source whether it is a source (else a model)
   * @param name its name
   */
  public record Target(boolean source, String name) {
    public Target {
      requireNonNull(name, "name is null");
    }

    /** {@code source:orders} or {@code model:daily_revenue}: in events and JSON. */
    public String id() {
      return (source ? "source:" : "model:") + name;
    }

    /** {@code source orders} or {@code model daily_revenue}: for a person. */
    @Override
    public String toString() {
      return (source ? "source " : "model ") + name;
    }
  }

  public boolean breached() {
    return status == Status.BREACHED;
  }

  /** Breached with severity {@code fail}: shown as a failure, and events say {@code fail}. */
  public boolean failing() {
    return breached() && sla.severity().equals("fail");
  }

  /** The SLA's limits as a person reads them: {@code max-age 2h, deadline 07:00 Europe/Berlin}. */
  public String limit() {
    List<String> limits = new ArrayList<>();
    sla.maxAge().ifPresent(max -> limits.add("max-age " + ConfigType.formatDuration(max)));
    sla.deadline().ifPresent(at -> limits.add("deadline " + at + " " + sla.timeZone().getId()));
    return String.join(", ", limits);
  }

  /** A duration as a person reads it, to the minute above one: {@code 3h12m}, {@code 2d4h}. */
  public static String format(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 48) {
      return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
    }
    return hours % 24 == 0 ? hours / 24 + "d" : hours / 24 + "d" + hours % 24 + "h";
  }
}
