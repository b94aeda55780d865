package io.sluice.core.orchestrate;

import static java.util.Objects.requireNonNull;

import io.sluice.config.ConfigType;
import io.sluice.core.project.Orchestration;
import io.sluice.core.project.Project;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a project's freshness SLAs ({@link Project#orchestration()}) at an instant the caller
 * gives, and emits an event when one changes between fresh and breached.
 *
 * <p>An SLA is <b>breached</b> when its target's last refresh is older than its {@code max-age}, or
 * when its {@code deadline} passed on a day (in the SLA's time zone, daylight-saving changes
 * included) without a refresh since that day's local midnight. The deadline checked is the latest
 * one that has passed: at 06:00 with a 07:00 deadline, yesterday's; so a breach lasts until a
 * refresh, never ends at midnight by itself. An SLA whose target was never refreshed is
 * <b>unknown</b>: neither fresh nor breached.
 *
 * <p><b>Events.</b> Each evaluation compares every SLA with its state at this evaluator's previous
 * evaluation: fresh (or unknown, or not evaluated yet) to breached emits {@value
 * PipelineEvent#FRESHNESS_BREACHED} with the SLA's severity; breached to fresh emits {@value
 * PipelineEvent#FRESHNESS_RECOVERED} (info). A new evaluator (e.g. a restarted scheduler) therefore
 * announces the breaches that are open when it first evaluates, once.
 *
 * <p>Thread-safe: evaluations are serialized.
 */
public final class FreshnessEvaluator {
  private final Project project;
  private final RefreshTimes times;
  private final EventSink events;
  private final Map<String, FreshnessState.Status> previous = new HashMap<>();
  private List<FreshnessState> last = List.of();

  /**
   * @param project whose SLAs to evaluate
   * @param times where the targets' refresh times come from
   * @param events where transitions go ({@link EventSink#NONE} to only look)
   */
  public FreshnessEvaluator(Project project, RefreshTimes times, EventSink events) {
    this.project = requireNonNull(project, "project is null");
    this.times = requireNonNull(times, "times is null");
    this.events = requireNonNull(events, "events is null");
  }

  /**
   * Every SLA's state at {@code now}, in the order {@code sluice.yaml} declares them; emits the
   * transitions since the previous evaluation.
   */
  public synchronized List<FreshnessState> evaluate(Instant now) {
    List<FreshnessState> states = new ArrayList<>();
    for (Orchestration.Freshness sla : project.orchestration().freshness()) {
      FreshnessState.Target target = target(project, sla.target());
      Optional<Instant> refreshed =
          target.source() ? times.lastLanded(target.name()) : times.lastBuilt(target.name());
      FreshnessState state = assess(sla, target, refreshed, now);
      FreshnessState.Status before = previous.put(sla.name(), state.status());
      if (state.breached() && before != FreshnessState.Status.BREACHED) {
        events.emit(breachedEvent(state));
      } else if (state.status() == FreshnessState.Status.FRESH
          && before == FreshnessState.Status.BREACHED) {
        events.emit(recoveredEvent(state));
      }
      states.add(state);
    }
    last = List.copyOf(states);
    return last;
  }

  /**
   * The states of the last {@link #evaluate}, without evaluating again (e.g. for a health endpoint
   * that must not wait for the engine); empty before the first evaluation.
   */
  public synchronized List<FreshnessState> lastStates() {
    return last;
  }

  /**
   * The names of the SLAs breached at the last {@link #evaluate} (for {@code freshness-breach:NAME}
   * triggers), in declaration order; empty before the first evaluation.
   */
  public synchronized List<String> breached() {
    return last.stream().filter(FreshnessState::breached).map(s -> s.sla().name()).toList();
  }

  /**
   * The source or model an SLA's {@code target} names: {@code source:NAME} is the source; a bare
   * name is the model of that name, else the source (as the project reader checked).
   */
  public static FreshnessState.Target target(Project project, String target) {
    if (target.startsWith("source:")) {
      return new FreshnessState.Target(true, target.substring("source:".length()));
    }
    return new FreshnessState.Target(project.model(target).isEmpty(), target);
  }

  /** The state of {@code sla} at {@code now}, given when its target was last refreshed. */
  public static FreshnessState assess(
      Orchestration.Freshness sla,
      FreshnessState.Target target,
      Optional<Instant> lastRefresh,
      Instant now) {
    if (lastRefresh.isEmpty()) {
      String why =
          target.source()
              ? "no batch of source " + target.name() + " has landed yet"
              : "model "
                  + target.name()
                  + " has no recorded build (not built yet, or last built by a Sluice that did not"
                  + " record build times)";
      return new FreshnessState(
          sla,
          FreshnessState.Status.UNKNOWN,
          target,
          lastRefresh,
          Optional.empty(),
          List.of(why),
          now);
    }
    Instant refreshed = lastRefresh.get();
    Duration age = Duration.between(refreshed, now);
    if (age.isNegative()) {
      age = Duration.ZERO; // refreshed after the instant asked about: fresh as can be
    }
    List<String> reasons = new ArrayList<>();
    if (sla.maxAge().isPresent() && age.compareTo(sla.maxAge().get()) > 0) {
      Duration max = sla.maxAge().get();
      reasons.add(
          "last refreshed "
              + FreshnessState.format(age)
              + " ago, "
              + FreshnessState.format(age.minus(max))
              + " more than max-age "
              + ConfigType.formatDuration(max));
    }
    if (sla.deadline().isPresent()) {
      ZonedDateTime local = now.atZone(sla.timeZone());
      LocalDate day = local.toLocalDate();
      // The latest deadline that has passed: today's, else yesterday's. ZonedDateTime.of moves a
      // deadline that falls in a daylight-saving gap to just after it.
      if (now.isBefore(ZonedDateTime.of(day, sla.deadline().get(), sla.timeZone()).toInstant())) {
        day = day.minusDays(1);
      }
      Instant dayStart = day.atStartOfDay(sla.timeZone()).toInstant();
      if (refreshed.isBefore(dayStart)) {
        reasons.add(
            "not refreshed on "
                + day
                + " by its deadline "
                + sla.deadline().get()
                + " "
                + sla.timeZone().getId()
                + " (last refresh "
                + refreshed
                + ")");
      }
    }
    return new FreshnessState(
        sla,
        reasons.isEmpty() ? FreshnessState.Status.FRESH : FreshnessState.Status.BREACHED,
        target,
        lastRefresh,
        Optional.of(age),
        reasons,
        now);
  }

  private static PipelineEvent breachedEvent(FreshnessState state) {
    Map<String, String> details = details(state);
    details.put("limit", state.limit());
    details.put("reason", String.join("; ", state.reasons()));
    return new PipelineEvent(
        PipelineEvent.FRESHNESS_BREACHED,
        subject(state),
        PipelineEvent.Severity.of(state.sla().severity()),
        state.evaluatedAt(),
        "Freshness SLA "
            + state.sla().name()
            + " on "
            + state.target()
            + " is breached: "
            + String.join("; ", state.reasons()),
        details);
  }

  private static PipelineEvent recoveredEvent(FreshnessState state) {
    return new PipelineEvent(
        PipelineEvent.FRESHNESS_RECOVERED,
        subject(state),
        PipelineEvent.Severity.INFO,
        state.evaluatedAt(),
        "Freshness SLA "
            + state.sla().name()
            + " on "
            + state.target()
            + " is met again: refreshed "
            + FreshnessState.format(state.age().orElseThrow())
            + " ago",
        details(state));
  }

  private static String subject(FreshnessState state) {
    return "freshness:" + state.sla().name();
  }

  private static Map<String, String> details(FreshnessState state) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("sla", state.sla().name());
    details.put("target", state.target().id());
    details.put("last-refresh", state.lastRefresh().map(Instant::toString).orElse(""));
    details.put("age-seconds", Long.toString(state.age().orElseThrow().getSeconds()));
    return details;
  }
}
