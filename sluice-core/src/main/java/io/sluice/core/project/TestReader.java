package io.sluice.core.project;

import io.sluice.config.DidYouMean;
import io.sluice.core.model.ModelAnalysis.Call;
import io.sluice.core.model.ModelAnalyzer;
import io.sluice.core.model.TemplateProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the singular tests of a project, {@code tests/*.sql}, and checks their references. */
final class TestReader {
  private final Problems problems;

  TestReader(Problems problems) {
    this.problems = problems;
  }

  /**
   * Reads and checks each file, in name order; a broken one is reported with its file and line.
   *
   * @param models the names of the models
   * @param sources the names of the sources
   */
  List<SingularTest> read(
      List<Path> files, Set<String> models, Set<String> sources, Map<String, Object> vars) {
    List<SingularTest> tests = new ArrayList<>();
    Map<String, Path> seen = new java.util.HashMap<>();
    for (Path file : files) {
      problems.reading(file);
      String name = ProjectLoader.stem(file);
      Path first = seen.putIfAbsent(name, file);
      if (first != null) {
        problems.add(
            Location.of(file),
            "test '"
                + name
                + "' is defined twice: "
                + problems.display(first)
                + " and "
                + problems.display(file)
                + "; test names are unique across the folders of tests/");
        continue;
      }
      Optional<String> text = TextFile.read(file, problems);
      if (text.isEmpty()) {
        continue;
      }
      String template = text.get();
      ModelAnalyzer.TestAnalysis analysis = ModelAnalyzer.analyzeTest(name, template, vars);
      for (TemplateProblem problem : analysis.problems()) {
        problems.add(new Location(file, problem.line(), problem.column()), problem.message());
      }
      if (template.isBlank()) {
        problems.add(
            Location.of(file), "the test is empty: write a SELECT that returns the failing rows");
      }
      Set<String> refs = new TreeSet<>();
      for (Call ref : analysis.refs()) {
        if (models.contains(ref.name())) {
          refs.add(ref.name());
        } else {
          problems.add(
              at(file, ref),
              "ref('"
                  + ref.name()
                  + "'): "
                  + (sources.contains(ref.name())
                      ? "'" + ref.name() + "' is a source; use source('" + ref.name() + "')"
                      : "unknown model '"
                          + ref.name()
                          + "'"
                          + DidYouMean.hint(ref.name(), models)));
        }
      }
      Set<String> used = new TreeSet<>();
      for (Call source : analysis.sources()) {
        if (sources.contains(source.name())) {
          used.add(source.name());
        } else {
          problems.add(
              at(file, source),
              "source('"
                  + source.name()
                  + "'): "
                  + (models.contains(source.name())
                      ? "'" + source.name() + "' is a model; use ref('" + source.name() + "')"
                      : "unknown source '"
                          + source.name()
                          + "'"
                          + DidYouMean.hint(source.name(), sources)));
        }
      }
      tests.add(
          new SingularTest(
              name,
              Location.of(file),
              template,
              analysis.severity(),
              List.copyOf(refs),
              List.copyOf(used)));
    }
    return tests;
  }

  private static Location at(Path file, Call call) {
    return new Location(file, call.line(), call.column());
  }
}
