package io.sluice.ui.dashboard;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryLimitException;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.config.ConfigType;
import io.sluice.config.DidYouMean;
import io.sluice.core.dashboard.PanelQuery;
import io.sluice.core.project.DashboardDef;
import io.sluice.server.Access;
import io.sluice.ui.Endpoint;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /ui/api/dashboards/NAME/panels/ID?range=24h&var.NAME=VALUE}: a panel's rows, queried
 * now on a sandboxed reader of the newest published warehouse. {@code seq} in the answer is the
 * newest publication told to the pages before the query started: the rows cover at least it.
 */
public final class PanelDataEndpoint implements Endpoint {
  /** The query parameter prefix of a variable's chosen value. */
  public static final String VARIABLE_PREFIX = "var.";

  /** The longest time range a page may ask for. */
  static final Duration MAX_RANGE = Duration.ofDays(3650);

  private final PanelResults results = new PanelResults();

  @Override
  public Set<String> parameters() {
    return Set.of("range", VARIABLE_PREFIX + "*");
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String path() {
    return "/ui/api/dashboards";
  }

  @Override
  public Access needs() {
    return Access.VIEWER;
  }

  @Override
  public Object answer(PageRequest request) {
    String[] parts = request.tail().split("/", -1);
    if (parts.length != 3 || !parts[1].equals("panels")) {
      throw PageException.notFound(
          "no endpoint at /ui/api/dashboards/" + request.tail() + "; use NAME/panels/ID");
    }
    DashboardDef dashboard = DashboardsPage.dashboard(request, parts[0]);
    DashboardDef.Panel panel =
        dashboard
            .panel(parts[2])
            .orElseThrow(
                () ->
                    PageException.notFound(
                        "dashboard '" + dashboard.name() + "' has no panel '" + parts[2] + "'"));
    Duration range = range(request, dashboard);
    Map<String, String> values = chosen(request, dashboard);
    long sequence = request.console().dashboardEvents().sequence();
    java.time.Instant now = request.console().clock().instant();
    PanelQuery.Choice choice = new PanelQuery.Choice(values, range, now);
    try {
      PanelResults.Answer answer =
          results.get(
              new PanelResults.Key(
                  dashboard.name(), panel.id(), panel.sql(), values, range, sequence),
              now,
              () -> {
                try (WarehouseReader reader = request.console().readers().open()) {
                  return PanelQuery.run(dashboard, panel, choice, reader);
                }
              });
      PanelQuery.Result result = answer.result();
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("seq", sequence);
      json.put("columns", result.columns());
      json.put("rows", result.rows());
      json.put("truncated", result.truncated());
      json.put("millis", result.millis());
      json.put("shared", answer.shared());
      return json;
    } catch (QueryLimitException e) {
      throw new PageException(
          e.limit() == QueryLimitException.Limit.TIMEOUT ? 408 : 413, e.getMessage());
    } catch (SluiceException e) {
      throw PageException.badRequest(e.getMessage());
    }
  }

  /**
   * The variables' values the request chose ({@code var.NAME=VALUE}), by name.
   *
   * @throws PageException (400) for a name the dashboard has no variable for
   */
  static Map<String, String> chosen(PageRequest request, DashboardDef dashboard) {
    List<String> names = dashboard.variables().stream().map(DashboardDef.Variable::name).toList();
    Map<String, String> values = new LinkedHashMap<>();
    request
        .parameters()
        .forEach(
            (parameter, value) -> {
              if (!parameter.startsWith(VARIABLE_PREFIX)) {
                return;
              }
              String name = parameter.substring(VARIABLE_PREFIX.length());
              if (!names.contains(name)) {
                throw PageException.badRequest(
                    "dashboard '"
                        + dashboard.name()
                        + "' has no variable '"
                        + name
                        + "'"
                        + DidYouMean.hint(name, names)
                        + (names.isEmpty()
                            ? "; it has none"
                            : "; its variables: " + String.join(", ", names)));
              }
              values.put(name, value);
            });
    return values;
  }

  /** The {@code range} parameter, or the dashboard's time range. */
  static Duration range(PageRequest request, DashboardDef dashboard) {
    return request
        .parameter("range")
        .map(
            text -> {
              Duration range;
              try {
                range = ConfigType.parseDuration(text);
              } catch (IllegalArgumentException e) {
                throw PageException.badRequest(
                    "range: expected a duration such as 15m, 6h or 7d, not '" + text + "'");
              }
              if (range.isZero() || range.compareTo(MAX_RANGE) > 0) {
                throw PageException.badRequest("range: from 1s to 3650d, not " + text);
              }
              return range;
            })
        .orElse(dashboard.timeRange());
  }
}
