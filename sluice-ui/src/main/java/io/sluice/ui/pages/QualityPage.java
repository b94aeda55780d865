package io.sluice.ui.pages;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.engine.CompiledRule;
import io.sluice.config.DidYouMean;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.RuleCompiler;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.FailedRules;
import io.sluice.core.run.QualityReport;
import io.sluice.core.run.RunSummary;
import io.sluice.core.run.SchemaDrift;
import io.sluice.ui.ConsoleContext;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.net.URLEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The quality page ({@code /ui/quality}, {@code ?source=NAME} for one source): per source, the
 * score of each batch against its {@code min-score} (the history {@code sluice quality} reads: the
 * clean table's snapshot summaries, through {@link QualityReport}), failures by rule over the
 * batches shown with rules of severity warn apart, and the schema drift batches recorded; per run
 * (the run history), each source's score and the run's dataset checks and model tests.
 */
public final class QualityPage implements Page {
  /** Batches per source shown unless {@code batches} says otherwise. */
  static final int BATCHES = 100;

  /** Runs shown unless {@code runs} says otherwise. */
  static final int RUNS = 50;

  private static final int TABLE_ROWS = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Set<String> parameters() {
    return Set.of("source", "batches", "runs");
  }

  @Override
  public String path() {
    return "/ui/quality";
  }

  @Override
  public String title() {
    return "Quality";
  }

  @Override
  public void render(PageRequest request, Html html) {
    ConsoleContext console = request.console();
    List<String> names = console.project().sources().stream().map(SourceDef::name).toList();
    Optional<String> only = request.parameter("source");
    if (only.isPresent() && !names.contains(only.get())) {
      throw PageException.badRequest(
          "unknown source '"
              + only.get()
              + "'"
              + DidYouMean.hint(only.get(), names)
              + "; the sources are: "
              + String.join(", ", names));
    }
    int batches = request.intParameter("batches", BATCHES, 1, 10_000);
    int runs = request.intParameter("runs", RUNS, 1, 1000);
    html.raw("<nav class=\"sources\" id=\"quality-sources\">")
        .element(
            "a",
            Html.attribute("href", "/ui/quality") + (only.isEmpty() ? " class=\"here\"" : ""),
            "all sources");
    for (String name : names) {
      html.raw(" ")
          .element(
              "a",
              Html.attribute("href", "/ui/quality?source=" + URLEncoder.encode(name, UTF_8))
                  + (only.isPresent() && only.get().equals(name) ? " class=\"here\"" : ""),
              name);
    }
    html.raw("</nav>");
    for (SourceDef source : console.project().sources()) {
      if (only.isEmpty() || only.get().equals(source.name())) {
        source(html, console, source, batches);
      }
    }
    runs(html, console, only, runs);
    html.raw("<script src=\"/ui/static/quality.js\" defer></script>");
  }

  // -----------------------------------------------------------------------------------------------
  // Per source: its batches

  private static void source(Html html, ConsoleContext console, SourceDef source, int shown) {
    QualityReport.Dataset dataset =
        QualityReport.of(console.project(), console.runtime().lake(), source.name());
    BatchHistory history = dataset.history();
    List<BatchHistory.Batch> all = history.batchList();
    List<BatchHistory.Batch> batches = all.subList(Math.max(0, all.size() - shown), all.size());
    html.raw("<section class=\"quality-source\" ")
        .raw(Html.attribute("id", "quality-" + source.name()))
        .raw(" ")
        .raw(Html.attribute("data-source", source.name()))
        .raw(">")
        .element("h2", source.name());
    html.raw("<p class=\"facts\">")
        .element("span", "class=\"fact\" data-fact=\"batches\"", history.batches() + " batches")
        .element("span", "class=\"fact\"", history.rowsRead() + " rows read")
        .element("span", "class=\"fact\"", history.rowsValid() + " landed")
        .element(
            "span",
            "class=\"fact\" data-fact=\"quarantined\"",
            history.rowsQuarantined() + " quarantined now")
        .element(
            "span",
            "class=\"fact" + (history.rowsWarned() > 0 ? " warn" : "") + "\"",
            history.rowsWarned() + " landed with warnings")
        .element(
            "span",
            "class=\"fact\" data-fact=\"score\"",
            "score " + (history.rowsRead() == 0 ? "-" : Format.percent(history.score())))
        .element(
            "span",
            "class=\"fact\"",
            "weighted "
                + (history.rowsRead() == 0
                    ? "-"
                    : Format.percent(history.weightedScore(dataset.warnWeight()))))
        .element(
            "span",
            "class=\"fact\"",
            "min-score " + (dataset.minScore() == 0 ? "none" : Format.percent(dataset.minScore())))
        .raw("</p>");
    if (all.isEmpty()) {
      html.element(
              "p",
              "class=\"hint\"",
              history.checkpointedBatches() > 0
                  ? "Maintenance folded every batch into a checkpoint: only the totals remain."
                  : "Nothing has landed yet.")
          .raw("</section>");
      return;
    }
    trendChart(html, source.name(), batches, dataset);
    batchTable(html, batches, dataset.warnWeight());
    if (history.checkpointedBatches() > 0) {
      html.element(
          "p",
          "class=\"hint\"",
          history.checkpointedBatches()
              + " earlier batches are folded into a maintenance checkpoint: only their totals"
              + " remain.");
    }
    failures(html, console, source, batches, history);
    drift(html, batches);
    html.raw("</section>");
  }

  private static void trendChart(
      Html html, String source, List<BatchHistory.Batch> batches, QualityReport.Dataset dataset) {
    List<Long> times = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    List<Double> weighted = new ArrayList<>();
    List<Double> minimum = new ArrayList<>();
    for (BatchHistory.Batch batch : batches) {
      if (batch.replay()) {
        continue; // its rows were read by an earlier batch: not a point of the ingest's trend
      }
      times.add(batch.committedAt().getEpochSecond());
      scores.add(percent(batch.score()));
      weighted.add(percent(batch.weightedScore(dataset.warnWeight())));
      minimum.add(percent(dataset.minScore()));
    }
    List<Map<String, Object>> series = new ArrayList<>();
    series.add(series("score %", scores, false));
    series.add(series("weighted score %", weighted, false));
    if (dataset.minScore() > 0) {
      series.add(series("min-score %", minimum, true));
    }
    chart(html, "trend-" + source, "Score per batch of " + source, times, series);
  }

  private static void batchTable(Html html, List<BatchHistory.Batch> batches, double warnWeight) {
    List<BatchHistory.Batch> newestFirst = new ArrayList<>(batches);
    java.util.Collections.reverse(newestFirst);
    List<List<?>> rows = new ArrayList<>();
    for (BatchHistory.Batch batch :
        newestFirst.subList(0, Math.min(TABLE_ROWS, newestFirst.size()))) {
      rows.add(
          List.of(
              batch.batchId() + (batch.replay() ? " (replay)" : ""),
              seconds(batch.committedAt()),
              batch.rowsRead(),
              batch.rowsValid(),
              batch.rowsQuarantined(),
              batch.rowsWarned(),
              batch.rowsRead() == 0 ? "-" : Format.percent(batch.score()),
              batch.rowsRead() == 0 ? "-" : Format.percent(batch.weightedScore(warnWeight)),
              failureList(batch.failuresByRule())));
    }
    html.element(
            "h3",
            "Last "
                + rows.size()
                + " batches"
                + (batches.size() > rows.size() ? " (the chart shows " + batches.size() + ")" : ""))
        .table(
            "class=\"batches\"",
            List.of(
                "batch",
                "committed",
                "rows",
                "valid",
                "quarantined",
                "warned",
                "score",
                "weighted",
                "failures"),
            rows);
  }

  /** {@code rule n, rule n}, or {@code -}. */
  private static String failureList(Map<String, Long> failures) {
    if (failures.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    failures.forEach((rule, n) -> parts.add(rule + " " + n));
    return String.join(", ", parts);
  }

  /** Failures per rule over the batches shown, with a bar each; rules of severity warn apart. */
  private static void failures(
      Html html,
      ConsoleContext console,
      SourceDef source,
      List<BatchHistory.Batch> batches,
      BatchHistory history) {
    Map<String, CompiledRule.Severity> severities = severities(console, source);
    Map<String, Long> shown = new TreeMap<>();
    Map<String, String> lastBatch = new TreeMap<>();
    for (BatchHistory.Batch batch : batches) {
      batch
          .failuresByRule()
          .forEach(
              (rule, n) -> {
                shown.merge(rule, n, Long::sum);
                lastBatch.put(rule, batch.batchId());
              });
    }
    Map<String, Long> failing = new LinkedHashMap<>();
    Map<String, Long> warnings = new LinkedHashMap<>();
    shown.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            entry ->
                (severity(severities, entry.getKey()) == CompiledRule.Severity.WARN
                        ? warnings
                        : failing)
                    .put(entry.getKey(), entry.getValue()));
    html.element("h3", "Failures by rule (quarantined rows, over the batches shown)");
    if (failing.isEmpty()) {
      html.element("p", "class=\"hint ok\"", "No row was quarantined in these batches.");
    } else {
      ruleTable(html, "failures", failing, history, lastBatch, severities, "bad");
    }
    html.element("h3", "Warnings (rules of severity warn: the rows landed)");
    if (warnings.isEmpty()) {
      html.element("p", "class=\"hint ok\"", "No warning in these batches.");
    } else {
      ruleTable(html, "warnings", warnings, history, lastBatch, severities, "warn");
    }
  }

  private static void ruleTable(
      Html html,
      String kind,
      Map<String, Long> counts,
      BatchHistory history,
      Map<String, String> lastBatch,
      Map<String, CompiledRule.Severity> severities,
      String barClass) {
    long most = counts.values().stream().mapToLong(Long::longValue).max().orElse(1);
    html.raw("<table ")
        .raw(Html.attribute("class", "rules " + kind))
        .raw("><thead><tr><th>rule</th><th>severity</th><th class=\"num\">rows</th>")
        .raw("<th class=\"bar-cell\"></th><th class=\"num\">all batches</th><th>last in</th>")
        .raw("</tr></thead><tbody>");
    for (Map.Entry<String, Long> entry : counts.entrySet()) {
      long share = Math.max(1, Math.round(100.0 * entry.getValue() / most));
      html.raw("<tr>")
          .element("td", "class=\"rule\"", entry.getKey())
          .element("td", severity(severities, entry.getKey()).name().toLowerCase(Locale.ROOT))
          .element("td", "class=\"num\"", entry.getValue())
          .raw("<td class=\"bar-cell\"><div ")
          .raw(Html.attribute("class", "rule-bar " + barClass))
          .raw(" ")
          .raw(Html.attribute("style", "width:" + share + "%"))
          .raw("></div></td>")
          .element("td", "class=\"num\"", history.failuresByRule().getOrDefault(entry.getKey(), 0L))
          .element("td", lastBatch.getOrDefault(entry.getKey(), ""))
          .raw("</tr>");
    }
    html.raw("</tbody></table>");
  }

  /** The severity of each rule of the source as it is declared now, by failure name. */
  private static Map<String, CompiledRule.Severity> severities(
      ConsoleContext console, SourceDef source) {
    Map<String, CompiledRule.Severity> severities = new TreeMap<>();
    // The dialect only: compiling rules is pure, and never touches the engine's connection.
    for (CompiledRule rule :
        new RuleCompiler(console.runtime().engine().dialect()).compile(source).rules()) {
      severities.put(FailedRules.name(rule.name(), rule.column()), rule.severity());
    }
    return severities;
  }

  private static CompiledRule.Severity severity(
      Map<String, CompiledRule.Severity> severities, String failure) {
    // Built-in rules (parse, type, late, ...) and rules removed since quarantined their rows.
    return severities.getOrDefault(failure, CompiledRule.Severity.QUARANTINE);
  }

  private static void drift(Html html, List<BatchHistory.Batch> batches) {
    List<List<?>> rows = new ArrayList<>();
    for (int i = batches.size() - 1; i >= 0; i--) {
      BatchHistory.Batch batch = batches.get(i);
      for (SchemaDrift.Event event : batch.drift()) {
        rows.add(
            List.of(
                seconds(batch.committedAt()),
                batch.batchId(),
                event.file(),
                event.kind(),
                event.describe(),
                event.action()));
      }
    }
    html.element("h3", "Schema drift");
    if (rows.isEmpty()) {
      html.element("p", "class=\"hint\"", "No schema drift in these batches.");
    } else {
      html.table(
          "class=\"drift\"",
          List.of("committed", "batch", "file", "kind", "what changed", "action"),
          rows);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Per run: the run history

  private static void runs(Html html, ConsoleContext console, Optional<String> only, int limit) {
    List<RunRecord> records = console.runtime().history().list(limit, "");
    List<Run> runs = new ArrayList<>();
    for (RunRecord record : records) {
      summary(record)
          .filter(
              summary ->
                  only.isEmpty()
                      || summary.sources().stream()
                          .anyMatch(s -> s.source().equals(only.get()) && s.rowsRead() > 0))
          .ifPresent(summary -> runs.add(new Run(record, summary)));
    }
    html.raw("<section id=\"quality-runs\">")
        .element("h2", "Per run" + only.map(s -> " (runs that read " + s + ")").orElse(""));
    if (runs.isEmpty()) {
      html.element("p", "class=\"hint\"", "No run in the run history read anything yet.")
          .raw("</section>");
      return;
    }
    runChart(html, console, runs, only);
    runTable(html, runs, only);
    checksAndTests(html, runs, only);
    html.raw("</section>");
  }

  private record Run(RunRecord record, RunSummary summary) {
    Instant started() {
      return record.createdAt();
    }
  }

  private static Optional<RunSummary> summary(RunRecord record) {
    for (int i = record.attempts().size() - 1; i >= 0; i--) {
      Optional<RunSummary> summary = record.attempts().get(i).summary();
      if (summary.isPresent()) {
        return summary;
      }
    }
    return Optional.empty();
  }

  private static void runChart(
      Html html, ConsoleContext console, List<Run> runs, Optional<String> only) {
    List<Run> oldestFirst = new ArrayList<>(runs);
    java.util.Collections.reverse(oldestFirst);
    List<Long> times = new ArrayList<>();
    for (Run run : oldestFirst) {
      times.add(run.started().getEpochSecond());
    }
    List<Map<String, Object>> series = new ArrayList<>();
    if (only.isEmpty()) {
      List<Double> scores = new ArrayList<>();
      for (Run run : oldestFirst) {
        scores.add(run.summary().rowsRead() == 0 ? null : percent(run.summary().score()));
      }
      series.add(series("run score %", scores, false));
    }
    for (SourceDef source : console.project().sources()) {
      if (only.isPresent() && !only.get().equals(source.name())) {
        continue;
      }
      List<Double> scores = new ArrayList<>();
      boolean any = false;
      for (Run run : oldestFirst) {
        Optional<RunSummary.SourceRun> batch = sourceRun(run.summary(), source.name());
        scores.add(batch.map(b -> percent(b.score())).orElse(null));
        any |= batch.isPresent();
      }
      if (any) {
        series.add(series(source.name() + " %", scores, false));
      }
    }
    chart(html, "runs-chart", "Score per run", times, series);
  }

  private static Optional<RunSummary.SourceRun> sourceRun(RunSummary summary, String source) {
    return summary.sources().stream()
        .filter(s -> s.source().equals(source) && s.rowsRead() > 0)
        .findFirst();
  }

  private static void runTable(Html html, List<Run> runs, Optional<String> only) {
    html.raw(
            "<table id=\"quality-run-table\"><thead><tr><th>run</th><th>started</th><th>status</th>")
        .raw("<th class=\"num\">rows</th><th class=\"num\">valid</th>")
        .raw("<th class=\"num\">quarantined</th><th>score</th><th>checks</th><th>tests</th>")
        .raw("</tr></thead><tbody>");
    for (Run run : runs.subList(0, Math.min(TABLE_ROWS, runs.size()))) {
      RunSummary summary = run.summary();
      List<RunSummary.SourceRun> sources =
          summary.sources().stream()
              .filter(s -> only.isEmpty() || s.source().equals(only.get()))
              .toList();
      long read = sources.stream().mapToLong(RunSummary.SourceRun::rowsRead).sum();
      long valid = sources.stream().mapToLong(RunSummary.SourceRun::rowsValid).sum();
      long quarantined = sources.stream().mapToLong(RunSummary.SourceRun::rowsQuarantined).sum();
      long checksFailed =
          sources.stream()
              .flatMap(s -> s.checks().stream())
              .filter(c -> !c.passed() && !c.kind().equals("rule"))
              .count();
      long checks =
          sources.stream()
              .flatMap(s -> s.checks().stream())
              .filter(c -> !c.kind().equals("rule"))
              .count();
      html.raw("<tr><td>")
          .element(
              "a",
              Html.attribute("href", "/ui/runs/" + URLEncoder.encode(run.record().id(), UTF_8)),
              run.record().id())
          .raw("</td>")
          .element("td", "class=\"time\"", seconds(run.started()))
          .raw("<td>")
          .element(
              "span",
              Html.attribute("class", "badge " + run.record().status().label()),
              run.record().status().label())
          .raw("</td>")
          .element("td", "class=\"num\"", read)
          .element("td", "class=\"num\"", valid)
          .element("td", "class=\"num\"", quarantined)
          .element("td", read == 0 ? "-" : Format.percent((double) valid / read))
          .element(
              "td",
              checksFailed > 0 ? "class=\"warn\"" : "",
              checks == 0 ? "-" : (checks - checksFailed) + " of " + checks + " passed")
          .element("td", tests(summary.tests()))
          .raw("</tr>");
    }
    html.raw("</tbody></table>");
  }

  private static String tests(List<RunSummary.TestRun> tests) {
    if (tests.isEmpty()) {
      return "-";
    }
    long passed = tests.stream().filter(RunSummary.TestRun::passed).count();
    long failed = tests.stream().filter(RunSummary.TestRun::failsRun).count();
    long warned = tests.size() - passed - failed;
    return passed + " passed, " + failed + " failed, " + warned + " warned";
  }

  /** The dataset checks and model tests of the latest run that had any. */
  private static void checksAndTests(Html html, List<Run> runs, Optional<String> only) {
    html.element("h3", "Dataset checks and model tests of the latest run that had them");
    List<List<?>> rows = new ArrayList<>();
    String runId = null;
    for (Run run : runs) {
      for (RunSummary.SourceRun source : run.summary().sources()) {
        if (only.isPresent() && !source.source().equals(only.get())) {
          continue;
        }
        for (RunSummary.CheckRun check : source.checks()) {
          if (!check.kind().equals("rule")) {
            rows.add(
                List.of(
                    "check",
                    source.source() + ": " + check.check(),
                    check.kind(),
                    check.severity(),
                    check.passed() ? "pass" : "FAIL",
                    check.message()));
          }
        }
      }
      if (only.isEmpty()) {
        for (RunSummary.TestRun test : run.summary().tests()) {
          rows.add(
              List.of(
                  "test",
                  test.test(),
                  "model test",
                  test.severity(),
                  test.passed() ? "pass" : test.error().isEmpty() ? "FAIL" : "ERROR",
                  test.error().isEmpty()
                      ? (test.failures() == 0 ? "" : test.failures() + " failing rows")
                      : test.error()));
        }
      }
      if (!rows.isEmpty()) {
        runId = run.record().id();
        break;
      }
    }
    if (rows.isEmpty()) {
      html.element("p", "class=\"hint\"", "No run recorded dataset checks or model tests.");
      return;
    }
    html.element("p", "class=\"hint\"", "Run " + runId + ".")
        .table(
            "id=\"quality-checks\"",
            List.of("", "name", "kind", "severity", "result", "message"),
            rows);
  }

  // -----------------------------------------------------------------------------------------------
  // Charts: uPlot, drawn by quality.js from the data in the element's data-chart attribute

  private static Map<String, Object> series(String label, List<Double> values, boolean threshold) {
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("label", label);
    series.put("values", values);
    series.put("threshold", threshold);
    return series;
  }

  private static void chart(
      Html html, String id, String title, List<Long> times, List<Map<String, Object>> series) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("title", title);
    data.put("x", times);
    data.put("series", series);
    String json;
    try {
      json = JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a chart's data as JSON", e);
    }
    html.raw("<div class=\"chart\" ")
        .raw(Html.attribute("id", id))
        .raw(" ")
        .raw(Html.attribute("data-chart", json))
        .raw("></div>");
  }

  private static String seconds(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  private static Double percent(double share) {
    return Math.round(share * 10_000) / 100.0;
  }
}
