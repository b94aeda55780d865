package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
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
 * @param vars variables available to model templates as {@code var('name')}
 * @param sources sources in name order
 * @param models models in dependency order (a model comes after everything it refs)
 * @param modelTests column tests from {@code models/schema.yml}, in file order
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
    Map<String, Object> vars,
    List<SourceDef> sources,
    List<ModelDef> models,
    List<ModelTest> modelTests) {
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
    vars = Map.copyOf(vars);
    sources = List.copyOf(sources);
    models = List.copyOf(models);
    modelTests = List.copyOf(modelTests);
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
   *     fails
   */
  public record QualityConfig(double minScore) {}

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
   * @param logPartitions partitions per stream
   * @param logSegmentBytes segment size
   * @param logRetentionBytes landed bytes kept per partition
   * @param logRetentionAge landed records kept this long
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
      int logPartitions,
      long logSegmentBytes,
      long logRetentionBytes,
      java.time.Duration logRetentionAge) {
    public ServeConfig {
      requireNonNull(host, "host is null");
      requireNonNull(triggerInterval, "triggerInterval is null");
      requireNonNull(logRetentionAge, "logRetentionAge is null");
    }
  }
}
