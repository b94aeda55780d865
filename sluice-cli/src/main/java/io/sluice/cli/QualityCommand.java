package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.QualityReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice quality}. */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description = {
      "Show the quality history of each dataset (or of SOURCE): its totals and score against its",
      "min-score, its failures per rule, and its last batches with their rows, score and failures."
    })
final class QualityCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SOURCE",
      description = "Only this source's dataset.")
  String source;

  @Option(
      names = "--batches",
      paramLabel = "N",
      description = "How many of the last batches to show per dataset (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int batches;

  @Option(
      names = {"-f", "--format"},
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "table")
  OutputFormat format;

  enum OutputFormat {
    table,
    json
  }

  @Override
  public Integer call() throws IOException {
    Project project = options.load();
    if (source != null && project.source(source).isEmpty()) {
      List<String> names = project.sources().stream().map(SourceDef::name).toList();
      throw SluiceException.user(
          "Unknown source '%s'%s; the sources are: %s",
          source, DidYouMean.hint(source, names), String.join(", ", names));
    }
    List<QualityReport.Dataset> datasets;
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true, true)) {
      Readers.notice(spec.commandLine().getErr(), runtime.engine().snapshotTime());
      datasets =
          source == null
              ? QualityReport.of(project, runtime.lake())
              : List.of(QualityReport.of(project, runtime.lake(), source));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == OutputFormat.json) {
      List<Object> json = new ArrayList<>();
      datasets.forEach(d -> json.add(json(d, batches)));
      out.println(Format.json().writeValueAsString(Map.of("datasets", json)));
    } else {
      print(out, datasets);
    }
    out.flush();
    return 0;
  }

  private void print(PrintWriter out, List<QualityReport.Dataset> datasets) {
    TextTable totals =
        new TextTable(
            List.of(
                "dataset",
                "batches",
                "rows read",
                "valid",
                "quarantined",
                "warned",
                "score",
                "weighted",
                "min score",
                "last batch"));
    for (QualityReport.Dataset dataset : datasets) {
      BatchHistory history = dataset.history();
      totals.add(
          List.of(
              dataset.dataset(),
              Format.count(history.batches()),
              Format.count(history.rowsRead()),
              Format.count(history.rowsValid()),
              Format.count(history.rowsQuarantined()),
              Format.count(history.rowsWarned()),
              history.rowsRead() == 0 ? "-" : Format.percent(history.score()),
              history.rowsRead() == 0
                  ? "-"
                  : Format.percent(history.weightedScore(dataset.warnWeight())),
              dataset.minScore() == 0 ? "-" : Format.percent(dataset.minScore()),
              history.lastBatchAt().map(Object::toString).orElse("never")));
    }
    out.println("Datasets");
    totals.print(out);
    for (QualityReport.Dataset dataset : datasets) {
      BatchHistory history = dataset.history();
      if (!history.failuresByRule().isEmpty()) {
        out.println();
        out.println("Failures by rule in " + dataset.dataset());
        TextTable rules = new TextTable(List.of("rule", "rows"));
        history.failuresByRule().forEach((rule, n) -> rules.add(List.of(rule, Format.count(n))));
        rules.print(out);
      }
      List<BatchHistory.Batch> list = history.batchList();
      if (list.isEmpty()) {
        continue;
      }
      List<BatchHistory.Batch> shown =
          list.subList(Math.max(0, list.size() - batches), list.size());
      out.println();
      out.printf(
          "Last %d of %d batches of %s%n", shown.size(), history.batches(), dataset.dataset());
      TextTable table =
          new TextTable(
              List.of(
                  "batch",
                  "committed",
                  "time",
                  "rows",
                  "valid",
                  "quarantined",
                  "warned",
                  "score",
                  "weighted",
                  "failures"));
      for (BatchHistory.Batch batch : shown) {
        table.add(
            List.of(
                batch.batchId() + (batch.replay() ? " (replay)" : ""),
                batch.committedAt().toString(),
                batch.duration().map(d -> Format.seconds(d.toMillis())).orElse("-"),
                Format.count(batch.rowsRead()),
                Format.count(batch.rowsValid()),
                Format.count(batch.rowsQuarantined()),
                Format.count(batch.rowsWarned()),
                batch.rowsRead() == 0 ? "-" : Format.percent(batch.score()),
                batch.rowsRead() == 0
                    ? "-"
                    : Format.percent(batch.weightedScore(dataset.warnWeight())),
                failures(batch.failuresByRule())));
      }
      table.print(out);
      if (history.checkpointedBatches() > 0) {
        out.printf(
            "(%d earlier batches are folded into a maintenance checkpoint: only their totals"
                + " remain)%n",
            history.checkpointedBatches());
      }
    }
  }

  private static String failures(Map<String, Long> failures) {
    if (failures.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    failures.forEach((rule, n) -> parts.add(rule + " " + Format.count(n)));
    return String.join(", ", parts);
  }

  /** A dataset as {@code sluice quality --format json} and {@code sluice status} print it. */
  static Map<String, Object> json(QualityReport.Dataset dataset, int lastBatches) {
    BatchHistory history = dataset.history();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", dataset.dataset());
    json.put("batches", history.batches());
    json.put("rows-read", history.rowsRead());
    json.put("rows-valid", history.rowsValid());
    json.put("rows-quarantined", history.rowsQuarantined());
    json.put("rows-warned", history.rowsWarned());
    json.put("score", history.score());
    json.put("weighted-score", history.weightedScore(dataset.warnWeight()));
    json.put("min-score", dataset.minScore());
    json.put("last-batch-at", history.lastBatchAt().map(Object::toString).orElse(null));
    json.put("failures-by-rule", history.failuresByRule());
    if (lastBatches > 0) {
      List<BatchHistory.Batch> list = history.batchList();
      List<Object> batches = new ArrayList<>();
      for (BatchHistory.Batch batch :
          list.subList(Math.max(0, list.size() - lastBatches), list.size())) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("batch-id", batch.batchId());
        b.put("replay", batch.replay());
        b.put("ingested-at", batch.ingestedAt().map(Object::toString).orElse(null));
        b.put("committed-at", batch.committedAt().toString());
        b.put("millis", batch.duration().map(java.time.Duration::toMillis).orElse(null));
        b.put("rows-read", batch.rowsRead());
        b.put("rows-valid", batch.rowsValid());
        b.put("rows-quarantined", batch.rowsQuarantined());
        b.put("rows-warned", batch.rowsWarned());
        b.put("score", batch.score());
        b.put("weighted-score", batch.weightedScore(dataset.warnWeight()));
        b.put("failures-by-rule", batch.failuresByRule());
        batches.add(b);
      }
      json.put("last-batches", batches);
      json.put("checkpointed-batches", history.checkpointedBatches());
    }
    return json;
  }
}
