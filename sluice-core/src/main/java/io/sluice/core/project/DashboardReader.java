package io.sluice.core.project;

import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import io.sluice.config.DidYouMean;
import io.sluice.config.YamlNodes;
import io.sluice.core.config.DashboardSpec;
import io.sluice.core.dashboard.PanelSql;
import io.sluice.core.dashboard.WarehouseRelations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads {@code dashboards/NAME.yaml} against the project it belongs to: what a panel's SQL reads
 * must be a model or a source's relation ({@code lake.NAME}, {@code raw.NAME}, {@code
 * quarantine.NAME}), its {@code $placeholders} variables of the dashboard. Each problem has its
 * file and line (inside a block of SQL, the line of the word).
 */
final class DashboardReader {
  /** A dashboard's name: its file name, and part of its address ({@code /ui/dashboards/NAME}). */
  static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

  private final Problems problems;
  private final Map<String, ModelDef> models = new HashMap<>();
  private final Set<String> sources = new TreeSet<>();

  DashboardReader(Project project, Problems problems) {
    this.problems = problems;
    project.models().forEach(m -> models.put(m.name().toLowerCase(Locale.ROOT), m));
    project.sources().forEach(s -> sources.add(s.name().toLowerCase(Locale.ROOT)));
  }

  /** Reads every dashboard file; a broken one is reported and left out. */
  List<DashboardDef> read(List<Path> files) {
    List<DashboardDef> dashboards = new ArrayList<>();
    for (Path file : files) {
      int before = problems.count();
      YamlFile.read(file, problems)
          .flatMap(node -> DashboardSpec.DASHBOARD_DEF.parse(node, problems.in(file)))
          // a key with a broken value has none: read what the keys mean once they all parse
          .filter(values -> problems.count() == before)
          .flatMap(values -> dashboard(file, values))
          .ifPresent(dashboards::add);
    }
    return dashboards;
  }

  private Optional<DashboardDef> dashboard(Path file, ConfigValues values) {
    int before = problems.count();
    String name = ProjectLoader.stem(file);
    if (!NAME.matcher(name).matches()) {
      problems.add(
          Location.of(file),
          "invalid dashboard name '"
              + name
              + "' (the file name, part of the page's address): use letters, digits, _ and -,"
              + " starting with a letter or digit");
    }
    List<DashboardDef.Variable> variables = new ArrayList<>();
    Map<String, Node> variableNodes = new LinkedHashMap<>();
    for (ConfigValues variable : values.get(DashboardSpec.VARIABLES)) {
      variable(file, variable, variableNodes).ifPresent(variables::add);
    }
    List<DashboardDef.Panel> panels = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    for (ConfigValues panel : values.get(DashboardSpec.PANELS)) {
      String id = panel.get(DashboardSpec.PANEL_ID);
      if (!ids.add(id)) {
        problems.add(
            Problems.at(file, panel.nodeOf(DashboardSpec.PANEL_ID)),
            "panel '" + id + "' is defined twice in this dashboard");
        continue;
      }
      panels.add(panel(file, panel, variableNodes.keySet()));
    }
    if (problems.count() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new DashboardDef(
            name,
            Location.of(file),
            values.find(DashboardSpec.TITLE).orElse(name),
            values.get(DashboardSpec.DESCRIPTION),
            values.get(DashboardSpec.TIME_RANGE),
            variables,
            panels));
  }

  private Optional<DashboardDef.Variable> variable(
      Path file, ConfigValues variable, Map<String, Node> seen) {
    String name = variable.get(DashboardSpec.VARIABLE_NAME);
    Node nameNode = variable.nodeOf(DashboardSpec.VARIABLE_NAME);
    if (WarehouseRelations.TIME_PLACEHOLDERS.contains(name)) {
      problems.add(
          Problems.at(file, nameNode),
          "variable '"
              + name
              + "': $from and $to are the dashboard's time range; choose another name");
      return Optional.empty();
    }
    if (seen.putIfAbsent(name, nameNode) != null) {
      problems.add(
          Problems.at(file, nameNode),
          "variable '" + name + "' is defined twice in this dashboard");
      return Optional.empty();
    }
    Optional<List<String>> values = variable.find(DashboardSpec.VARIABLE_VALUES);
    Optional<String> query = variable.find(DashboardSpec.VARIABLE_QUERY);
    if (values.isPresent() == query.isPresent()) {
      problems.add(
          Problems.at(file, variable.anchor()),
          "variable '"
              + name
              + "': set either values (a static list) or query (values from the warehouse)"
              + (values.isPresent() ? ", not both" : ""));
      return Optional.empty();
    }
    Optional<String> defaultValue = variable.find(DashboardSpec.VARIABLE_DEFAULT);
    if (values.isPresent()
        && defaultValue.isPresent()
        && !values.get().contains(defaultValue.get())) {
      problems.add(
          Problems.at(file, variable.nodeOf(DashboardSpec.VARIABLE_DEFAULT)),
          "variable '"
              + name
              + "': default '"
              + defaultValue.get()
              + "' is not one of its values ("
              + String.join(", ", values.get())
              + ")");
    }
    query.ifPresent(
        sql -> {
          Node node = variable.nodeOf(DashboardSpec.VARIABLE_QUERY);
          PanelSql.Scan scan = PanelSql.scan(sql);
          for (PanelSql.Placeholder placeholder : scan.placeholders()) {
            problems.add(
                at(file, node, sql, placeholder.offset()),
                "variable '"
                    + name
                    + "': its query cannot use $"
                    + placeholder.name()
                    + " (a variable's values do not depend on other variables)");
          }
          inputs(file, node, sql, scan, "variable '" + name + "'");
        });
    return Optional.of(
        new DashboardDef.Variable(
            name,
            variable.find(DashboardSpec.VARIABLE_LABEL).orElse(name),
            values.orElse(List.of()),
            query,
            defaultValue));
  }

  private DashboardDef.Panel panel(Path file, ConfigValues panel, Set<String> variables) {
    String id = panel.get(DashboardSpec.PANEL_ID);
    String sql = panel.get(DashboardSpec.PANEL_SQL);
    Node sqlNode = panel.nodeOf(DashboardSpec.PANEL_SQL);
    PanelSql.Scan scan = PanelSql.scan(sql);
    for (PanelSql.Placeholder placeholder : scan.placeholders()) {
      if (!variables.contains(placeholder.name())
          && !WarehouseRelations.TIME_PLACEHOLDERS.contains(placeholder.name())) {
        List<String> known = new ArrayList<>(variables);
        known.addAll(WarehouseRelations.TIME_PLACEHOLDERS);
        problems.add(
            at(file, sqlNode, sql, placeholder.offset()),
            "panel '"
                + id
                + "': unknown variable $"
                + placeholder.name()
                + DidYouMean.hint(placeholder.name(), known)
                + (variables.isEmpty()
                    ? "; the dashboard has no variables, only $from and $to"
                    : ""));
      }
    }
    Optional<Set<String>> inputs = inputs(file, sqlNode, sql, scan, "panel '" + id + "'");
    List<DashboardDef.Threshold> thresholds = new ArrayList<>();
    double last = Double.NEGATIVE_INFINITY;
    for (ConfigValues threshold : panel.get(DashboardSpec.PANEL_THRESHOLDS)) {
      double value = threshold.get(DashboardSpec.THRESHOLD_VALUE);
      if (value <= last) {
        problems.add(
            Problems.at(file, threshold.nodeOf(DashboardSpec.THRESHOLD_VALUE)),
            "panel '" + id + "': thresholds must be in ascending order of value");
      }
      last = value;
      thresholds.add(
          new DashboardDef.Threshold(value, threshold.get(DashboardSpec.THRESHOLD_COLOR)));
    }
    return new DashboardDef.Panel(
        id,
        Problems.at(file, panel.anchor()),
        panel.find(DashboardSpec.PANEL_TITLE).orElse(id),
        panel.get(DashboardSpec.PANEL_DESCRIPTION),
        panel.get(DashboardSpec.PANEL_TYPE),
        sql,
        panel.find(DashboardSpec.PANEL_X),
        panel.find(DashboardSpec.PANEL_SERIES),
        panel.find(DashboardSpec.PANEL_VALUES).orElse(List.of()),
        panel.get(DashboardSpec.PANEL_WIDTH),
        panel.get(DashboardSpec.PANEL_UNIT),
        optionalInt(panel, DashboardSpec.PANEL_DECIMALS),
        thresholds,
        panel.get(DashboardSpec.PANEL_MAX_ROWS),
        inputs);
  }

  /**
   * Checks what {@code sql} reads and returns the relations whose change changes its result
   * (upstream of models included), or empty when the scanner could not tell.
   */
  private Optional<Set<String>> inputs(
      Path file, Node node, String sql, PanelSql.Scan scan, String what) {
    Set<String> inputs = new TreeSet<>();
    boolean certain = scan.certain();
    for (PanelSql.Reference reference : scan.references()) {
      String schema = reference.schema().toLowerCase(Locale.ROOT);
      String name = reference.name().toLowerCase(Locale.ROOT);
      if (schema.isEmpty() || schema.equals("main")) {
        if (scan.cteNames().contains(name)) {
          continue;
        }
        ModelDef model = models.get(name);
        if (model != null) {
          upstream(model, inputs);
          continue;
        }
        List<String> candidates = new ArrayList<>(models.keySet());
        sources.forEach(s -> candidates.add(WarehouseRelations.CLEAN + "." + s));
        candidates.addAll(scan.cteNames());
        problems.add(
            at(file, node, sql, reference.offset()),
            what
                + ": unknown table '"
                + reference.name()
                + "'"
                + (sources.contains(name)
                    ? "; a source is read as " + WarehouseRelations.CLEAN + "." + name
                    : DidYouMean.hint(name, candidates)
                        + "; read a model by its name or a source as lake.NAME"));
      } else if (WarehouseRelations.SOURCE_SCHEMAS.contains(schema)) {
        if (sources.contains(name)) {
          inputs.addAll(WarehouseRelations.ofSource(name));
        } else {
          problems.add(
              at(file, node, sql, reference.offset()),
              what
                  + ": unknown source '"
                  + reference.name()
                  + "' in "
                  + schema
                  + "."
                  + reference.name()
                  + DidYouMean.hint(name, sources));
        }
      } else {
        certain = false; // information_schema, a catalog: not a pipeline relation
      }
    }
    return certain ? Optional.of(inputs) : Optional.empty();
  }

  /** Adds {@code model}, the models it refs and the sources they read, transitively. */
  private void upstream(ModelDef model, Set<String> inputs) {
    if (!inputs.add(model.name().toLowerCase(Locale.ROOT))) {
      return;
    }
    model.sources().forEach(s -> inputs.addAll(WarehouseRelations.ofSource(s)));
    for (String ref : model.refs()) {
      ModelDef upstream = models.get(ref.toLowerCase(Locale.ROOT));
      if (upstream != null) {
        upstream(upstream, inputs);
      }
    }
  }

  /** The location of {@code offset} in the text of the scalar {@code node}. */
  private static Location at(Path file, Node node, String text, int offset) {
    int line = PanelSql.lineOf(text, offset);
    boolean block =
        node instanceof ScalarNode scalar
            && (scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                || scalar.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED);
    // a block's text starts on the line after its | or >; a plain or quoted one on the key's
    int first = YamlNodes.line(node) + (block ? 1 : 0);
    return new Location(file, first + line - 1, 0);
  }

  private static OptionalInt optionalInt(ConfigValues values, ConfigKey<Integer> key) {
    return values.find(key).map(OptionalInt::of).orElse(OptionalInt.empty());
  }
}
