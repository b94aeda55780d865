package io.sluice.ui.pages;

import io.sluice.core.dashboard.PanelSql;
import io.sluice.core.project.DashboardDef;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.LakeLayout;
import io.sluice.ui.Html;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pipeline as a graph: sources, their lake tables (raw, then clean and quarantine), the models
 * and the dashboards, each a node linking to its page; drawn as SVG on the server with a layered
 * layout (a node's column is its depth in the graph; within a column, nodes sit near the mean
 * height of their inputs so that edges cross little).
 */
final class PipelineGraph {
  /** What a node is; also its CSS class. */
  enum Kind {
    SOURCE,
    RAW,
    CLEAN,
    QUARANTINE,
    MODEL,
    DASHBOARD
  }

  /**
   * A node.
   *
   * @param id unique in the graph, e.g. {@code source:orders}, {@code clean.orders}, {@code
   *     model:funnel}
   * @param label what the node shows
   * @param href the page it links to
   */
  record Node(String id, Kind kind, String label, String href) {}

  /**
   * A dashboard and what its panels and variables read, as node ids ({@code model:daily_revenue},
   * {@code clean.orders}, {@code raw.orders}, {@code quarantine.orders}).
   */
  record Dashboard(String name, Set<String> reads) {}

  private static final int COLUMN_WIDTH = 210;
  private static final int NODE_WIDTH = 168;
  private static final int NODE_HEIGHT = 32;
  private static final int ROW_HEIGHT = 46;
  private static final int MARGIN = 12;

  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<String[]> edges = new ArrayList<>();

  /** The graph of {@code project}, with {@code dashboards}. */
  static PipelineGraph of(Project project, List<Dashboard> dashboards) {
    PipelineGraph graph = new PipelineGraph();
    for (SourceDef source : project.sources()) {
      String name = source.name();
      graph.node(
          new Node(
              "source:" + name,
              Kind.SOURCE,
              name + " (" + source.connector() + ")",
              "/ui/quality?source=" + name));
      graph.node(lakeNode(LakeLayout.RAW, name, Kind.RAW));
      graph.node(lakeNode(LakeLayout.CLEAN, name, Kind.CLEAN));
      graph.node(lakeNode(LakeLayout.QUARANTINE, name, Kind.QUARANTINE));
      graph.edge("source:" + name, LakeLayout.RAW + "." + name);
      graph.edge(LakeLayout.RAW + "." + name, LakeLayout.CLEAN + "." + name);
      graph.edge(LakeLayout.RAW + "." + name, LakeLayout.QUARANTINE + "." + name);
    }
    for (ModelDef model : project.models()) {
      graph.node(
          new Node(
              "model:" + model.name(),
              Kind.MODEL,
              model.name(),
              "/ui/pipeline?model=" + model.name()));
      for (String source : model.sources()) {
        graph.edge(LakeLayout.CLEAN + "." + source, "model:" + model.name());
      }
      for (String ref : model.refs()) {
        graph.edge("model:" + ref, "model:" + model.name());
      }
    }
    for (Dashboard dashboard : dashboards) {
      graph.node(
          new Node(
              "dashboard:" + dashboard.name(),
              Kind.DASHBOARD,
              dashboard.name(),
              "/ui/dashboards/" + dashboard.name()));
      dashboard.reads().forEach(read -> graph.edge(read, "dashboard:" + dashboard.name()));
    }
    return graph;
  }

  /**
   * The project's dashboards ({@code dashboards/*.yaml}), each with the relations its panels' and
   * variables' SQL reads after FROM and JOIN: a model by its name, a source's relations by schema
   * ({@code lake.X} is its clean table; {@code raw.X}; {@code quarantine.X} and {@code
   * sluice_quarantine.X} its quarantine). Names of CTEs and what is not the pipeline's (a catalog
   * view, a table function) draw no edge.
   */
  static List<Dashboard> dashboards(Project project) {
    Set<String> models = new HashSet<>();
    project.models().forEach(model -> models.add(model.name().toLowerCase(Locale.ROOT)));
    Set<String> sources = new HashSet<>();
    project.sources().forEach(source -> sources.add(source.name().toLowerCase(Locale.ROOT)));
    List<Dashboard> dashboards = new ArrayList<>();
    for (DashboardDef dashboard : project.dashboards()) {
      List<String> queries = new ArrayList<>();
      dashboard.panels().forEach(panel -> queries.add(panel.sql()));
      dashboard.variables().forEach(variable -> variable.query().ifPresent(queries::add));
      Set<String> reads = new TreeSet<>();
      for (String sql : queries) {
        PanelSql.Scan scan = PanelSql.scan(sql);
        for (PanelSql.Reference reference : scan.references()) {
          String schema = reference.schema().toLowerCase(Locale.ROOT);
          String name = reference.name().toLowerCase(Locale.ROOT);
          if ((schema.isEmpty() || schema.equals("main"))
              && !scan.cteNames().contains(name)
              && models.contains(name)) {
            reads.add("model:" + name);
          } else if (sources.contains(name)) {
            switch (schema) {
              case LakeLayout.LAKE_SCHEMA -> reads.add(LakeLayout.CLEAN + "." + name);
              case LakeLayout.RAW -> reads.add(LakeLayout.RAW + "." + name);
              case LakeLayout.QUARANTINE, "sluice_quarantine" ->
                  reads.add(LakeLayout.QUARANTINE + "." + name);
              default -> {
                // Not one of the pipeline's relations.
              }
            }
          }
        }
      }
      dashboards.add(new Dashboard(dashboard.name(), reads));
    }
    return dashboards;
  }

  private static Node lakeNode(String namespace, String source, Kind kind) {
    String id = namespace + "." + source;
    return new Node(id, kind, id, "/ui/lake/" + id);
  }

  private void node(Node node) {
    nodes.put(node.id(), node);
  }

  private void edge(String from, String to) {
    if (nodes.containsKey(from) && nodes.containsKey(to)) {
      edges.add(new String[] {from, to});
    }
  }

  /** The ids of the nodes with an edge into {@code id}. */
  List<String> inputs(String id) {
    List<String> inputs = new ArrayList<>();
    for (String[] edge : edges) {
      if (edge[1].equals(id)) {
        inputs.add(edge[0]);
      }
    }
    return inputs;
  }

  /**
   * Writes the graph as an SVG element; {@code selected} (a node id, or empty) is highlighted, and
   * so are {@code highlighted} (its inputs) and the edges between them.
   *
   * <p>The layout is layered: a node's column is its depth (the longest path from a source to it).
   * An edge that spans several columns passes through a placeholder in each column between, which
   * takes a row like a node, so that no edge runs under a node. Within a column, nodes and
   * placeholders are ordered by the mean row of what feeds them (one sweep, left to right).
   */
  void svg(Html html, String selected, Set<String> highlighted) {
    Map<String, Integer> depth = new HashMap<>();
    // Nodes were added inputs first (models come in dependency order), so one pass suffices.
    for (Node node : nodes.values()) {
      int d = 0;
      for (String input : inputs(node.id())) {
        d = Math.max(d, depth.getOrDefault(input, 0) + 1);
      }
      depth.put(node.id(), d);
    }
    int columns = depth.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    List<List<String>> layers = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      layers.add(new ArrayList<>());
    }
    nodes.values().forEach(node -> layers.get(depth.get(node.id())).add(node.id()));
    // Each edge as the points it passes: its ends and a placeholder per column between them.
    Map<String, List<String>> feeders = new HashMap<>();
    List<List<String>> routes = new ArrayList<>();
    for (int e = 0; e < edges.size(); e++) {
      String[] edge = edges.get(e);
      List<String> route = new ArrayList<>();
      route.add(edge[0]);
      for (int column = depth.get(edge[0]) + 1; column < depth.get(edge[1]); column++) {
        String placeholder = "~" + e + "@" + column;
        layers.get(column).add(placeholder);
        route.add(placeholder);
      }
      route.add(edge[1]);
      for (int i = 1; i < route.size(); i++) {
        feeders.computeIfAbsent(route.get(i), k -> new ArrayList<>()).add(route.get(i - 1));
      }
      routes.add(route);
    }
    Map<String, Double> row = new HashMap<>();
    for (List<String> layer : layers) {
      // Barycenter: near the mean row of what feeds it; ties keep the project's order.
      Map<String, Double> wanted = new HashMap<>();
      for (int i = 0; i < layer.size(); i++) {
        String id = layer.get(i);
        double mean =
            feeders.getOrDefault(id, List.of()).stream()
                .mapToDouble(feeder -> row.getOrDefault(feeder, 0.0))
                .average()
                .orElse(i);
        wanted.put(id, mean + i * 1e-6);
      }
      layer.sort((a, b) -> Double.compare(wanted.get(a), wanted.get(b)));
      for (int i = 0; i < layer.size(); i++) {
        row.put(layer.get(i), (double) i);
      }
    }
    int rows = layers.stream().mapToInt(List::size).max().orElse(1);
    int width = MARGIN * 2 + (columns - 1) * COLUMN_WIDTH + NODE_WIDTH;
    int height = MARGIN * 2 + rows * ROW_HEIGHT;
    Map<String, int[]> at = new HashMap<>();
    for (int column = 0; column < columns; column++) {
      List<String> layer = layers.get(column);
      // Short columns are centered vertically.
      int offset = (rows - layer.size()) * ROW_HEIGHT / 2;
      for (int i = 0; i < layer.size(); i++) {
        at.put(
            layer.get(i),
            new int[] {MARGIN + column * COLUMN_WIDTH, MARGIN + offset + i * ROW_HEIGHT});
      }
    }
    html.raw("<svg id=\"pipeline-graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" ")
        .raw(Html.attribute("viewBox", "0 0 " + width + " " + height))
        .raw(" ")
        .raw(Html.attribute("width", width))
        .raw(" ")
        .raw(Html.attribute("height", height))
        .raw(" aria-label=\"pipeline graph\">")
        .raw("<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\"")
        .raw(" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" markerHeight=\"8\"")
        .raw(" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#8a97a8\"/></marker></defs>");
    for (List<String> route : routes) {
      String from = route.get(0);
      String to = route.get(route.size() - 1);
      StringBuilder d = new StringBuilder();
      for (int i = 1; i < route.size(); i++) {
        int[] a = at.get(route.get(i - 1));
        int[] b = at.get(route.get(i));
        double x1 = a[0] + NODE_WIDTH;
        double y1 = a[1] + NODE_HEIGHT / 2.0;
        double x2 = b[0];
        double y2 = b[1] + NODE_HEIGHT / 2.0;
        double bend = (x2 - x1) / 2;
        if (i == 1) {
          d.append(String.format(Locale.ROOT, "M%.1f,%.1f", x1, y1));
        }
        d.append(
            String.format(
                Locale.ROOT,
                " C%.1f,%.1f %.1f,%.1f %.1f,%.1f",
                x1 + bend,
                y1,
                x2 - bend,
                y2,
                x2,
                y2));
        if (i < route.size() - 1) {
          // Through a placeholder: straight across its column.
          d.append(String.format(Locale.ROOT, " L%.1f,%.1f", x2 + NODE_WIDTH, y2));
        }
      }
      boolean lit = to.equals(selected) && highlighted.contains(from);
      html.raw("<path ")
          .raw(Html.attribute("class", lit ? "edge lit" : "edge"))
          .raw(" ")
          .raw(Html.attribute("data-from", from))
          .raw(" ")
          .raw(Html.attribute("data-to", to))
          .raw(" ")
          .raw(Html.attribute("d", d))
          .raw(" marker-end=\"url(#arrow)\"/>");
    }
    for (Node node : nodes.values()) {
      int[] position = at.get(node.id());
      String classes =
          "node "
              + node.kind().name().toLowerCase(Locale.ROOT)
              + (node.id().equals(selected) ? " selected" : "")
              + (highlighted.contains(node.id()) ? " input" : "");
      html.raw("<a ")
          .raw(Html.attribute("href", node.href()))
          .raw(" ")
          .raw(Html.attribute("class", classes))
          .raw(" ")
          .raw(Html.attribute("data-node", node.id()))
          .raw("><title>")
          .text(kindLabel(node.kind()) + " " + node.label())
          .raw("</title><rect ")
          .raw(Html.attribute("x", position[0]))
          .raw(" ")
          .raw(Html.attribute("y", position[1]))
          .raw(" ")
          .raw(Html.attribute("width", NODE_WIDTH))
          .raw(" ")
          .raw(Html.attribute("height", NODE_HEIGHT))
          .raw(" rx=\"5\"/><text ")
          .raw(Html.attribute("x", position[0] + 10))
          .raw(" ")
          .raw(Html.attribute("y", position[1] + NODE_HEIGHT / 2 + 4))
          .raw(">")
          .text(shorten(node.label()))
          .raw("</text></a>");
    }
    html.raw("</svg>");
  }

  static String kindLabel(Kind kind) {
    return switch (kind) {
      case SOURCE -> "source";
      case RAW -> "raw table";
      case CLEAN -> "clean table";
      case QUARANTINE -> "quarantine table";
      case MODEL -> "model";
      case DASHBOARD -> "dashboard";
    };
  }

  private static String shorten(String label) {
    return label.length() <= 24 ? label : label.substring(0, 23) + "…";
  }
}
