package io.sluice.cli;

import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.BatchHistory;
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
    description = "Show each dataset (rows, quality, freshness) and the last runs.")
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
      for (SourceDef source : project.sources()) {
        Optional<LakeTable> clean = runtime.lake().load(new TableId("clean", source.name()));
        BatchHistory history = BatchHistory.of(clean.map(LakeTable::snapshots).orElse(List.of()));
        long batches = history.batches();
        long read = history.rowsRead();
        long valid = history.rowsValid();
        long quarantined = history.rowsQuarantined();
        Optional<Instant> last = history.lastBatchAt();
        String latestEvent =
            clean.isPresent() ? latestEvent(runtime, source, history).orElse("-") : "-";
        datasets.add(
            List.of(
                source.name(),
                Long.toString(batches),
                Format.count(read),
                Format.count(valid),
                Format.count(quarantined),
                read == 0 ? "-" : Format.percent((double) valid / read),
                lastBatchScore(history),
                project.quality().minScore(source.name()) == 0
                    ? "-"
                    : Format.percent(project.quality().minScore(source.name())),
                last.map(at -> ago(Duration.between(at, now))).orElse("never"),
                latestEvent));
      }
      out.println("Datasets");
      datasets.print(out);

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
    for (SourceDef source : project.sources()) {
      QualityReport.Dataset dataset = QualityReport.of(project, runtime.lake(), source.name());
      java.util.Map<String, Object> json = QualityCommand.json(dataset, 0);
      json.put("latest-event", latestEvent(runtime, source, dataset.history()).orElse(null));
      datasets.add(json);
    }
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("datasets", datasets);
    body.put(
        "runs",
        recentRuns(runtime).stream()
            .map(RunsCommand::lastSummary)
            .flatMap(Optional::stream)
            .toList());
    out.println(mapper.writeValueAsString(body));
    out.flush();
  }

  /** The last {@code --runs} runs of the run history, oldest first. */
  private List<RunRecord> recentRuns(ProjectRuntime runtime) {
    List<RunRecord> newestFirst = new java.util.ArrayList<>(runtime.history().list(runs, ""));
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  /** The dataset's latest event time, when it has an event-time column and landed rows. */
  private static Optional<String> latestEvent(
      ProjectRuntime runtime, SourceDef source, BatchHistory history) {
    if (source.eventTime().isEmpty() || history.rowsValid() == 0) {
      return Optional.empty();
    }
    Object max =
        runtime
            .engine()
            .query(
                "SELECT max("
                    + runtime.engine().dialect().quote(source.eventTime().get())
                    + ") FROM lake."
                    + runtime.engine().dialect().quote(source.name()),
                1)
            .rows()
            .get(0)
            .get(0);
    return Optional.of(Format.value(max));
  }

  /** The score of the dataset's last batch that read rows (replays aside), or {@code -}. */
  private static String lastBatchScore(BatchHistory history) {
    List<BatchHistory.Batch> batches = history.batchList();
    for (int i = batches.size() - 1; i >= 0; i--) {
      BatchHistory.Batch batch = batches.get(i);
      if (!batch.replay() && batch.rowsRead() > 0) {
        return Format.percent(batch.score());
      }
    }
    return "-";
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
