package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.QueryResult;
import io.sluice.core.model.ModelRenderer;
import io.sluice.core.model.RenderContext;
import io.sluice.core.project.Location;
import io.sluice.core.project.ModelTest;
import io.sluice.core.project.Project;
import io.sluice.core.project.SingularTest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The model tests of a project, run against the warehouse: the column tests of {@code
 * models/schema.yml} and the singular tests of {@code tests/*.sql}. Every test is a query for its
 * failing rows; it passes when that query returns none. Used at the end of each run and by {@code
 * sluice test}. The engine must see the lake's views ({@link LakeViews}) and the models.
 */
public final class ModelTests {
  private static final Pattern TRAILING = Pattern.compile("[\\s;]+$");

  private final Project project;
  private final Engine engine; // null when only the tests' SQL is wanted
  private final io.sluice.api.engine.SqlDialect dialect;
  private final ModelRenderer renderer = new ModelRenderer();

  public ModelTests(Project project, Engine engine) {
    this.project = requireNonNull(project, "project is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.dialect = engine.dialect();
  }

  /** For {@link #tests()} only: the tests' SQL in {@code dialect}, with no engine to run them. */
  ModelTests(Project project, io.sluice.api.engine.SqlDialect dialect) {
    this.project = requireNonNull(project, "project is null");
    this.engine = null;
    this.dialect = requireNonNull(dialect, "dialect is null");
  }

  /**
   * One test, ready to run.
   *
   * @param name display name: {@code not_null(orders.id)}, or the singular test's file stem
   * @param severity {@code error} or {@code warn}
   * @param relations the models and sources it reads, for {@code --select}
   * @param location where it is declared
   * @param sql the query returning its failing rows; empty when it could not be rendered
   * @param renderError why it could not be rendered, else empty
   */
  public record Test(
      String name,
      String severity,
      Set<String> relations,
      Location location,
      String sql,
      String renderError) {
    public Test {
      requireNonNull(name, "name is null");
      requireNonNull(severity, "severity is null");
      relations = Set.copyOf(relations);
      requireNonNull(location, "location is null");
      requireNonNull(sql, "sql is null");
      requireNonNull(renderError, "renderError is null");
    }

    /** Whether {@code --select selector} picks it: its name or a model or source it reads. */
    public boolean selectedBy(String selector) {
      return name.equals(selector) || relations.contains(selector);
    }
  }

  /** Every test: the schema.yml tests in file order, then the singular tests in name order. */
  public List<Test> tests() {
    List<Test> tests = new ArrayList<>();
    for (ModelTest test : project.modelTests()) {
      Set<String> relations = new LinkedHashSet<>();
      relations.add(test.model());
      test.toModel().ifPresent(relations::add);
      tests.add(
          new Test(
              test.displayName(),
              test.severity().yamlName(),
              relations,
              test.location(),
              sql(test),
              ""));
    }
    for (SingularTest test : project.singularTests()) {
      Set<String> relations = new LinkedHashSet<>(test.refs());
      relations.addAll(test.sources());
      String sql = "";
      String error = "";
      try {
        sql = TRAILING.matcher(renderer.render(test, context(test.name()))).replaceFirst("");
      } catch (SluiceException e) {
        error = e.getMessage();
      }
      tests.add(
          new Test(
              test.name(), test.severity().yamlName(), relations, test.location(), sql, error));
    }
    return tests;
  }

  /** Counts the test's failing rows; a test that cannot run is reported with its error. */
  public RunSummary.TestRun run(Test test) {
    if (!test.renderError().isEmpty()) {
      return new RunSummary.TestRun(test.name(), 0, test.renderError(), test.severity());
    }
    try {
      Object value = engine.query(countSql(test), 1).rows().get(0).get(0);
      return new RunSummary.TestRun(test.name(), ((Number) value).longValue(), "", test.severity());
    } catch (SluiceException e) {
      return new RunSummary.TestRun(
          test.name(),
          0,
          e.getMessage() + " (" + test.location().display(project.directory()) + ")",
          test.severity());
    }
  }

  /** The first {@code maxRows} failing rows of a test. */
  public QueryResult failingRows(Test test, int maxRows) {
    if (!test.renderError().isEmpty()) {
      throw SluiceException.user("%s", test.renderError());
    }
    return engine.query(test.sql(), maxRows);
  }

  private String countSql(Test test) {
    // The newline keeps a trailing "-- comment" in a singular test from hiding the parenthesis;
    // none before it, so that line numbers in the engine's errors are those of the test's file.
    return "SELECT count(*) FROM (" + test.sql() + "\n) AS sluice_test";
  }

  private RenderContext context(String name) {
    return new RenderContext(
        this::quoted, this::sourceRelation, this::sourceRelation, false, name, project.vars());
  }

  private String sql(ModelTest test) {
    String relation = relation(test.model());
    String column = quoted(test.column());
    return switch (test.kind()) {
      case NOT_NULL -> "SELECT * FROM " + relation + " WHERE " + column + " IS NULL";
      case UNIQUE ->
          "SELECT "
              + column
              + ", count(*) AS n_records FROM "
              + relation
              + " WHERE "
              + column
              + " IS NOT NULL GROUP BY "
              + column
              + " HAVING count(*) > 1";
      case ACCEPTED_VALUES ->
          "SELECT * FROM "
              + relation
              + " WHERE "
              + column
              + " IS NOT NULL AND CAST("
              + column
              + " AS "
              + dialect.typeName(io.sluice.api.type.DataType.STRING)
              + ") NOT IN ("
              + String.join(", ", test.values().stream().map(dialect::literal).toList())
              + ")";
      case RELATIONSHIPS -> {
        String target = relation(test.toModel().orElseThrow());
        String field = quoted(test.toField().orElseThrow());
        yield "SELECT c.* FROM "
            + relation
            + " c WHERE c."
            + column
            + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            + target
            + " p WHERE p."
            + field
            + " = c."
            + column
            + ")";
      }
    };
  }

  /** A model's relation, or a source's clean lake view. */
  private String relation(String name) {
    return project.model(name).isPresent() ? quoted(name) : sourceRelation(name);
  }

  private String sourceRelation(String source) {
    return quoted(LakeLayout.LAKE_SCHEMA) + "." + quoted(source);
  }

  private String quoted(String identifier) {
    return dialect.quote(identifier);
  }

  /** The tests that {@code selectors} pick (all when there is none). */
  public static List<Test> select(List<Test> tests, List<String> selectors) {
    return selectors.isEmpty()
        ? tests
        : tests.stream().filter(t -> selectors.stream().anyMatch(t::selectedBy)).toList();
  }
}
