package io.sluice.core.history;

import io.sluice.api.source.Split;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import io.sluice.core.run.SchemaDrift;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;

/**
 * The log excerpt of an attempt ({@code sluice runs logs}): a line per event of the run (a source
 * started and finished, schema drift, a model built, a test), timestamped in UTC, the last {@value
 * #MAX_LINES} kept. Passes every event on to the caller's listener; keeps the run's summary.
 */
final class RunLog implements RunListener {
  static final int MAX_LINES = 200;
  private static final int MAX_LINE_CHARS = 2000;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private final Clock clock;
  private final RunListener delegate;
  private final Optional<String> runId;
  private final Deque<String> lines = new ArrayDeque<>();
  private RunSummary summary;

  /**
   * @param runId the run's id in the history: the summary the pipeline tells is passed on, and
   *     kept, under it (the pipeline names a run by its start time), so that what listeners report
   *     (alerts' links to /ui/runs/ID) finds the run
   */
  RunLog(Clock clock, RunListener delegate, Optional<String> runId) {
    this.clock = clock;
    this.delegate = delegate;
    this.runId = runId;
  }

  /** Adds a line. */
  synchronized void line(String text) {
    String line = TIME.format(clock.instant()) + " " + text.replace('\n', ' ');
    if (line.length() > MAX_LINE_CHARS) {
      line = line.substring(0, MAX_LINE_CHARS) + "...";
    }
    lines.addLast(line);
    if (lines.size() > MAX_LINES) {
      lines.removeFirst();
    }
  }

  /** The lines so far, one per line. */
  synchronized String text() {
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  /** The run's summary, once it finished (also a failed one), else null. */
  synchronized RunSummary summary() {
    return summary;
  }

  @Override
  public void sourceStarted(String source, java.util.List<Split> splits) {
    line("source " + source + ": " + splits.size() + (splits.size() == 1 ? " split" : " splits"));
    delegate.sourceStarted(source, splits);
  }

  @Override
  public void bytesRead(String source, long bytes) {
    delegate.bytesRead(source, bytes);
  }

  @Override
  public void schemaDrift(String source, SchemaDrift.Event event) {
    line("schema drift in " + source + ": " + event.describe());
    delegate.schemaDrift(source, event);
  }

  @Override
  public void sourceFinished(RunSummary.SourceRun result) {
    if (result.batchId().isEmpty()) {
      line("source " + result.source() + ": nothing new");
    } else {
      line(
          String.format(
              Locale.ROOT,
              "source %s: batch %s%s, %,d read, %,d landed, %,d quarantined in %.2fs",
              result.source(),
              result.batchId(),
              result.recovered() ? " (recovered)" : "",
              result.rowsRead(),
              result.rowsValid(),
              result.rowsQuarantined(),
              result.millis() / 1000.0));
    }
    for (RunSummary.CheckRun check : result.checks()) {
      if (!check.passed()) {
        line(
            (check.severity().equals("fail") ? "FAILED " : "warning: ")
                + check.kind()
                + " "
                + result.source()
                + "."
                + check.check()
                + ": "
                + check.message());
      }
    }
    delegate.sourceFinished(result);
  }

  @Override
  public void modelFinished(RunSummary.ModelRun result) {
    line(
        String.format(
            Locale.ROOT,
            "model %s: %s (%s)%s in %.2fs",
            result.model(),
            result.action(),
            result.materialization(),
            result.rows() < 0 ? "" : String.format(Locale.ROOT, ", %,d rows", result.rows()),
            result.millis() / 1000.0));
    delegate.modelFinished(result);
  }

  @Override
  public void testFinished(RunSummary.TestRun result) {
    String outcome =
        result.passed()
            ? "pass"
            : !result.error().isEmpty()
                ? "ERROR " + result.error()
                : String.format(
                    Locale.ROOT,
                    "%s %,d failing rows",
                    result.failsRun() ? "FAIL" : "WARN",
                    result.failures());
    line("test " + result.test() + ": " + outcome);
    delegate.testFinished(result);
  }

  @Override
  public void runFinished(RunSummary told) {
    RunSummary finished = runId.map(told::withRunId).orElse(told);
    synchronized (this) {
      summary = finished;
    }
    line(
        String.format(
            Locale.ROOT, "run %s in %.2fs", finished.status(), finished.millis() / 1000.0));
    if (!finished.error().isEmpty()) {
      for (String reason : finished.error().split("\n")) {
        line("  " + reason);
      }
    }
    delegate.runFinished(finished);
  }
}
