package io.sluice.core.alert;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where one rule stands for one target, when it is not ok: its condition holds but not yet for the
 * rule's {@code for} ({@link Phase#PENDING}), or it fired ({@link Phase#FIRING}). Ok is the absence
 * of a state.
 *
 * @param rule the rule's name
 * @param target the target's key
 * @param phase pending or firing
 * @param since when the condition began to hold
 * @param lastSentAt when the last firing message (or reminder) was sent; empty while pending
 * @param value the last observed value
 * @param ids the last observation's run, batch, source
 * @param detail the last observation, in one sentence
 */
public record AlertState(
    String rule,
    String target,
    Phase phase,
    Instant since,
    Optional<Instant> lastSentAt,
    double value,
    Map<String, String> ids,
    String detail) {
  public AlertState {
    requireNonNull(rule, "rule is null");
    requireNonNull(target, "target is null");
    requireNonNull(phase, "phase is null");
    requireNonNull(since, "since is null");
    requireNonNull(lastSentAt, "lastSentAt is null");
    ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
    requireNonNull(detail, "detail is null");
  }

  /** The phases of an alert that is not ok. */
  public enum Phase {
    /** The condition holds, for less than the rule's {@code for}. */
    PENDING,
    /** The rule fired and has not been resolved. */
    FIRING;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The key of a rule and target in the store. */
  public String key() {
    return key(rule, target);
  }

  static String key(String rule, String target) {
    return rule + "\u0000" + target;
  }
}
