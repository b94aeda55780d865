package io.sluice.core.orchestrate;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Something that happened to a pipeline that a person or an alerting system may act on, such as a
 * freshness SLA that became breached. Events are written to {@code <state-dir>/events.jsonl} (one
 * JSON object per line, see {@link EventSink#file}) and logged; docs/orchestration.md documents the
 * format, which the alerting of the observability issue reads.
 *
 * @param type what happened, kebab-case: {@value #FRESHNESS_BREACHED} or {@value
 *     #FRESHNESS_RECOVERED}
 * @param subject what it happened to, as {@code kind:name} (e.g. {@code freshness:orders_hourly})
 * @param severity how urgent it is
 * @param time when it was observed (the evaluator's clock)
 * @param message one sentence for a person
 * @param details machine-readable particulars, in a stable order (keys kebab-case, values text)
 */
public record PipelineEvent(
    String type,
    String subject,
    Severity severity,
    Instant time,
    String message,
    Map<String, String> details) {
  /** A freshness SLA went from fresh (or not yet evaluated) to breached. */
  public static final String FRESHNESS_BREACHED = "freshness-breached";

  /** A breached freshness SLA is fresh again. */
  public static final String FRESHNESS_RECOVERED = "freshness-recovered";

  public PipelineEvent {
    requireNonNull(type, "type is null");
    requireNonNull(subject, "subject is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(time, "time is null");
    requireNonNull(message, "message is null");
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** How urgent an event is. */
  public enum Severity {
    /** For the record: nothing to do (e.g. a recovery). */
    INFO,
    /** Worth a look; the pipeline's results are still usable. */
    WARN,
    /** Something failed: results are missing, late or wrong. */
    FAIL;

    /** The lower-case name used in files and APIs. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The severity whose {@link #label()} is {@code label}. */
    public static Severity of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }
}
