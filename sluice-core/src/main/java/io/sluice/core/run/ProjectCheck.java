package io.sluice.core.run;

import static java.util.stream.Collectors.joining;

import io.sluice.api.Plugins;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.CompiledRule;
import io.sluice.api.engine.EngineFactory;
import io.sluice.api.engine.MappedColumn;
import io.sluice.api.engine.ModelRequest.Materialization;
import io.sluice.api.engine.SqlChecker;
import io.sluice.api.engine.SqlDialect;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.source.SourceField;
import io.sluice.api.type.Column;
import io.sluice.config.DidYouMean;
import io.sluice.core.model.ModelRenderer;
import io.sluice.core.model.RenderContext;
import io.sluice.core.project.CheckDef;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.Location;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectException;
import io.sluice.core.project.ProjectException.Problem;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.CompiledSource;
import io.sluice.core.rules.RuleCompiler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles everything a run would run, against empty relations of the declared schema, so that a
 * mistake in SQL is found before any data is read or committed: every source's mapping (casts,
 * defaults, derived expressions) and checks, every model (rendered, in dependency order, and an
 * incremental model's incremental form too), every model's {@code unique_key}, and every model
 * test. Used by {@code sluice validate} and before every run.
 *
 * <p>Problems name the user's file and line (the source file's check or column, the model's file
 * and the line the engine points at) and never show generated SQL or internal names such as the
 * staging column {@code s$amount}.
 */
public final class ProjectCheck {
  private static final String STAGING_PREFIX = "s$";
  private static final String CHECK_SCHEMA = "sluice_check";
  private static final Pattern UNKNOWN_COLUMN =
      Pattern.compile("Referenced column \"([^\"]*)\" not found");
  private static final Pattern ENGINE_LINE = Pattern.compile("\\bLINE (\\d+):");
  private static final Pattern ERROR_KIND = Pattern.compile("^[A-Za-z ]*Error: ");
  private static final Pattern STAGING_NAME = Pattern.compile("s\\$");

  private final Project project;
  private final SqlChecker checker;
  private final SqlDialect dialect;
  private final List<Problem> problems = new ArrayList<>();
  private final java.util.Map<String, List<String>> modelColumns = new java.util.HashMap<>();

  private ProjectCheck(Project project, SqlChecker checker) {
    this.project = project;
    this.checker = checker;
    this.dialect = checker.dialect();
  }

  /**
   * Compiles the project with its engine's checker, when the engine has one.
   *
   * @throws ProjectException listing every problem found
   */
  public static void verify(Project project) {
    List<Problem> problems = new ArrayList<>(writable(project));
    findPlugins(project);
    EngineFactory factory =
        Plugins.find(EngineFactory.class, EngineFactory::name, project.engine());
    if (!factory.mergesOnPrimaryKey()) {
      for (SourceDef source : project.sources()) {
        if (!source.primaryKey().isEmpty()) {
          problems.add(
              new Problem(
                  source.location(),
                  "source '"
                      + source.name()
                      + "' declares a primary-key, and the "
                      + factory.name()
                      + " engine does not merge batches on a primary key (see"
                      + " docs/primary-keys.md); run it on an engine that does, such as duckdb,"
                      + " or remove primary-key"));
        }
      }
    }
    Optional<SqlChecker> checker =
        factory.checker(
            new io.sluice.api.engine.EngineContext(
                project.stateDirectory(), project.warehouse(), project.engineOptions(), true));
    if (checker.isPresent()) {
      try (SqlChecker open = checker.get()) {
        problems.addAll(check(project, open));
      }
    }
    if (!problems.isEmpty()) {
      throw new ProjectException(project.directory(), problems);
    }
  }

  /** The plugins a run opens: a name that is not installed fails here, not after other work. */
  private static void findPlugins(Project project) {
    Plugins.find(
        io.sluice.api.lake.LakeFactory.class,
        io.sluice.api.lake.LakeFactory::name,
        project.lake().type());
    for (SourceDef source : project.sources()) {
      io.sluice.core.project.Connectors.installed().get(source.connector());
    }
  }

  /** Where a run records the project it last verified ({@link #verifyUnlessVerified}). */
  static final String VERIFIED_FILE = "verified-project";

  /**
   * Like {@link #verify}, unless the state folder records that this very project (its whole
   * definition as loaded, with this build of Sluice) passed before: compiling every source, model
   * and test in an in-memory database was a quarter of the CPU of a run with nothing new. The
   * folders are still checked to be writable, and the plugins to be installed. Where Sluice runs
   * from class folders rather than jars (its own tests) every run verifies.
   *
   * @throws ProjectException listing every problem found
   */
  public static void verifyUnlessVerified(Project project) {
    EngineFactory factory =
        Plugins.find(EngineFactory.class, EngineFactory::name, project.engine());
    Optional<List<java.nio.file.Path>> jars =
        jarsOf(List.of(ProjectCheck.class, factory.getClass()));
    if (jars.isEmpty()) {
      verify(project);
    } else {
      verifyUnlessVerified(project, jars.get());
    }
  }

  /** {@link #verifyUnlessVerified(Project)} with Sluice's checks coming from {@code jars}. */
  static void verifyUnlessVerified(Project project, List<java.nio.file.Path> jars) {
    Optional<String> fingerprint = fingerprint(project, jars);
    java.nio.file.Path record = project.stateDirectory().resolve(VERIFIED_FILE);
    if (fingerprint.isPresent()
        && fingerprint.get().equals(readQuietly(record))
        && writable(project).isEmpty()) {
      findPlugins(project);
      return;
    }
    verify(project);
    if (fingerprint.isPresent() && java.nio.file.Files.isDirectory(project.stateDirectory())) {
      try {
        java.nio.file.Path temp =
            java.nio.file.Files.createTempFile(project.stateDirectory(), VERIFIED_FILE, ".tmp");
        java.nio.file.Files.writeString(temp, fingerprint.get());
        java.nio.file.Files.move(
            temp,
            record,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (java.io.IOException e) {
        // Only a shortcut for the next run: it verifies again.
      }
    }
  }

  /** The jars {@code types} were loaded from; empty when one was not loaded from a jar. */
  private static Optional<List<java.nio.file.Path>> jarsOf(List<Class<?>> types) {
    List<java.nio.file.Path> jars = new ArrayList<>();
    for (Class<?> type : types) {
      try {
        java.security.CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
          return Optional.empty();
        }
        java.nio.file.Path jar = java.nio.file.Path.of(source.getLocation().toURI());
        if (!java.nio.file.Files.isRegularFile(jar)) {
          return Optional.empty();
        }
        jars.add(jar);
      } catch (java.net.URISyntaxException | RuntimeException e) {
        return Optional.empty();
      }
    }
    return Optional.of(jars);
  }

  /**
   * The SHA-256 of the project as loaded (see {@link #canonical}: every setting, column, check,
   * model template, test and variable) and of {@code jars} (path, size, time); empty when a jar
   * cannot be read or a part of the project has no text of its own.
   */
  private static Optional<String> fingerprint(Project project, List<java.nio.file.Path> jars) {
    StringBuilder text = new StringBuilder();
    try {
      canonical(project, text);
      for (java.nio.file.Path jar : jars) {
        text.append('\n')
            .append(jar)
            .append(' ')
            .append(java.nio.file.Files.size(jar))
            .append(' ')
            .append(java.nio.file.Files.getLastModifiedTime(jar).toMillis());
      }
      return Optional.of(
          java.util.HexFormat.of()
              .formatHex(
                  java.security.MessageDigest.getInstance("SHA-256")
                      .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    } catch (java.io.IOException
        | java.security.NoSuchAlgorithmException
        | ReflectiveOperationException
        | RuntimeException e) {
      return Optional.empty(); // the run verifies the project, as without a record
    }
  }

  /**
   * Appends the text of {@code value} in a form that is the same in every process: records
   * component by component, maps sorted by key and sets sorted (the JDK's immutable maps and sets
   * iterate in an order that changes from one JVM to the next), other values by their {@code
   * toString}.
   *
   * @throws IllegalArgumentException for a value whose class has no {@code toString} of its own
   */
  private static void canonical(Object value, StringBuilder out)
      throws ReflectiveOperationException {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Record record) {
      out.append(record.getClass().getName()).append('(');
      for (java.lang.reflect.RecordComponent component : record.getClass().getRecordComponents()) {
        java.lang.reflect.Method accessor = component.getAccessor();
        accessor.setAccessible(true);
        out.append(component.getName()).append('=');
        canonical(accessor.invoke(record), out);
        out.append(", ");
      }
      out.append(')');
    } else if (value instanceof java.util.Map<?, ?> map) {
      java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
      for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
        StringBuilder key = new StringBuilder();
        canonical(entry.getKey(), key);
        StringBuilder entryValue = new StringBuilder();
        canonical(entry.getValue(), entryValue);
        sorted.put(key.toString(), entryValue.toString());
      }
      out.append(sorted);
    } else if (value instanceof java.util.Set<?> set) {
      java.util.TreeSet<String> sorted = new java.util.TreeSet<>();
      for (Object element : set) {
        StringBuilder text = new StringBuilder();
        canonical(element, text);
        sorted.add(text.toString());
      }
      out.append(sorted);
    } else if (value instanceof java.util.Collection<?> elements) {
      out.append('[');
      for (Object element : elements) {
        canonical(element, out);
        out.append(", ");
      }
      out.append(']');
    } else if (value instanceof Optional<?> optional) {
      out.append("Optional[");
      canonical(optional.orElse(null), out);
      out.append(']');
    } else if (value.getClass().getMethod("toString").getDeclaringClass() == Object.class) {
      throw new IllegalArgumentException(value.getClass() + " has no text of its own");
    } else {
      out.append(value);
    }
  }

  private static String readQuietly(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /**
   * Whether the state folder and the warehouse's folder can be written: a file is created and
   * deleted in each (or in the nearest folder above that exists, where they are not made yet).
   */
  static List<Problem> writable(Project project) {
    List<Problem> problems = new ArrayList<>();
    Location settings = Location.of(project.directory().resolve("sluice.yaml"));
    java.nio.file.Path warehouse = java.nio.file.Path.of(project.warehouse()).toAbsolutePath();
    for (var place :
        List.of(
            java.util.Map.entry("state-dir", project.stateDirectory()),
            java.util.Map.entry("the warehouse's folder", warehouse.getParent()))) {
      java.nio.file.Path at = place.getValue();
      while (at != null && !java.nio.file.Files.isDirectory(at)) {
        at = at.getParent();
      }
      if (at == null) {
        continue;
      }
      try {
        java.nio.file.Files.delete(java.nio.file.Files.createTempFile(at, ".sluice-check", ""));
      } catch (java.io.IOException | SecurityException e) {
        problems.add(
            new Problem(
                settings,
                "cannot write in "
                    + place.getKey()
                    + " "
                    + place.getValue()
                    + (at.equals(place.getValue()) ? "" : " (nor create it in " + at + ")")
                    + ": "
                    + (e instanceof java.nio.file.AccessDeniedException
                        ? "permission denied"
                        : e instanceof java.nio.file.FileSystemException fs
                                && fs.getReason() != null
                            ? fs.getReason()
                            : "a file cannot be created there")
                    + "; set state-dir (or warehouse.path) in sluice.yaml to a folder Sluice can"
                    + " write"));
        break;
      }
    }
    return problems;
  }

  /** The problems of compiling {@code project} with {@code checker}, in project order. */
  public static List<Problem> check(Project project, SqlChecker checker) {
    ProjectCheck check = new ProjectCheck(project, checker);
    check.run();
    return List.copyOf(check.problems);
  }

  private void run() {
    checker.define("CREATE SCHEMA " + quote(CHECK_SCHEMA));
    for (String schema : List.of(LakeLayout.LAKE_SCHEMA, LakeLayout.RAW, LakeLayout.QUARANTINE)) {
      checker.define("CREATE SCHEMA " + quote(schema));
    }
    for (SourceDef source : project.sources()) {
      empty(LakeLayout.LAKE_SCHEMA, LakeLayout.clean(source));
      empty(LakeLayout.RAW, LakeLayout.raw(source));
      empty(LakeLayout.QUARANTINE, LakeLayout.quarantine(source));
    }
    RuleCompiler compiler = new RuleCompiler(dialect);
    for (SourceDef source : project.sources()) {
      source(source, compiler.compile(source));
    }
    Set<String> failed = new HashSet<>();
    for (ModelDef model : project.models()) {
      if (model.refs().stream().anyMatch(failed::contains) || !model(model)) {
        failed.add(model.name());
      }
    }
    for (ModelTests.Test test : new ModelTests(project, dialect).tests()) {
      if (test.relations().stream().anyMatch(failed::contains)) {
        continue;
      }
      if (!test.renderError().isEmpty()) {
        problems.add(new Problem(test.location(), test.renderError()));
        continue;
      }
      try {
        checker.columns(test.sql());
      } catch (SluiceException e) {
        List<String> known = new ArrayList<>();
        test.relations().forEach(r -> known.addAll(modelColumns.getOrDefault(r, List.of())));
        boolean singular = test.location().file().getFileName().toString().endsWith(".sql");
        problems.add(
            new Problem(
                singular ? engineLine(test.location(), test.sql(), e) : test.location(),
                "test '" + test.name() + "': " + explain(e.getMessage(), known)));
      }
    }
  }

  /** An empty relation {@code schema.name} with the columns of {@code table}. */
  private void empty(String schema, TableSpec table) {
    checker.define(
        "CREATE TABLE "
            + quote(schema)
            + "."
            + quote(table.id().name())
            + " AS SELECT "
            + table.columns().stream()
                .map(c -> typedNull(c.name(), c.type()))
                .collect(joining(", "))
            + " WHERE FALSE");
  }

  private String typedNull(String name, io.sluice.api.type.DataType type) {
    return "CAST(NULL AS " + dialect.typeName(type) + ") AS " + quote(name);
  }

  // ---- sources

  private void source(SourceDef source, CompiledSource compiled) {
    List<String> userColumns = source.columns().stream().map(ColumnDef::name).toList();
    String mapped = quote(CHECK_SCHEMA) + "." + quote("mapped_" + source.name());
    String derived = quote(CHECK_SCHEMA) + "." + quote("derived_" + source.name());
    List<String> staging = new ArrayList<>();
    for (Column column :
        List.of(
            new Column("_batch", io.sluice.api.type.DataType.STRING),
            new Column("_file", io.sluice.api.type.DataType.STRING),
            new Column("_line", io.sluice.api.type.DataType.BIGINT),
            new Column("_record", io.sluice.api.type.DataType.STRING),
            new Column("_malformed", io.sluice.api.type.DataType.STRING))) {
      staging.add(typedNull(column.name(), column.type()));
    }
    for (SourceField field : compiled.fields()) {
      staging.add(typedNull(STAGING_PREFIX + field.name(), io.sluice.api.type.DataType.STRING));
    }
    // Empty tables: a view is bound again wherever it is read, and on a wide source (thousands
    // of columns) binding is what takes the time. The mapping of non-derived columns is generated
    // from the declared types alone (checked by the loader), so it is not compiled: the mapped
    // relation is the staged fields plus each column as a typed NULL.
    List<String> mappedColumns = new ArrayList<>(staging);
    for (ColumnDef column : source.columns()) {
      if (!column.derived()) {
        mappedColumns.add(typedNull(column.name(), column.type()));
      }
    }
    checker.define(
        "CREATE TABLE "
            + mapped
            + " AS SELECT "
            + String.join(", ", mappedColumns)
            + " WHERE FALSE");
    if (compiled.columns().stream().anyMatch(MappedColumn::derived)) {
      if (!mapping(source, compiled, true, mapped, derived, userColumns)) {
        return;
      }
    } else {
      derived = mapped;
    }
    List<String> all = new ArrayList<>();
    for (CompiledRule rule : compiled.rules()) {
      if (written(source, rule)) {
        // named: an engine may name an unnamed expression after its text, which costs time
        // growing with the square of the number of columns on wide sources
        all.add(ruleSql(rule, all.size()));
      }
    }
    if (all.isEmpty() || compiles("SELECT " + String.join(", ", all) + " FROM " + derived)) {
      return;
    }
    // something does not compile: find which, one rule at a time
    for (CompiledRule rule : compiled.rules()) {
      if (!written(source, rule)) {
        continue;
      }
      try {
        checker.columns("SELECT " + ruleSql(rule, 0) + " FROM " + derived);
      } catch (SluiceException e) {
        ruleProblem(source, rule, explain(e.getMessage(), userColumns));
      }
    }
  }

  /**
   * Whether the rule holds something the user wrote (an expression, bounds, a pattern, values, a
   * reference): rules generated from the declared types alone ({@code type}, {@code not_null})
   * compile whenever the mapping does, and skipping them keeps wide sources fast to check.
   */
  private static boolean written(SourceDef source, CompiledRule rule) {
    if (rule.kind() != CompiledRule.Kind.EXPRESSION) {
      return false;
    }
    if (rule.column().isEmpty()) {
      return true;
    }
    return !rule.name().equals("type") && !rule.name().equals(CheckDef.Kind.NOT_NULL.yamlName());
  }

  private String ruleSql(CompiledRule rule, int index) {
    String sql = rule.failWhen() + " AS " + quote("f" + index);
    return rule.valueExpression().isEmpty()
        ? sql
        : sql + ", " + rule.valueExpression() + " AS " + quote("v" + index);
  }

  /** Defines {@code to} as {@code from} plus the (non-)derived columns; false when it fails. */
  private boolean mapping(
      SourceDef source,
      CompiledSource compiled,
      boolean derivedColumns,
      String from,
      String to,
      List<String> userColumns) {
    String select = MappedColumn.selectList(compiled.columns(), derivedColumns, dialect);
    try {
      checker.define("CREATE VIEW " + to + " AS SELECT *" + select + " FROM " + from);
      return true;
    } catch (SluiceException all) {
      boolean found = false;
      for (MappedColumn column : compiled.columns()) {
        if (column.derived() != derivedColumns) {
          continue;
        }
        try {
          checker.columns(
              "SELECT *"
                  + MappedColumn.selectList(List.of(column), derivedColumns, dialect)
                  + " FROM "
                  + from);
        } catch (SluiceException e) {
          found = true;
          ColumnDef def = column(source, column.name());
          problems.add(
              new Problem(
                  def.location(),
                  "column '"
                      + column.name()
                      + "': "
                      + (derivedColumns ? "expression: " : "")
                      + explain(e.getMessage(), userColumns)));
        }
      }
      if (!found) {
        problems.add(
            new Problem(
                source.location(),
                "the columns of source '"
                    + source.name()
                    + "' do not compile together: "
                    + explain(all.getMessage(), userColumns)));
      }
      return false;
    }
  }

  private void ruleProblem(SourceDef source, CompiledRule rule, String why) {
    for (SourceDef.RowCheck check : source.checks()) {
      if (rule.column().isEmpty() && check.name().equals(rule.name())) {
        problems.add(new Problem(check.location(), "check '" + rule.name() + "': " + why));
        return;
      }
    }
    if (!rule.column().isEmpty()) {
      ColumnDef column = column(source, rule.column());
      Location location =
          column.checks().stream()
              .filter(c -> c.kind().yamlName().equals(rule.name()))
              .map(CheckDef::location)
              .findFirst()
              .orElse(column.location());
      problems.add(
          new Problem(
              location, "column '" + rule.column() + "': check '" + rule.name() + "': " + why));
      return;
    }
    problems.add(new Problem(source.location(), "check '" + rule.name() + "': " + why));
  }

  private static ColumnDef column(SourceDef source, String name) {
    return source.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  // ---- models

  /** Defines the model as a view of its rendered SQL; false when it does not compile. */
  private boolean model(ModelDef model) {
    ModelRenderer renderer = new ModelRenderer();
    String sql;
    try {
      sql = render(renderer, model, false);
    } catch (SluiceException e) {
      problems.add(new Problem(model.location(), e.getMessage()));
      return false;
    }
    try {
      checker.define("CREATE VIEW " + quote(model.name()) + " AS " + trim(sql));
    } catch (SluiceException e) {
      problems.add(modelProblem(model, sql, e));
      return false;
    }
    List<String> columns = checker.columns("SELECT * FROM " + quote(model.name()));
    modelColumns.put(model.name(), columns);
    Set<String> lower = new LinkedHashSet<>();
    columns.forEach(c -> lower.add(c.toLowerCase(Locale.ROOT)));
    for (String key : model.uniqueKey()) {
      if (!lower.contains(key.toLowerCase(Locale.ROOT))) {
        problems.add(
            new Problem(
                uniqueKeyLine(model),
                "unique_key '"
                    + key
                    + "' is not a column of model '"
                    + model.name()
                    + "'"
                    + DidYouMean.hint(key, columns)
                    + " (its columns: "
                    + String.join(", ", columns)
                    + ")"));
      }
    }
    if (model.materialization() == Materialization.INCREMENTAL) {
      try {
        String incremental = render(renderer, model, true);
        try {
          checker.columns(trim(incremental));
        } catch (SluiceException e) {
          Problem problem = modelProblem(model, incremental, e);
          problems.add(
              new Problem(
                  problem.location(),
                  "when is_incremental() is true: " + explain(e.getMessage(), columns)));
        }
      } catch (SluiceException e) {
        problems.add(new Problem(model.location(), e.getMessage()));
      }
    }
    return true;
  }

  private String render(ModelRenderer renderer, ModelDef model, boolean incremental) {
    return renderer.render(
        model,
        new RenderContext(
            this::quote,
            this::sourceRelation,
            this::sourceRelation,
            incremental,
            quote(model.name()),
            project.vars()));
  }

  private Problem modelProblem(ModelDef model, String rendered, SluiceException e) {
    Location location = model.location();
    // the engine's line is the rendered SQL's; it is the template's when rendering kept the lines
    if (rendered.lines().count() == model.template().lines().count()) {
      location = engineLine(location, rendered, e);
    }
    return new Problem(location, explain(e.getMessage(), List.of()));
  }

  private String sourceRelation(String source) {
    return quote(LakeLayout.LAKE_SCHEMA) + "." + quote(source);
  }

  /** Without trailing semicolons; leading lines are kept, so the engine's line numbers hold. */
  private static String trim(String sql) {
    String trimmed = sql.stripTrailing();
    while (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).stripTrailing();
    }
    return trimmed;
  }

  /** The line of the template that sets {@code unique_key}, else the file. */
  private static Location uniqueKeyLine(ModelDef model) {
    List<String> lines = model.template().lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("unique_key")) {
        return new Location(model.location().file(), i + 1, 0);
      }
    }
    return model.location();
  }

  // ---- messages

  private boolean compiles(String query) {
    try {
      checker.columns(query);
      return true;
    } catch (SluiceException e) {
      return false;
    }
  }

  /** The line the engine points at in {@code rendered}, counted as in the template. */
  private static Location engineLine(Location location, String rendered, SluiceException e) {
    Location at = engineLine(location, e.getMessage());
    if (at.line() <= 0) {
      return at;
    }
    // the engine numbers lines from the first that is not blank
    long blank = rendered.lines().takeWhile(String::isBlank).count();
    return new Location(at.file(), at.line() + (int) blank, 0);
  }

  private static Location engineLine(Location location, String message) {
    Matcher line = ENGINE_LINE.matcher(message == null ? "" : message);
    return line.find()
        ? new Location(location.file(), Integer.parseInt(line.group(1)), 0)
        : location;
  }

  /**
   * The engine's message for a person: its first line, without the kind of error, internal staging
   * names shown as the user's, and an unknown column with a did-you-mean among {@code columns}.
   */
  static String explain(String message, List<String> columns) {
    List<String> lines = message == null ? List.of() : message.strip().lines().toList();
    String first = lines.isEmpty() ? "" : ERROR_KIND.matcher(lines.get(0)).replaceFirst("");
    // the engine's own suggestion, unless it suggests an internal name
    String suggestion =
        lines.stream()
            .skip(1)
            .filter(l -> l.startsWith("Did you mean") && !l.contains("s$") && !l.contains("\"_"))
            .findFirst()
            .map(l -> " (" + l.strip().toLowerCase(Locale.ROOT).charAt(0) + l.strip().substring(1))
            .map(l -> l.endsWith("?") ? l + ")" : l + "?)")
            .orElse("");
    Matcher unknown = UNKNOWN_COLUMN.matcher(first);
    if (unknown.find()) {
      String name = unknown.group(1);
      return "unknown column '"
          + name
          + "'"
          + (columns.isEmpty() ? "" : DidYouMean.hint(name, columns));
    }
    return STAGING_NAME.matcher(first).replaceAll("") + suggestion;
  }

  private String quote(String identifier) {
    return dialect.quote(identifier);
  }
}
