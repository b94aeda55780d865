package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One source and the dataset it lands as.
 *
 * @param name source (and dataset) name
 * @param location the source file
 * @param description free text, possibly empty
 * @param connector the name of the installed connector that reads it
 * @param options the connector's options, as its factory resolved them (plain Java values)
 * @param eventTime the dataset column holding event time, if any
 * @param granularity event-time partition granularity
 * @param partitionColumns extra identity partition columns
 * @param columns the dataset's columns in order
 * @param checks row-level checks
 * @param functions record functions applied to each record before mapping, in order
 * @param late the policy for late events; {@link LatePolicy#ACCEPT} when none is declared
 * @param datasetChecks checks over each whole batch
 * @param drift what a batch whose input drifted from the declared columns does
 * @param primaryKey the columns whose values identify a row; when set, each batch is merged into
 *     the clean table (one row per key, the latest read; deletes remove a key) instead of appended
 */
public record SourceDef(
    String name,
    Location location,
    String description,
    String connector,
    Map<String, Object> options,
    Optional<String> eventTime,
    Granularity granularity,
    List<String> partitionColumns,
    List<ColumnDef> columns,
    List<RowCheck> checks,
    List<FunctionDef> functions,
    LatePolicy late,
    List<DatasetCheck> datasetChecks,
    DriftPolicy drift,
    List<String> primaryKey) {
  public SourceDef {
    requireNonNull(name, "name is null");
    requireNonNull(location, "location is null");
    requireNonNull(description, "description is null");
    requireNonNull(connector, "connector is null");
    options = Map.copyOf(options);
    requireNonNull(eventTime, "eventTime is null");
    requireNonNull(granularity, "granularity is null");
    partitionColumns = List.copyOf(partitionColumns);
    columns = List.copyOf(columns);
    checks = List.copyOf(checks);
    functions = List.copyOf(functions);
    requireNonNull(late, "late is null");
    datasetChecks = List.copyOf(datasetChecks);
    requireNonNull(drift, "drift is null");
    primaryKey = List.copyOf(primaryKey);
  }

  /** A source with no primary key: its batches are appended. */
  public SourceDef(
      String name,
      Location location,
      String description,
      String connector,
      Map<String, Object> options,
      Optional<String> eventTime,
      Granularity granularity,
      List<String> partitionColumns,
      List<ColumnDef> columns,
      List<RowCheck> checks,
      List<FunctionDef> functions,
      LatePolicy late,
      List<DatasetCheck> datasetChecks,
      DriftPolicy drift) {
    this(
        name,
        location,
        description,
        connector,
        options,
        eventTime,
        granularity,
        partitionColumns,
        columns,
        checks,
        functions,
        late,
        datasetChecks,
        drift,
        List.of());
  }

  /** Whether batches are merged into the clean table on {@link #primaryKey()}. */
  public boolean merges() {
    return !primaryKey.isEmpty();
  }

  /** A source with the default schema drift policy, {@link DriftPolicy#DEFAULT}. */
  public SourceDef(
      String name,
      Location location,
      String description,
      String connector,
      Map<String, Object> options,
      Optional<String> eventTime,
      Granularity granularity,
      List<String> partitionColumns,
      List<ColumnDef> columns,
      List<RowCheck> checks,
      List<FunctionDef> functions,
      LatePolicy late,
      List<DatasetCheck> datasetChecks) {
    this(
        name,
        location,
        description,
        connector,
        options,
        eventTime,
        granularity,
        partitionColumns,
        columns,
        checks,
        functions,
        late,
        datasetChecks,
        DriftPolicy.DEFAULT);
  }

  /** This source with other columns (the declared ones plus those schema evolution added). */
  public SourceDef withColumns(List<ColumnDef> newColumns) {
    return new SourceDef(
        name,
        location,
        description,
        connector,
        options,
        eventTime,
        granularity,
        partitionColumns,
        newColumns,
        checks,
        functions,
        late,
        datasetChecks,
        drift,
        primaryKey);
  }

  /** What a batch whose input drifted from the declared columns does; see {@code schema-drift}. */
  public enum DriftPolicy {
    /**
     * No policy declared: as {@link #IGNORE}, except that a field a column without a default reads
     * and the input lacks altogether (a misspelt {@code from:}, a wrong CSV delimiter) stops the
     * batch before it lands (files sources; see {@code MissingFields}).
     */
    DEFAULT,
    IGNORE,
    EVOLVE,
    QUARANTINE,
    FAIL
  }

  /**
   * A check over a whole batch of landed rows (see {@code SourceSpec.DATASET_CHECK_DEF}); the
   * settings that do not apply to its kind are empty.
   *
   * @param name check name
   * @param kind {@code freshness}, {@code volume}, {@code null-rate}, {@code distinct-count} or
   *     {@code assertion}
   * @param fail whether a failure fails the run (severity {@code fail}); else it warns
   * @param maxLag freshness bound
   * @param minRows volume lower bound
   * @param maxRows volume upper bound
   * @param window earlier batches the drift bounds compare with
   * @param k volume: allowed standard deviations from the mean
   * @param column null-rate and distinct-count column
   * @param maxRate null-rate bound
   * @param maxChange null-rate (absolute) or distinct-count (relative) drift bound
   * @param min distinct-count lower bound
   * @param sql assertion query, with {@code {{ batch }}} for the batch's rows
   * @param location where it was declared
   */
  public record DatasetCheck(
      String name,
      String kind,
      boolean fail,
      Optional<java.time.Duration> maxLag,
      Optional<Long> minRows,
      Optional<Long> maxRows,
      int window,
      Optional<Double> k,
      Optional<String> column,
      Optional<Double> maxRate,
      Optional<Double> maxChange,
      Optional<Long> min,
      Optional<String> sql,
      Location location) {
    public DatasetCheck {
      requireNonNull(name, "name is null");
      requireNonNull(kind, "kind is null");
      requireNonNull(location, "location is null");
    }
  }

  /**
   * What happens to events whose event time is more than {@code allowedLateness} before their batch
   * is ingested.
   *
   * @param allowedLateness how late an event may be
   * @param quarantine quarantine late events (rule {@code late}); otherwise they land
   */
  public record LatePolicy(java.time.Duration allowedLateness, boolean quarantine) {
    /** Every event lands, however late. */
    public static final LatePolicy ACCEPT = new LatePolicy(java.time.Duration.ZERO, false);

    public LatePolicy {
      requireNonNull(allowedLateness, "allowedLateness is null");
    }
  }

  /** Event-time partition granularity. */
  public enum Granularity {
    DAY,
    HOUR
  }

  /**
   * A row-level check: a SQL boolean over the dataset's columns that is TRUE for a good row.
   *
   * @param name rule name in quarantine
   * @param expression SQL boolean
   * @param message what a failure means, possibly empty
   * @param location where it was declared
   */
  public record RowCheck(
      String name,
      String expression,
      String message,
      Location location,
      io.sluice.api.engine.CompiledRule.Severity severity) {
    public RowCheck {
      requireNonNull(name, "name is null");
      requireNonNull(expression, "expression is null");
      requireNonNull(message, "message is null");
      requireNonNull(location, "location is null");
      requireNonNull(severity, "severity is null");
    }

    /** A row check of severity quarantine. */
    public RowCheck(String name, String expression, String message, Location location) {
      this(
          name,
          expression,
          message,
          location,
          io.sluice.api.engine.CompiledRule.Severity.QUARANTINE);
    }
  }
}
