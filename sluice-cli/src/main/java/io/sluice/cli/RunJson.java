package io.sluice.cli;

import io.sluice.core.history.RunRecord;
import io.sluice.core.history.RunStep;
import io.sluice.core.run.RunSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs of the run history as JSON values (maps, lists, strings, numbers), the same for {@code
 * sluice runs --format json} and the REST API ({@code /v1/runs}): kebab-case keys, times in
 * ISO-8601 UTC, {@code null} for what does not apply.
 */
final class RunJson {
  private RunJson() {}

  /**
   * A run: its request, status, times and totals; with {@code details}, each attempt with its
   * error, log excerpt and steps, else the number of attempts.
   */
  static Map<String, Object> run(RunRecord run, boolean details) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", run.id());
    json.put("status", run.status().label());
    json.put("trigger", run.request().trigger());
    json.put("select", run.request().select());
    json.put("exclude", run.request().exclude());
    json.put("full-refresh", run.request().fullRefresh());
    json.put(
        "window",
        run.request()
            .window()
            .map(w -> Map.of("start", w.start().toString(), "end", w.end().toString()))
            .orElse(null));
    json.put("created-at", run.createdAt().toString());
    json.put("ended-at", run.endedAt().map(Instant::toString).orElse(null));
    json.put(
        "millis",
        run.endedAt().map(e -> e.toEpochMilli() - run.createdAt().toEpochMilli()).orElse(null));
    Optional<RunSummary> summary = RunsCommand.lastSummary(run);
    json.put("rows-read", summary.map(RunSummary::rowsRead).orElse(null));
    json.put("rows-landed", summary.map(RunSummary::rowsValid).orElse(null));
    json.put("rows-quarantined", summary.map(RunSummary::rowsQuarantined).orElse(null));
    json.put(
        "quality-score", summary.filter(s -> s.rowsRead() > 0).map(RunSummary::score).orElse(null));
    json.put("error", RunsCommand.lastAttempt(run).map(RunRecord.Attempt::error).orElse(""));
    if (!details) {
      json.put("attempts", run.attempts().size());
      return json;
    }
    List<Object> attempts = new ArrayList<>();
    for (RunRecord.Attempt attempt : run.attempts()) {
      attempts.add(attempt(attempt));
    }
    json.put("attempts", attempts);
    return json;
  }

  private static Map<String, Object> attempt(RunRecord.Attempt attempt) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("number", attempt.number());
    json.put("status", attempt.status().label());
    json.put("started-at", attempt.startedAt().toString());
    json.put("ended-at", attempt.endedAt().map(Instant::toString).orElse(null));
    json.put(
        "millis",
        attempt
            .endedAt()
            .map(e -> e.toEpochMilli() - attempt.startedAt().toEpochMilli())
            .orElse(null));
    json.put(
        "error-category",
        attempt.errorCategory().map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).orElse(null));
    json.put("error", attempt.error());
    List<Object> steps = new ArrayList<>();
    for (RunStep step : attempt.summary().map(RunStep::of).orElse(List.of())) {
      steps.add(step(step));
    }
    json.put("steps", steps);
    List<Object> timings = new ArrayList<>();
    for (RunSummary.Timing timing : attempt.summary().map(RunSummary::timings).orElse(List.of())) {
      timings.add(timing(timing));
    }
    json.put("timings", timings);
    json.put("log", attempt.log());
    return json;
  }

  /** A measured step: figures as measured (nanoseconds, bytes), {@code null} when unknown. */
  static Map<String, Object> timing(RunSummary.Timing timing) {
    io.sluice.api.engine.StepTiming step = timing.figures();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("step", step.name());
    json.put("depth", timing.depth());
    json.put("wall-nanos", step.wallNanos());
    json.put("cpu-nanos", known(step.cpuNanos()));
    json.put("rows", known(step.rows()));
    json.put("bytes-in", known(step.bytesIn()));
    json.put("bytes-out", known(step.bytesOut()));
    json.put("peak-rss-bytes", known(step.peakRssBytes()));
    return json;
  }

  private static Long known(long figure) {
    return figure < 0 ? null : figure;
  }

  private static Map<String, Object> step(RunStep step) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", step.kind().label());
    json.put("name", step.name());
    json.put("status", step.status());
    json.put("millis", step.millis());
    json.put("rows-read", step.rowsRead() < 0 ? null : step.rowsRead());
    json.put("rows-landed", step.rowsLanded() < 0 ? null : step.rowsLanded());
    json.put("rows-quarantined", step.rowsQuarantined() < 0 ? null : step.rowsQuarantined());
    json.put(
        "quality-score",
        step.qualityScore().isPresent() ? step.qualityScore().getAsDouble() : null);
    json.put("detail", step.detail());
    json.put("error", step.error());
    return json;
  }
}
