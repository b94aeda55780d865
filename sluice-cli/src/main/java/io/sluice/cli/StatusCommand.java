package io.sluice.cli;

import io.sluice.core.history.RunRecord;
import io.sluice.core.orchestrate.EventSink;
import io.sluice.core.orchestrate.FreshnessEvaluator;
import io.sluice.core.orchestrate.FreshnessState;
import io.sluice.core.orchestrate.RefreshTimes;
import io.sluice.core.project.Project;
import io.sluice.core.run.DatasetStatus;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.QualityReport;
import io.sluice.core.run.RunSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice status}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show each dataset (rows, quality, freshness), the state of each freshness SLA and the"
            + " last runs.")
final class StatusCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      description = "How many recent runs to show (default: ${DEFAULT-VALUE}).",
      defaultValue = "5")
  int runs;

  @Option(
      names = {"-f", "--format"},
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "table")
  QualityCommand.OutputFormat format;

  @Override
  public Integer call() throws java.io.IOException {
    Project project = options.load();
    PrintWriter out = spec.commandLine().getOut();
    Instant now = Instant.now();
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true, true)) {
      Readers.notice(spec.commandLine().getErr(), runtime.engine().snapshotTime());
      if (format == QualityCommand.OutputFormat.json) {
        json(out, project, runtime);
        return 0;
      }
      TextTable datasets =
          new TextTable(
              List.of(
                  "dataset",
                  "batches",
                  "rows read",
                  "landed",
                  "quarantined",
                  "quality",
                  "last batch",
                  "min score",
                  "last landed",
                  "latest event"));
      for (DatasetStatus dataset : DatasetStatus.of(runtime)) {
        datasets.add(
            List.of(
                dataset.source(),
                Long.toString(dataset.batches()),
                Format.count(dataset.rowsRead()),
                Format.count(dataset.rowsValid()),
                Format.count(dataset.rowsQuarantined()),
                percent(dataset.score()),
                percent(dataset.lastBatchScore()),
                dataset.minScore() == 0 ? "-" : Format.percent(dataset.minScore()),
                dataset.lastLanded().map(at -> ago(Duration.between(at, now))).orElse("never"),
                dataset.latestEvent().map(Format::value).orElse("-")));
      }
      out.println("Datasets");
      datasets.print(out);
      printFreshness(out, freshness(project, runtime, now));

      List<RunRecord> history = recentRuns(runtime);
      out.println();
      out.println("Last runs");
      TextTable table =
          new TextTable(
              List.of(
                  "run",
                  "started",
                  "trigger",
                  "status",
                  "time",
                  "rows read",
                  "landed",
                  "quarantined",
                  "quality"));
      for (RunRecord run : history) {
        Optional<RunSummary> summary = RunsCommand.lastSummary(run);
        table.add(
            List.of(
                run.id(),
                RunsCommand.time(run.createdAt()),
                run.request().trigger(),
                run.status().label(),
                RunsCommand.duration(run),
                summary.map(s -> Format.count(s.rowsRead())).orElse("-"),
                summary.map(s -> Format.count(s.rowsValid())).orElse("-"),
                summary.map(s -> Format.count(s.rowsQuarantined())).orElse("-"),
                summary
                    .filter(s -> s.rowsRead() > 0)
                    .map(s -> Format.percent(s.score()))
                    .orElse("-")));
      }
      if (history.isEmpty()) {
        out.println("(no runs yet: try `sluice run`)");
      } else {
        table.print(out);
        RunRecord latest = history.get(history.size() - 1);
        if (latest.status() == io.sluice.core.run.RunStatus.FAILED) {
          out.println(
              "last run failed: "
                  + RunsCommand.lastAttempt(latest).map(RunRecord.Attempt::error).orElse("")
                  + " (sluice runs show "
                  + latest.id()
                  + ")");
        }
      }
    }
    out.flush();
    return 0;
  }

  /** The datasets (with their quality totals and latest event) and the last runs, as JSON. */
  private void json(PrintWriter out, Project project, ProjectRuntime runtime)
      throws java.io.IOException {
    com.fasterxml.jackson.databind.ObjectMapper mapper = Format.json();
    List<Object> datasets = new java.util.ArrayList<>();
    for (DatasetStatus status : DatasetStatus.of(runtime)) {
      QualityReport.Dataset dataset =
          new QualityReport.Dataset(
              status.source(), status.minScore(), status.history(), project.quality().warnWeight());
      java.util.Map<String, Object> json = QualityCommand.json(dataset, 0);
      json.put("latest-event", status.latestEvent().map(Format::value).orElse(null));
      datasets.add(json);
    }
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("datasets", datasets);
    List<Object> slas = new java.util.ArrayList<>();
    for (FreshnessState state : freshness(project, runtime, Instant.now())) {
      java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("name", state.sla().name());
      json.put("target", state.target().id());
      json.put("status", state.status().label());
      json.put("severity", state.sla().severity());
      json.put("last-refresh", state.lastRefresh().map(Instant::toString).orElse(null));
      json.put("age-seconds", state.age().map(Duration::getSeconds).orElse(null));
      json.put("limit", state.limit());
      json.put("reasons", state.reasons());
      slas.add(json);
    }
    body.put("freshness", slas);
    body.put(
        "runs",
        recentRuns(runtime).stream()
            .map(RunsCommand::lastSummary)
            .flatMap(Optional::stream)
            .toList());
    out.println(mapper.writeValueAsString(body));
    out.flush();
  }

  /** Each freshness SLA's state at {@code now}; looking emits no event. */
  private static List<FreshnessState> freshness(
      Project project, ProjectRuntime runtime, Instant now) {
    return new FreshnessEvaluator(project, RefreshTimes.of(runtime), EventSink.NONE).evaluate(now);
  }

  /** The last {@code --runs} runs of the run history, oldest first. */
  private List<RunRecord> recentRuns(ProjectRuntime runtime) {
    List<RunRecord> newestFirst = new java.util.ArrayList<>(runtime.history().list(runs, ""));
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  /**
   * The freshness SLAs as a table, then one line per SLA that does not hold: {@code FAILED} for a
   * breach of severity fail, {@code warning} for one of severity warn and for a target never
   * refreshed.
   */
  private static void printFreshness(PrintWriter out, List<FreshnessState> states) {
    if (states.isEmpty()) {
      return;
    }
    TextTable table = new TextTable(List.of("freshness SLA", "target", "state", "age", "limit"));
    for (FreshnessState state : states) {
      table.add(
          List.of(
              state.sla().name(),
              state.target().toString(),
              state.status().label()
                  + (state.breached() ? " (" + state.sla().severity() + ")" : ""),
              state.age().map(FreshnessState::format).orElse("never"),
              state.limit()));
    }
    out.println();
    out.println("Freshness");
    table.print(out);
    for (FreshnessState state : states) {
      if (state.status() == FreshnessState.Status.FRESH) {
        continue;
      }
      out.println(
          (state.failing() ? "FAILED: " : "warning: ")
              + "freshness SLA "
              + state.sla().name()
              + " on "
              + state.target()
              + (state.breached() ? " is breached: " : " cannot be evaluated: ")
              + String.join("; ", state.reasons()));
    }
  }

  private static String percent(java.util.OptionalDouble score) {
    return score.isPresent() ? Format.percent(score.getAsDouble()) : "-";
  }

  private static String ago(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    if (seconds < 120) {
      return seconds + "s ago";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m ago";
    }
    if (seconds < 172800) {
      return seconds / 3600 + "h ago";
    }
    return seconds / 86400 + "d ago";
  }
}
