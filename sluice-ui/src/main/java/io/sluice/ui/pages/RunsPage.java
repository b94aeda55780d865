package io.sluice.ui.pages;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.run.BackfillRecord;
import io.sluice.core.run.Backfills;
import io.sluice.core.run.RunStatus;
import io.sluice.server.OrchestrationEndpoint;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The runs ({@code /ui/runs}): a timeline and a table of the run history, filtered by status and
 * trigger; the schedules with their state; the backfills; and, for the operator, forms that trigger
 * a run, start a backfill and follow it, and buttons that retry a run and pause or resume a
 * schedule. {@code /ui/runs/ID} shows one run: each attempt with its error, steps and step timings
 * (what {@code sluice runs show ID --timings} prints) and log excerpt.
 *
 * <p>Everything shown comes from the orchestration API's own answers ({@link
 * OrchestrationEndpoint}, the JSON of {@code GET /v1/runs}), and every action goes through that API
 * from the page's script ({@code runs.js}), so the page shows what the API gives and the server
 * refuses the viewer's actions whatever the page shows.
 */
public final class RunsPage implements Page {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final List<String> TRIGGERS =
      List.of("manual", "serve", "api", "retry:", "schedule:", "backfill:");
  private static final int TIMELINE_WIDTH = 1000;
  private static final int LANE_HEIGHT = 14;
  private static final Duration TIMELINE_SPAN = Duration.ofDays(1);

  @Override
  public Set<String> parameters() {
    return Set.of("status", "trigger", "limit", "backfill");
  }

  @Override
  public String path() {
    return "/ui/runs";
  }

  @Override
  public String title() {
    return "Runs";
  }

  @Override
  public void render(PageRequest request, Html html) {
    html.raw("<script src=\"/ui/static/runs.js\" defer></script>");
    html.element("p", "id=\"runs-notice\" class=\"notice\" hidden", "");
    Optional<OrchestrationEndpoint> api = request.console().orchestration();
    if (api.isEmpty()) {
      html.element(
          "p",
          "class=\"hint\"",
          "This server does not serve the orchestration API, which the runs are read from.");
      return;
    }
    if (request.tail().isEmpty()) {
      list(request, api.get(), html);
    } else {
      run(request, api.get(), request.tail(), html);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // The list

  private void list(PageRequest request, OrchestrationEndpoint api, Html html) {
    Optional<String> status = request.parameter("status");
    String trigger = request.parameter("trigger").orElse("");
    int limit = request.intParameter("limit", 50, 1, 1000);
    List<Map<String, Object>> runs =
        maps(ask(() -> api.runs(new OrchestrationEndpoint.RunQuery(limit, status, trigger))));
    Instant now = request.console().clock().instant();

    triggerForm(html);
    html.raw("<section>").element("h2", "Timeline");
    timeline(runs, now, html);
    html.raw("</section>");

    html.raw("<section>").element("h2", "Runs");
    filters(status, trigger, limit, html);
    runsTable(api, runs, now, html);
    html.raw("</section>");

    schedules(api, html);
    backfills(request, html);
  }

  private static void triggerForm(Html html) {
    html.raw("<section class=\"operator-only\">")
        .element("h2", "Trigger a run")
        .raw("<form id=\"trigger-form\" class=\"inline\">")
        .raw("<label>Selection (blank: the whole project)")
        .raw(
            "<input name=\"select\" id=\"trigger-select\" size=\"40\""
                + " placeholder=\"daily_revenue+ source:orders\"></label>")
        .raw("<label>Exclude<input name=\"exclude\" id=\"trigger-exclude\" size=\"20\"></label>")
        .raw(
            "<label class=\"check\"><input type=\"checkbox\" name=\"full-refresh\""
                + " id=\"trigger-full-refresh\"> full refresh</label>")
        .raw("<button type=\"submit\" id=\"trigger-run\">Trigger run</button></form>")
        .raw("</section>");
  }

  private static void filters(Optional<String> status, String trigger, int limit, Html html) {
    html.raw("<form method=\"get\" action=\"/ui/runs\" id=\"run-filters\" class=\"inline\">");
    html.raw("<label>Status<select name=\"status\" id=\"filter-status\">");
    option("", "any", status.isEmpty(), html);
    for (RunStatus value : RunStatus.values()) {
      option(value.label(), value.label(), status.orElse("").equals(value.label()), html);
    }
    html.raw("</select></label>");
    html.raw("<label>Trigger (starts with)<input name=\"trigger\" id=\"filter-trigger\"")
        .raw(" list=\"run-triggers\" ")
        .raw(Html.attribute("value", trigger))
        .raw("></label><datalist id=\"run-triggers\">");
    for (String known : TRIGGERS) {
      html.raw("<option ").raw(Html.attribute("value", known)).raw(">");
    }
    html.raw("</datalist><label>At most<select name=\"limit\">");
    for (int choice : List.of(20, 50, 100, 200, 1000)) {
      option(String.valueOf(choice), String.valueOf(choice), choice == limit, html);
    }
    html.raw("</select></label><button type=\"submit\" class=\"secondary\">Filter</button>")
        .raw("<a href=\"/ui/runs\">clear</a></form>");
  }

  private static void option(String value, String label, boolean selected, Html html) {
    html.raw("<option ")
        .raw(Html.attribute("value", value))
        .raw(selected ? " selected" : "")
        .raw(">")
        .text(label)
        .raw("</option>");
  }

  /**
   * Each run as a bar from its creation to its end (or now), coloured by status, on lanes so that
   * runs at the same time do not hide each other; the span is the listed runs', at most the last
   * day.
   */
  private static void timeline(List<Map<String, Object>> runs, Instant now, Html html) {
    if (runs.isEmpty()) {
      html.element("p", "class=\"hint\"", "No run matches.");
      return;
    }
    record Bar(Map<String, Object> run, Instant start, Instant end) {}
    // The listed runs' span, but no more than the last day: older runs would squeeze the recent
    // ones into slivers (the table lists them all).
    Instant dayAgo = now.minus(TIMELINE_SPAN);
    List<Bar> bars = new ArrayList<>();
    int older = 0;
    for (Map<String, Object> run : runs) {
      Instant start = instant(run.get("created-at")).orElse(now);
      Instant end = instant(run.get("ended-at")).orElse(now);
      if (end.isBefore(dayAgo)) {
        older++;
      } else {
        bars.add(new Bar(run, start.isBefore(dayAgo) ? dayAgo : start, end));
      }
    }
    if (bars.isEmpty()) {
      html.element("p", "class=\"hint\"", "No listed run ended in the last day.");
      return;
    }
    bars.sort(Comparator.comparing(Bar::start));
    Instant from = bars.get(0).start();
    Instant to = bars.stream().map(Bar::end).max(Comparator.naturalOrder()).orElse(now);
    to = to.isBefore(now) ? now : to;
    long span = Math.max(1000, Duration.between(from, to).toMillis());
    List<Instant> laneEnds = new ArrayList<>();
    Html marks = new Html();
    for (Bar bar : bars) {
      int lane = 0;
      while (lane < laneEnds.size() && laneEnds.get(lane).isAfter(bar.start())) {
        lane++;
      }
      if (lane == laneEnds.size()) {
        laneEnds.add(bar.end());
      } else {
        laneEnds.set(lane, bar.end());
      }
      double x = TIMELINE_WIDTH * Duration.between(from, bar.start()).toMillis() / (double) span;
      double width =
          Math.max(
              3,
              TIMELINE_WIDTH * Duration.between(bar.start(), bar.end()).toMillis() / (double) span);
      String id = String.valueOf(bar.run().get("id"));
      String status = String.valueOf(bar.run().get("status"));
      marks
          .raw("<a ")
          .raw(Html.attribute("href", "/ui/runs/" + id))
          .raw("><rect ")
          .raw(Html.attribute("class", "bar " + status))
          .raw(" ")
          .raw(Html.attribute("data-run", id))
          .raw(
              String.format(
                  Locale.ROOT,
                  " x=\"%.1f\" y=\"%d\"",
                  Math.min(x, TIMELINE_WIDTH - 3),
                  lane * LANE_HEIGHT))
          .raw(String.format(Locale.ROOT, " width=\"%.1f\" height=\"%d\">", width, LANE_HEIGHT - 3))
          .element(
              "title",
              id
                  + " · "
                  + status
                  + " · "
                  + bar.run().get("trigger")
                  + " · "
                  + Format.duration(Duration.between(bar.start(), bar.end())))
          .raw("</rect></a>");
    }
    int height = laneEnds.size() * LANE_HEIGHT;
    html.raw("<svg id=\"timeline\" class=\"timeline\" role=\"img\" preserveAspectRatio=\"none\"")
        .raw(String.format(Locale.ROOT, " viewBox=\"0 0 %d %d\"", TIMELINE_WIDTH, height))
        .raw(String.format(Locale.ROOT, " style=\"height:%dpx\">", height + 4))
        .raw(marks.toString())
        .raw("</svg>");
    html.raw("<div class=\"timeline-axis\">")
        .element("span", TIME.format(from) + " UTC")
        .element("span", TIME.format(from.plusMillis(span / 2)) + " UTC")
        .element("span", TIME.format(to) + " UTC")
        .raw("</div>");
    if (older > 0) {
      html.element(
          "p",
          "class=\"hint\"",
          older + " listed run(s) ended more than a day ago: the table below has them.");
    }
  }

  private static void runsTable(
      OrchestrationEndpoint api, List<Map<String, Object>> runs, Instant now, Html html) {
    html.raw("<table id=\"runs\"><thead><tr>");
    for (String header :
        List.of(
            "run",
            "trigger",
            "selection",
            "status",
            "started (UTC)",
            "duration",
            "rows read",
            "landed",
            "quarantined",
            "error",
            "")) {
      html.element("th", header);
    }
    html.raw("</tr></thead><tbody>");
    for (Map<String, Object> run : runs) {
      String id = String.valueOf(run.get("id"));
      String status = String.valueOf(run.get("status"));
      html.raw("<tr ")
          .raw(Html.attribute("data-run", id))
          .raw(" ")
          .raw(Html.attribute("data-trigger", run.get("trigger")))
          .raw(" ")
          .raw(Html.attribute("data-status", status))
          .raw("><td>");
      link("/ui/runs/" + id, id, html);
      html.raw("</td><td class=\"trigger\">");
      trigger(String.valueOf(run.get("trigger")), html);
      html.raw("</td>").element("td", selection(run)).raw("<td>");
      badge(status, html);
      html.raw("</td>")
          .element("td", instant(run.get("created-at")).map(TIME::format).orElse(""))
          .element("td", "class=\"num\"", duration(run, now))
          .element("td", "class=\"num\"", count(run.get("rows-read")))
          .element("td", "class=\"num\"", count(run.get("rows-landed")))
          .element("td", "class=\"num\"", count(run.get("rows-quarantined")))
          .raw("<td class=\"error\">");
      String error = String.valueOf(run.getOrDefault("error", ""));
      if (!error.isEmpty() && !error.equals("null")) {
        category(lastAttempt(api, id).map(a -> a.get("error-category")), html);
        html.text(error.length() > 160 ? error.substring(0, 160) + "…" : error);
      }
      html.raw("</td><td>");
      retryButton(id, status, html);
      html.raw("</td></tr>");
    }
    html.raw("</tbody></table>");
  }

  private static void schedules(OrchestrationEndpoint api, Html html) {
    List<Map<String, Object>> schedules = maps(ask(api::schedules));
    html.raw("<section>").element("h2", "Schedules");
    if (schedules.isEmpty()) {
      html.element("p", "class=\"hint\"", "sluice.yaml declares no schedule.");
      html.raw("</section>");
      return;
    }
    html.raw("<table id=\"schedules\"><thead><tr>");
    for (String header :
        List.of("schedule", "when", "selection", "state", "next due (UTC)", "last run", "")) {
      html.element("th", header);
    }
    html.raw("</tr></thead><tbody>");
    for (Map<String, Object> schedule : schedules) {
      String name = String.valueOf(schedule.get("name"));
      boolean paused = Boolean.TRUE.equals(schedule.get("paused"));
      html.raw("<tr ").raw(Html.attribute("data-schedule", name)).raw(">");
      html.element("td", name).element("td", when(schedule)).element("td", selection(schedule));
      html.element("td", "class=\"state\"", paused ? "paused" : "active");
      html.element("td", instant(schedule.get("next-due")).map(TIME::format).orElse(""));
      html.raw("<td>");
      if (schedule.get("last-run") instanceof Map<?, ?> last) {
        link("/ui/runs/" + last.get("id"), String.valueOf(last.get("id")), html);
        html.raw(" ");
        badge(String.valueOf(last.get("status")), html);
      }
      html.raw("</td><td>")
          .raw("<button type=\"button\" class=\"secondary operator-only schedule-toggle\" ")
          .raw(Html.attribute("data-schedule", name))
          .raw(" ")
          .raw(Html.attribute("data-paused", paused))
          .raw(">")
          .text(paused ? "Resume" : "Pause")
          .raw("</button></td></tr>");
    }
    html.raw("</tbody></table></section>");
  }

  private static String when(Map<String, Object> schedule) {
    List<String> parts = new ArrayList<>();
    if (schedule.get("cron") != null) {
      parts.add("cron " + schedule.get("cron") + " " + schedule.get("time-zone"));
    }
    if (schedule.get("interval") != null) {
      parts.add("every " + schedule.get("interval"));
    }
    if (schedule.get("on") instanceof List<?> on && !on.isEmpty()) {
      parts.add("on " + String.join(", ", on.stream().map(String::valueOf).toList()));
    }
    return String.join("; ", parts);
  }

  private static void backfills(PageRequest request, Html html) {
    html.raw("<section>").element("h2", "Backfills");
    html.raw("<form id=\"backfill-form\" class=\"inline operator-only\">")
        .raw("<label>From<input type=\"date\" name=\"from\" id=\"backfill-from\" required></label>")
        .raw("<label>To<input type=\"date\" name=\"to\" id=\"backfill-to\" required></label>")
        .raw(
            "<label>Selection (blank: the whole project)<input name=\"select\""
                + " id=\"backfill-select\" size=\"24\" placeholder=\"source:orders\"></label>")
        .raw("<label>Exclude<input name=\"exclude\" id=\"backfill-exclude\" size=\"16\"></label>")
        .raw("<label>Mode<select name=\"mode\" id=\"backfill-mode\">")
        .raw("<option value=\"missing\">missing</option><option value=\"failed\">failed</option>")
        .raw("<option value=\"all\">all</option></select></label>")
        .raw(
            "<label>Parallel<input type=\"number\" name=\"parallel\" id=\"backfill-parallel\""
                + " min=\"1\" max=\"64\" value=\"1\"></label>")
        .raw(
            "<label class=\"check\"><input type=\"checkbox\" name=\"dry-run\""
                + " id=\"backfill-dry-run\"> dry run</label>")
        .raw("<button type=\"submit\" id=\"start-backfill\">Start backfill</button></form>");
    // The backfill followed: the one just started, or ?backfill=ID (the script polls its progress).
    html.raw("<div id=\"backfill\" ")
        .raw(Html.attribute("data-backfill", request.parameter("backfill").orElse("")))
        .raw("></div>");
    List<BackfillRecord> records =
        ask(() -> new Backfills(request.console().runtime(), request.console().clock()).list());
    if (records.isEmpty()) {
      html.element(
          "p", "id=\"no-backfills\" class=\"hint\"", "No backfill has run in this project.");
    } else {
      html.raw("<table id=\"backfills\"><thead><tr>");
      for (String header :
          List.of("backfill", "days", "selection", "round", "status", "steps done", "updated")) {
        html.element("th", header);
      }
      html.raw("</tr></thead><tbody>");
      for (BackfillRecord record :
          records.stream()
              .sorted(Comparator.comparing(BackfillRecord::updatedAt).reversed())
              .toList()) {
        html.raw("<tr ").raw(Html.attribute("data-backfill", record.id())).raw("><td>");
        link("/ui/runs?backfill=" + record.id() + "#backfill", record.id(), html);
        html.raw("</td>")
            .element("td", record.from() + " … " + record.to())
            .element(
                "td",
                record.select().isEmpty() ? "the whole project" : String.join(" ", record.select()))
            .element("td", "class=\"num\"", record.round())
            .raw("<td>");
        badge(record.status(), html);
        html.raw("</td>")
            .element("td", "class=\"num\"", record.done() + " / " + record.steps().size())
            .element("td", record.updatedAt())
            .raw("</tr>");
      }
      html.raw("</tbody></table>");
    }
    html.raw("</section>");
  }

  // -----------------------------------------------------------------------------------------------
  // One run

  private void run(PageRequest request, OrchestrationEndpoint api, String id, Html html) {
    Map<String, Object> run = ask(() -> api.run(id));
    String runId = String.valueOf(run.get("id"));
    String status = String.valueOf(run.get("status"));
    Instant now = request.console().clock().instant();
    html.raw("<p><a href=\"/ui/runs\">← all runs</a></p>");
    html.raw("<section id=\"run\" ")
        .raw(Html.attribute("data-run", runId))
        .raw(" ")
        .raw(Html.attribute("data-status", status))
        .raw(">")
        .element("h2", "Run " + runId);
    html.raw("<table class=\"facts\"><tbody>");
    fact("status", html).raw("<td>");
    badge(status, html);
    html.raw(" ");
    retryButton(runId, status, html);
    html.raw("</td></tr>");
    fact("trigger", html).raw("<td>");
    trigger(String.valueOf(run.get("trigger")), html);
    html.raw("</td></tr>");
    fact("selection", html).element("td", selection(run)).raw("</tr>");
    fact("full refresh", html)
        .element("td", Boolean.TRUE.equals(run.get("full-refresh")) ? "yes" : "no")
        .raw("</tr>");
    if (run.get("window") instanceof Map<?, ?> window) {
      fact("window", html)
          .element("td", window.get("start") + " … " + window.get("end"))
          .raw("</tr>");
    }
    fact("created", html)
        .element("td", instant(run.get("created-at")).map(t -> TIME.format(t) + " UTC").orElse(""))
        .raw("</tr>");
    fact("ended", html)
        .element(
            "td", instant(run.get("ended-at")).map(t -> TIME.format(t) + " UTC").orElse("not yet"))
        .raw("</tr>");
    fact("duration", html).element("td", duration(run, now)).raw("</tr>");
    fact("rows", html)
        .element(
            "td",
            count(run.get("rows-read"))
                + " read, "
                + count(run.get("rows-landed"))
                + " landed, "
                + count(run.get("rows-quarantined"))
                + " quarantined"
                + (run.get("quality-score") instanceof Number score
                    ? ", quality " + Format.percent(score.doubleValue())
                    : ""))
        .raw("</tr>");
    List<Map<String, Object>> retries =
        maps(
            ask(
                () ->
                    api.runs(
                        new OrchestrationEndpoint.RunQuery(
                            20, Optional.empty(), "retry:" + runId))));
    if (!retries.isEmpty()) {
      fact("retried by", html).raw("<td id=\"retries\">");
      for (Map<String, Object> retry : retries) {
        link("/ui/runs/" + retry.get("id"), String.valueOf(retry.get("id")), html);
        html.raw(" ");
        badge(String.valueOf(retry.get("status")), html);
        html.raw(" ");
      }
      html.raw("</td></tr>");
    }
    html.raw("</tbody></table></section>");

    if (run.get("attempts") instanceof List<?> attempts) {
      if (attempts.isEmpty()) {
        html.element("p", "class=\"hint\"", "No attempt has started yet.");
      }
      for (Map<String, Object> attempt : maps(attempts)) {
        attempt(attempt, html);
      }
    }
  }

  private static Html fact(String name, Html html) {
    return html.raw("<tr>").element("th", name);
  }

  private static void attempt(Map<String, Object> attempt, Html html) {
    String status = String.valueOf(attempt.get("status"));
    html.raw("<section class=\"attempt\" ")
        .raw(Html.attribute("data-attempt", attempt.get("number")))
        .raw("><h2>")
        .text("Attempt " + attempt.get("number") + ": ");
    badge(status, html);
    html.text(
            ", started "
                + instant(attempt.get("started-at")).map(t -> TIME.format(t) + " UTC").orElse("")
                + (attempt.get("millis") instanceof Number millis
                    ? ", took " + Format.duration(Duration.ofMillis(millis.longValue()))
                    : ""))
        .raw("</h2>");
    String error = String.valueOf(attempt.getOrDefault("error", ""));
    if (!error.isEmpty() && !error.equals("null")) {
      html.raw("<p class=\"error attempt-error\">");
      Optional<Object> category = Optional.ofNullable(attempt.get("error-category"));
      category(category, html);
      html.text(error);
      category
          .map(c -> retried(String.valueOf(c)))
          .ifPresent(note -> html.element("span", "class=\"hint\"", " (" + note + ")"));
      html.raw("</p>");
    }

    html.element("h3", "Steps");
    List<Map<String, Object>> steps = maps(attempt.get("steps"));
    if (steps.isEmpty()) {
      html.element("p", "class=\"hint\"", "No step: the attempt did nothing or has not ended.");
    } else {
      html.raw("<table class=\"steps\"><thead><tr>");
      for (String header :
          List.of(
              "step",
              "name",
              "status",
              "time",
              "rows read",
              "landed / rows",
              "quarantined",
              "quality",
              "detail",
              "error")) {
        html.element("th", header);
      }
      html.raw("</tr></thead><tbody>");
      for (Map<String, Object> step : steps) {
        html.raw("<tr>")
            .element("td", step.get("kind"))
            .element("td", step.get("name"))
            .raw("<td>");
        badge(String.valueOf(step.get("status")), html);
        html.raw("</td>")
            .element(
                "td",
                "class=\"num\"",
                step.get("millis") instanceof Number millis && millis.longValue() >= 0
                    ? Format.duration(Duration.ofMillis(millis.longValue()))
                    : "-")
            .element("td", "class=\"num\"", count(step.get("rows-read")))
            .element("td", "class=\"num\"", count(step.get("rows-landed")))
            .element("td", "class=\"num\"", count(step.get("rows-quarantined")))
            .element(
                "td",
                "class=\"num\"",
                step.get("quality-score") instanceof Number score
                    ? Format.percent(score.doubleValue())
                    : "-")
            .element("td", step.get("detail"))
            .element("td", "class=\"error\"", step.get("error"))
            .raw("</tr>");
      }
      html.raw("</tbody></table>");
    }

    html.element("h3", "Step timings");
    timings(maps(attempt.get("timings")), html);

    String log = String.valueOf(attempt.getOrDefault("log", ""));
    if (!log.isEmpty() && !log.equals("null")) {
      html.raw("<details class=\"log\"><summary>Log excerpt</summary>")
          .element("pre", log)
          .raw("</details>");
    }
    html.raw("</section>");
  }

  /** The step timings as {@code sluice runs show ID --timings} prints them. */
  private static void timings(List<Map<String, Object>> timings, Html html) {
    if (timings.isEmpty()) {
      html.element(
          "p",
          "class=\"hint\"",
          "No step timings: the run measured none, or ran before they were kept.");
      return;
    }
    html.raw("<table class=\"timings\"><thead><tr>");
    for (String header :
        List.of(
            "step",
            "wall s",
            "CPU s",
            "CPU/wall",
            "rows",
            "rows/s",
            "MB in",
            "MB out",
            "MB/s",
            "peak RSS MiB")) {
      html.element("th", header);
    }
    html.raw("</tr></thead><tbody>");
    for (Map<String, Object> timing : timings) {
      long wallNanos = figure(timing.get("wall-nanos"));
      long cpuNanos = figure(timing.get("cpu-nanos"));
      long rows = figure(timing.get("rows"));
      long bytesIn = figure(timing.get("bytes-in"));
      long bytesOut = figure(timing.get("bytes-out"));
      long rss = figure(timing.get("peak-rss-bytes"));
      double wall = wallNanos / 1e9;
      int depth = (int) Math.max(0, figure(timing.get("depth")));
      html.raw("<tr>")
          .element(
              "td",
              Html.attribute("style", "padding-left:" + (8 + 16 * depth) + "px"),
              timing.get("step"))
          .element("td", "class=\"num\"", fixed(wall, 2))
          .element("td", "class=\"num\"", cpuNanos < 0 ? "-" : fixed(cpuNanos / 1e9, 2))
          .element(
              "td",
              "class=\"num\"",
              cpuNanos < 0 || wallNanos <= 0 ? "-" : fixed((double) cpuNanos / wallNanos, 2))
          .element("td", "class=\"num\"", rows < 0 ? "-" : count(rows))
          .element(
              "td", "class=\"num\"", rows < 0 || wall <= 0 ? "-" : count(Math.round(rows / wall)))
          .element("td", "class=\"num\"", bytesIn < 0 ? "-" : fixed(bytesIn / 1e6, 2))
          .element("td", "class=\"num\"", bytesOut < 0 ? "-" : fixed(bytesOut / 1e6, 2))
          .element(
              "td",
              "class=\"num\"",
              bytesIn < 0 || wall <= 0 ? "-" : fixed(bytesIn / 1e6 / wall, 1))
          .element("td", "class=\"num\"", rss < 0 ? "-" : count(Math.round(rss / 1048576.0)))
          .raw("</tr>");
    }
    html.raw("</tbody></table>");
  }

  // -----------------------------------------------------------------------------------------------
  // Pieces

  private static void retryButton(String id, String status, Html html) {
    RunStatus known = known(status);
    if (known != null && known.finished() && !known.succeeded()) {
      html.raw("<button type=\"button\" class=\"secondary operator-only retry\" ")
          .raw(Html.attribute("data-run", id))
          .raw(">Retry</button>");
    }
  }

  private static RunStatus known(String status) {
    for (RunStatus value : RunStatus.values()) {
      if (value.label().equals(status)) {
        return value;
      }
    }
    return null;
  }

  private static void badge(String status, Html html) {
    html.element("span", Html.attribute("class", "badge " + status), status);
  }

  private static void link(String href, String text, Html html) {
    html.element("a", Html.attribute("href", href), text);
  }

  /** A trigger, with a link to what it names: the run a retry retries, a backfill. */
  private static void trigger(String trigger, Html html) {
    if (trigger.startsWith("retry:")) {
      html.text("retry of ");
      String id = trigger.substring("retry:".length());
      link("/ui/runs/" + id, id, html);
    } else if (trigger.startsWith("backfill:")) {
      html.text("backfill ");
      String id = trigger.substring("backfill:".length());
      link("/ui/runs?backfill=" + id + "#backfill", id, html);
    } else {
      html.text(trigger);
    }
  }

  private static void category(Optional<Object> category, Html html) {
    category
        .filter(c -> !String.valueOf(c).equals("null"))
        .ifPresent(c -> html.element("span", "class=\"badge category\"", c).raw(" "));
  }

  /** Whether a failure of this category is retried by a schedule's retry policy. */
  private static String retried(String category) {
    return category.equalsIgnoreCase(ErrorCategory.EXTERNAL.name())
        ? "transient: a schedule retries it"
        : "not retried by a schedule";
  }

  /** The last attempt of a listed run, if it is still there (retention may remove it meanwhile). */
  private static Optional<Map<String, Object>> lastAttempt(OrchestrationEndpoint api, String id) {
    List<Map<String, Object>> attempts;
    try {
      attempts = maps(api.run(id).get("attempts"));
    } catch (OrchestrationEndpoint.Refusal e) {
      return Optional.empty();
    }
    return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
  }

  private static String selection(Map<String, Object> run) {
    List<String> select = strings(run.get("select"));
    List<String> exclude = strings(run.get("exclude"));
    String text = select.isEmpty() ? "the whole project" : String.join(" ", select);
    return exclude.isEmpty() ? text : text + " except " + String.join(" ", exclude);
  }

  private static String duration(Map<String, Object> run, Instant now) {
    if (run.get("millis") instanceof Number millis) {
      return Format.duration(Duration.ofMillis(millis.longValue()));
    }
    return instant(run.get("created-at"))
        .map(start -> "for " + Format.duration(Duration.between(start, now)))
        .orElse("");
  }

  private static Optional<Instant> instant(Object value) {
    return value == null ? Optional.empty() : Optional.of(Instant.parse(String.valueOf(value)));
  }

  private static String count(Object value) {
    return value instanceof Number number
        ? String.format(Locale.ROOT, "%,d", number.longValue())
        : "-";
  }

  private static long figure(Object value) {
    return value instanceof Number number ? number.longValue() : -1;
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  private static List<String> strings(Object value) {
    return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    List<Map<String, Object>> maps = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof Map<?, ?> map) {
        maps.add((Map<String, Object>) map);
      }
    }
    return maps;
  }

  /** Calls the API, answering its refusals (an unknown run, a bad filter) with their status. */
  private static <T> T ask(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (OrchestrationEndpoint.Refusal e) {
      throw new PageException(e.status(), e.getMessage());
    } catch (SluiceException e) {
      if (e.category() == ErrorCategory.USER) {
        throw PageException.badRequest(e.getMessage());
      }
      throw e;
    }
  }
}
