package io.sluice.ui.pages;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.core.project.SourceDef;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageRequest;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The quarantine browser ({@code /ui/quarantine}): how many records each rule keeps in quarantine
 * now, and a source's records page by page, filtered by rule, file, line and batch, each with its
 * original text and every reason. Operators replay the records shown (a dry run first) from the
 * page through {@link QuarantineReplayEndpoint}.
 */
public final class QuarantinePage implements Page {
  @Override
  public String path() {
    return "/ui/quarantine";
  }

  @Override
  public Set<String> parameters() {
    return QuarantineRecords.PARAMETERS;
  }

  @Override
  public String title() {
    return "Quarantine";
  }

  @Override
  public void render(PageRequest request, Html html) {
    var console = request.console();
    List<QuarantineRecords.Count> counts = QuarantineRecords.counts(console);
    // Without a source asked for: the one with the most records in quarantine, else the first.
    Map<String, Long> bySource = new LinkedHashMap<>();
    counts.forEach(count -> bySource.merge(count.source(), count.records(), Long::sum));
    Optional<String> busiest =
        bySource.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .or(() -> console.project().sources().stream().map(SourceDef::name).findFirst());
    if (busiest.isEmpty()) {
      html.element("p", "class=\"hint\"", "The project has no sources.");
      return;
    }
    QuarantineRecords.Query query = QuarantineRecords.query(request, busiest);
    QuarantineRecords.Result result = QuarantineRecords.read(console, query);
    String source = query.filter().source();

    html.raw("<section id=\"quarantine-counts\">").element("h2", "Quarantined now, by rule");
    if (counts.isEmpty()) {
      html.element("p", "class=\"hint\" id=\"no-counts\"", "Nothing is quarantined.");
    } else {
      // One row per source, its rules as links that filter the records below.
      Map<String, List<QuarantineRecords.Count>> grouped = new LinkedHashMap<>();
      counts.forEach(
          count -> grouped.computeIfAbsent(count.source(), s -> new ArrayList<>()).add(count));
      html.raw("<table id=\"counts\"><thead><tr><th>source</th><th class=\"num\">records</th>")
          .raw("<th>failed rules (records)</th></tr></thead><tbody>");
      for (Map.Entry<String, List<QuarantineRecords.Count>> entry : grouped.entrySet()) {
        html.raw("<tr><td>")
            .element(
                "a",
                Html.attribute("href", "/ui/quarantine?source=" + encode(entry.getKey())),
                entry.getKey())
            .raw("</td>")
            .element("td", "class=\"num\"", bySource.get(entry.getKey()))
            .raw("<td class=\"chips\">");
        for (QuarantineRecords.Count count : entry.getValue()) {
          html.raw("<a class=\"chip\" ")
              .raw(
                  Html.attribute(
                      "href",
                      "/ui/quarantine?source="
                          + encode(count.source())
                          + "&rule="
                          + encode(count.rule())))
              .raw(">")
              .text(count.rule())
              .raw(" <b>")
              .text(count.records())
              .raw("</b></a> ");
        }
        html.raw("</td></tr>");
      }
      html.raw("</tbody></table>");
    }
    html.raw("</section>");

    filters(html, request, query, counts);
    replay(html, query);
    records(html, result, source);
    html.raw("<script src=\"/ui/static/quarantine.js\" defer></script>");
  }

  private static void filters(
      Html html,
      PageRequest request,
      QuarantineRecords.Query query,
      List<QuarantineRecords.Count> counts) {
    var filter = query.filter();
    html.raw("<section>")
        .element("h2", "Filter")
        .raw("<form class=\"inline\" id=\"filters\" method=\"get\" action=\"/ui/quarantine\">")
        .raw("<label>source <select name=\"source\" id=\"filter-source\">");
    for (SourceDef source : request.console().project().sources()) {
      html.raw("<option ")
          .raw(Html.attribute("value", source.name()))
          .raw(source.name().equals(filter.source()) ? " selected" : "")
          .raw(">")
          .text(source.name())
          .raw("</option>");
    }
    html.raw("</select></label>")
        .raw("<label>rule <input name=\"rule\" id=\"filter-rule\" list=\"rules\" ")
        .raw(Html.attribute("value", filter.rule().orElse("")))
        .raw(" placeholder=\"range(amount) or range\"></label>")
        .raw("<datalist id=\"rules\">");
    for (QuarantineRecords.Count count : counts) {
      if (count.source().equals(filter.source())) {
        html.raw("<option ").raw(Html.attribute("value", count.rule())).raw(">");
      }
    }
    html.raw("</datalist>")
        .raw("<label>file contains <input name=\"file\" id=\"filter-file\" ")
        .raw(Html.attribute("value", filter.file().orElse("")))
        .raw(" placeholder=\"data/orders-0001.csv\"></label>")
        .raw("<label>line <input name=\"line\" id=\"filter-line\" type=\"number\" min=\"1\" ")
        .raw(Html.attribute("value", filter.line().map(String::valueOf).orElse("")))
        .raw("></label>")
        .raw("<label>batch <input name=\"batch\" id=\"filter-batch\" size=\"10\" ")
        .raw(Html.attribute("value", filter.batch().orElse("")))
        .raw(" placeholder=\"b-000001\"></label>")
        .raw("<button type=\"submit\" id=\"apply-filters\">Show</button>")
        .element(
            "a",
            Html.attribute("href", "/ui/quarantine?source=" + encode(filter.source())),
            "clear filters")
        .raw("</form></section>");
  }

  private static void replay(Html html, QuarantineRecords.Query query) {
    var filter = query.filter();
    String what =
        "the quarantined records of "
            + filter.source()
            + filter.rule().map(rule -> " that failed " + rule).orElse("");
    html.raw("<section class=\"operator-only\" id=\"replay\" ")
        .raw(Html.attribute("data-source", filter.source()))
        .raw(" ")
        .raw(Html.attribute("data-rule", filter.rule().orElse("")))
        .raw(">")
        .element("h2", "Replay")
        .element(
            "p",
            "class=\"hint\"",
            "After fixing the cause (a rule, the mapping, a record function in the project's"
                + " files), validate "
                + what
                + " again with the source as its files define it now: those that pass land in"
                + " clean, exactly once; the others stay here. Start with a dry run. The file,"
                + " line and batch filters do not narrow a replay.")
        .raw("<button type=\"button\" id=\"replay-dry-run\" class=\"secondary\">Dry run</button> ")
        .raw("<button type=\"button\" id=\"replay-run\" disabled>Replay</button>")
        .raw("<div id=\"replay-notice\" class=\"notice\" hidden></div>")
        .raw("</section>");
  }

  private static void records(Html html, QuarantineRecords.Result result, String source) {
    var query = result.query();
    html.raw("<section id=\"quarantine-list\">").element("h2", "Records of " + source);
    if (result.rows().isEmpty()) {
      html.element(
          "p",
          "class=\"hint\" id=\"no-records\"",
          query.offset() > 0 && result.total() > 0
              ? "No records on this page: there are " + result.total() + "."
              : "No quarantined record of " + source + " matches.");
    } else {
      html.element(
          "p",
          "id=\"records-range\"",
          "Records "
              + (query.offset() + 1)
              + "–"
              + (query.offset() + result.rows().size())
              + " of "
              + result.total());
      html.raw("<table id=\"records\"><thead><tr><th>file : line</th><th>batch</th>")
          .raw("<th>ingested</th><th>reasons</th><th>record</th></tr></thead><tbody>");
      for (QuarantineRecords.Row row : result.rows()) {
        html.raw("<tr class=\"record-row\"><td class=\"position\">")
            .text(row.file() + " : " + row.line())
            .raw("</td>")
            .element("td", "class=\"batch\"", row.batch())
            .element("td", "class=\"ingested\"", seconds(row.ingestedAt()))
            .raw("<td><ul class=\"reasons\">");
        for (Map<String, Object> reason : row.reasons()) {
          html.raw("<li>")
              .element("code", "class=\"rule\"", reason.get("rule"))
              .raw(" ")
              .element("span", "class=\"message\"", reason.get("message"));
          if (reason.get("value") != null) {
            html.raw(" ")
                .element("span", "class=\"value\"", "(value: " + reason.get("value") + ")");
          }
          html.raw("</li>");
        }
        html.raw("</ul></td><td class=\"original\">");
        if (row.prettyJson() != null) {
          html.element("pre", "class=\"record json\"", row.prettyJson())
              .raw("<details><summary>as read</summary>")
              .element("pre", "class=\"record exact\"", row.record())
              .raw("</details>");
        } else {
          html.element("pre", "class=\"record exact\"", row.record());
        }
        html.raw("</td></tr>");
      }
      html.raw("</tbody></table>");
    }
    html.raw("<nav class=\"pages\">");
    if (query.offset() > 0) {
      html.element(
          "a",
          "id=\"prev\" "
              + Html.attribute("href", link(query, Math.max(0, query.offset() - query.limit()))),
          "‹ previous");
    }
    if (result.hasNext()) {
      html.element(
          "a",
          "id=\"next\" " + Html.attribute("href", link(query, query.offset() + query.limit())),
          "next ›");
    }
    html.raw("</nav></section>");
  }

  /** An ISO-8601 instant to the second, as the page shows times; other text as it is. */
  private static String seconds(String instant) {
    if (instant == null) {
      return "";
    }
    try {
      return java.time.Instant.parse(instant)
          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          .toString();
    } catch (java.time.format.DateTimeParseException e) {
      return instant;
    }
  }

  private static String link(QuarantineRecords.Query query, int offset) {
    StringBuilder link = new StringBuilder("/ui/quarantine");
    char separator = '?';
    for (Map.Entry<String, String> parameter : query.parameters(offset).entrySet()) {
      link.append(separator)
          .append(parameter.getKey())
          .append('=')
          .append(encode(parameter.getValue()));
      separator = '&';
    }
    return link.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, UTF_8);
  }
}
