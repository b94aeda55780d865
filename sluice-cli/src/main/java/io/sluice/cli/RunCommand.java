package io.sluice.cli;

import io.sluice.api.engine.StepMeter;
import io.sluice.api.engine.StepTiming;
import io.sluice.config.Sizes;
import io.sluice.core.alert.AlertMonitor;
import io.sluice.core.project.Project;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice run}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run one incremental pass: land the files no earlier run landed (validated into clean and",
      "quarantine lake tables), rebuild the models whose inputs changed, run the model tests,",
      "and print a summary. Running it again on unchanged input does nothing."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--progress",
      description = "Show a progress bar: auto (when the output is a terminal), always, never.",
      defaultValue = "auto")
  String progress;

  @Option(
      names = {"-s", "--select"},
      paramLabel = "SELECTOR",
      description = {
        "Run only these sources and models (repeatable; a space-separated list is a union):",
        "NAME (a model, else a source), source:NAME, tag:NAME; a + after it adds what reads it",
        "(downstream), a + before it what it reads (upstream). E.g. --select daily_revenue+.",
        "Without it, the whole project runs."
      })
  List<String> select = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "SELECTOR",
      description = "Leave these out of what --select picks (same syntax; repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--full-refresh",
      description =
          "Rebuild the selected models whole, incremental ones included, even when their inputs"
              + " did not change.")
  boolean fullRefresh;

  @Option(
      names = "--timings",
      description = {
        "After the summary, print what each step cost: wall and CPU seconds, CPU/wall (the",
        "parallelism achieved), rows and rows/s, MB in and out, MB/s, peak RSS. Every run keeps",
        "them in the run history (sluice runs show ID --timings)."
      })
  boolean timings;

  @Override
  public Integer call() {
    StepMeter loading = StepMeter.start();
    Project project = options.load();
    StepTiming loaded = loading.stop("load project", -1);
    ProjectOptions.printWarnings(project, spec.commandLine().getErr());
    RunRequest request =
        new RunRequest(select, exclude, fullRefresh, java.util.Optional.empty(), "manual");
    PrintWriter out = spec.commandLine().getOut();
    RunSummary summary =
        runAndPrint(project, request, out, progress, List.of(new RunSummary.Timing(0, loaded)));
    if (timings) {
      out.println();
      TimingsTable.print(out, summary.timings(), "");
    }
    return summary.status().succeeded() ? 0 : Main.CHECKS_FAILED;
  }

  /**
   * Runs {@code request} on {@code project}, showing progress and then the summary on {@code out},
   * as {@code sluice run} does (also used by {@code sluice demo}).
   *
   * @param progress {@code auto} (a bar when the output is a terminal), {@code always} or {@code
   *     never}
   * @param before the steps measured before the run (loading the project), first in its timings
   */
  static RunSummary runAndPrint(
      Project project,
      RunRequest request,
      PrintWriter out,
      String progress,
      List<RunSummary.Timing> before) {
    boolean bar =
        progress.equals("always") || (progress.equals("auto") && System.console() != null);
    RunSummary summary;
    java.util.Optional<AlertMonitor> alerts = alerts(project);
    try (ProgressListener listener = new ProgressListener(out, bar)) {
      List<RunListener> listeners = new java.util.ArrayList<>(List.of(listener));
      alerts.ifPresent(monitor -> listeners.add(monitor.listener()));
      summary =
          ProjectRuntime.runOnce(
              project, request, Clock.systemUTC(), RunListener.all(listeners), before);
    } finally {
      alerts.ifPresent(
          monitor -> {
            checkFreshness(project, monitor);
            monitor.close(ALERT_DELIVERY_WAIT);
          });
    }
    printSummary(out, summary, project.quality().warnWeight());
    return summary;
  }

  /**
   * At the run's end, the freshness SLAs the alert rules watch: {@code sluice run} has no periodic
   * checks, and a project run from cron would otherwise never hear that a source stopped landing.
   * Opens the project read-only; a failure is logged, never the run's.
   */
  private static void checkFreshness(Project project, AlertMonitor monitor) {
    if (!monitor.watchesFreshness()) {
      return;
    }
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
      monitor.checkFreshness(io.sluice.core.orchestrate.RefreshTimes.of(runtime));
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger("io.sluice.alerts")
          .warn("Cannot check the freshness alert rules after the run: {}", e.getMessage());
    }
  }

  /** How long a run waits at its end for its alert messages to be delivered. */
  private static final java.time.Duration ALERT_DELIVERY_WAIT = java.time.Duration.ofSeconds(15);

  /**
   * The project's alerts for one run; without them (and a warning) when a channel's URL cannot be
   * read: a run is not failed by its alerting.
   */
  private static java.util.Optional<AlertMonitor> alerts(Project project) {
    try {
      return AlertMonitor.open(project, Clock.systemUTC(), System.getenv());
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger("io.sluice.alerts")
          .warn("Running without alerts: {}", e.getMessage());
      return java.util.Optional.empty();
    }
  }

  static void printSummary(PrintWriter out, RunSummary summary, double warnWeight) {
    TextTable sources =
        new TextTable(
            List.of(
                "source",
                "batch",
                "files",
                "input",
                "rows read",
                "landed",
                "quarantined",
                "score",
                "time",
                "rows/s"));
    for (RunSummary.SourceRun s : summary.sources()) {
      sources.add(
          List.of(
              s.source() + (s.recovered() ? " (recovered)" : ""),
              s.batchId().isEmpty() ? "-" : s.batchId(),
              Format.count(s.files()),
              Sizes.format(s.bytes()),
              Format.count(s.rowsRead()),
              Format.count(s.rowsValid()),
              Format.count(s.rowsQuarantined()),
              s.rowsRead() == 0 ? "-" : Format.percent(s.score()),
              Format.seconds(s.millis()),
              Format.rate(s.rowsRead(), s.millis())));
    }
    out.println();
    sources.print(out);
    for (RunSummary.SourceRun s : summary.sources()) {
      for (String note : s.skipped()) {
        out.println("note: " + s.source() + ": " + note);
      }
      for (io.sluice.core.run.SchemaDrift.Event event : s.drift()) {
        out.println("schema drift in " + s.source() + ": " + event.describe());
      }
      // Rules of severity warn are reported with the checks below: their rows landed.
      java.util.Set<String> warned =
          s.checks().stream()
              .filter(c -> c.kind().equals("rule") && c.severity().equals("warn"))
              .map(RunSummary.CheckRun::check)
              .collect(java.util.stream.Collectors.toSet());
      if (s.failuresByRule().keySet().stream().anyMatch(k -> !warned.contains(k))) {
        StringBuilder rules = new StringBuilder();
        for (Map.Entry<String, Long> e : s.failuresByRule().entrySet()) {
          if (warned.contains(e.getKey())) {
            continue;
          }
          rules
              .append(rules.length() == 0 ? "" : ", ")
              .append(e.getKey())
              .append(" ")
              .append(Format.count(e.getValue()));
        }
        out.println("quarantined in " + s.source() + ": " + rules);
      }
    }
    for (RunSummary.SourceRun s : summary.sources()) {
      for (RunSummary.CheckRun c : s.checks()) {
        if (!c.passed()) {
          out.printf(
              c.kind().equals("rule") ? "%s rule %s.%s: %5$s%n" : "%s check %s.%s (%s): %s%n",
              c.severity().equals("fail") ? "FAILED" : "warning:",
              s.source(),
              c.check(),
              c.kind(),
              c.message());
        }
      }
    }
    if (summary.status() == RunStatus.CHECKS_FAILED) {
      out.println("a check or rule of severity fail failed: the models were not rebuilt");
    }
    if (summary.status() != RunStatus.FAILED && !summary.error().isEmpty()) {
      for (String reason : summary.error().split("\n")) {
        out.println("FAILED quality: " + reason);
      }
    }
    if (!summary.models().isEmpty()) {
      out.println();
      TextTable models = new TextTable(List.of("model", "materialized", "action", "rows", "time"));
      for (RunSummary.ModelRun m : summary.models()) {
        models.add(
            List.of(
                m.model(),
                m.materialization(),
                m.action(),
                m.rows() < 0 ? "-" : Format.count(m.rows()),
                Format.seconds(m.millis())));
      }
      models.print(out);
    }
    if (!summary.tests().isEmpty()) {
      out.println();
      TestCommand.printCounts(out, summary.tests());
      for (RunSummary.TestRun t : summary.tests()) {
        if (!t.passed()) {
          out.println(
              (t.failsRun() ? "  FAIL " : "  WARN ")
                  + t.test()
                  + (t.error().isEmpty()
                      ? ": " + Format.count(t.failures()) + " failing rows"
                      : ": " + t.error()));
        }
      }
    }
    out.println();
    out.printf(
        "run %s in %s: %s rows read, %s landed, %s quarantined, quality %s%s%n",
        summary.status(),
        Format.seconds(summary.millis()),
        Format.count(summary.rowsRead()),
        Format.count(summary.rowsValid()),
        Format.count(summary.rowsQuarantined()),
        summary.rowsRead() == 0 ? "-" : Format.percent(summary.score()),
        summary.rowsWarned() == 0
            ? ""
            : " (weighted "
                + Format.percent(summary.weightedScore(warnWeight))
                + ": "
                + Format.count(summary.rowsWarned())
                + " landed with warnings)");
    out.flush();
  }
}
