package io.sluice.ui.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.ui.Html;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shop's pipeline graph: its nodes, edges, columns, and a dashboard at the end. */
class PipelineGraphTest {
  private static final Project SHOP = ProjectLoader.load(Path.of("../examples/shop"));

  @Test
  void layersSourcesTablesModelsAndDashboardsByDepthAndLinksEveryNode() {
    PipelineGraph graph =
        PipelineGraph.of(
            SHOP,
            List.of(
                new PipelineGraph.Dashboard(
                    "sales", Set.of("model:daily_revenue", "clean.orders"))));
    Html html = new Html();
    graph.svg(html, "model:funnel", Set.copyOf(graph.inputs("model:funnel")));
    String svg = html.toString();

    assertThat(graph.inputs("model:funnel"))
        .containsExactly("clean.clicks", "model:orders_enriched");
    assertThat(graph.inputs("dashboard:sales")) // from a set: no order
        .containsExactlyInAnyOrder("model:daily_revenue", "clean.orders");
    // 3 sources, 9 lake tables, 3 models, 1 dashboard; every one a link.
    assertThat(count(svg, "<a href=")).isEqualTo(16);
    assertThat(svg)
        .contains("href=\"/ui/quality?source=orders\"")
        .contains("href=\"/ui/lake/quarantine.clicks\"")
        .contains("href=\"/ui/pipeline?model=funnel\"")
        .contains("href=\"/ui/dashboards/sales\"");
    // One path per edge: source→raw, raw→clean, raw→quarantine per source; 5 model inputs; 2
    // dashboard inputs.
    assertThat(count(svg, "<path class=\"edge")).isEqualTo(9 + 5 + 2);
    // The selected model and the edges from its inputs are lit.
    assertThat(count(svg, "class=\"edge lit\"")).isEqualTo(2);
    assertThat(svg).contains("class=\"node model selected\"");
    // Columns by depth: sources, raw, clean and quarantine, orders_enriched, the other models,
    // and the dashboard after daily_revenue.
    assertThat(x(svg, "source:orders")).isLessThan(x(svg, "raw.orders"));
    assertThat(x(svg, "raw.orders")).isLessThan(x(svg, "clean.orders"));
    assertThat(x(svg, "clean.orders")).isEqualTo(x(svg, "quarantine.orders"));
    assertThat(x(svg, "clean.orders")).isLessThan(x(svg, "model:orders_enriched"));
    assertThat(x(svg, "model:orders_enriched")).isLessThan(x(svg, "model:funnel"));
    assertThat(x(svg, "model:funnel")).isEqualTo(x(svg, "model:daily_revenue"));
    assertThat(x(svg, "model:daily_revenue")).isLessThan(x(svg, "dashboard:sales"));
  }

  @Test
  void theShopsDashboardsReadWhatTheirPanelsAndVariablesSelectFrom() {
    Map<String, Set<String>> reads = new TreeMap<>();
    PipelineGraph.dashboards(SHOP).forEach(d -> reads.put(d.name(), d.reads()));
    assertThat(reads.get("sales"))
        .containsExactlyInAnyOrder("model:orders_enriched", "model:funnel");
    // pipeline-health reads raw, clean and quarantine (also as sluice_quarantine); its CTEs
    // (counts, landed, quarantined) are no inputs.
    assertThat(reads.get("pipeline-health"))
        .contains("raw.orders", "raw.clicks", "clean.orders", "quarantine.orders")
        .allMatch(read -> read.matches("(raw|clean|quarantine)\\.(orders|clicks|customers)"));
    Html html = new Html();
    PipelineGraph.of(SHOP, PipelineGraph.dashboards(SHOP)).svg(html, "", Set.of());
    assertThat(html.toString())
        .contains("data-node=\"dashboard:sales\"", "href=\"/ui/dashboards/pipeline-health\"");
  }

  @Test
  void anEdgeAcrossColumnsPassesBesideTheNodesBetweenInsteadOfUnderThem() {
    PipelineGraph graph = PipelineGraph.of(SHOP, List.of());
    Html html = new Html();
    graph.svg(html, "", Set.of());
    String svg = html.toString();
    // clean.clicks → funnel skips orders_enriched's column: it crosses it on a straight line at a
    // height no node of that column takes.
    Matcher edge =
        Pattern.compile("data-from=\"clean.clicks\" data-to=\"model:funnel\" d=\"([^\"]+)\"")
            .matcher(svg);
    assertThat(edge.find()).isTrue();
    Matcher across = Pattern.compile(" L([0-9.]+),([0-9.]+)").matcher(edge.group(1));
    assertThat(across.find()).isTrue();
    double y = Double.parseDouble(across.group(2));
    int top = y(svg, "model:orders_enriched");
    assertThat(y < top || y > top + 32)
        .as("the edge passes at %s, the node is at %s", y, top)
        .isTrue();
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  private static int x(String svg, String node) {
    return coordinates(svg, node).get(0);
  }

  private static int y(String svg, String node) {
    return coordinates(svg, node).get(1);
  }

  private static List<Integer> coordinates(String svg, String node) {
    Matcher rect =
        Pattern.compile(
                "data-node=\""
                    + Pattern.quote(node)
                    + "\"><title>[^<]*</title><rect x=\"(\\d+)\" y=\"(\\d+)\"")
            .matcher(svg);
    assertThat(rect.find()).as(node).isTrue();
    List<Integer> xy = new ArrayList<>();
    xy.add(Integer.parseInt(rect.group(1)));
    xy.add(Integer.parseInt(rect.group(2)));
    return xy;
  }
}
