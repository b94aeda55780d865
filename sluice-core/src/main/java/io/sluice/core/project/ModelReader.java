package io.sluice.core.project;

import io.sluice.config.ConfigType;
import io.sluice.config.DidYouMean;
import io.sluice.core.model.ModelAnalysis;
import io.sluice.core.model.ModelAnalysis.Call;
import io.sluice.core.model.ModelAnalyzer;
import io.sluice.core.model.TemplateProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the models of a project: their templates, what they declare, and their order. */
final class ModelReader {
  private final Path directory;
  private final Problems problems;

  ModelReader(Path directory, Problems problems) {
    this.directory = directory;
    this.problems = problems;
  }

  /**
   * A model file read and analyzed.
   *
   * @param name the model's name
   * @param file the SQL file
   * @param template its text
   * @param analysis what the template declares
   */
  record ParsedModel(String name, Path file, String template, ModelAnalysis analysis) {}

  /**
   * Reads and analyzes every {@code models/**.sql}, in path order.
   *
   * @param sourceFiles source name to its file, to report name clashes
   */
  List<ParsedModel> read(
      List<Path> files, Map<String, Path> sourceFiles, Map<String, Object> vars) {
    List<ParsedModel> models = new ArrayList<>();
    Map<String, Path> seen = new LinkedHashMap<>();
    for (Path file : files) {
      problems.reading(file);
      String name = ProjectLoader.stem(file);
      Path first = seen.putIfAbsent(name, file);
      if (first != null) {
        problems.add(
            Location.of(file),
            "model '"
                + name
                + "' is defined twice: "
                + Location.of(first).display(directory)
                + " and "
                + Location.of(file).display(directory)
                + "; model names are unique across the folders of models/");
        continue;
      }
      if (!ConfigType.NAME.matcher(name).matches()) {
        problems.add(
            Location.of(file),
            "invalid model name '"
                + name
                + "' (the file name): use letters, digits and _, not starting with a digit");
      }
      Path source = sourceFiles.get(name);
      if (source != null) {
        problems.add(
            Location.of(file),
            "model '"
                + name
                + "' has the same name as the source in "
                + Location.of(source).display(directory)
                + "; rename one of them");
      }
      Optional<String> text = TextFile.read(file, problems);
      if (text.isEmpty()) {
        continue;
      }
      String template = text.get();
      ModelAnalysis analysis = ModelAnalyzer.analyze(name, template, vars);
      for (TemplateProblem problem : analysis.problems()) {
        problems.add(new Location(file, problem.line(), problem.column()), problem.message());
      }
      models.add(new ParsedModel(name, file, template, analysis));
    }
    return models;
  }

  /**
   * Checks every ref and source, and orders the models.
   *
   * @param sources the names of the sources (valid or not)
   * @param descriptions model descriptions from schema.yml
   * @return the models in dependency order
   */
  List<ModelDef> resolve(
      List<ParsedModel> parsed, Set<String> sources, Map<String, String> descriptions) {
    Map<String, ParsedModel> byName = new LinkedHashMap<>();
    parsed.forEach(m -> byName.put(m.name(), m));
    Map<String, Set<String>> graph = new LinkedHashMap<>();
    for (ParsedModel model : parsed) {
      Set<String> refs = new LinkedHashSet<>();
      for (Call ref : model.analysis().refs()) {
        if (byName.containsKey(ref.name())) {
          refs.add(ref.name());
        } else if (sources.contains(ref.name())) {
          report(
              model,
              ref,
              "ref('"
                  + ref.name()
                  + "'): '"
                  + ref.name()
                  + "' is a source; use source('"
                  + ref.name()
                  + "')");
        } else {
          report(
              model,
              ref,
              "ref('"
                  + ref.name()
                  + "'): unknown model '"
                  + ref.name()
                  + "'"
                  + DidYouMean.hint(ref.name(), byName.keySet()));
        }
      }
      for (Call source : model.analysis().sources()) {
        if (sources.contains(source.name())) {
          continue;
        }
        if (byName.containsKey(source.name())) {
          report(
              model,
              source,
              "source('"
                  + source.name()
                  + "'): '"
                  + source.name()
                  + "' is a model; use ref('"
                  + source.name()
                  + "')");
        } else {
          report(
              model,
              source,
              "source('"
                  + source.name()
                  + "'): unknown source '"
                  + source.name()
                  + "'"
                  + DidYouMean.hint(source.name(), sources));
        }
      }
      graph.put(model.name(), refs);
    }
    ModelGraph.Result sorted = ModelGraph.sort(graph);
    for (List<String> cycle : sorted.cycles()) {
      ParsedModel first = byName.get(cycle.get(0));
      String next = cycle.get(cycle.size() > 1 ? 1 : 0);
      Call ref =
          first.analysis().refs().stream()
              .filter(r -> r.name().equals(next))
              .findFirst()
              .orElseThrow();
      report(
          first, ref, "models form a cycle: " + String.join(" -> ", cycle) + " -> " + cycle.get(0));
    }
    List<ModelDef> models = new ArrayList<>();
    for (String name : sorted.order()) {
      ParsedModel model = byName.get(name);
      ModelAnalysis analysis = model.analysis();
      models.add(
          new ModelDef(
              name,
              Location.of(model.file()),
              model.template(),
              analysis.materialization(),
              analysis.uniqueKey(),
              graph.get(name).stream().sorted().toList(),
              analysis.sources().stream()
                  .map(Call::name)
                  .filter(sources::contains)
                  .sorted()
                  .toList(),
              Optional.ofNullable(descriptions.get(name)).orElse(""),
              analysis.tags()));
    }
    return models;
  }

  private void report(ParsedModel model, Call call, String message) {
    problems.add(new Location(model.file(), call.line(), call.column()), message);
  }
}
