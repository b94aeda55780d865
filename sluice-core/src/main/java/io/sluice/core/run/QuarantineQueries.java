package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.SqlDialect;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.Snapshot;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.RuleCompiler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The queries that read quarantined records from the warehouse's {@code quarantine.<source>} views
 * (which leave out what replays landed): what {@code sluice quarantine list} and {@code show} run
 * on the engine, and what the web console's quarantine browser runs on a sandboxed reader. One
 * place for the SQL, so that both filter and name rules alike ({@link FailedRules}). The SQL is
 * DuckDB's ({@code from_json}, {@code unnest}), the warehouse both run on.
 */
public final class QuarantineQueries {
  /** Each failure of a quarantined row ({@code _errors}) as a row {@code f(rule, column)}. */
  private static final String FAILURES =
      "unnest(from_json(_errors, '[{\"rule\":\"VARCHAR\",\"column\":\"VARCHAR\"}]')) AS f";

  /** A failure's name as every command prints it: {@code range(amount)}, {@code parse}. */
  private static final String FAILURE_NAME =
      "f.rule || CASE WHEN f.\"column\" = '' THEN '' ELSE '(' || f.\"column\" || ')' END";

  private QuarantineQueries() {}

  /**
   * Which quarantined records to read: those of one source, and of the filters given.
   *
   * @param source the source
   * @param rule only records that failed this rule, named as {@link FailedRules} names failures
   *     ({@code range(amount)}), or a bare rule name for every column it is on
   * @param file only records of files whose path contains this text
   * @param line only records at this line (position) of their file
   * @param batch only records of this batch ({@code b-000001})
   */
  public record Filter(
      String source,
      Optional<String> rule,
      Optional<String> file,
      Optional<Long> line,
      Optional<String> batch) {
    public Filter {
      requireNonNull(source, "source is null");
      requireNonNull(rule, "rule is null");
      requireNonNull(file, "file is null");
      requireNonNull(line, "line is null");
      requireNonNull(batch, "batch is null");
    }
  }

  /**
   * Per source and failure ({@code range(amount)}): how many records failed it and the first file
   * (columns {@code source, rule, records, first_file}), by source name, then by count, most first;
   * empty when {@code sources} is.
   */
  public static Optional<String> counts(List<String> sources) {
    List<String> parts = new ArrayList<>();
    for (String source : sources) {
      parts.add(
          "SELECT "
              + literal(source)
              + " AS source, "
              + FAILURE_NAME
              + " AS rule, count(*) AS records, min(_file) AS first_file"
              + " FROM (SELECT _file, "
              + FAILURES
              + " FROM "
              + view(source)
              + ") GROUP BY 1, 2");
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(String.join(" UNION ALL ", parts) + " ORDER BY source, records DESC, rule");
  }

  /**
   * The sources whose quarantine view the warehouse has (one column): a reader of a published
   * snapshot may not have the view of a source whose first batch landed after the publication.
   */
  public static String views() {
    return "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        + literal(LakeLayout.QUARANTINE);
  }

  /** The names of the failures in the quarantine of {@code source} (one column, distinct). */
  public static String failureNames(String source) {
    return "SELECT DISTINCT "
        + FAILURE_NAME
        + " FROM (SELECT "
        + FAILURES
        + " FROM "
        + view(source)
        + ")";
  }

  /**
   * Checks that {@code rule} names a rule of {@code source}: one of its rules (with or without its
   * column), a built-in one, or a failure already in its quarantine.
   *
   * @param quarantined the failure names {@link #failureNames} found
   * @throws io.sluice.api.SluiceException (USER) naming the closest known rule and all of them
   */
  public static void requireKnownRule(
      SourceDef source, SqlDialect dialect, String rule, Collection<String> quarantined) {
    FailedRules.requireKnown(
        source.name(),
        rule,
        FailedRules.known(new RuleCompiler(dialect).compile(source).rules(), quarantined));
  }

  /**
   * The records {@code filter} selects, in file and line order, {@code limit} of them from {@code
   * offset}: columns {@code _batch, _ingested_at, _file, _line, _rules, _record, _errors}.
   *
   * @param quarantine the source's quarantine table, for the ingest time of each batch
   */
  public static String records(
      Filter filter, Optional<LakeTable> quarantine, int limit, long offset) {
    return "SELECT q._batch, t._ingested_at, q._file, q._line, q._rules, q._record, q._errors"
        + " FROM "
        + view(filter.source())
        + " q LEFT JOIN ("
        + ingestTimes(quarantine)
        + ") t ON t._batch = q._batch"
        + where(filter)
        + " ORDER BY q._file, q._line, q._batch LIMIT "
        + Math.max(0, limit)
        + (offset > 0 ? " OFFSET " + offset : "");
  }

  /** How many records {@code filter} selects (one row, one column). */
  public static String count(Filter filter) {
    return "SELECT count(*) FROM " + view(filter.source()) + " q" + where(filter);
  }

  private static String where(Filter filter) {
    List<String> conditions = new ArrayList<>();
    filter.rule().ifPresent(rule -> conditions.add(failed(rule)));
    filter.file().ifPresent(file -> conditions.add("strpos(q._file, " + literal(file) + ") > 0"));
    filter.line().ifPresent(line -> conditions.add("q._line = " + line));
    filter.batch().ifPresent(batch -> conditions.add("q._batch = " + literal(batch)));
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /**
   * A condition on quarantined rows {@code q}: they failed {@code rule} (see {@link
   * FailedRules#selects}).
   */
  private static String failed(String rule) {
    String literal = literal(rule);
    return "EXISTS (SELECT 1 FROM (SELECT "
        + FAILURES.replace("_errors", "q._errors")
        + ") WHERE f.rule = "
        + literal
        + " OR "
        + FAILURE_NAME
        + " = "
        + literal
        + ")";
  }

  /**
   * A relation {@code (_batch, _ingested_at)}: when each batch of the table was ingested, from the
   * runner's {@code sluice.ingested-at} in the commit summary, else the commit time.
   */
  static String ingestTimes(Optional<LakeTable> table) {
    StringBuilder sql =
        new StringBuilder("SELECT NULL::VARCHAR AS _batch, NULL::VARCHAR AS _ingested_at");
    for (Snapshot snapshot : table.map(LakeTable::snapshots).orElse(List.of())) {
      String batch = snapshot.summary().get(PipelineRunner.BATCH_ID);
      if (batch == null) {
        continue;
      }
      String at =
          snapshot
              .summary()
              .getOrDefault(
                  PipelineRunner.INGESTED_AT,
                  Instant.ofEpochMilli(snapshot.timestampMillis()).toString());
      sql.append(" UNION ALL SELECT ").append(literal(batch)).append(", ").append(literal(at));
    }
    return sql.toString();
  }

  private static String view(String source) {
    return LakeLayout.QUARANTINE + ".\"" + source.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
