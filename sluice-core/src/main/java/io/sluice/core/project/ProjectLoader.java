package io.sluice.core.project;

import io.sluice.config.ConfigValues;
import io.sluice.core.config.ProjectSpec;
import io.sluice.core.config.SchemaSpec;
import io.sluice.core.config.SourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a project folder strictly. Every problem found (unknown keys with a did-you-mean, wrong
 * types, missing references, cycles) is collected and reported together in one {@link
 * ProjectException}, each with its file and line.
 *
 * <p>The layout ({@link Layout}): {@code sluice.yaml}; {@code sources/NAME.yaml} (or {@code .yml}),
 * one source per file; {@code models/.../NAME.sql}, one model per file in any folder, and schema
 * files {@code models/.../*.yml} (or {@code .yaml}); optionally {@code tests/.../NAME.sql}, one
 * singular test per file; optionally {@code dashboards/NAME.yaml}, one dashboard per file. A file
 * in these folders that Sluice does not read is a warning naming it. The keys of the YAML files are
 * defined in {@link ProjectSpec}, {@link SourceSpec} and {@link SchemaSpec}.
 */
public final class ProjectLoader {
  static final String PROJECT_FILE = "sluice.yaml";
  static final String SOURCES = "sources";
  static final String MODELS = "models";
  static final String TESTS = "tests";
  static final String DASHBOARDS = "dashboards";

  private ProjectLoader() {}

  /**
   * Loads and checks the project in {@code directory}.
   *
   * @throws ProjectException listing every problem found
   */
  public static Project load(Path directory) {
    return load(directory, EngineOverride.NONE);
  }

  /**
   * Loads and checks the project in {@code directory}, with another engine or engine options than
   * its {@code sluice.yaml} names.
   *
   * @throws ProjectException listing every problem found
   */
  public static Project load(Path directory, EngineOverride override) {
    return load(directory, override, Connectors.installed());
  }

  /**
   * Loads and checks the project in {@code directory}, reading its sources with {@code connectors}.
   *
   * @throws ProjectException listing every problem found
   */
  public static Project load(Path directory, EngineOverride override, Connectors connectors) {
    Path root = directory.toAbsolutePath().normalize();
    Problems problems = new Problems(root);
    Path projectFile = root.resolve(PROJECT_FILE);
    if (!Files.isRegularFile(projectFile)) {
      problems.add(
          Location.of(projectFile),
          "not a Sluice project: no "
              + PROJECT_FILE
              + " in "
              + root
              + "; run `sluice init` to create one");
      problems.throwIfAny();
    }
    Optional<ConfigValues> settings =
        YamlFile.read(projectFile, problems)
            .flatMap(node -> ProjectSpec.PROJECT_DEF.parse(node, problems.in(projectFile)));
    // when sluice.yaml is broken, the rest is still checked, with the documented defaults
    ProjectDefaults sourceDefaults =
        settings
            .map(values -> values.get(ProjectSpec.DEFAULTS))
            .map(
                defaults ->
                    new ProjectDefaults(
                        defaults.get(ProjectSpec.DEFAULT_GRANULARITY),
                        defaults.get(ProjectSpec.DEFAULT_ON_CHANGE)))
            .orElseGet(
                () ->
                    new ProjectDefaults(
                        ProjectSpec.DEFAULT_GRANULARITY.defaultValue().orElseThrow(),
                        ProjectSpec.DEFAULT_ON_CHANGE.defaultValue().orElseThrow()));
    Map<String, Object> vars =
        settings.map(values -> values.get(ProjectSpec.VARS)).orElse(Map.of());

    settings.ifPresent(values -> checkPaths(root, projectFile, values, problems));
    Layout layout = Layout.scan(root, problems);

    // sources
    Map<String, Path> sourceFiles = new LinkedHashMap<>();
    Set<String> brokenSources = new TreeSet<>();
    List<SourceDef> sources = new ArrayList<>();
    Map<String, Double> minScores = new LinkedHashMap<>();
    for (Path file : layout.sources()) {
      String name = stem(file);
      Path other = sourceFiles.putIfAbsent(name, file);
      if (other != null) {
        problems.add(
            Location.of(file),
            "source '"
                + name
                + "' is defined twice: "
                + Location.of(other).display(root)
                + " and "
                + Location.of(file).display(root));
        continue;
      }
      int before = problems.count();
      Optional<SourceReader.Parsed> parsed =
          YamlFile.read(file, problems)
              .flatMap(node -> SourceReader.parse(file, node, connectors, problems));
      parsed
          .flatMap(p -> SourceReader.read(file, p, sourceDefaults, problems))
          .ifPresent(sources::add);
      parsed
          .flatMap(p -> p.values().find(SourceSpec.MIN_SCORE))
          .ifPresent(m -> minScores.put(name, m));
      if (problems.count() > before) {
        brokenSources.add(name);
      }
    }

    sources = Relationships.ordered(sources, brokenSources, problems);

    // models and their schema files
    ModelReader models = new ModelReader(root, problems);
    List<ModelReader.ParsedModel> parsed = models.read(layout.models(), sourceFiles, vars);
    SchemaReader.Result schema = schema(layout.schemaFiles(), parsed, sourceFiles, problems);
    List<ModelDef> modelDefs = models.resolve(parsed, sourceFiles.keySet(), schema.descriptions());

    // singular tests
    Set<String> modelNames = new TreeSet<>();
    parsed.forEach(m -> modelNames.add(m.name()));
    List<SingularTest> singular =
        new TestReader(problems).read(layout.tests(), modelNames, sourceFiles.keySet(), vars);

    problems.throwIfAny();
    Project project =
        project(
            root,
            settings.orElseThrow(),
            sources,
            minScores,
            modelDefs,
            schema.tests(),
            singular,
            problems.warnings(),
            override,
            Orchestration.none(),
            projectFile,
            problems);
    // Schedules and SLAs name sources and models: read against the project they belong to.
    Orchestration orchestration =
        OrchestrationReader.read(projectFile, settings.orElseThrow(), project, problems);
    // Panels read models and sources: also read against the project.
    List<DashboardDef> dashboards =
        new DashboardReader(project, problems).read(layout.dashboards());
    problems.throwIfAny();
    // Alert rules name sources, SLAs and schedules: read against the orchestrated project.
    Project orchestrated = project.withOrchestration(orchestration);
    Alerts alerts = AlertReader.read(projectFile, settings.orElseThrow(), orchestrated, problems);
    problems.throwIfAny();
    return orchestrated.withAlerts(alerts).withDashboards(dashboards);
  }

  private static Project project(
      Path root,
      ConfigValues values,
      List<SourceDef> sources,
      Map<String, Double> minScores,
      List<ModelDef> models,
      List<ModelTest> tests,
      List<SingularTest> singular,
      List<ProjectException.Problem> warnings,
      EngineOverride override,
      Orchestration orchestration,
      Path projectFile,
      Problems problems) {
    String engine = override.engine().orElse(values.get(ProjectSpec.ENGINE));
    Map<String, String> engineOptions = new java.util.TreeMap<>();
    if (engine.equals(values.get(ProjectSpec.ENGINE))) {
      engineOptions.putAll(values.get(ProjectSpec.ENGINE_OPTIONS));
    }
    engineOptions.putAll(override.options());
    Path stateDirectory = root.resolve(values.get(ProjectSpec.STATE_DIR)).normalize();
    ConfigValues lake = values.get(ProjectSpec.LAKE);
    Path warehouse =
        values
            .get(ProjectSpec.WAREHOUSE)
            .find(ProjectSpec.WAREHOUSE_PATH)
            .map(path -> root.resolve(path).normalize())
            // Named after the engine: a DuckDB file, a Spark folder; switching engines does not
            // make one engine open the other's warehouse.
            .orElse(stateDirectory.resolve("warehouse." + engine));
    return new Project(
        root,
        values.find(ProjectSpec.NAME).orElseThrow(),
        engine,
        engineOptions,
        stateDirectory,
        new Project.LakeConfig(lake.get(ProjectSpec.LAKE_TYPE), lake.get(ProjectSpec.LAKE_OPTIONS)),
        warehouse.toString(),
        quality(values.get(ProjectSpec.QUALITY), minScores),
        serve(root, values.get(ProjectSpec.SERVE)),
        maintenance(values.get(ProjectSpec.MAINTENANCE)),
        LineageConfig.read(
            root,
            stateDirectory,
            values.find(ProjectSpec.NAME).orElseThrow(),
            projectFile,
            values.get(io.sluice.core.config.LineageSpec.LINEAGE),
            problems),
        orchestration,
        Alerts.none(),
        values.get(ProjectSpec.VARS),
        sources,
        models,
        tests,
        singular,
        warnings,
        List.of());
  }

  private static Project.QualityConfig quality(
      ConfigValues quality, Map<String, Double> minScores) {
    return new Project.QualityConfig(
        quality.get(ProjectSpec.MIN_SCORE),
        quality.get(ProjectSpec.MIN_RUN_SCORE),
        minScores,
        quality.get(ProjectSpec.WARN_WEIGHT));
  }

  private static Project.ServeConfig serve(Path root, ConfigValues serve) {
    ConfigValues log = serve.get(ProjectSpec.SERVE_LOG);
    return new Project.ServeConfig(
        serve.get(ProjectSpec.SERVE_HOST),
        serve.get(ProjectSpec.SERVE_PORT),
        serve.get(ProjectSpec.SERVE_MAX_BODY_BYTES),
        serve.get(ProjectSpec.SERVE_MAX_RECORD_BYTES),
        serve.get(ProjectSpec.SERVE_MAX_RECORDS),
        serve.get(ProjectSpec.SERVE_MAX_BACKLOG),
        (long) serve.get(ProjectSpec.SERVE_MAX_INFLIGHT_MB) << 20,
        java.time.Duration.ofMillis(serve.get(ProjectSpec.SERVE_TRIGGER_MS)),
        serve.get(ProjectSpec.SERVE_TRIGGER_RECORDS),
        serve.find(ProjectSpec.SERVE_QUERY_TOKEN_ENV),
        serve.find(ProjectSpec.SERVE_QUERY_TOKEN_FILE).map(f -> root.resolve(f).normalize()),
        serve.find(ProjectSpec.SERVE_VIEWER_TOKEN_ENV),
        serve.find(ProjectSpec.SERVE_VIEWER_TOKEN_FILE).map(f -> root.resolve(f).normalize()),
        log.get(ProjectSpec.LOG_PARTITIONS),
        (long) log.get(ProjectSpec.LOG_SEGMENT_MB) << 20,
        (long) log.get(ProjectSpec.LOG_RETENTION_MB) << 20,
        java.time.Duration.ofHours(log.get(ProjectSpec.LOG_RETENTION_HOURS)),
        serve.get(ProjectSpec.SERVE_BODY_TIMEOUT),
        serve.get(ProjectSpec.SERVE_MAX_CONNECTIONS_PER_CLIENT),
        serve.get(ProjectSpec.SERVE_QUERY_TIMEOUT),
        (long) serve.get(ProjectSpec.SERVE_QUERY_MAX_MB) << 20,
        new Project.SqlEndpointConfig(
            serve.get(ProjectSpec.SERVE_SQL_HOST),
            serve.find(ProjectSpec.SERVE_SQL_PORT),
            serve.get(ProjectSpec.SERVE_SQL_MAX_CONNECTIONS),
            serve.get(ProjectSpec.SERVE_SQL_MAX_ROWS),
            serve.get(ProjectSpec.SERVE_SQL_IDLE_TIMEOUT)),
        serve
            .find(ProjectSpec.SERVE_TLS_KEY_STORE)
            .map(
                store ->
                    new Project.TlsConfig(
                        root.resolve(store).normalize(),
                        serve.find(ProjectSpec.SERVE_TLS_PASSWORD_ENV),
                        serve
                            .find(ProjectSpec.SERVE_TLS_PASSWORD_FILE)
                            .map(f -> root.resolve(f).normalize()))));
  }

  private static Project.MaintenanceConfig maintenance(ConfigValues values) {
    return new Project.MaintenanceConfig(
        values.get(ProjectSpec.TARGET_FILE_SIZE_MB),
        values.get(ProjectSpec.MIN_FILES),
        values.get(ProjectSpec.KEEP_SNAPSHOTS),
        values.get(ProjectSpec.SNAPSHOT_MAX_AGE),
        values.get(ProjectSpec.ORPHAN_MIN_AGE),
        values.get(ProjectSpec.INTERVAL));
  }

  private static SchemaReader.Result schema(
      List<Path> files,
      List<ModelReader.ParsedModel> models,
      Map<String, Path> sources,
      Problems problems) {
    Set<String> modelNames = new TreeSet<>();
    models.forEach(m -> modelNames.add(m.name()));
    Map<String, String> descriptions = new LinkedHashMap<>();
    List<ModelTest> tests = new ArrayList<>();
    Map<String, Location> described = new LinkedHashMap<>();
    for (Path file : files) {
      YamlFile.read(file, problems)
          .flatMap(node -> SchemaSpec.SCHEMA_DEF.parse(node, problems.in(file)))
          .map(
              values ->
                  SchemaReader.read(
                      file, values, modelNames, sources.keySet(), described, problems))
          .ifPresent(
              result -> {
                descriptions.putAll(result.descriptions());
                tests.addAll(result.tests());
              });
    }
    return new SchemaReader.Result(descriptions, tests);
  }

  /**
   * Reports a state folder or warehouse that cannot be what it must be: a state folder that is a
   * file (or lies under one), a warehouse that is a device or other special file ({@code
   * /dev/null}). Whether the places can be written is checked before a run ({@code ProjectCheck}),
   * since reading commands need not write.
   */
  private static void checkPaths(Path root, Path file, ConfigValues values, Problems problems) {
    if (values.isSet(ProjectSpec.STATE_DIR)) {
      Path state = root.resolve(values.get(ProjectSpec.STATE_DIR)).normalize();
      notUnderAFile(state, "state-dir", "a folder")
          .ifPresent(
              message ->
                  problems.add(Problems.at(file, values.nodeOf(ProjectSpec.STATE_DIR)), message));
    }
    ConfigValues warehouse = values.get(ProjectSpec.WAREHOUSE);
    if (warehouse.isSet(ProjectSpec.WAREHOUSE_PATH)) {
      Path path = root.resolve(warehouse.get(ProjectSpec.WAREHOUSE_PATH)).normalize();
      Optional<String> problem =
          Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)
              ? Optional.of(
                  "warehouse path "
                      + path
                      + " is a special file (a device, pipe or socket); name a file or folder"
                      + " where the warehouse can live")
              : notUnderAFile(path.getParent(), "warehouse path", "a folder");
      problem.ifPresent(
          message ->
              problems.add(
                  Problems.at(file, warehouse.nodeOf(ProjectSpec.WAREHOUSE_PATH)), message));
    }
  }

  /** Why {@code path} cannot be (or lie in) a folder: it, or a folder above it, is a file. */
  private static Optional<String> notUnderAFile(Path path, String key, String what) {
    for (Path at = path; at != null; at = at.getParent()) {
      if (Files.isDirectory(at)) {
        return Optional.empty();
      }
      if (Files.exists(at)) {
        return Optional.of(
            key
                + " "
                + path
                + (at.equals(path) ? " is a file" : " lies under " + at + ", which is a file")
                + "; it must be "
                + what
                + " (or not exist yet)");
      }
    }
    return Optional.empty();
  }

  /** A file's name without its extension: a source's or model's name. */
  static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }
}
