package io.sluice.core.project;

import io.sluice.config.ProblemReporter;
import io.sluice.config.YamlNodes;
import io.sluice.core.project.ProjectException.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Collects the problems of one project load. They are reported ordered by file (in the order the
 * files were read: sluice.yaml, sources, models, schema.yml), then line and column.
 */
final class Problems {
  private final Path directory;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();
  private final Map<Path, Integer> fileOrder = new LinkedHashMap<>();

  Problems(Path directory) {
    this.directory = directory;
  }

  /** Declares that {@code file} is read now, so its problems sort after earlier files'. */
  void reading(Path file) {
    fileOrder.putIfAbsent(file, fileOrder.size());
  }

  /** Reports problems in {@code file} at the position of YAML nodes. */
  ProblemReporter in(Path file) {
    reading(file);
    return (node, message) -> add(at(file, node), message);
  }

  void add(Location location, String message) {
    reading(location.file());
    problems.add(new Problem(location, message));
  }

  /** Reports something that does not stop the load but that a person should know about. */
  void warn(Location location, String message) {
    warnings.add(new Problem(location, message));
  }

  /** The warnings, in the order reported. */
  List<Problem> warnings() {
    return List.copyOf(warnings);
  }

  /** {@code file} relative to the project folder, as shown in messages. */
  String display(Path file) {
    return Location.of(file).display(directory);
  }

  int count() {
    return problems.size();
  }

  static Location at(Path file, Node node) {
    return new Location(file, YamlNodes.line(node), YamlNodes.column(node));
  }

  /** Throws every problem collected, if there is any. */
  void throwIfAny() {
    if (problems.isEmpty()) {
      return;
    }
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(
        Comparator.comparing((Problem p) -> fileOrder.get(p.location().file()))
            .thenComparingInt(p -> p.location().line())
            .thenComparingInt(p -> p.location().column()));
    throw new ProjectException(directory, sorted);
  }
}
