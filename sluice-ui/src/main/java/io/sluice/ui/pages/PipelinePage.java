package io.sluice.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.core.model.ModelRenderer;
import io.sluice.core.model.RenderContext;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.LakeLayout;
import io.sluice.ui.ConsoleContext;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline ({@code /ui/pipeline}): the graph of sources, lake tables, models and dashboards,
 * each node a link to its page. With {@code ?model=NAME}, the model is selected: its inputs are
 * marked in the graph, and its column-level lineage is listed: for each output column, the input
 * columns it derives from, or why that cannot be told from the SQL.
 *
 * <p>The lineage is read from the model's SQL as the engine parses it: the template is rendered (as
 * a full build; {@code ref} and {@code source} become the warehouse's relation names) and parsed by
 * DuckDB's {@code json_serialize_sql} through a sandboxed warehouse reader (a read-only query, no
 * engine code here), which also gives the inputs' columns ({@code information_schema.columns});
 * {@link ColumnLineage} walks the tree.
 */
public final class PipelinePage implements Page {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(PipelinePage.class);

  @Override
  public Set<String> parameters() {
    return Set.of("model");
  }

  @Override
  public String path() {
    return "/ui/pipeline";
  }

  @Override
  public String title() {
    return "Pipeline";
  }

  @Override
  public void render(PageRequest request, Html html) {
    Project project = request.console().project();
    ModelDef selected = null;
    if (request.parameter("model").isPresent()) {
      String name = request.parameter("model").get();
      selected =
          project.models().stream()
              .filter(model -> model.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      PageException.notFound(
                          "There is no model '"
                              + name
                              + "'; the models are: "
                              + project.models().stream()
                                  .map(ModelDef::name)
                                  .collect(Collectors.joining(", "))));
    }
    PipelineGraph graph = PipelineGraph.of(project, PipelineGraph.dashboards(project));
    String selectedId = selected == null ? "" : "model:" + selected.name();
    Set<String> inputs = new HashSet<>(selected == null ? List.of() : graph.inputs(selectedId));
    html.raw("<section class=\"pipeline\">")
        .element(
            "p",
            "class=\"hint\"",
            "Sources land in raw; rows that pass every rule go to clean (read by models as"
                + " lake.<source>), the others to quarantine. Click a node for its page; a model"
                + " shows its column lineage below.")
        .raw("<div class=\"graph-scroll\">");
    graph.svg(html, selectedId, inputs);
    html.raw("</div><p class=\"legend\">");
    for (PipelineGraph.Kind kind : PipelineGraph.Kind.values()) {
      html.raw("<span ")
          .raw(Html.attribute("class", "key " + kind.name().toLowerCase(Locale.ROOT)))
          .raw(">")
          .text(PipelineGraph.kindLabel(kind))
          .raw("</span>");
    }
    html.raw("</p>");
    html.raw("</section>");
    if (selected != null) {
      model(request.console(), project, selected, html);
    } else if (!project.models().isEmpty()) {
      html.raw("<section>").element("h2", "Column lineage").raw("<p>Pick a model: ");
      boolean first = true;
      for (ModelDef model : project.models()) {
        if (!first) {
          html.raw(", ");
        }
        first = false;
        html.element(
            "a", Html.attribute("href", "/ui/pipeline?model=" + model.name()), model.name());
      }
      html.raw(".</p></section>");
    }
  }

  private static void model(ConsoleContext console, Project project, ModelDef model, Html html) {
    html.raw("<section id=\"model\">").element("h2", "Model " + model.name());
    List<String> reads = new ArrayList<>();
    model.sources().forEach(source -> reads.add(LakeLayout.LAKE_SCHEMA + "." + source));
    reads.addAll(model.refs());
    html.raw("<p id=\"model-facts\">")
        .text(
            "Materialized as "
                + model.materialization().name().toLowerCase(Locale.ROOT)
                + (model.uniqueKey().isEmpty()
                    ? ""
                    : " (unique key " + String.join(", ", model.uniqueKey()) + ")")
                + "; reads "
                + String.join(", ", reads)
                + "; defined in "
                + project.directory().relativize(model.location().file())
                + ".")
        .raw("</p>");
    if (!model.description().isEmpty()) {
      html.element("p", "class=\"hint\"", model.description());
    }
    html.raw("<p>")
        .element(
            "a",
            Html.attribute("href", SqlPage.link("SELECT * FROM " + model.name() + " LIMIT 100")),
            "Query it in the SQL console")
        .raw("</p>");
    html.element("h2", "Column lineage");
    String sql;
    try {
      sql = render(project, model);
    } catch (SluiceException e) {
      html.element("p", "class=\"error\" id=\"lineage-error\"", e.getMessage()).raw("</section>");
      return;
    }
    List<ColumnLineage.Column> columns;
    try (WarehouseReader reader = console.readers().open()) {
      columns = ColumnLineage.of(sql, parse(reader, sql), catalog(reader, project));
    } catch (SluiceException | IllegalArgumentException e) {
      html.element(
              "p",
              "class=\"error\" id=\"lineage-error\"",
              "The lineage cannot be read from the SQL: " + e.getMessage())
          .raw("</section>");
      return;
    } catch (RuntimeException e) {
      // A syntax tree shaped as the walk did not expect: the graph and the model stay readable.
      LOG.warn("Cannot read the column lineage of model {}", model.name(), e);
      html.element(
              "p",
              "class=\"error\" id=\"lineage-error\"",
              "The lineage of this model cannot be read (see the server log): " + e)
          .raw("</section>");
      return;
    }
    html.raw(
        "<table id=\"lineage\"><thead><tr><th>output column</th><th>derives from</th>"
            + "<th>how</th></tr></thead><tbody>");
    for (ColumnLineage.Column column : columns) {
      html.raw("<tr>").element("td", "class=\"column\"", column.name()).raw("<td>");
      if (column.notDerivable().isPresent()) {
        html.element("span", "class=\"warn\"", "not derivable: " + column.notDerivable().get());
      } else if (column.origins().isEmpty()) {
        html.element("span", "class=\"hint\"", "no input column (a constant or a count)");
      } else {
        boolean first = true;
        for (ColumnLineage.Origin origin : column.origins()) {
          if (!first) {
            html.raw(", ");
          }
          first = false;
          html.element(
              "a",
              Html.attribute("href", href(project, origin.relation())),
              origin.relation() + "." + origin.column());
        }
      }
      html.raw("</td>")
          .element(
              "td",
              column.notDerivable().isPresent()
                  ? ""
                  : column.copied()
                      ? "copied"
                      : column.origins().isEmpty() ? "constant" : "computed")
          .raw("</tr>");
    }
    html.raw("</tbody></table>")
        .raw("<details><summary>The SQL the lineage was read from</summary><pre id=\"model-sql\">")
        .text(sql)
        .raw("</pre></details></section>");
  }

  /** The model's SQL as a full build would run it, with relations named as the warehouse does. */
  private static String render(Project project, ModelDef model) {
    return new ModelRenderer()
        .render(
            model,
            new RenderContext(
                ref -> ref,
                source -> LakeLayout.LAKE_SCHEMA + "." + source,
                source -> LakeLayout.LAKE_SCHEMA + "." + source,
                false,
                model.name(),
                project.vars()));
  }

  /** DuckDB's syntax tree of {@code sql}, through the sandboxed reader. */
  private static JsonNode parse(WarehouseReader reader, String sql) {
    String text;
    try (QueryCursor cursor =
        reader.query("SELECT json_serialize_sql('" + sql.replace("'", "''") + "')")) {
      if (!cursor.next()) {
        throw new IllegalArgumentException("the engine did not parse it");
      }
      text = String.valueOf(cursor.row().get(0));
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("the parsed SQL is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The columns of the warehouse's relations by lower-case name ({@code lake.orders}, models by
   * their name); the sources' columns from the project for those the warehouse does not have yet.
   */
  private static Map<String, List<String>> catalog(WarehouseReader reader, Project project) {
    Map<String, List<String>> catalog = new HashMap<>();
    try (QueryCursor cursor =
        reader.query(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
                + " WHERE table_catalog = current_database()"
                + " ORDER BY table_schema, table_name, ordinal_position")) {
      while (cursor.next()) {
        List<Object> row = cursor.row();
        String schema = String.valueOf(row.get(0)).toLowerCase(Locale.ROOT);
        String table = String.valueOf(row.get(1)).toLowerCase(Locale.ROOT);
        String key = schema.equals("main") ? table : schema + "." + table;
        catalog.computeIfAbsent(key, k -> new ArrayList<>()).add(String.valueOf(row.get(2)));
      }
    }
    for (SourceDef source : project.sources()) {
      String key = (LakeLayout.LAKE_SCHEMA + "." + source.name()).toLowerCase(Locale.ROOT);
      if (!catalog.containsKey(key)) {
        Set<String> columns = new LinkedHashSet<>();
        source.columns().stream().map(ColumnDef::name).forEach(columns::add);
        columns.addAll(List.of("_batch", "_file", "_line"));
        catalog.put(key, List.copyOf(columns));
      }
    }
    return catalog;
  }

  private static String href(Project project, String relation) {
    String prefix = LakeLayout.LAKE_SCHEMA + ".";
    if (relation.startsWith(prefix)) {
      return "/ui/lake/" + LakeLayout.CLEAN + "." + relation.substring(prefix.length());
    }
    boolean isModel = project.models().stream().anyMatch(model -> model.name().equals(relation));
    return isModel ? "/ui/pipeline?model=" + relation : "/ui/pipeline";
  }
}
