package io.sluice.core.config;

import static io.sluice.config.ConfigType.anyMap;
import static io.sluice.config.ConfigType.duration;
import static io.sluice.config.ConfigType.identifier;
import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.number;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;
import static io.sluice.config.ConfigType.stringMap;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The keys of {@code sluice.yaml}, the project file. */
public final class ProjectSpec {
  private ProjectSpec() {}

  /** Event-time partition granularities, as written in YAML. */
  public static final List<String> GRANULARITIES = List.of("day", "hour");

  /** What a {@code files} source does with a file it already read that changed. */
  public static final List<String> ON_CHANGE = List.of("fail", "skip", "append");

  public static final ConfigKey<String> LAKE_TYPE =
      ConfigKey.builder("type", string())
          .doc("Lake plugin that stores the tables.")
          .defaultValue("iceberg")
          .build();
  public static final ConfigKey<Map<String, String>> LAKE_OPTIONS =
      ConfigKey.builder("options", stringMap())
          .doc("Options for the lake plugin, e.g. a catalog URI.")
          .defaultValue(Map.of())
          .build();
  public static final ConfigDef LAKE_DEF =
      ConfigDef.builder("lake", "Where the lake tables are kept.")
          .add(LAKE_TYPE, LAKE_OPTIONS)
          .build();

  public static final ConfigKey<String> WAREHOUSE_PATH =
      ConfigKey.builder("path", string())
          .doc(
              "The warehouse, relative to the project folder: a DuckDB file for `duckdb`, a"
                  + " folder of Parquet tables for `spark`.")
          .defaultDoc("`<state-dir>/warehouse.<engine>` (e.g. `.sluice/warehouse.duckdb`)")
          .build();
  public static final ConfigDef WAREHOUSE_DEF =
      ConfigDef.builder("warehouse", "Where models are published for queries and dashboards.")
          .add(WAREHOUSE_PATH)
          .build();

  public static final ConfigKey<String> DEFAULT_GRANULARITY =
      ConfigKey.builder("granularity", oneOf(GRANULARITIES.toArray(String[]::new)))
          .doc("Event-time partition granularity of sources that do not set their own.")
          .defaultValue("day")
          .build();
  public static final ConfigKey<String> DEFAULT_ON_CHANGE =
      ConfigKey.builder("on-change", oneOf(ON_CHANGE.toArray(String[]::new)))
          .doc(
              "What a source does when a file or object it already read has changed, for sources"
                  + " whose connector has an `on-change` option and that do not set it: fail the"
                  + " run, skip the file, or append it again.")
          .defaultValue("fail")
          .build();
  public static final ConfigDef DEFAULTS_DEF =
      ConfigDef.builder("defaults", "Defaults for the sources of the project.")
          .add(DEFAULT_GRANULARITY, DEFAULT_ON_CHANGE)
          .build();

  public static final ConfigKey<Double> MIN_SCORE =
      ConfigKey.builder("min-score", number(0, 1))
          .doc(
              "A batch whose quality score (valid rows / rows) is below this fails the run;"
                  + " 0 never fails. A source's own `min-score` overrides it.")
          .defaultValue(0.0)
          .build();
  public static final ConfigKey<Double> MIN_RUN_SCORE =
      ConfigKey.builder("min-run-score", number(0, 1))
          .doc(
              "A run whose quality score over every source (valid rows / rows read in the run) is"
                  + " below this fails; 0 never fails.")
          .defaultValue(0.0)
          .build();
  public static final ConfigKey<Double> WARN_WEIGHT =
      ConfigKey.builder("warn-weight", number(0, 1))
          .doc(
              "How much a row that landed but failed a rule of severity warn counts against the"
                  + " weighted score: weighted = (valid - warn-weight * warned) / read. 0 makes"
                  + " warnings free, 1 counts them like quarantined rows.")
          .defaultValue(0.5)
          .build();
  public static final ConfigDef QUALITY_DEF =
      ConfigDef.builder("quality", "Project-wide data quality settings.")
          .add(MIN_SCORE, MIN_RUN_SCORE, WARN_WEIGHT)
          .build();

  public static final ConfigKey<Integer> LOG_PARTITIONS =
      ConfigKey.builder("partitions", integer(1))
          .doc(
              "Partitions of each stream: records of one partition key keep their order, and the"
                  + " partitions of a stream are written and fsynced independently. Fixed once the"
                  + " stream holds records.")
          .defaultValue(4)
          .build();
  public static final ConfigKey<Integer> LOG_SEGMENT_MB =
      ConfigKey.builder("segment-mb", integer(1))
          .doc("A log segment file is closed and a new one started at this size, in MiB.")
          .defaultValue(64)
          .build();
  public static final ConfigKey<Integer> LOG_RETENTION_MB =
      ConfigKey.builder("retention-mb", integer(0))
          .doc(
              "Landed records are deleted while a partition holds more than this many MiB."
                  + " Records not yet landed are never deleted.")
          .defaultValue(1024)
          .build();
  public static final ConfigKey<Integer> LOG_RETENTION_HOURS =
      ConfigKey.builder("retention-hours", integer(0))
          .doc("Landed records older than this are deleted.")
          .defaultValue(168)
          .build();
  public static final ConfigDef LOG_DEF =
      ConfigDef.builder(
              "log",
              "The ingest log (`<state-dir>/log`): where pushed records are made durable before"
                  + " they are acknowledged.")
          .add(LOG_PARTITIONS, LOG_SEGMENT_MB, LOG_RETENTION_MB, LOG_RETENTION_HOURS)
          .build();

  public static final ConfigKey<String> SERVE_HOST =
      ConfigKey.builder("host", string())
          .doc("Address the HTTP server listens on; `0.0.0.0` for every interface.")
          .defaultValue("127.0.0.1")
          .build();
  public static final ConfigKey<Integer> SERVE_PORT =
      ConfigKey.builder("port", integer(0))
          .doc("Port the HTTP server listens on; 0 picks a free one (printed at start).")
          .defaultValue(8080)
          .build();
  public static final ConfigKey<Integer> SERVE_MAX_BODY_BYTES =
      ConfigKey.builder("max-body-bytes", integer(1))
          .doc("Largest request body, in bytes, after gzip decompression; larger ones get 413.")
          .defaultValue(16 << 20)
          .build();
  public static final ConfigKey<Integer> SERVE_MAX_RECORD_BYTES =
      ConfigKey.builder("max-record-bytes", integer(1))
          .doc("Largest single record, in bytes of UTF-8 JSON; larger records are rejected.")
          .defaultValue(1 << 20)
          .build();
  public static final ConfigKey<Integer> SERVE_MAX_RECORDS =
      ConfigKey.builder("max-records-per-request", integer(1))
          .doc("Most records in one request; more get 413.")
          .defaultValue(10_000)
          .build();
  public static final ConfigKey<Integer> SERVE_MAX_BACKLOG =
      ConfigKey.builder("max-backlog-records", integer(1))
          .doc(
              "Records of a stream pushed but not yet landed in the lake above which pushes get"
                  + " 429 with Retry-After, until the processor catches up.")
          .defaultValue(5_000_000)
          .build();
  public static final ConfigKey<Integer> SERVE_MAX_INFLIGHT_MB =
      ConfigKey.builder("max-inflight-mb", integer(1))
          .doc(
              "Memory for request bodies being received and written, in MiB; a request that"
                  + " does not fit gets 503 with Retry-After. Bounds memory under any load.")
          .defaultValue(256)
          .build();
  public static final ConfigKey<Duration> SERVE_BODY_TIMEOUT =
      ConfigKey.builder("body-timeout", duration())
          .doc(
              "The most time a request body may take to arrive, from the end of its headers; a"
                  + " slower one is answered 408 and its connection closed. Bodies are read"
                  + " without holding a thread, so slow clients cannot starve others.")
          .defaultValue(Duration.ofSeconds(30))
          .build();
  public static final ConfigKey<Integer> SERVE_MAX_CONNECTIONS_PER_CLIENT =
      ConfigKey.builder("max-connections-per-client", integer(1))
          .doc(
              "Open connections from one client address above which further ones are closed at"
                  + " once. Raise it when many producers reach the server through one proxy.")
          .defaultValue(64)
          .build();
  public static final ConfigKey<Integer> SERVE_TRIGGER_MS =
      ConfigKey.builder("trigger-interval-ms", integer(1))
          .doc(
              "The continuous processor starts a micro-batch this long after the previous one"
                  + " started, when records are waiting (at once when the previous one took"
                  + " longer). It bounds how long a pushed record waits before its batch starts:"
                  + " a project that wants rows queryable within a fraction of a second sets 50 to"
                  + " 100; every batch is an Iceberg commit per table it writes, so lower values"
                  + " also mean more snapshots and small files for maintenance to fold.")
          .defaultValue(500)
          .build();
  public static final ConfigKey<Integer> SERVE_TRIGGER_RECORDS =
      ConfigKey.builder("trigger-records", integer(1))
          .doc(
              "The continuous processor starts a micro-batch at once when this many records are"
                  + " waiting, without waiting for the interval.")
          .defaultValue(200_000)
          .build();
  public static final ConfigKey<String> SERVE_QUERY_TOKEN_ENV =
      ConfigKey.builder("query-token-env", string())
          .doc(
              "Environment variable holding the bearer token of `POST /v1/query` (SQL on the"
                  + " warehouse while serve holds it); without it or `query-token-file` the query"
                  + " endpoint is off. Queries run sandboxed and read-only: they read the warehouse"
                  + " (its newest published snapshot) and the lake's data files, nothing else.")
          .build();
  public static final ConfigKey<String> SERVE_QUERY_TOKEN_FILE =
      ConfigKey.builder("query-token-file", string())
          .doc("File holding the query endpoint's bearer token, relative to the project folder.")
          .build();
  public static final ConfigKey<String> SERVE_VIEWER_TOKEN_ENV =
      ConfigKey.builder("viewer-token-env", string())
          .doc(
              "Environment variable holding the viewer token: it opens the web console's pages,"
                  + " the GETs of the orchestration API, the console's read-only SQL and `POST"
                  + " /v1/query`, but nothing that changes anything (trigger, retry, backfill,"
                  + " pause, replay need the query token, which is the operator's). Optional; needs"
                  + " the query token to be set too. See docs/ui.md.")
          .build();
  public static final ConfigKey<String> SERVE_VIEWER_TOKEN_FILE =
      ConfigKey.builder("viewer-token-file", string())
          .doc("File holding the viewer token, relative to the project folder.")
          .build();
  public static final ConfigKey<String> SERVE_TLS_KEY_STORE =
      ConfigKey.builder("tls-key-store", string())
          .doc(
              "A PKCS12 (`.p12`, `.pfx`) or JKS (`.jks`) key store with the server's certificate"
                  + " and key, relative to the project folder: the ingest API, the other APIs and"
                  + " the console are then served over HTTPS only (the SQL endpoint is not). Needs"
                  + " `tls-key-store-password-env` or `tls-key-store-password-file`.")
          .build();
  public static final ConfigKey<String> SERVE_TLS_PASSWORD_ENV =
      ConfigKey.builder("tls-key-store-password-env", string())
          .doc("Environment variable holding the password of `tls-key-store`.")
          .build();
  public static final ConfigKey<String> SERVE_TLS_PASSWORD_FILE =
      ConfigKey.builder("tls-key-store-password-file", string())
          .doc("File holding the password of `tls-key-store`, relative to the project folder.")
          .build();
  public static final ConfigKey<Duration> SERVE_QUERY_TIMEOUT =
      ConfigKey.builder("query-timeout", duration())
          .doc(
              "How long one query of `POST /v1/query` may run, reading its rows included; a"
                  + " slower query is stopped and answered 408 with a JSON error.")
          .defaultValue(Duration.ofSeconds(30))
          .build();
  public static final ConfigKey<Integer> SERVE_QUERY_MAX_MB =
      ConfigKey.builder("query-max-mb", integer(1))
          .doc(
              "Largest result of one query of `POST /v1/query`, in MiB of values; a larger one is"
                  + " refused with 413 and a JSON error (add LIMIT or select fewer columns).")
          .defaultValue(64)
          .build();
  public static final ConfigKey<String> SERVE_SQL_HOST =
      ConfigKey.builder("sql-host", string())
          .doc(
              "Address the SQL endpoint (PostgreSQL wire protocol, see docs/sql-endpoint.md)"
                  + " listens on; `0.0.0.0` for every interface (the protocol is not encrypted).")
          .defaultValue("127.0.0.1")
          .build();
  public static final ConfigKey<Integer> SERVE_SQL_PORT =
      ConfigKey.builder("sql-port", integer(0))
          .doc(
              "Port of the SQL endpoint, for psql, JDBC drivers and BI tools (e.g. 5433); 0 picks"
                  + " a free one (printed at start). Without it the endpoint is off. Clients"
                  + " authenticate with the query token (`query-token-env` or `query-token-file`)"
                  + " as their password.")
          .build();
  public static final ConfigKey<Integer> SERVE_SQL_MAX_CONNECTIONS =
      ConfigKey.builder("sql-max-connections", integer(1))
          .doc(
              "Connections the SQL endpoint serves at once; more are refused with SQLSTATE 53300"
                  + " (too many connections).")
          .defaultValue(16)
          .build();
  public static final ConfigKey<Integer> SERVE_SQL_MAX_ROWS =
      ConfigKey.builder("sql-max-rows", integer(1))
          .doc(
              "Rows one statement on the SQL endpoint may return; a larger result ends with"
                  + " SQLSTATE 54000 after this many rows, it is never cut silently.")
          .defaultValue(100_000)
          .build();
  public static final ConfigKey<Duration> SERVE_SQL_IDLE_TIMEOUT =
      ConfigKey.builder("sql-idle-timeout", duration())
          .doc(
              "A connection to the SQL endpoint that sends no complete message for this long is"
                  + " closed (SQLSTATE 57P05).")
          .defaultValue(Duration.ofMinutes(10))
          .build();
  public static final ConfigKey<ConfigValues> SERVE_LOG =
      ConfigKey.builder("log", section(LOG_DEF)).doc(LOG_DEF.doc()).build();
  public static final ConfigDef SERVE_DEF =
      ConfigDef.builder(
              "serve",
              "`sluice serve`: the HTTP ingest API, its limits, and the continuous processor.")
          .add(
              SERVE_HOST,
              SERVE_PORT,
              SERVE_MAX_BODY_BYTES,
              SERVE_MAX_RECORD_BYTES,
              SERVE_MAX_RECORDS,
              SERVE_MAX_BACKLOG,
              SERVE_MAX_INFLIGHT_MB,
              SERVE_BODY_TIMEOUT,
              SERVE_MAX_CONNECTIONS_PER_CLIENT,
              SERVE_TRIGGER_MS,
              SERVE_TRIGGER_RECORDS,
              SERVE_QUERY_TOKEN_ENV,
              SERVE_QUERY_TOKEN_FILE,
              SERVE_VIEWER_TOKEN_ENV,
              SERVE_VIEWER_TOKEN_FILE,
              SERVE_TLS_KEY_STORE,
              SERVE_TLS_PASSWORD_ENV,
              SERVE_TLS_PASSWORD_FILE,
              SERVE_QUERY_TIMEOUT,
              SERVE_QUERY_MAX_MB,
              SERVE_SQL_HOST,
              SERVE_SQL_PORT,
              SERVE_SQL_MAX_CONNECTIONS,
              SERVE_SQL_MAX_ROWS,
              SERVE_SQL_IDLE_TIMEOUT,
              SERVE_LOG)
          .build();

  public static final ConfigKey<Integer> TARGET_FILE_SIZE_MB =
      ConfigKey.builder("target-file-size-mb", integer(1))
          .doc(
              "Compaction rewrites the data files smaller than this (MiB) into files of about this"
                  + " size.")
          .defaultValue(128)
          .build();
  public static final ConfigKey<Integer> MIN_FILES =
      ConfigKey.builder("min-files", integer(2))
          .doc("Compaction rewrites a partition only when it holds at least this many small files.")
          .defaultValue(5)
          .build();
  public static final ConfigKey<Integer> KEEP_SNAPSHOTS =
      ConfigKey.builder("keep-snapshots", integer(1))
          .doc("Expiry always keeps at least this many of the newest snapshots of each table.")
          .defaultValue(10)
          .build();
  public static final ConfigKey<Duration> SNAPSHOT_MAX_AGE =
      ConfigKey.builder("snapshot-max-age", duration())
          .doc(
              "Expiry removes snapshots older than this (and deletes the files only they use, such"
                  + " as files replaced by compaction). Keep it longer than the longest query and"
                  + " than the time between runs: the warehouse reads the files listed at the last"
                  + " run.")
          .defaultValue(Duration.ofDays(1))
          .build();
  public static final ConfigKey<Duration> ORPHAN_MIN_AGE =
      ConfigKey.builder("orphan-min-age", duration())
          .doc(
              "Orphan removal deletes unreferenced files in the lake's data folders only when they"
                  + " are older than this; it must exceed the longest batch, whose files are"
                  + " unreferenced until it commits.")
          .defaultValue(Duration.ofDays(1))
          .build();
  public static final ConfigKey<Duration> INTERVAL =
      ConfigKey.builder("interval", duration())
          .doc("How often `sluice serve` runs maintenance (compaction, expiry, orphan removal).")
          .defaultValue(Duration.ofHours(1))
          .build();
  public static final ConfigDef MAINTENANCE_DEF =
      ConfigDef.builder(
              "maintenance",
              "Lake maintenance: small-file compaction, snapshot expiry and orphan-file removal,"
                  + " run by `sluice maintain` and on a schedule by `sluice serve`.")
          .add(
              TARGET_FILE_SIZE_MB,
              MIN_FILES,
              KEEP_SNAPSHOTS,
              SNAPSHOT_MAX_AGE,
              ORPHAN_MIN_AGE,
              INTERVAL)
          .build();

  public static final ConfigKey<String> NAME =
      ConfigKey.builder("name", identifier()).doc("Project name.").required().build();
  public static final ConfigKey<String> DESCRIPTION =
      ConfigKey.builder("description", string()).doc("What the project is for.").build();
  public static final ConfigKey<String> ENGINE =
      ConfigKey.builder("engine", string())
          .doc("Engine that runs the pipeline: `duckdb` (embedded) or `spark`.")
          .defaultValue("duckdb")
          .build();
  public static final ConfigKey<Map<String, String>> ENGINE_OPTIONS =
      ConfigKey.builder("engine-options", stringMap())
          .doc(
              "Options for the engine. `duckdb`: `memory-limit` (e.g. `4GB`; DuckDB spills to"
                  + " `<state-dir>/tmp` beyond it; default an eighth of the machine's memory,"
                  + " from 256 MB to 768 MB) and `threads` (default: the number of cores). `spark`: `master` (default `local[2]`; under"
                  + " spark-submit, the command line's) and any `spark.*` setting.")
          .defaultValue(Map.of())
          .build();
  public static final ConfigKey<String> STATE_DIR =
      ConfigKey.builder("state-dir", string())
          .doc(
              "Folder for the lake, the warehouse and run history, relative to the project folder.")
          .defaultValue(".sluice")
          .build();
  public static final ConfigKey<ConfigValues> LAKE =
      ConfigKey.builder("lake", section(LAKE_DEF)).doc(LAKE_DEF.doc()).build();
  public static final ConfigKey<ConfigValues> WAREHOUSE =
      ConfigKey.builder("warehouse", section(WAREHOUSE_DEF)).doc(WAREHOUSE_DEF.doc()).build();
  public static final ConfigKey<ConfigValues> DEFAULTS =
      ConfigKey.builder("defaults", section(DEFAULTS_DEF)).doc(DEFAULTS_DEF.doc()).build();
  public static final ConfigKey<ConfigValues> QUALITY =
      ConfigKey.builder("quality", section(QUALITY_DEF)).doc(QUALITY_DEF.doc()).build();
  public static final ConfigKey<ConfigValues> SERVE =
      ConfigKey.builder("serve", section(SERVE_DEF)).doc(SERVE_DEF.doc()).build();
  public static final ConfigKey<ConfigValues> MAINTENANCE =
      ConfigKey.builder("maintenance", section(MAINTENANCE_DEF)).doc(MAINTENANCE_DEF.doc()).build();
  public static final ConfigKey<Map<String, Object>> VARS =
      ConfigKey.builder("vars", anyMap())
          .doc("Values for model templates, read with `var('name')`.")
          .defaultValue(Map.of())
          .build();

  /** The whole of {@code sluice.yaml}. */
  public static final ConfigDef PROJECT_DEF =
      ConfigDef.builder("sluice.yaml", "The project file, at the root of the project folder.")
          .add(
              NAME,
              DESCRIPTION,
              ENGINE,
              ENGINE_OPTIONS,
              STATE_DIR,
              LAKE,
              WAREHOUSE,
              DEFAULTS,
              QUALITY,
              SERVE,
              MAINTENANCE,
              OrchestrationSpec.SCHEDULES,
              OrchestrationSpec.RETRIES,
              OrchestrationSpec.FRESHNESS,
              OrchestrationSpec.HISTORY,
              LineageSpec.LINEAGE,
              AlertSpec.ALERTS,
              VARS)
          .build();
}
