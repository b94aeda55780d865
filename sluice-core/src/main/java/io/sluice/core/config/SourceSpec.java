package io.sluice.core.config;

import static io.sluice.config.ConfigType.anyMap;
import static io.sluice.config.ConfigType.bool;
import static io.sluice.config.ConfigType.identifier;
import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.listOf;
import static io.sluice.config.ConfigType.nonEmptyListOf;
import static io.sluice.config.ConfigType.number;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.scalarText;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;
import static io.sluice.config.ConfigType.tagged;

import io.sluice.api.SluiceException;
import io.sluice.api.type.DataType;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import io.sluice.config.DidYouMean;
import io.sluice.config.TaggedValue;
import io.sluice.config.Variant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The keys of a source file, {@code sources/NAME.yaml}. */
public final class SourceSpec {
  private SourceSpec() {}

  /** Every type name {@link DataType#parse} accepts, for did-you-mean suggestions. */
  private static final List<String> TYPE_NAMES =
      List.of(
          "string",
          "varchar",
          "text",
          "boolean",
          "bool",
          "int",
          "integer",
          "int32",
          "bigint",
          "long",
          "int64",
          "double",
          "float64",
          "float",
          "decimal",
          "date",
          "timestamp",
          "datetime");

  // ---- late events

  public static final ConfigKey<java.time.Duration> LATE_ALLOWED =
      ConfigKey.builder("allowed-lateness", ConfigType.duration())
          .doc(
              "An event is late when its event time is more than this before the time its batch"
                  + " is ingested, e.g. `1h`, `2d`.")
          .required()
          .build();
  public static final ConfigKey<String> LATE_POLICY =
      ConfigKey.builder("policy", oneOf("accept", "quarantine"))
          .doc(
              "What happens to a late event: `accept` lands it in its (old) partition, as if on"
                  + " time; `quarantine` quarantines it under rule `late`.")
          .defaultValue("accept")
          .build();
  public static final ConfigDef LATE_DEF =
      ConfigDef.builder(
              "late-events",
              "The declared policy for events that arrive late (needs `event-time`); without it"
                  + " every event lands whatever its event time.")
          .add(LATE_ALLOWED, LATE_POLICY)
          .build();
  public static final ConfigKey<ConfigValues> LATE_EVENTS =
      ConfigKey.builder("late-events", section(LATE_DEF)).doc(LATE_DEF.doc()).build();

  public static final ConfigKey<String> DRIFT_POLICY =
      ConfigKey.builder("policy", oneOf("ignore", "evolve", "quarantine", "fail"))
          .doc(
              "What a batch whose input differs from the declared columns does (new fields,"
                  + " missing fields, changed types; see docs/schema-drift.md): `ignore` (record"
                  + " the drift, read as declared: new fields are left out, missing ones are"
                  + " NULL); `evolve` (also add new fields as columns of the clean table and widen"
                  + " types where Iceberg can, keeping history readable); `quarantine` (every row"
                  + " of a file that drifted goes to quarantine under rule `schema_drift`);"
                  + " `fail` (stop the run before the batch lands anything). Without a declared"
                  + " policy a source works as under `ignore`, except that a field a column"
                  + " reads (and has no `default`) that a file lacks altogether stops the run"
                  + " before the batch lands: a misspelt `from:` or a wrong CSV delimiter.")
          .defaultValue("ignore")
          .build();
  public static final ConfigDef DRIFT_DEF =
      ConfigDef.builder(
              "schema-drift",
              "How differences between a file's fields and the declared columns are handled."
                  + " Every drift is recorded with its batch either way.")
          .add(DRIFT_POLICY)
          .build();
  public static final ConfigKey<ConfigValues> SCHEMA_DRIFT =
      ConfigKey.builder("schema-drift", section(DRIFT_DEF)).doc(DRIFT_DEF.doc()).build();

  // ---- column checks

  public static final ConfigKey<Boolean> CHECK_ENABLED =
      ConfigKey.builder("enabled", bool())
          .doc("`false` turns the check off.")
          .defaultValue(true)
          .build();
  public static final ConfigKey<String> CHECK_SEVERITY =
      ConfigKey.builder("severity", oneOf("quarantine", "warn", "fail"))
          .doc(
              "What a failing row does: `quarantine` it; `warn` (count and report it, the row still"
                  + " lands); `fail` (quarantine it and stop the run after the batch, exit code"
                  + " 1). See docs/rules/severity.md.")
          .defaultValue("quarantine")
          .build();
  public static final ConfigDef NOT_NULL_DEF =
      ConfigDef.builder("not_null", "The value is not NULL.")
          .add(CHECK_ENABLED, CHECK_SEVERITY)
          .build();
  public static final ConfigDef UNIQUE_DEF =
      ConfigDef.builder("unique", "No two rows have the same value.")
          .add(CHECK_ENABLED, CHECK_SEVERITY)
          .build();
  public static final ConfigKey<String> RANGE_MIN =
      ConfigKey.builder("min", scalarText("number", "string"))
          .doc("Inclusive lower bound: a number, or a date or timestamp as text.")
          .build();
  public static final ConfigKey<String> RANGE_MAX =
      ConfigKey.builder("max", scalarText("number", "string"))
          .doc("Inclusive upper bound: a number, or a date or timestamp as text.")
          .build();
  public static final ConfigDef RANGE_DEF =
      ConfigDef.builder("range", "The value lies between bounds; at least one bound.")
          .add(RANGE_MIN, RANGE_MAX, CHECK_SEVERITY)
          .build();
  public static final ConfigKey<List<String>> ACCEPTED_VALUES_VALUES =
      ConfigKey.builder("values", nonEmptyListOf(scalarText("string", "number", "boolean")))
          .doc("The accepted values.")
          .required()
          .build();
  public static final ConfigKey<Boolean> ACCEPTED_VALUES_CASE_SENSITIVE =
      ConfigKey.builder("case-sensitive", bool())
          .doc("Compare text case-sensitively.")
          .defaultValue(true)
          .build();
  public static final ConfigDef ACCEPTED_VALUES_DEF =
      ConfigDef.builder("accepted_values", "The value is one of a list.")
          .add(ACCEPTED_VALUES_VALUES, ACCEPTED_VALUES_CASE_SENSITIVE, CHECK_SEVERITY)
          .build();
  public static final ConfigKey<String> REGEX_PATTERN =
      ConfigKey.builder("pattern", regex())
          .doc("Java regular expression that must match the whole value.")
          .required()
          .build();
  public static final ConfigDef REGEX_DEF =
      ConfigDef.builder("regex", "The value matches a regular expression.")
          .add(REGEX_PATTERN, CHECK_SEVERITY)
          .build();

  public static final ConfigKey<Integer> LENGTH_MIN =
      ConfigKey.builder("min", integer(0))
          .doc("Least number of characters (Unicode code points), inclusive.")
          .build();
  public static final ConfigKey<Integer> LENGTH_MAX =
      ConfigKey.builder("max", integer(0))
          .doc("Greatest number of characters (Unicode code points), inclusive.")
          .build();
  public static final ConfigDef LENGTH_DEF =
      ConfigDef.builder(
              "length", "The value's text has between min and max characters; at least one bound.")
          .add(LENGTH_MIN, LENGTH_MAX, CHECK_SEVERITY)
          .build();
  public static final ConfigKey<String> FORMAT_NAME =
      ConfigKey.builder("name", oneOf("email", "uuid", "iso-date", "url", "ip"))
          .doc("The named format; each is defined in `docs/rules/format.md`.")
          .required()
          .build();
  public static final ConfigDef FORMAT_DEF =
      ConfigDef.builder("format", "The value has a named format (email, uuid, iso-date, url, ip).")
          .add(FORMAT_NAME, CHECK_SEVERITY)
          .build();

  public static final ConfigKey<String> RELATIONSHIPS_TO =
      ConfigKey.builder("to", identifier())
          .doc("The referenced dataset: another source of the project.")
          .required()
          .build();
  public static final ConfigKey<String> RELATIONSHIPS_FIELD =
      ConfigKey.builder("field", identifier())
          .doc("The referenced column of that dataset.")
          .required()
          .build();
  public static final ConfigDef RELATIONSHIPS_DEF =
      ConfigDef.builder(
              "relationships",
              "The value exists in a column of another dataset (a foreign key): checked against"
                  + " the referenced dataset's clean rows as of the batch, which is processed"
                  + " first.")
          .add(RELATIONSHIPS_TO, RELATIONSHIPS_FIELD, CHECK_SEVERITY)
          .build();

  /** The checks a column can have; each item of a column's {@code checks}. */
  public static final ConfigType<TaggedValue> CHECK =
      tagged(
          "check",
          Variant.bare("not_null", NOT_NULL_DEF.doc(), NOT_NULL_DEF, CHECK_ENABLED.name()),
          Variant.bare("unique", UNIQUE_DEF.doc(), UNIQUE_DEF, CHECK_ENABLED.name()),
          Variant.withArguments("range", RANGE_DEF.doc(), RANGE_DEF, null),
          Variant.withArguments(
              "accepted_values",
              ACCEPTED_VALUES_DEF.doc(),
              ACCEPTED_VALUES_DEF,
              ACCEPTED_VALUES_VALUES.name()),
          Variant.withArguments("regex", REGEX_DEF.doc(), REGEX_DEF, REGEX_PATTERN.name()),
          Variant.withArguments("length", LENGTH_DEF.doc(), LENGTH_DEF, null),
          Variant.withArguments("format", FORMAT_DEF.doc(), FORMAT_DEF, FORMAT_NAME.name()),
          Variant.withArguments("relationships", RELATIONSHIPS_DEF.doc(), RELATIONSHIPS_DEF, null));

  // ---- columns

  public static final ConfigKey<String> COLUMN_NAME =
      ConfigKey.builder("name", identifier()).doc("Column name in the dataset.").required().build();
  public static final ConfigKey<DataType> COLUMN_TYPE =
      ConfigKey.builder("type", dataType())
          .doc(
              "Column type: "
                  + DataType.NAMES
                  + " (also varchar, text, bool, integer, long, float, datetime).")
          .defaultValue(DataType.STRING)
          .build();
  public static final ConfigKey<String> COLUMN_FROM =
      ConfigKey.builder("from", string())
          .doc("Field it is read from: a CSV header, a Parquet column or a dotted JSON path.")
          .defaultDoc("the column name")
          .build();
  public static final ConfigKey<String> COLUMN_EXPR =
      ConfigKey.builder("expr", string())
          .doc("SQL expression over the other columns: makes a derived column (not with `from`).")
          .build();
  public static final ConfigKey<String> COLUMN_DEFAULT =
      ConfigKey.builder("default", scalarText("string", "number", "boolean"))
          .doc("Value used when the field is missing or empty, cast like a value.")
          .build();
  public static final ConfigKey<String> COLUMN_FORMAT =
      ConfigKey.builder("format", string())
          .doc("strptime pattern for a date or timestamp column, e.g. `%d/%m/%Y %H:%M`.")
          .build();
  public static final ConfigKey<String> COLUMN_DESCRIPTION =
      ConfigKey.builder("description", string()).doc("Free text.").defaultValue("").build();
  public static final ConfigKey<List<TaggedValue>> COLUMN_CHECKS =
      ConfigKey.builder("checks", listOf(CHECK))
          .doc("Checks on the column's values; failing rows are quarantined.")
          .defaultValue(List.of())
          .build();
  public static final ConfigDef COLUMN_DEF =
      ConfigDef.builder("column", "One column of the dataset and how it is read.")
          .labelKey("name")
          .add(
              COLUMN_NAME,
              COLUMN_TYPE,
              COLUMN_FROM,
              COLUMN_EXPR,
              COLUMN_DEFAULT,
              COLUMN_FORMAT,
              COLUMN_DESCRIPTION,
              COLUMN_CHECKS)
          .build();

  // ---- partition and row checks

  public static final ConfigKey<String> PARTITION_GRANULARITY =
      ConfigKey.builder("granularity", oneOf(ProjectSpec.GRANULARITIES.toArray(String[]::new)))
          .doc("Event-time partition granularity; `hour` needs a timestamp event-time.")
          .defaultDoc("`defaults.granularity` of sluice.yaml")
          .build();
  public static final ConfigKey<List<String>> PARTITION_COLUMNS =
      ConfigKey.builder("columns", listOf(string()))
          .doc("More columns to partition by, by value.")
          .defaultValue(List.of())
          .build();
  public static final ConfigDef PARTITION_DEF =
      ConfigDef.builder("partition", "How the dataset's lake tables are partitioned.")
          .add(PARTITION_GRANULARITY, PARTITION_COLUMNS)
          .build();

  public static final ConfigKey<String> ROW_CHECK_NAME =
      ConfigKey.builder("name", identifier())
          .doc("Rule name, shown in quarantine.")
          .required()
          .build();
  public static final ConfigKey<String> ROW_CHECK_EXPR =
      ConfigKey.builder("expr", string())
          .doc("SQL boolean over the dataset's columns, TRUE for a good row.")
          .required()
          .build();
  public static final ConfigKey<String> ROW_CHECK_MESSAGE =
      ConfigKey.builder("message", string()).doc("What a failure means.").defaultValue("").build();
  public static final ConfigDef ROW_CHECK_DEF =
      ConfigDef.builder("row check", "A check over whole rows.")
          .labelKey("name")
          .add(ROW_CHECK_NAME, ROW_CHECK_EXPR, ROW_CHECK_MESSAGE, CHECK_SEVERITY)
          .build();

  // ---- dataset checks

  /** Kinds of dataset-level checks. */
  public static final List<String> DATASET_CHECK_KINDS =
      List.of("freshness", "volume", "null-rate", "distinct-count", "assertion");

  public static final ConfigKey<String> DATASET_CHECK_NAME =
      ConfigKey.builder("name", identifier())
          .doc("Check name, shown in reports.")
          .required()
          .build();
  public static final ConfigKey<String> DATASET_CHECK_KIND =
      ConfigKey.builder("kind", oneOf(DATASET_CHECK_KINDS.toArray(String[]::new)))
          .doc(
              "`freshness` (max-lag), `volume` (min-rows, max-rows, window + k or max-change), `null-rate`"
                  + " (column, max-rate, max-change), `distinct-count` (column, min, max-change),"
                  + " `assertion` (sql).")
          .required()
          .build();
  public static final ConfigKey<String> DATASET_CHECK_SEVERITY =
      ConfigKey.builder("severity", oneOf("warn", "fail"))
          .doc(
              "`warn` reports a failed check; `fail` also fails the run (exit code 1) and stops it"
                  + " before the models are rebuilt.")
          .defaultValue("warn")
          .build();
  public static final ConfigKey<java.time.Duration> DATASET_MAX_LAG =
      ConfigKey.builder("max-lag", ConfigType.duration())
          .doc("freshness: the batch's newest event time is at most this before its ingest time.")
          .build();
  public static final ConfigKey<Integer> DATASET_MIN_ROWS =
      ConfigKey.builder("min-rows", integer(0))
          .doc("volume: a batch lands at least this many rows.")
          .build();
  public static final ConfigKey<Integer> DATASET_MAX_ROWS =
      ConfigKey.builder("max-rows", integer(0))
          .doc("volume: a batch lands at most this many rows.")
          .build();
  public static final ConfigKey<Integer> DATASET_WINDOW =
      ConfigKey.builder("window", integer(2))
          .doc(
              "volume, null-rate, distinct-count: the number of earlier batches the drift rules"
                  + " compare with (`k`, `max-change`); they pass until that many exist.")
          .defaultValue(7)
          .build();
  public static final ConfigKey<Double> DATASET_K =
      ConfigKey.builder("k", number(0, 1000))
          .doc(
              "volume: a batch's row count must lie within mean ± k·σ of the earlier `window`"
                  + " batches.")
          .build();
  public static final ConfigKey<String> DATASET_COLUMN =
      ConfigKey.builder("column", identifier())
          .doc("null-rate, distinct-count: the column.")
          .build();
  public static final ConfigKey<Double> DATASET_MAX_RATE =
      ConfigKey.builder("max-rate", number(0, 1))
          .doc("null-rate: the share of NULLs among the batch's landed rows is at most this.")
          .build();
  public static final ConfigKey<Double> DATASET_MAX_CHANGE =
      ConfigKey.builder("max-change", number(0, 1000))
          .doc(
              "null-rate: the batch's rate differs from the mean of the earlier `window` batches"
                  + " by at most this (absolute, e.g. 0.05); volume and distinct-count: the row"
                  + " count or distinct count differs from their mean by at most this fraction of"
                  + " it (e.g. 0.5 for ±50%).")
          .build();
  public static final ConfigKey<Integer> DATASET_MIN =
      ConfigKey.builder("min", integer(0))
          .doc("distinct-count: the batch has at least this many distinct values.")
          .build();
  public static final ConfigKey<String> DATASET_SQL =
      ConfigKey.builder("sql", string())
          .doc(
              "assertion: a query over `{{ batch }}` (the batch's landed rows) returning the rows"
                  + " that break the assertion; it passes when it returns none.")
          .build();
  public static final ConfigDef DATASET_CHECK_DEF =
      ConfigDef.builder(
              "dataset check",
              "A check over a whole batch of landed rows, evaluated after it lands.")
          .labelKey("name")
          .add(
              DATASET_CHECK_NAME,
              DATASET_CHECK_KIND,
              DATASET_CHECK_SEVERITY,
              DATASET_MAX_LAG,
              DATASET_MIN_ROWS,
              DATASET_MAX_ROWS,
              DATASET_WINDOW,
              DATASET_K,
              DATASET_COLUMN,
              DATASET_MAX_RATE,
              DATASET_MAX_CHANGE,
              DATASET_MIN,
              DATASET_SQL)
          .build();

  // ---- record functions

  public static final ConfigKey<String> FUNCTION_NAME =
      ConfigKey.builder("function", string())
          .doc(
              "Name of the function: a built-in one (`mask`, `redact`, `hash`, `drop-when`) or one"
                  + " from a jar in the project's `functions/` folder.")
          .required()
          .build();
  public static final ConfigKey<Map<String, Object>> FUNCTION_OPTIONS =
      ConfigKey.builder("options", anyMap())
          .doc("The function's options; see docs/functions.md for the built-in ones.")
          .defaultValue(Map.of())
          .build();
  public static final ConfigDef FUNCTION_DEF =
      ConfigDef.builder("function", "A record function run on each record before mapping.")
          .labelKey("function")
          .add(FUNCTION_NAME, FUNCTION_OPTIONS)
          .build();

  // ---- the file

  public static final ConfigKey<String> NAME =
      ConfigKey.builder("name", identifier())
          .doc("Source name; must be the file name without its extension.")
          .defaultDoc("the file name without its extension")
          .build();
  public static final ConfigKey<String> DESCRIPTION =
      ConfigKey.builder("description", string()).doc("Free text.").defaultValue("").build();
  public static final ConfigKey<String> CONNECTOR =
      ConfigKey.builder("connector", string())
          .doc(
              "Connector that reads the source; each installed connector adds its own keys to the"
                  + " source file, documented in docs/reference/connectors/.")
          .defaultDoc("the default connector, which reads local files")
          .build();
  public static final ConfigKey<String> EVENT_TIME =
      ConfigKey.builder("event-time", string())
          .doc("Column (timestamp or date) holding the event time; partitions the lake tables.")
          .build();
  public static final ConfigKey<ConfigValues> PARTITION =
      ConfigKey.builder("partition", section(PARTITION_DEF)).doc(PARTITION_DEF.doc()).build();
  public static final ConfigKey<List<ConfigValues>> COLUMNS =
      ConfigKey.builder("columns", nonEmptyListOf(section(COLUMN_DEF)))
          .doc("The dataset's columns, in order.")
          .required()
          .build();
  public static final ConfigKey<List<ConfigValues>> FUNCTIONS =
      ConfigKey.builder("functions", listOf(section(FUNCTION_DEF)))
          .doc(
              "Record functions applied, in order, to each JSON record before mapping: enrich,"
                  + " mask or redact fields, drop records with a reason. Records a function drops"
                  + " or fails on are quarantined (rules `dropped`, `function`).")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<List<ConfigValues>> DATASET_CHECKS =
      ConfigKey.builder("dataset-checks", listOf(section(DATASET_CHECK_DEF)))
          .doc(
              "Checks over each whole batch (freshness, volume, null rate, distinct count, SQL"
                  + " assertions), with a severity; see docs/rules/dataset-checks.md.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<List<ConfigValues>> CHECKS =
      ConfigKey.builder("checks", listOf(section(ROW_CHECK_DEF)))
          .doc("Row-level checks; failing rows are quarantined.")
          .defaultValue(List.of())
          .build();

  public static final ConfigKey<List<String>> PRIMARY_KEY =
      ConfigKey.builder("primary-key", nonEmptyListOf(identifier()))
          .doc(
              "Columns whose values identify a row. With a primary key each batch is merged into"
                  + " the clean table: per key, the batch's last record in read order replaces the"
                  + " row with that key, and a delete (from a changelog connector) removes it; raw"
                  + " keeps every change, marked in `_op`. Required by changelog connectors; see"
                  + " docs/primary-keys.md.")
          .defaultDoc("none: batches are appended")
          .build();

  public static final ConfigKey<Double> MIN_SCORE =
      ConfigKey.builder("min-score", number(0, 1))
          .doc(
              "A batch of this source whose quality score (valid rows / rows) is below this fails"
                  + " the run; 0 never fails.")
          .defaultDoc("`quality.min-score` of sluice.yaml")
          .build();

  /** The keys of a source file that are the same whatever its connector. */
  public static final ConfigDef COMMON_DEF =
      ConfigDef.builder(
              "source", "One source: where its data comes from and the dataset it lands as.")
          .add(NAME, DESCRIPTION, CONNECTOR)
          .add(
              EVENT_TIME,
              PARTITION,
              PRIMARY_KEY,
              LATE_EVENTS,
              SCHEMA_DRIFT,
              COLUMNS,
              CHECKS,
              DATASET_CHECKS,
              FUNCTIONS)
          .add(MIN_SCORE)
          .build();

  /**
   * The keys of a source file read by a connector with {@code connectorOptions}: the common keys,
   * then the connector's.
   *
   * @throws IllegalArgumentException when the connector declares a key the core has
   */
  public static ConfigDef sourceDef(String connector, ConfigDef connectorOptions) {
    for (ConfigKey<?> key : connectorOptions.keys()) {
      if (COMMON_DEF.key(key.name()).isPresent()) {
        throw new IllegalArgumentException(
            "connector '"
                + connector
                + "' declares option '"
                + key.name()
                + "', which is a key of every source file; a connector's options must have"
                + " names of their own");
      }
    }
    return ConfigDef.builder(COMMON_DEF.title(), COMMON_DEF.doc())
        .addAll(COMMON_DEF)
        .addAll(connectorOptions)
        .build();
  }

  private static ConfigType<DataType> dataType() {
    return string().map(SourceSpec::parseType, DataType::toString).named("type");
  }

  private static DataType parseType(String text) {
    try {
      return DataType.parse(text);
    } catch (SluiceException e) {
      if (text.trim().toLowerCase(Locale.ROOT).startsWith("decimal")) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      throw new IllegalArgumentException(
          "unknown type '"
              + text
              + "'"
              + DidYouMean.hint(text.trim().toLowerCase(Locale.ROOT), TYPE_NAMES)
              + "; expected one of: "
              + DataType.NAMES,
          e);
    }
  }

  private static ConfigType<String> regex() {
    return string()
        .withCheck(
            pattern -> {
              try {
                Pattern.compile(pattern);
                return Optional.empty();
              } catch (PatternSyntaxException e) {
                return Optional.of(
                    "invalid regex '"
                        + pattern
                        + "': "
                        + e.getDescription()
                        + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
              }
            });
  }
}
