package io.sluice.ui.pages;

import io.sluice.core.orchestrate.FreshnessEvaluator;
import io.sluice.core.orchestrate.FreshnessState;
import io.sluice.core.project.Orchestration;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.QualityReport;
import io.sluice.server.OrchestrationEndpoint;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The overview ({@code /ui/}): each source with its connector, freshness (the age of its last batch
 * and the state of the {@code freshness:} SLAs that watch it), last batch, ingest rate, quality
 * score and backlog, with links to its quality and quarantine pages; stale and failing sources
 * stand out. Then the last run, every freshness SLA, and the processor's state.
 *
 * <p>The ingest rate is the rows landed by the batches committed in the last {@code ?window=}
 * minutes (default 15) divided by that window, from the source's batch history in the lake.
 * Freshness SLAs on sources are assessed at each request from that same history (their last landed
 * batch); SLAs on models need the engine, which the page does not take from the processor: they
 * show the scheduler's last evaluation.
 */
public final class OverviewPage implements Page {
  private static final int DEFAULT_WINDOW_MINUTES = 15;

  @Override
  public Set<String> parameters() {
    return Set.of("window");
  }

  @Override
  public String path() {
    return "/ui/";
  }

  @Override
  public String title() {
    return "Overview";
  }

  @Override
  public void render(PageRequest request, Html html) {
    var console = request.console();
    Project project = console.project();
    Map<String, Object> status = console.status().get();
    Instant now = console.clock().instant();
    int windowMinutes = request.intParameter("window", DEFAULT_WINDOW_MINUTES, 1, 1440);
    Instant windowStart = now.minus(Duration.ofMinutes(windowMinutes));

    Map<String, FreshnessState> sourceSlas = new LinkedHashMap<>();
    Map<String, Instant> lastLanded = new LinkedHashMap<>();
    html.raw("<section>").element("h2", "Sources");
    html.raw("<table id=\"sources\"><thead><tr>");
    for (String header :
        List.of(
            "source",
            "connector",
            "last batch",
            "freshness",
            "batch id",
            "ingest rate (" + windowMinutes + " min)",
            "rows landed",
            "quarantined",
            "quality (last batch)",
            "backlog",
            "")) {
      html.element("th", header);
    }
    html.raw("</tr></thead><tbody>");
    for (SourceDef source : project.sources()) {
      QualityReport.Dataset dataset =
          QualityReport.of(project, console.runtime().lake(), source.name());
      List<BatchHistory.Batch> batches = dataset.history().batchList();
      BatchHistory.Batch last = batches.isEmpty() ? null : batches.get(batches.size() - 1);
      Optional<Instant> landed = landed(batches).or(() -> dataset.history().lastBatchAt());
      landed.ifPresent(at -> lastLanded.put(source.name(), at));
      List<FreshnessState> slas = new ArrayList<>();
      for (Orchestration.Freshness sla : project.orchestration().freshness()) {
        FreshnessState.Target target = FreshnessEvaluator.target(project, sla.target());
        if (target.source() && target.name().equals(source.name())) {
          FreshnessState state = FreshnessEvaluator.assess(sla, target, landed, now);
          slas.add(state);
          sourceSlas.put(sla.name(), state);
        }
      }
      boolean stale = slas.stream().anyMatch(FreshnessState::breached);
      double minScore =
          project
              .quality()
              .sourceMinScores()
              .getOrDefault(source.name(), project.quality().minScore());
      boolean failing =
          slas.stream().anyMatch(FreshnessState::failing)
              || (last != null && last.rowsRead() > 0 && last.score() < minScore);
      long landedInWindow = 0;
      for (BatchHistory.Batch batch : batches) {
        if (!batch.replay() && !batch.committedAt().isBefore(windowStart)) {
          landedInWindow += batch.rowsValid();
        }
      }
      html.raw("<tr ")
          .raw(Html.attribute("data-source", source.name()))
          .raw(failing ? " class=\"failing\"" : stale ? " class=\"stale\"" : "")
          .raw(">")
          .element("td", source.name())
          .element("td", source.connector())
          .element(
              "td", last == null ? "never" : Format.age(Duration.between(last.committedAt(), now)))
          .raw("<td class=\"freshness\">");
      if (slas.isEmpty()) {
        html.element("span", "class=\"hint\"", "no SLA");
      }
      for (FreshnessState sla : slas) {
        html.element(
                "span",
                Html.attribute("class", "badge " + freshnessClass(sla))
                    + " "
                    + Html.attribute("title", String.join("; ", sla.reasons())),
                sla.sla().name() + ": " + sla.status().label())
            .raw(" ");
      }
      html.raw("</td>")
          .element("td", last == null ? "" : last.batchId())
          .element(
              "td", "class=\"num rate\"", rate(landedInWindow, Duration.ofMinutes(windowMinutes)))
          .element("td", "class=\"num\"", dataset.history().rowsValid())
          .element("td", "class=\"num\"", dataset.history().rowsQuarantined())
          .element(
              "td",
              "class=\"num"
                  + (failing && last != null && last.score() < minScore ? " error" : "")
                  + "\"",
              last == null ? "" : Format.percent(last.score()))
          .element("td", "class=\"num\"", backlog(status, source.name()))
          .raw("<td class=\"links\">")
          .element("a", Html.attribute("href", "/ui/quality?source=" + source.name()), "quality")
          .raw(" · ")
          .element(
              "a", Html.attribute("href", "/ui/quarantine?source=" + source.name()), "quarantine")
          .raw("</td></tr>");
    }
    html.raw("</tbody></table>")
        .element(
            "p",
            "class=\"hint\"",
            "Ingest rate: rows landed by the batches committed in the last "
                + windowMinutes
                + " minutes, per second (?window=MINUTES to change). Red: a failing freshness SLA"
                + " or a last batch below the quality threshold; amber: a breached SLA of severity"
                + " warn.")
        .raw("</section>");

    lastRun(request, html, now);
    freshness(project, status, sourceSlas, html);

    Object processor = status.get("processor");
    html.raw("<section>").element("h2", "Processor");
    html.element("p", "id=\"status\"", "Status: " + status.getOrDefault("status", "not serving"));
    if (processor instanceof Map<?, ?> values) {
      List<List<?>> facts = new ArrayList<>();
      values.forEach(
          (key, value) -> facts.add(List.of(String.valueOf(key), String.valueOf(value))));
      html.table("id=\"processor\"", List.of("", ""), facts);
    }
    html.raw("</section>");
  }

  /** When the last batch that was not a quarantine replay landed (what freshness measures). */
  private static Optional<Instant> landed(List<BatchHistory.Batch> batches) {
    for (int i = batches.size() - 1; i >= 0; i--) {
      BatchHistory.Batch batch = batches.get(i);
      if (!batch.replay()) {
        return Optional.of(batch.ingestedAt().orElse(batch.committedAt()));
      }
    }
    return Optional.empty();
  }

  private static String rate(long rows, Duration window) {
    if (rows == 0) {
      return "0/s";
    }
    double perSecond = rows / (double) window.toSeconds();
    return perSecond >= 10
        ? String.format(Locale.ROOT, "%,d/s", Math.round(perSecond))
        : String.format(Locale.ROOT, "%.2f/s", perSecond);
  }

  private static String freshnessClass(FreshnessState state) {
    return switch (state.status()) {
      case FRESH -> "ok";
      case BREACHED -> state.failing() ? "failed" : "warn";
      case UNKNOWN -> "unknown";
    };
  }

  private static void lastRun(PageRequest request, Html html, Instant now) {
    Optional<OrchestrationEndpoint> api = request.console().orchestration();
    if (api.isEmpty()) {
      return;
    }
    html.raw("<section id=\"last-run\">").element("h2", "Last run");
    List<Object> runs;
    try {
      runs = api.get().runs(new OrchestrationEndpoint.RunQuery(1, Optional.empty(), ""));
    } catch (RuntimeException e) {
      html.element("p", "class=\"error\"", "The run history cannot be read: " + e.getMessage());
      html.raw("</section>");
      return;
    }
    if (runs.isEmpty() || !(runs.get(0) instanceof Map<?, ?> run)) {
      html.element("p", "class=\"hint\"", "No run is recorded yet.");
    } else {
      String status = String.valueOf(run.get("status"));
      html.raw("<p>")
          .element("a", Html.attribute("href", "/ui/runs/" + run.get("id")), run.get("id"))
          .raw(" ")
          .element("span", Html.attribute("class", "badge " + status), status)
          .text(
              " · "
                  + run.get("trigger")
                  + " · started "
                  + Format.age(
                      Duration.between(Instant.parse(String.valueOf(run.get("created-at"))), now)));
      Object error = run.get("error");
      if (error != null && !String.valueOf(error).isEmpty()) {
        html.raw("</p><p class=\"error\">").text(error);
      }
      html.raw("</p>");
    }
    html.raw("<p><a href=\"/ui/runs\">All runs, schedules and backfills</a></p></section>");
  }

  /**
   * Every freshness SLA: sources' assessed now, models' as the scheduler last evaluated them
   * (status {@code scheduler.freshness}), when it runs here.
   */
  private static void freshness(
      Project project,
      Map<String, Object> status,
      Map<String, FreshnessState> sourceSlas,
      Html html) {
    List<Orchestration.Freshness> slas = project.orchestration().freshness();
    if (slas.isEmpty()) {
      return;
    }
    Map<String, Map<?, ?>> scheduled = new LinkedHashMap<>();
    if (status.get("scheduler") instanceof Map<?, ?> scheduler
        && scheduler.get("freshness") instanceof List<?> evaluated) {
      for (Object one : evaluated) {
        if (one instanceof Map<?, ?> state) {
          scheduled.put(String.valueOf(state.get("name")), state);
        }
      }
    }
    html.raw("<section>").element("h2", "Freshness");
    html.raw("<table id=\"freshness\"><thead><tr>");
    for (String header : List.of("SLA", "target", "state", "severity", "age", "limit", "why")) {
      html.element("th", header);
    }
    html.raw("</tr></thead><tbody>");
    for (Orchestration.Freshness sla : slas) {
      FreshnessState now = sourceSlas.get(sla.name());
      String state;
      String age = "";
      String reasons;
      String css;
      if (now != null) {
        state = now.status().label();
        age = now.age().map(FreshnessState::format).orElse("");
        reasons = String.join("; ", now.reasons());
        css = freshnessClass(now);
      } else if (scheduled.containsKey(sla.name())) {
        Map<?, ?> last = scheduled.get(sla.name());
        state = String.valueOf(last.get("state"));
        reasons =
            last.get("reasons") instanceof List<?> why
                ? String.join("; ", why.stream().map(String::valueOf).toList())
                : "";
        css =
            state.equals("fresh")
                ? "ok"
                : state.equals("breached")
                    ? (sla.severity().equals("fail") ? "failed" : "warn")
                    : "unknown";
      } else {
        state = "unknown";
        reasons = "a model's freshness is evaluated by the scheduler, which does not run here";
        css = "unknown";
      }
      html.raw("<tr ")
          .raw(Html.attribute("data-sla", sla.name()))
          .raw(">")
          .element("td", sla.name())
          .element("td", FreshnessEvaluator.target(project, sla.target()).toString())
          .raw("<td>")
          .element("span", Html.attribute("class", "badge " + css), state)
          .raw("</td>")
          .element("td", sla.severity())
          .element("td", age)
          .element("td", limit(sla))
          .element("td", reasons)
          .raw("</tr>");
    }
    html.raw("</tbody></table></section>");
  }

  private static String limit(Orchestration.Freshness sla) {
    List<String> limits = new ArrayList<>();
    sla.maxAge().ifPresent(max -> limits.add("max-age " + FreshnessState.format(max)));
    sla.deadline().ifPresent(at -> limits.add("deadline " + at + " " + sla.timeZone().getId()));
    return String.join(", ", limits);
  }

  private static String backlog(Map<String, Object> status, String source) {
    if (status.get("streams") instanceof Map<?, ?> streams
        && streams.get(source) instanceof Map<?, ?> stream) {
      return String.valueOf(stream.get("backlog"));
    }
    return "";
  }
}
