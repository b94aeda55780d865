package io.sluice.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.Snapshot;
import io.sluice.core.project.SourceDef;
import io.sluice.core.project.SourceDef.DatasetCheck;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dataset-level checks of a source: statistics of each batch's landed rows (kept in the clean
 * commit's summary, {@value #STATS}, so that later batches compare with them), and the checks over
 * them. Freshness is judged on every run, also when nothing new arrived, so that a stalled source
 * is noticed.
 */
final class DatasetChecks {
  static final String STATS = "sluice.stats";
  private static final String BATCH_SCHEMA = "sluice_batch";

  private final Engine engine;

  DatasetChecks(Engine engine) {
    this.engine = engine;
  }

  /**
   * Statistics of one batch's landed rows.
   *
   * @param rows landed rows
   * @param maxEventTime the newest event time (ISO local date-time, UTC), or null
   * @param nonNull non-null values per checked column
   * @param distinct distinct values per checked column
   */
  record Stats(
      long rows, String maxEventTime, Map<String, Long> nonNull, Map<String, Long> distinct) {}

  /** The batch's landed rows as a relation, for statistics and assertions. */
  String expose(SourceDef source, LakeTable clean, List<DataFile> files) {
    engine.exposeLakeRelations(
        List.of(
            new LakeRelation(
                BATCH_SCHEMA,
                source.name(),
                clean.columns(),
                files.stream().map(DataFile::path).toList())));
    return quote(BATCH_SCHEMA) + "." + quote(source.name());
  }

  Stats stats(SourceDef source, String relation) {
    List<String> select = new ArrayList<>();
    select.add("count(*)");
    select.add(
        source
            .eventTime()
            .map(c -> "CAST(max(" + quote(c) + ") AS " + text() + ")")
            .orElse("CAST(NULL AS " + text() + ")"));
    List<String> nullColumns = new ArrayList<>();
    List<String> distinctColumns = new ArrayList<>();
    for (DatasetCheck check : source.datasetChecks()) {
      if (check.kind().equals("null-rate") && !nullColumns.contains(check.column().orElseThrow())) {
        nullColumns.add(check.column().orElseThrow());
      }
      if (check.kind().equals("distinct-count")
          && !distinctColumns.contains(check.column().orElseThrow())) {
        distinctColumns.add(check.column().orElseThrow());
      }
    }
    nullColumns.forEach(c -> select.add("count(" + quote(c) + ")"));
    distinctColumns.forEach(c -> select.add("count(DISTINCT " + quote(c) + ")"));
    List<Object> row =
        engine.query("SELECT " + String.join(", ", select) + " FROM " + relation, 1).rows().get(0);
    Map<String, Long> nonNull = new TreeMap<>();
    Map<String, Long> distinct = new TreeMap<>();
    int i = 2;
    for (String c : nullColumns) {
      nonNull.put(c, ((Number) row.get(i++)).longValue());
    }
    for (String c : distinctColumns) {
      distinct.put(c, ((Number) row.get(i++)).longValue());
    }
    Object max = row.get(1);
    return new Stats(
        ((Number) row.get(0)).longValue(),
        max == null ? null : max.toString().replace(' ', 'T'),
        nonNull,
        distinct);
  }

  /** The statistics of the batches in a clean table's history, oldest first. */
  static List<Stats> history(LakeTable clean) {
    List<Stats> stats = new ArrayList<>();
    for (Snapshot snapshot : clean.snapshots()) {
      String json = snapshot.summary().get(STATS);
      if (json != null) {
        stats.add(StateStore.fromJson(json, new TypeReference<Stats>() {}));
      }
    }
    return stats;
  }

  /**
   * Evaluates the source's checks.
   *
   * @param batch the statistics of the batch just landed, or null when the run landed nothing
   * @param relation the batch's rows as a relation (for assertions), or null without a batch
   * @param earlier the statistics of earlier batches, oldest first
   * @param now the batch's ingest time (freshness is judged against it)
   */
  List<RunSummary.CheckRun> evaluate(
      SourceDef source, Stats batch, String relation, List<Stats> earlier, Instant now) {
    List<RunSummary.CheckRun> results = new ArrayList<>();
    for (DatasetCheck check : source.datasetChecks()) {
      String failure;
      switch (check.kind()) {
        case "freshness":
          failure = freshness(check, batch, earlier, now);
          break;
        case "volume":
          if (batch == null) {
            continue;
          }
          failure = volume(check, batch, earlier);
          break;
        case "null-rate":
          if (batch == null || batch.rows() == 0) {
            continue;
          }
          failure = nullRate(check, batch, earlier);
          break;
        case "distinct-count":
          if (batch == null) {
            continue;
          }
          failure = distinct(check, batch, earlier);
          break;
        default:
          if (batch == null) {
            continue;
          }
          failure = assertion(check, relation);
      }
      results.add(
          new RunSummary.CheckRun(
              check.name(),
              check.kind(),
              check.fail() ? "fail" : "warn",
              failure == null,
              failure == null ? "" : failure));
    }
    return results;
  }

  private static String freshness(
      DatasetCheck check, Stats batch, List<Stats> earlier, Instant now) {
    String newest = batch == null ? null : batch.maxEventTime();
    for (Stats s : earlier) {
      if (s.maxEventTime() != null && (newest == null || s.maxEventTime().compareTo(newest) > 0)) {
        newest = s.maxEventTime();
      }
    }
    if (newest == null) {
      return "no row with an event time has landed";
    }
    Instant latest = LocalDateTime.parse(newest).toInstant(ZoneOffset.UTC);
    Duration lag = Duration.between(latest, now);
    Duration max = check.maxLag().orElseThrow();
    return lag.compareTo(max) > 0
        ? "the newest event time, "
            + newest
            + ", is "
            + human(lag)
            + " old (max-lag "
            + io.sluice.config.ConfigType.formatDuration(max)
            + ")"
        : null;
  }

  private static String volume(DatasetCheck check, Stats batch, List<Stats> earlier) {
    long rows = batch.rows();
    if (check.minRows().isPresent() && rows < check.minRows().get()) {
      return rows + " rows landed, fewer than min-rows " + check.minRows().get();
    }
    if (check.maxRows().isPresent() && rows > check.maxRows().get()) {
      return rows + " rows landed, more than max-rows " + check.maxRows().get();
    }
    List<Stats> window = window(check, earlier, s -> true);
    if (window == null) {
      return null;
    }
    if (check.maxChange().isPresent()) {
      double mean = window.stream().mapToLong(Stats::rows).average().orElse(0);
      double change = relativeChange(rows, mean);
      if (Math.abs(change) > check.maxChange().get()) {
        return String.format(
            Locale.ROOT,
            "%d rows landed, %+.0f%% from the mean %.1f of the last %d batches (max-change %s)",
            rows,
            change * 100,
            mean,
            check.window(),
            plain(check.maxChange().get()));
      }
    }
    if (check.k().isPresent()) {
      double[] counts = window.stream().mapToDouble(Stats::rows).toArray();
      double mean = java.util.Arrays.stream(counts).average().orElse(0);
      double variance =
          java.util.Arrays.stream(counts).map(c -> (c - mean) * (c - mean)).average().orElse(0);
      double sigma = Math.sqrt(variance);
      double k = check.k().get();
      if (Math.abs(rows - mean) > k * sigma) {
        return String.format(
            Locale.ROOT,
            "%d rows landed, outside %.1f ± %.1f (mean ± %s·σ of the last %d batches)",
            rows,
            mean,
            k * sigma,
            plain(k),
            check.window());
      }
    }
    return null;
  }

  private static String nullRate(DatasetCheck check, Stats batch, List<Stats> earlier) {
    String column = check.column().orElseThrow();
    double rate = rate(batch, column);
    if (check.maxRate().isPresent() && rate > check.maxRate().get()) {
      return String.format(
          Locale.ROOT,
          "%.2f%% of %s is NULL, more than max-rate %s%%",
          rate * 100,
          column,
          plain(check.maxRate().get() * 100));
    }
    List<Stats> window =
        window(check, earlier, s -> s.rows() > 0 && s.nonNull().containsKey(column));
    if (check.maxChange().isPresent() && window != null) {
      double mean = window.stream().mapToDouble(s -> rate(s, column)).average().orElse(0);
      if (Math.abs(rate - mean) > check.maxChange().get()) {
        return String.format(
            Locale.ROOT,
            "%.2f%% of %s is NULL, %.2f points from the %.2f%% of the last %d batches (max-change"
                + " %s)",
            rate * 100,
            column,
            Math.abs(rate - mean) * 100,
            mean * 100,
            check.window(),
            plain(check.maxChange().get()));
      }
    }
    return null;
  }

  private static String distinct(DatasetCheck check, Stats batch, List<Stats> earlier) {
    String column = check.column().orElseThrow();
    long count = batch.distinct().getOrDefault(column, 0L);
    if (check.min().isPresent() && count < check.min().get()) {
      return count + " distinct values of " + column + ", fewer than min " + check.min().get();
    }
    List<Stats> window = window(check, earlier, s -> s.distinct().containsKey(column));
    if (check.maxChange().isPresent() && window != null) {
      double mean = window.stream().mapToLong(s -> s.distinct().get(column)).average().orElse(0);
      double change = relativeChange(count, mean);
      if (Math.abs(change) > check.maxChange().get()) {
        return String.format(
            Locale.ROOT,
            "%d distinct values of %s, %+.0f%% from the mean %.1f of the last %d batches"
                + " (max-change %s)",
            count,
            column,
            change * 100,
            mean,
            check.window(),
            plain(check.maxChange().get()));
      }
    }
    return null;
  }

  private String assertion(DatasetCheck check, String relation) {
    String sql = check.sql().orElseThrow().replaceAll("\\{\\{\\s*batch\\s*}}", relation);
    Object failing =
        engine
            .query("SELECT count(*) FROM (" + sql + ") AS sluice_assertion", 1)
            .rows()
            .get(0)
            .get(0);
    long rows = ((Number) failing).longValue();
    return rows == 0 ? null : rows + " rows break the assertion";
  }

  /**
   * How far {@code value} is from {@code mean}, as a fraction of it (infinite from a zero mean).
   */
  private static double relativeChange(long value, double mean) {
    if (mean == 0) {
      return value == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return (value - mean) / mean;
  }

  /** The last {@code window} earlier batches that have the statistic, or null if fewer. */
  private static List<Stats> window(
      DatasetCheck check, List<Stats> earlier, java.util.function.Predicate<Stats> has) {
    List<Stats> with = earlier.stream().filter(has).toList();
    return with.size() < check.window()
        ? null
        : with.subList(with.size() - check.window(), with.size());
  }

  private static double rate(Stats stats, String column) {
    return stats.rows() == 0
        ? 0
        : (double) (stats.rows() - stats.nonNull().getOrDefault(column, 0L)) / stats.rows();
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String human(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds >= 86_400 * 2) {
      return seconds / 86_400 + "d";
    }
    if (seconds >= 3_600 * 2) {
      return seconds / 3_600 + "h";
    }
    if (seconds >= 120) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  private String quote(String identifier) {
    return engine.dialect().quote(identifier);
  }

  private String text() {
    return engine.dialect().typeName(io.sluice.api.type.DataType.STRING);
  }
}
