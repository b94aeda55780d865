package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import io.sluice.core.config.ProjectSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded, checked pipeline project. Produced by {@link ProjectLoader}; every reference in it
 * resolves (sources, models, columns) and the model graph has no cycle.
 *
 * @param directory the project folder (absolute)
 * @param name project name
 * @param engine engine name, e.g. {@code duckdb}
 * @param engineOptions options for the engine ({@code engine-options})
 * @param stateDirectory absolute path of the state folder (lake, warehouse, run history)
 * @param lake lake settings
 * @param warehouse where the warehouse lives (absolute path of the DuckDB file when embedded)
 * @param quality project-wide quality settings
 * @param serve settings of {@code sluice serve}: HTTP ingest, its limits, the ingest log, triggers
 * @param maintenance lake maintenance settings
 * @param lineage where the OpenLineage events of runs go (docs/lineage.md)
 * @param orchestration schedules, retries, freshness SLAs and run-history retention
 * @param alerts alert rules and the channels they notify
 * @param vars variables available to model templates as {@code var('name')}
 * @param sources sources in name order
 * @param models models in dependency order (a model comes after everything it refs)
 * @param modelTests column tests from {@code models/schema.yml}, in file order
 * @param singularTests singular tests from {@code tests/*.sql}, in name order
 * @param warnings what the loader found but that does not stop the project, e.g. a file in the
 *     project that Sluice does not read; each with its file
 * @param dashboards dashboards from {@code dashboards/*.yaml}, in name order
 */
public record Project(
    Path directory,
    String name,
    String engine,
    Map<String, String> engineOptions,
    Path stateDirectory,
    LakeConfig lake,
    String warehouse,
    QualityConfig quality,
    ServeConfig serve,
    MaintenanceConfig maintenance,
    LineageConfig lineage,
    Orchestration orchestration,
    Alerts alerts,
    Map<String, Object> vars,
    List<SourceDef> sources,
    List<ModelDef> models,
    List<ModelTest> modelTests,
    List<SingularTest> singularTests,
    List<ProjectException.Problem> warnings,
    List<DashboardDef> dashboards) {
  public Project {
    requireNonNull(directory, "directory is null");
    requireNonNull(name, "name is null");
    requireNonNull(engine, "engine is null");
    engineOptions = Map.copyOf(engineOptions);
    requireNonNull(stateDirectory, "stateDirectory is null");
    requireNonNull(lake, "lake is null");
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(quality, "quality is null");
    requireNonNull(serve, "serve is null");
    requireNonNull(maintenance, "maintenance is null");
    requireNonNull(lineage, "lineage is null");
    requireNonNull(orchestration, "orchestration is null");
    requireNonNull(alerts, "alerts is null");
    vars = Map.copyOf(vars);
    sources = List.copyOf(sources);
    models = List.copyOf(models);
    modelTests = List.copyOf(modelTests);
    singularTests = List.copyOf(singularTests);
    warnings = List.copyOf(warnings);
    dashboards = List.copyOf(dashboards);
  }

  /**
   * The same project with {@code schedules}, {@code retries}, {@code freshness}, {@code history}.
   */
  public Project withOrchestration(Orchestration newOrchestration) {
    return new Project(
        directory,
        name,
        engine,
        engineOptions,
        stateDirectory,
        lake,
        warehouse,
        quality,
        serve,
        maintenance,
        lineage,
        newOrchestration,
        alerts,
        vars,
        sources,
        models,
        modelTests,
        singularTests,
        warnings,
        dashboards);
  }

  /** The same project with the {@code alerts} section. */
  public Project withAlerts(Alerts newAlerts) {
    return new Project(
        directory,
        name,
        engine,
        engineOptions,
        stateDirectory,
        lake,
        warehouse,
        quality,
        serve,
        maintenance,
        lineage,
        orchestration,
        newAlerts,
        vars,
        sources,
        models,
        modelTests,
        singularTests,
        warnings,
        dashboards);
  }

  /** This project with {@code newDashboards}. */
  public Project withDashboards(List<DashboardDef> newDashboards) {
    return new Project(
        directory,
        name,
        engine,
        engineOptions,
        stateDirectory,
        lake,
        warehouse,
        quality,
        serve,
        maintenance,
        lineage,
        orchestration,
        alerts,
        vars,
        sources,
        models,
        modelTests,
        singularTests,
        warnings,
        newDashboards);
  }

  /** The dashboard named {@code name}. */
  public Optional<DashboardDef> dashboard(String name) {
    return dashboards.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  public Optional<SourceDef> source(String sourceName) {
    return sources.stream().filter(s -> s.name().equals(sourceName)).findFirst();
  }

  public Optional<ModelDef> model(String modelName) {
    return models.stream().filter(m -> m.name().equals(modelName)).findFirst();
  }

  /**
   * Lake settings.
   *
   * @param type lake plugin name, e.g. {@code iceberg}
   * @param options plugin options
   */
  public record LakeConfig(String type, Map<String, String> options) {
    public LakeConfig {
      requireNonNull(type, "type is null");
      options = Map.copyOf(options);
    }
  }

  /**
   * Quality settings.
   *
   * @param minScore a batch whose score (valid/total) is below this fails the run, 0..1; 0 never
   *     fails ({@code quality.min-score})
   * @param minRunScore a run whose score over every source is below this fails, 0..1; 0 never fails
   *     ({@code quality.min-run-score})
   * @param sourceMinScores per source, its own {@code min-score}, overriding {@code minScore}
   */
  public record QualityConfig(
      double minScore, double minRunScore, Map<String, Double> sourceMinScores, double warnWeight) {
    public QualityConfig {
      sourceMinScores = Map.copyOf(sourceMinScores);
    }

    /** Thresholds with the default warn weight, 0.5. */
    public QualityConfig(double minScore, double minRunScore, Map<String, Double> sourceMinScores) {
      this(minScore, minRunScore, sourceMinScores, 0.5);
    }

    /** No thresholds. */
    public static QualityConfig none() {
      return new QualityConfig(0, 0, Map.of());
    }

    /** The least score a batch of {@code source} must have: its own, else the project's. */
    public double minScore(String source) {
      return sourceMinScores.getOrDefault(source, minScore);
    }
  }

  /**
   * Settings of {@code sluice serve} (see {@code ProjectSpec.SERVE_DEF} for each one's meaning).
   *
   * @param host listen address
   * @param port listen port, 0 for any free one
   * @param maxBodyBytes largest request body after decompression
   * @param maxRecordBytes largest record
   * @param maxRecordsPerRequest most records per request
   * @param maxBacklogRecords unlanded records per stream above which pushes get 429
   * @param maxInflightBytes memory for bodies in flight; beyond it pushes get 503
   * @param triggerInterval the least time between micro-batch starts while records wait
   * @param triggerRecords waiting records that start a micro-batch at once
   * @param queryTokenEnv environment variable of the query endpoint's token, if any
   * @param queryTokenFile file of the query endpoint's token (absolute), if any
   * @param viewerTokenEnv environment variable of the viewer token (read-only access), if any
   * @param viewerTokenFile file of the viewer token (absolute), if any
   * @param logPartitions partitions per stream
   * @param logSegmentBytes segment size
   * @param logRetentionBytes landed bytes kept per partition
   * @param logRetentionAge landed records kept this long
   * @param bodyTimeout the most time a request body may take to arrive
   * @param maxConnectionsPerClient open connections per client address above which more are closed
   * @param queryTimeout how long one query of the query endpoint may run
   * @param queryMaxBytes the largest result of one query of the query endpoint
   * @param sql the SQL endpoint (PostgreSQL wire protocol)
   * @param tls HTTPS for the server, when {@code serve.tls-key-store} is set
   */
  public record ServeConfig(
      String host,
      int port,
      int maxBodyBytes,
      int maxRecordBytes,
      int maxRecordsPerRequest,
      long maxBacklogRecords,
      long maxInflightBytes,
      java.time.Duration triggerInterval,
      long triggerRecords,
      Optional<String> queryTokenEnv,
      Optional<Path> queryTokenFile,
      Optional<String> viewerTokenEnv,
      Optional<Path> viewerTokenFile,
      int logPartitions,
      long logSegmentBytes,
      long logRetentionBytes,
      java.time.Duration logRetentionAge,
      java.time.Duration bodyTimeout,
      int maxConnectionsPerClient,
      java.time.Duration queryTimeout,
      long queryMaxBytes,
      SqlEndpointConfig sql,
      Optional<TlsConfig> tls) {
    public ServeConfig {
      requireNonNull(sql, "sql is null");
      requireNonNull(tls, "tls is null");
      requireNonNull(queryTimeout, "queryTimeout is null");
      requireNonNull(host, "host is null");
      requireNonNull(bodyTimeout, "bodyTimeout is null");
      requireNonNull(triggerInterval, "triggerInterval is null");
      requireNonNull(queryTokenEnv, "queryTokenEnv is null");
      requireNonNull(queryTokenFile, "queryTokenFile is null");
      requireNonNull(viewerTokenEnv, "viewerTokenEnv is null");
      requireNonNull(viewerTokenFile, "viewerTokenFile is null");
      requireNonNull(logRetentionAge, "logRetentionAge is null");
    }
  }

  /**
   * HTTPS for {@code sluice serve} and {@code sluice ui} ({@code serve.tls-*} of sluice.yaml).
   *
   * @param keyStore the key store (absolute)
   * @param passwordEnv environment variable of its password, if any
   * @param passwordFile file of its password (absolute), if any
   */
  public record TlsConfig(
      Path keyStore, Optional<String> passwordEnv, Optional<Path> passwordFile) {
    public TlsConfig {
      requireNonNull(keyStore, "keyStore is null");
      requireNonNull(passwordEnv, "passwordEnv is null");
      requireNonNull(passwordFile, "passwordFile is null");
    }
  }

  /**
   * The SQL endpoint of {@code sluice serve} ({@code serve.sql-*} of sluice.yaml).
   *
   * @param host listen address
   * @param port listen port (0 for any free one), or empty when the endpoint is off
   * @param maxConnections connections served at once
   * @param maxRows rows one statement may return
   * @param idleTimeout a connection silent this long is closed
   */
  public record SqlEndpointConfig(
      String host,
      Optional<Integer> port,
      int maxConnections,
      int maxRows,
      java.time.Duration idleTimeout) {
    public SqlEndpointConfig {
      requireNonNull(host, "host is null");
      requireNonNull(port, "port is null");
      requireNonNull(idleTimeout, "idleTimeout is null");
    }

    /** The documented defaults: the endpoint off. */
    public static SqlEndpointConfig defaults() {
      return new SqlEndpointConfig(
          ProjectSpec.SERVE_SQL_HOST.defaultValue().orElseThrow(),
          Optional.empty(),
          ProjectSpec.SERVE_SQL_MAX_CONNECTIONS.defaultValue().orElseThrow(),
          ProjectSpec.SERVE_SQL_MAX_ROWS.defaultValue().orElseThrow(),
          ProjectSpec.SERVE_SQL_IDLE_TIMEOUT.defaultValue().orElseThrow());
    }
  }

  /**
   * Lake maintenance settings ({@code maintenance} of sluice.yaml).
   *
   * @param targetFileSizeMb compaction rewrites files smaller than this (MiB) into files of about
   *     this size
   * @param minFiles compaction rewrites a partition when it has at least this many small files
   * @param keepSnapshots expiry keeps at least this many of the newest snapshots of a table
   * @param snapshotMaxAge expiry removes snapshots older than this
   * @param orphanMinAge orphan removal deletes unreferenced files older than this
   * @param interval how often a long-running server runs maintenance
   */
  public record MaintenanceConfig(
      int targetFileSizeMb,
      int minFiles,
      int keepSnapshots,
      Duration snapshotMaxAge,
      Duration orphanMinAge,
      Duration interval) {
    public MaintenanceConfig {
      requireNonNull(snapshotMaxAge, "snapshotMaxAge is null");
      requireNonNull(orphanMinAge, "orphanMinAge is null");
      requireNonNull(interval, "interval is null");
      if (targetFileSizeMb < 1 || minFiles < 2 || keepSnapshots < 1) {
        throw new IllegalArgumentException(
            "target file size %d MiB must be at least 1, min files %d at least 2, keep snapshots %d at least 1"
                .formatted(targetFileSizeMb, minFiles, keepSnapshots));
      }
    }

    /** The documented defaults, as {@link ProjectSpec} defines them. */
    public static MaintenanceConfig defaults() {
      return new MaintenanceConfig(
          ProjectSpec.TARGET_FILE_SIZE_MB.defaultValue().orElseThrow(),
          ProjectSpec.MIN_FILES.defaultValue().orElseThrow(),
          ProjectSpec.KEEP_SNAPSHOTS.defaultValue().orElseThrow(),
          ProjectSpec.SNAPSHOT_MAX_AGE.defaultValue().orElseThrow(),
          ProjectSpec.ORPHAN_MIN_AGE.defaultValue().orElseThrow(),
          ProjectSpec.INTERVAL.defaultValue().orElseThrow());
    }

    /** The compaction target in bytes. */
    public long targetFileSizeBytes() {
      return targetFileSizeMb * 1024L * 1024L;
    }
  }
}
