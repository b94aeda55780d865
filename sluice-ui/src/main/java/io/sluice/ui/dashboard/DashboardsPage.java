package io.sluice.ui.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.config.ConfigType;
import io.sluice.core.dashboard.PanelQuery;
import io.sluice.core.project.DashboardDef;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dashboards of {@code dashboards/*.yaml}: {@code /ui/dashboards} lists them, {@code
 * /ui/dashboards/NAME} shows one. The page carries the panels' settings; its script ({@code
 * dashboard.js}) queries each panel ({@link PanelDataEndpoint}), draws it, and re-queries the
 * panels that {@link DashboardEvents} says a batch changed.
 */
public final class DashboardsPage implements Page {
  /** The time ranges the page offers besides the dashboard's own. */
  static final List<String> RANGES = List.of("15m", "1h", "6h", "1d", "7d", "30d", "365d");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Set<String> parameters() {
    return Set.of("range", PanelDataEndpoint.VARIABLE_PREFIX + "*");
  }

  @Override
  public String path() {
    return "/ui/dashboards";
  }

  @Override
  public String title() {
    return "Dashboards";
  }

  /** The dashboard named {@code name} of the console's project, or 404. */
  static DashboardDef dashboard(PageRequest request, String name) {
    return request
        .console()
        .project()
        .dashboard(name)
        .orElseThrow(
            () -> PageException.notFound("There is no dashboard '" + name + "' in this project."));
  }

  @Override
  public void render(PageRequest request, Html html) throws JsonProcessingException {
    if (request.tail().isEmpty()) {
      list(request, html);
    } else {
      show(request, dashboard(request, request.tail()), html);
    }
  }

  private static void list(PageRequest request, Html html) {
    List<DashboardDef> dashboards = request.console().project().dashboards();
    html.raw("<section>");
    if (dashboards.isEmpty()) {
      html.element(
          "p",
          "id=\"no-dashboards\"",
          "This project has no dashboards: add dashboards/NAME.yaml (see docs/dashboards.md).");
    } else {
      html.raw("<table id=\"dashboards\"><thead><tr><th>dashboard</th><th>description</th>")
          .raw("<th class=\"num\">panels</th></tr></thead><tbody>");
      for (DashboardDef dashboard : dashboards) {
        html.raw("<tr><td>")
            .element(
                "a",
                Html.attribute("href", "/ui/dashboards/" + dashboard.name()),
                dashboard.title())
            .raw("</td>")
            .element("td", dashboard.description())
            .element("td", "class=\"num\"", dashboard.panels().size())
            .raw("</tr>");
      }
      html.raw("</tbody></table>");
    }
    html.raw("</section>");
  }

  private static void show(PageRequest request, DashboardDef dashboard, Html html)
      throws JsonProcessingException {
    Duration range = PanelDataEndpoint.range(request, dashboard);
    String rangeText = ConfigType.formatDuration(range);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", dashboard.name());
    List<Object> panels = new ArrayList<>();
    for (DashboardDef.Panel panel : dashboard.panels()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", panel.id());
      entry.put("type", panel.type());
      entry.put("x", panel.x().orElse(null));
      entry.put("series", panel.series().orElse(null));
      entry.put("values", panel.values());
      entry.put("unit", panel.unit());
      entry.put("decimals", panel.decimals().isPresent() ? panel.decimals().getAsInt() : null);
      List<Object> thresholds = new ArrayList<>();
      for (DashboardDef.Threshold threshold : panel.thresholds()) {
        thresholds.add(Map.of("value", threshold.value(), "color", threshold.color()));
      }
      entry.put("thresholds", thresholds);
      panels.add(entry);
    }
    spec.put("panels", panels);

    html.raw("<div id=\"dashboard\" ")
        .raw(Html.attribute("data-name", dashboard.name()))
        .raw(" ")
        .raw(Html.attribute("data-spec", JSON.writeValueAsString(spec)))
        .raw(">");
    html.element("h2", "class=\"dashboard-title\"", dashboard.title());
    if (!dashboard.description().isEmpty()) {
      html.element("p", "class=\"hint\"", dashboard.description());
    }
    html.raw(
        "<form class=\"inline\" id=\"dashboard-filters\"><label>Time range<select id=\"range\">");
    List<String> ranges = new ArrayList<>(RANGES);
    if (!ranges.contains(rangeText)) {
      ranges.add(0, rangeText);
    }
    for (String option : ranges) {
      html.element(
          "option",
          Html.attribute("value", option) + (option.equals(rangeText) ? " selected" : ""),
          option);
    }
    html.raw("</select></label>");
    if (!dashboard.variables().isEmpty()) {
      Map<String, String> chosen = PanelDataEndpoint.chosen(request, dashboard);
      try (WarehouseReader reader = request.console().readers().open()) {
        for (DashboardDef.Variable variable : dashboard.variables()) {
          variable(chosen, variable, reader, html);
        }
      } catch (SluiceException e) {
        html.element(
            "span", "class=\"error\"", "Cannot list the filters' values: " + e.getMessage());
      }
    }
    html.element("span", "id=\"live\" class=\"badge\" title=\"live refresh\"", "connecting…");
    html.raw("</form><div class=\"grid dashboard-grid\">");
    for (DashboardDef.Panel panel : dashboard.panels()) {
      html.raw("<section class=\"panel\" ")
          .raw(Html.attribute("id", "panel-" + panel.id()))
          .raw(" ")
          .raw(Html.attribute("data-panel", panel.id()))
          .raw(" ")
          .raw(Html.attribute("data-type", panel.type()))
          .raw(" ")
          .raw(Html.attribute("style", "grid-column: span " + panel.width()))
          .raw(">")
          .element("h3", panel.title());
      if (!panel.description().isEmpty()) {
        html.element("p", "class=\"hint\"", panel.description());
      }
      html.raw("<div class=\"panel-body\"></div><p class=\"panel-status hint\"></p></section>");
    }
    html.raw("</div></div><link rel=\"stylesheet\" href=\"/ui/static/dashboard.css\">")
        .raw("<script src=\"/ui/static/dashboard.js\" defer></script>");
  }

  /**
   * @throws PageException (400) for a chosen value that is not one of the variable's
   */
  private static void variable(
      Map<String, String> choices,
      DashboardDef.Variable variable,
      WarehouseReader reader,
      Html html) {
    List<String> values = PanelQuery.values(variable, reader);
    String given = choices.get(variable.name());
    if (given != null && !given.isBlank() && !values.contains(given)) {
      throw PageException.badRequest(
          "'" + given + "' is not a value of variable '" + variable.name() + "'");
    }
    String chosen =
        Optional.ofNullable(given)
            .filter(values::contains)
            .or(() -> PanelQuery.defaultValue(variable, values))
            .orElse("");
    html.raw("<label>")
        .text(variable.label())
        .raw("<select ")
        .raw(Html.attribute("data-variable", variable.name()))
        .raw(">");
    for (String value : values) {
      html.element(
          "option",
          Html.attribute("value", value) + (value.equals(chosen) ? " selected" : ""),
          value);
    }
    html.raw("</select></label>");
  }
}
