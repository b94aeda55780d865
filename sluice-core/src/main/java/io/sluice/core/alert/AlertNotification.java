package io.sluice.core.alert;

import static java.util.Objects.requireNonNull;

import io.sluice.core.project.Alerts;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One message about an alert: it fired, it still fires (a reminder), or it was resolved.
 *
 * @param project the project's name
 * @param rule the rule's name
 * @param kind the rule's kind
 * @param target what fired: {@code source:NAME}, {@code run}, a freshness SLA's name, a run trigger
 * @param firing true when firing (or a reminder), false when resolved
 * @param reminder whether this repeats a firing already sent (after the rule's cooldown)
 * @param severity the rule's severity
 * @param value the observed value (a score, an age in seconds, records, failed runs, drift events)
 * @param threshold the rule's limit, where its kind has one
 * @param startedAt when the condition began to hold
 * @param resolvedAt when it stopped holding (resolved messages only)
 * @param ids the run, batch, source, SLA the observation came from, in a stable order
 * @param detail one sentence on what was observed
 * @param link the UI page to look at: a path, or an address with the configured link base
 * @param channels the names of the channels to post to
 */
public record AlertNotification(
    String project,
    String rule,
    Alerts.Kind kind,
    String target,
    boolean firing,
    boolean reminder,
    String severity,
    double value,
    Optional<Double> threshold,
    Instant startedAt,
    Optional<Instant> resolvedAt,
    Map<String, String> ids,
    String detail,
    String link,
    List<String> channels) {
  public AlertNotification {
    requireNonNull(project, "project is null");
    requireNonNull(rule, "rule is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(target, "target is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(threshold, "threshold is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(resolvedAt, "resolvedAt is null");
    ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
    requireNonNull(detail, "detail is null");
    requireNonNull(link, "link is null");
    channels = List.copyOf(channels);
  }

  /** {@code firing} or {@code resolved}, as the generic body says it. */
  public String state() {
    return firing ? "firing" : "resolved";
  }
}
