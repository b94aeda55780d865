package io.sluice.core.alert;

import static java.util.Objects.requireNonNull;

import io.sluice.core.project.Alerts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state machine of alerts, one per rule and target: ok → pending → firing → ok.
 *
 * <ul>
 *   <li>An observation whose condition holds makes an ok alert pending, and fires it when the
 *       condition has held for the rule's {@code for} (at once when that is 0): one firing message.
 *   <li>While it keeps holding, a firing alert sends nothing more, or a reminder once per the
 *       rule's {@code cooldown} when it has one.
 *   <li>An observation whose condition does not hold makes a pending alert ok silently and a firing
 *       one ok with one resolved message.
 * </ul>
 *
 * Observations come from batches, runs and timed checks; a target that is not observed (a source
 * with no new batch) keeps its state. Not thread-safe: {@link AlertMonitor} serializes.
 */
final class AlertEvaluator {
  private final String project;
  private final Map<String, AlertState> states = new LinkedHashMap<>();

  /**
   * @param project the project's name, for messages
   * @param restored the states a previous process left (of rules that still exist)
   */
  AlertEvaluator(String project, Collection<AlertState> restored) {
    this.project = requireNonNull(project, "project is null");
    restored.forEach(state -> states.put(state.key(), state));
  }

  /**
   * What was observed of one rule's target.
   *
   * @param rule the rule
   * @param target the target's key: {@code source:NAME}, {@code run}, an SLA's name, a trigger
   * @param holds whether the rule's condition holds
   * @param value the observed value
   * @param ids the run, batch, source it came from
   * @param detail one sentence on it
   * @param link the UI page to look at
   */
  record Observation(
      Alerts.Rule rule,
      String target,
      boolean holds,
      double value,
      Map<String, String> ids,
      String detail,
      String link) {}

  /**
   * Moves the observed alert's state machine; returns the message to send, if any, and whether the
   * stored states changed.
   */
  Step observe(Observation seen, Instant now) {
    Alerts.Rule rule = seen.rule();
    String key = AlertState.key(rule.name(), seen.target());
    AlertState state = states.get(key);
    if (!seen.holds()) {
      if (state == null) {
        return Step.NOTHING;
      }
      states.remove(key);
      if (state.phase() == AlertState.Phase.PENDING) {
        return new Step(Optional.empty(), true);
      }
      return new Step(Optional.of(message(seen, state.since(), false, false, now)), true);
    }
    if (state == null) {
      state =
          new AlertState(
              rule.name(),
              seen.target(),
              AlertState.Phase.PENDING,
              now,
              Optional.empty(),
              seen.value(),
              seen.ids(),
              seen.detail());
    }
    if (state.phase() == AlertState.Phase.PENDING) {
      if (Duration.between(state.since(), now).compareTo(rule.holdFor()) >= 0) {
        states.put(key, firing(state, seen, now));
        return new Step(Optional.of(message(seen, state.since(), true, false, now)), true);
      }
      boolean added = !states.containsKey(key);
      states.put(key, state);
      return new Step(Optional.empty(), added);
    }
    Optional<Duration> cooldown = rule.cooldown();
    if (cooldown.isPresent()
        && Duration.between(state.lastSentAt().orElse(state.since()), now).compareTo(cooldown.get())
            >= 0) {
      states.put(key, firing(state, seen, now));
      return new Step(Optional.of(message(seen, state.since(), true, true, now)), true);
    }
    return Step.NOTHING;
  }

  /** A message to send, and whether the states to store changed. */
  record Step(Optional<AlertNotification> notification, boolean changed) {
    static final Step NOTHING = new Step(Optional.empty(), false);
  }

  private static AlertState firing(AlertState state, Observation seen, Instant now) {
    return new AlertState(
        state.rule(),
        state.target(),
        AlertState.Phase.FIRING,
        state.since(),
        Optional.of(now),
        seen.value(),
        seen.ids(),
        seen.detail());
  }

  private AlertNotification message(
      Observation seen, Instant since, boolean firing, boolean reminder, Instant now) {
    Alerts.Rule rule = seen.rule();
    return new AlertNotification(
        project,
        rule.name(),
        rule.kind(),
        seen.target(),
        firing,
        reminder,
        rule.severity(),
        seen.value(),
        rule.threshold(),
        since,
        firing ? Optional.empty() : Optional.of(now),
        seen.ids(),
        seen.detail(),
        seen.link(),
        rule.channels());
  }

  /** Forgets the states of rules not in {@code rules} (removed from the project); whether any. */
  boolean retain(Set<String> rules) {
    return states.values().removeIf(state -> !rules.contains(state.rule()));
  }

  /** The alerts that are pending or firing, in the order they started. */
  List<AlertState> states() {
    return new ArrayList<>(states.values());
  }
}
