package io.sluice.ui.pages;

import io.sluice.core.project.ModelDef;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.LakeLayout;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The read-only SQL console ({@code /ui/sql}): a query box (Run, or Ctrl-Enter), the result as a
 * table of at most {@value SqlEndpoint#DEFAULT_ROWS} rows (saying when there were more), the
 * engine's error word for word, and the query's time. Queries go to {@link SqlEndpoint}, which runs
 * each on a sandboxed reader of the warehouse. Beside the box, the relations a query can read: the
 * lake's clean tables ({@code lake.<source>}), the models, and the quarantine and raw tables. With
 * {@code ?q=SQL} the box holds that query and the page runs it at once.
 */
public final class SqlPage implements Page {
  @Override
  public String path() {
    return "/ui/sql";
  }

  @Override
  public Set<String> parameters() {
    return Set.of("q");
  }

  @Override
  public String title() {
    return "SQL";
  }

  @Override
  public void render(PageRequest request, Html html) {
    var project = request.console().project();
    String initial =
        request
            .parameter("q")
            .orElse(
                project.sources().isEmpty()
                    ? "SELECT 42 AS answer"
                    : "SELECT * FROM "
                        + LakeLayout.LAKE_SCHEMA
                        + "."
                        + project.sources().get(0).name()
                        + " LIMIT 100");
    html.raw("<div class=\"sql-console\"><section class=\"sql-editor\">")
        .element(
            "p",
            "class=\"hint\"",
            "Read-only: one SELECT (or WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) at a"
                + " time over the warehouse. Files, settings, extensions and other databases are"
                + " out of reach. Ctrl-Enter runs the query.")
        .raw("<textarea id=\"sql\" spellcheck=\"false\" rows=\"8\" ")
        .raw(Html.attribute("aria-label", "SQL query"))
        .raw(">")
        .text(initial)
        .raw("</textarea><div class=\"sql-actions\">")
        .raw("<button type=\"button\" id=\"run\">Run</button>")
        .raw("<label>max rows <select id=\"max-rows\">")
        .raw("<option>100</option><option selected>1000</option><option>10000</option>")
        .raw("</select></label><span id=\"sql-meta\" class=\"hint\"></span></div>")
        .raw("<p id=\"sql-error\" class=\"notice error\" hidden></p>")
        .raw("<div id=\"result\" class=\"sql-result\"></div></section>");
    html.raw("<aside class=\"sql-relations\">").element("h2", "Relations");
    html.raw("<ul id=\"relations\">");
    for (SourceDef source : project.sources()) {
      relation(
          html, LakeLayout.LAKE_SCHEMA + "." + source.name(), "valid rows of " + source.name());
    }
    for (ModelDef model : project.models()) {
      relation(
          html,
          model.name(),
          "model, " + model.materialization().name().toLowerCase(java.util.Locale.ROOT));
    }
    for (SourceDef source : project.sources()) {
      relation(html, LakeLayout.QUARANTINE + "." + source.name(), "quarantined rows");
      relation(html, LakeLayout.RAW + "." + source.name(), "records as read");
    }
    html.raw("</ul>")
        .element("p", "class=\"hint\"", "Click a relation to query its first rows.")
        .raw("</aside></div>")
        .raw("<script src=\"/ui/static/sql.js\" defer></script>");
  }

  /** The console's address with {@code sql} in its query box. */
  static String link(String sql) {
    return "/ui/sql?q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8);
  }

  private static void relation(Html html, String name, String what) {
    html.raw("<li><a href=\"#\" class=\"relation\" ")
        .raw(Html.attribute("data-relation", name))
        .raw(">")
        .text(name)
        .raw("</a> ")
        .element("span", "class=\"hint\"", what)
        .raw("</li>");
  }
}
