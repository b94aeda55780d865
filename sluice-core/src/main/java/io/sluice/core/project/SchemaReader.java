package io.sluice.core.project;

import io.sluice.config.ConfigValues;
import io.sluice.config.DidYouMean;
import io.sluice.config.ProblemReporter;
import io.sluice.config.TaggedValue;
import io.sluice.config.YamlNodes;
import io.sluice.core.config.SchemaSpec;
import io.sluice.core.config.SchemaSpec.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Turns a checked {@code models/schema.yml} into model descriptions and {@link ModelTest}s. */
final class SchemaReader {
  private final Path file;
  private final ProblemReporter problems;
  private final Set<String> models;
  private final Set<String> sources;
  private final Map<String, String> descriptions = new LinkedHashMap<>();
  private final List<ModelTest> tests = new ArrayList<>();

  /**
   * What schema.yml says.
   *
   * @param descriptions model name to description
   * @param tests the column tests, in file order
   */
  record Result(Map<String, String> descriptions, List<ModelTest> tests) {
    Result {
      descriptions = Map.copyOf(descriptions);
      tests = List.copyOf(tests);
    }

    static Result empty() {
      return new Result(Map.of(), List.of());
    }
  }

  private final Map<String, Location> described;
  private final Problems all;

  private SchemaReader(
      Path file,
      Problems problems,
      Set<String> models,
      Set<String> sources,
      Map<String, Location> described) {
    this.file = file;
    this.problems = problems.in(file);
    this.all = problems;
    this.models = models;
    this.sources = sources;
    this.described = described;
  }

  /**
   * Reads one schema file.
   *
   * @param described model name to where it was described, shared by the schema files of a project
   *     so that a model is described once in all of them
   */
  static Result read(
      Path file,
      ConfigValues values,
      Set<String> models,
      Set<String> sources,
      Map<String, Location> described,
      Problems problems) {
    SchemaReader reader = new SchemaReader(file, problems, models, sources, described);
    reader.read(values);
    return new Result(reader.descriptions, reader.tests);
  }

  private void read(ConfigValues values) {
    for (ConfigValues model : values.get(SchemaSpec.MODELS)) {
      Optional<String> name = model.find(SchemaSpec.MODEL_NAME);
      if (name.isEmpty()) {
        continue;
      }
      Node node = model.nodeOf(SchemaSpec.MODEL_NAME);
      if (!models.contains(name.get())) {
        problems.report(
            node,
            "unknown model '"
                + name.get()
                + "'"
                + DidYouMean.hint(name.get(), models)
                + (sources.contains(name.get())
                    ? "; '" + name.get() + "' is a source, and schema.yml describes models"
                    : ""));
        continue;
      }
      Location first = described.putIfAbsent(name.get(), Problems.at(file, node));
      if (first != null) {
        problems.report(
            node,
            "model '"
                + name.get()
                + "' is described twice (first at "
                + (first.file().equals(file)
                    ? "line " + first.line()
                    : all.display(first.file()) + ":" + first.line())
                + ")");
        continue;
      }
      descriptions.put(name.get(), model.get(SchemaSpec.MODEL_DESCRIPTION));
      columns(name.get(), model);
    }
  }

  private void columns(String model, ConfigValues values) {
    Map<String, Node> seen = new HashMap<>();
    for (ConfigValues column : values.get(SchemaSpec.MODEL_COLUMNS)) {
      Optional<String> name = column.find(SchemaSpec.COLUMN_NAME);
      if (name.isEmpty()) {
        continue;
      }
      Node first = seen.putIfAbsent(name.get(), column.nodeOf(SchemaSpec.COLUMN_NAME));
      if (first != null) {
        problems.report(
            column.nodeOf(SchemaSpec.COLUMN_NAME),
            "column '"
                + name.get()
                + "' of model '"
                + model
                + "' is described twice (first at line "
                + YamlNodes.line(first)
                + ")");
        continue;
      }
      if (column.isSet(SchemaSpec.COLUMN_TESTS) && column.isSet(SchemaSpec.COLUMN_DATA_TESTS)) {
        problems.report(
            column.keyNodeOf(SchemaSpec.COLUMN_DATA_TESTS),
            "column '" + name.get() + "': use tests or data_tests, not both");
      }
      List<TaggedValue> all = new ArrayList<>(column.get(SchemaSpec.COLUMN_TESTS));
      all.addAll(column.get(SchemaSpec.COLUMN_DATA_TESTS));
      for (TaggedValue test : all) {
        test(model, name.get(), test).ifPresent(tests::add);
      }
    }
  }

  private Optional<ModelTest> test(String model, String column, TaggedValue test) {
    Location location = Problems.at(file, test.node());
    ConfigValues arguments = test.arguments();
    ModelTest.Severity severity =
        ModelTest.Severity.parse(
                arguments.get(SchemaSpec.TEST_CONFIG).get(SchemaSpec.TEST_SEVERITY))
            .orElseThrow();
    return switch (test.name()) {
      case "not_null" ->
          Optional.of(simple(model, column, ModelTest.Kind.NOT_NULL, severity, location));
      case "unique" ->
          Optional.of(simple(model, column, ModelTest.Kind.UNIQUE, severity, location));
      case "accepted_values" ->
          arguments
              .find(SchemaSpec.ACCEPTED_VALUES_VALUES)
              .map(
                  values ->
                      new ModelTest(
                          model,
                          column,
                          ModelTest.Kind.ACCEPTED_VALUES,
                          values,
                          Optional.empty(),
                          Optional.empty(),
                          severity,
                          location));
      case "relationships" -> relationship(model, column, arguments, severity, location);
      default -> throw new IllegalStateException("test without a mapping: " + test.name());
    };
  }

  private Optional<ModelTest> relationship(
      String model,
      String column,
      ConfigValues arguments,
      ModelTest.Severity severity,
      Location location) {
    Optional<String> to = arguments.find(SchemaSpec.RELATIONSHIPS_TO);
    Optional<String> field = arguments.find(SchemaSpec.RELATIONSHIPS_FIELD);
    if (to.isEmpty() || field.isEmpty()) {
      return Optional.empty();
    }
    Reference reference = SchemaSpec.parseReference(to.get()).orElseThrow();
    boolean isRef = reference.function().equals("ref");
    Set<String> known = isRef ? models : sources;
    if (!known.contains(reference.name())) {
      problems.report(
          arguments.nodeOf(SchemaSpec.RELATIONSHIPS_TO),
          "relationships: unknown "
              + (isRef ? "model" : "source")
              + " '"
              + reference.name()
              + "'"
              + DidYouMean.hint(reference.name(), known)
              + (isRef && sources.contains(reference.name())
                  ? "; '"
                      + reference.name()
                      + "' is a source: use source('"
                      + reference.name()
                      + "')"
                  : "")
              + (!isRef && models.contains(reference.name())
                  ? "; '" + reference.name() + "' is a model: use ref('" + reference.name() + "')"
                  : ""));
      return Optional.empty();
    }
    return Optional.of(
        new ModelTest(
            model,
            column,
            ModelTest.Kind.RELATIONSHIPS,
            List.of(),
            Optional.of(reference.name()),
            field,
            severity,
            location));
  }

  private static ModelTest simple(
      String model,
      String column,
      ModelTest.Kind kind,
      ModelTest.Severity severity,
      Location location) {
    return new ModelTest(
        model, column, kind, List.of(), Optional.empty(), Optional.empty(), severity, location);
  }
}
