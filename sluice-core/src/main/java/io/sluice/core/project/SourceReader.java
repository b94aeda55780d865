package io.sluice.core.project;

import static io.sluice.core.config.SourceSpec.COLUMN_CHECKS;
import static io.sluice.core.config.SourceSpec.COLUMN_DEFAULT;
import static io.sluice.core.config.SourceSpec.COLUMN_DESCRIPTION;
import static io.sluice.core.config.SourceSpec.COLUMN_EXPR;
import static io.sluice.core.config.SourceSpec.COLUMN_FORMAT;
import static io.sluice.core.config.SourceSpec.COLUMN_FROM;
import static io.sluice.core.config.SourceSpec.COLUMN_NAME;
import static io.sluice.core.config.SourceSpec.COLUMN_TYPE;

import io.sluice.api.engine.CompiledRule;
import io.sluice.api.type.DataType;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import io.sluice.config.DidYouMean;
import io.sluice.config.ProblemReporter;
import io.sluice.config.TaggedValue;
import io.sluice.config.YamlNodes;
import io.sluice.core.config.SourceSpec;
import io.sluice.core.project.SourceDef.Granularity;
import io.sluice.core.project.SourceDef.RowCheck;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Turns a checked source file into a {@link SourceDef}, checking what spans several keys. */
final class SourceReader {
  private static final Set<DataType.Kind> EVENT_TIME_KINDS =
      EnumSet.of(DataType.Kind.DATE, DataType.Kind.TIMESTAMP);

  private final Path file;
  private final String name;
  private final ConfigValues values;
  private final ProjectDefaults defaults;
  private final ProblemReporter problems;
  private final Problems allProblems;

  private SourceReader(
      Path file, ConfigValues values, ProjectDefaults defaults, Problems allProblems) {
    this.file = file;
    this.name = ProjectLoader.stem(file);
    this.values = values;
    this.defaults = defaults;
    this.problems = allProblems.in(file);
    this.allProblems = allProblems;
  }

  /**
   * Reads one source.
   *
   * @return the source, or empty when the file has problems (reported)
   */
  static Optional<SourceDef> read(
      Path file, ConfigValues values, ProjectDefaults defaults, Problems problems) {
    return new SourceReader(file, values, defaults, problems).read();
  }

  private Optional<SourceDef> read() {
    int before = allProblems.count();
    if (!ConfigType.NAME.matcher(name).matches()) {
      allProblems.add(
          Location.of(file),
          "invalid source name '"
              + name
              + "' (the file name): use letters, digits and _, not starting with a digit");
    }
    values
        .find(SourceSpec.NAME)
        .filter(written -> !written.equals(name))
        .ifPresent(
            written ->
                problems.report(
                    values.nodeOf(SourceSpec.NAME),
                    "name '"
                        + written
                        + "' does not match the file name '"
                        + file.getFileName()
                        + "': a source is named after its file"));
    String connector = values.get(SourceSpec.CONNECTOR);
    if (!SourceSpec.CONNECTORS.contains(connector)) {
      problems.report(
          values.nodeOf(SourceSpec.CONNECTOR),
          "unknown connector '"
              + connector
              + "'"
              + DidYouMean.hint(connector, SourceSpec.CONNECTORS)
              + "; available: "
              + String.join(", ", SourceSpec.CONNECTORS));
    }
    Map<String, Object> options =
        connector.equals("stream") ? streamOptions() : filesOptions(connector.equals("files"));
    List<ColumnDef> columns = columns();
    Map<String, ColumnDef> byName = new LinkedHashMap<>();
    columns.forEach(c -> byName.putIfAbsent(c.name(), c));
    Optional<String> eventTime = eventTime(byName);
    ConfigValues partition = values.get(SourceSpec.PARTITION);
    Granularity granularity = granularity(partition, eventTime.map(byName::get));
    List<String> partitionColumns = partitionColumns(partition, byName);
    List<RowCheck> checks = rowChecks();
    List<FunctionDef> functions = functions(connector, options);
    List<String> primaryKey = primaryKey(byName);
    if (allProblems.count() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new SourceDef(
            name,
            Location.of(file),
            values.get(SourceSpec.DESCRIPTION),
            connector,
            options,
            eventTime,
            granularity,
            partitionColumns,
            columns,
            checks,
            functions,
            latePolicy(eventTime),
            datasetChecks(eventTime, byName),
            values
                .find(SourceSpec.SCHEMA_DRIFT)
                .filter(drift -> drift.isSet(SourceSpec.DRIFT_POLICY))
                .map(
                    drift ->
                        SourceDef.DriftPolicy.valueOf(
                            drift.get(SourceSpec.DRIFT_POLICY).toUpperCase(java.util.Locale.ROOT)))
                .orElse(SourceDef.DriftPolicy.DEFAULT),
            primaryKey));
  }

  /**
   * The {@code primary-key} columns: each a declared column, listed once, and none with a {@code
   * unique} check (a merged clean table holds one row per key by construction, and replaced rows
   * would count as duplicates of their own update).
   */
  private List<String> primaryKey(Map<String, ColumnDef> columns) {
    Optional<List<String>> declared = values.find(SourceSpec.PRIMARY_KEY);
    if (declared.isEmpty() || values.find(SourceSpec.COLUMNS).isEmpty()) {
      return declared.orElse(List.of());
    }
    Node node = values.nodeOf(SourceSpec.PRIMARY_KEY);
    List<String> seen = new ArrayList<>();
    for (String column : declared.get()) {
      ColumnDef def = columns.get(column);
      if (def == null) {
        problems.report(
            node,
            "primary-key column '"
                + column
                + "' is not a column"
                + DidYouMean.hint(column, columns.keySet()));
      } else if (seen.contains(column)) {
        problems.report(node, "primary-key column '" + column + "' is listed twice");
      }
      seen.add(column);
    }
    for (ColumnDef column : columns.values()) {
      for (CheckDef check : column.checks()) {
        if (check.kind() == CheckDef.Kind.UNIQUE) {
          allProblems.add(
              check.location(),
              "column '"
                  + column.name()
                  + "' has a unique check, but the source declares a primary-key: its clean"
                  + " table keeps one row per key, and an update would fail unique against the"
                  + " row it replaces; remove the check (unique checks on merged sources are not"
                  + " supported)");
        }
      }
    }
    return declared.get();
  }

  /**
   * The options of a {@code stream} source: its {@code stream} section with defaults filled in, and
   * {@code format: json} (pushed records are JSON objects). The keys of the files connector are
   * errors here.
   */
  private Map<String, Object> streamOptions() {
    for (ConfigKey<?> key : SourceSpec.FILES_DEF.keys()) {
      if (values.isSet(key)) {
        problems.report(
            values.keyNodeOf(key),
            "'"
                + key.name()
                + "' is an option of the files connector; a stream source receives JSON records"
                + " pushed over HTTP (set its options under 'stream:')");
      }
    }
    Map<String, Object> options = new LinkedHashMap<>();
    options.put(SourceSpec.FORMAT.name(), "json");
    ConfigValues stream = values.get(SourceSpec.STREAM);
    for (ConfigKey<?> key : SourceSpec.STREAM_DEF.keys()) {
      valueOrDefault(stream, key).ifPresent(value -> options.put(key.name(), value));
    }
    if (stream.get(SourceSpec.STREAM_AUTH).equals("token")
        && !stream.isSet(SourceSpec.STREAM_TOKEN_ENV)
        && !stream.isSet(SourceSpec.STREAM_TOKEN_FILE)) {
      problems.report(
          values.isSet(SourceSpec.STREAM)
              ? values.nodeOf(SourceSpec.STREAM)
              : values.nodeOf(SourceSpec.CONNECTOR),
          "a stream source needs a bearer token for its pushes: set stream.token-env (an"
              + " environment variable) or stream.token-file, or stream.auth: none to accept"
              + " pushes without one");
    }
    if (stream.isSet(SourceSpec.STREAM_TOKEN_ENV) && stream.isSet(SourceSpec.STREAM_TOKEN_FILE)) {
      problems.report(
          stream.keyNodeOf(SourceSpec.STREAM_TOKEN_FILE),
          "set one of token-env and token-file, not both");
    }
    if (stream.get(SourceSpec.STREAM_AUTH).equals("none")) {
      for (ConfigKey<String> key :
          List.of(SourceSpec.STREAM_TOKEN_ENV, SourceSpec.STREAM_TOKEN_FILE)) {
        if (stream.isSet(key)) {
          problems.report(
              stream.keyNodeOf(key), key.name() + " has no effect with auth: none; remove one");
        }
      }
    }
    return options;
  }

  private static <T> Optional<T> valueOrDefault(ConfigValues section, ConfigKey<T> key) {
    return section.find(key).or(key::defaultValue);
  }

  /** The connector options as written, with {@code format} and {@code on-change} filled in. */
  private Map<String, Object> filesOptions(boolean files) {
    if (files && values.isSet(SourceSpec.STREAM)) {
      problems.report(
          values.keyNodeOf(SourceSpec.STREAM),
          "'stream' options apply to connector: stream, but this source's connector is files");
    }
    if (files && !values.isSet(SourceSpec.PATH)) {
      problems.report(values.anchor(), "missing required key 'path' in source");
    }
    Map<String, Object> options = new LinkedHashMap<>();
    for (ConfigKey<?> key : SourceSpec.FILES_DEF.keys()) {
      values.rawValue(key).ifPresent(value -> options.put(key.name(), value));
    }
    Optional<String> format =
        values.isSet(SourceSpec.FORMAT)
            ? values.find(SourceSpec.FORMAT)
            : values.find(SourceSpec.PATH).flatMap(this::formatOf);
    format.ifPresent(f -> options.put(SourceSpec.FORMAT.name(), f));
    options.put(
        SourceSpec.ON_CHANGE.name(), values.find(SourceSpec.ON_CHANGE).orElse(defaults.onChange()));
    for (ConfigKey<ConfigValues> section : List.of(SourceSpec.CSV, SourceSpec.JSON)) {
      if (values.isSet(section) && format.isPresent() && !format.get().equals(section.name())) {
        problems.report(
            values.keyNodeOf(section),
            section.name()
                + " options apply to format "
                + section.name()
                + ", but the format is "
                + format.get());
      }
    }
    values
        .find(SourceSpec.CSV)
        .filter(csv -> csv.isSet(SourceSpec.CSV_DELIMITER) && csv.isSet(SourceSpec.CSV_QUOTE))
        .filter(csv -> csv.get(SourceSpec.CSV_DELIMITER).equals(csv.get(SourceSpec.CSV_QUOTE)))
        .ifPresent(
            csv ->
                problems.report(
                    csv.nodeOf(SourceSpec.CSV_QUOTE),
                    "csv: quote and delimiter cannot be the same character"));
    return options;
  }

  private Optional<String> formatOf(String path) {
    String fileName = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    for (String compression : List.of(".gz", ".zst")) {
      if (fileName.endsWith(compression)) {
        fileName = fileName.substring(0, fileName.length() - compression.length());
      }
    }
    String extension = fileName.substring(fileName.lastIndexOf('.') + 1);
    Optional<String> format =
        switch (extension) {
          case "csv" -> Optional.of("csv");
          case "json", "jsonl", "ndjson" -> Optional.of("json");
          case "parquet" -> Optional.of("parquet");
          default -> Optional.empty();
        };
    if (format.isEmpty()) {
      problems.report(
          values.nodeOf(SourceSpec.PATH),
          "cannot tell the format of '"
              + path
              + "' from its extension; set format to one of "
              + String.join(", ", SourceSpec.FORMATS));
    }
    return format;
  }

  private List<ColumnDef> columns() {
    List<ColumnDef> columns = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (ConfigValues column : values.find(SourceSpec.COLUMNS).orElse(List.of())) {
      Optional<String> columnName = column.find(COLUMN_NAME);
      if (columnName.isEmpty()) {
        continue;
      }
      Node first =
          seen.putIfAbsent(columnName.get().toLowerCase(Locale.ROOT), column.nodeOf(COLUMN_NAME));
      if (first != null) {
        problems.report(
            column.nodeOf(COLUMN_NAME),
            "duplicate column '"
                + columnName.get()
                + "' (first declared at line "
                + YamlNodes.line(first)
                + ")");
        continue;
      }
      column(columnName.get(), column).ifPresent(columns::add);
    }
    return columns;
  }

  private Optional<ColumnDef> column(String columnName, ConfigValues column) {
    String label = "column '" + columnName + "': ";
    DataType type = column.get(COLUMN_TYPE);
    Optional<String> expression = column.find(COLUMN_EXPR);
    Optional<String> defaultValue = column.find(COLUMN_DEFAULT);
    Optional<String> format = column.find(COLUMN_FORMAT);
    boolean ok = true;
    if (column.isSet(COLUMN_EXPR)) {
      for (ConfigKey<String> readOnly : List.of(COLUMN_FROM, COLUMN_DEFAULT, COLUMN_FORMAT)) {
        if (column.isSet(readOnly)) {
          problems.report(
              column.keyNodeOf(readOnly),
              label
                  + readOnly.name()
                  + " cannot be used with expr: a derived column is computed, not read");
          ok = false;
        }
      }
    }
    if (format.isPresent() && !EVENT_TIME_KINDS.contains(type.kind())) {
      problems.report(
          column.keyNodeOf(COLUMN_FORMAT),
          label + "format applies only to date and timestamp columns, not " + type);
      ok = false;
    }
    if (defaultValue.isPresent() && !fits(defaultValue.get(), type)) {
      problems.report(
          column.nodeOf(COLUMN_DEFAULT),
          label + "default '" + defaultValue.get() + "' is not a valid " + type);
      ok = false;
    }
    List<CheckDef> checks = checks(label, type, column);
    if (!ok) {
      return Optional.empty();
    }
    Optional<String> from =
        expression.isPresent()
            ? Optional.empty()
            : Optional.of(column.find(COLUMN_FROM).orElse(columnName));
    return Optional.of(
        new ColumnDef(
            columnName,
            type,
            from,
            expression,
            defaultValue,
            format,
            column.get(COLUMN_DESCRIPTION),
            checks,
            Problems.at(file, column.anchor())));
  }

  private List<CheckDef> checks(String label, DataType type, ConfigValues column) {
    List<CheckDef> checks = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (TaggedValue check : column.find(COLUMN_CHECKS).orElse(List.of())) {
      Node first = seen.putIfAbsent(check.name(), check.node());
      if (first != null) {
        problems.report(
            check.node(),
            label
                + "duplicate check '"
                + check.name()
                + "' (first at line "
                + YamlNodes.line(first)
                + ")");
        continue;
      }
      check(label, type, check)
          .map(c -> c.withSeverity(severity(check.arguments().get(SourceSpec.CHECK_SEVERITY))))
          .ifPresent(checks::add);
    }
    return checks;
  }

  private Optional<CheckDef> check(String label, DataType type, TaggedValue check) {
    ConfigValues arguments = check.arguments();
    Location location = Problems.at(file, check.node());
    switch (check.name()) {
      case "not_null", "unique" -> {
        if (!arguments.get(SourceSpec.CHECK_ENABLED)) {
          return Optional.empty();
        }
        CheckDef.Kind kind =
            check.name().equals("unique") ? CheckDef.Kind.UNIQUE : CheckDef.Kind.NOT_NULL;
        return Optional.of(CheckDef.simple(kind, location));
      }
      case "range" -> {
        Optional<String> min = arguments.find(SourceSpec.RANGE_MIN);
        Optional<String> max = arguments.find(SourceSpec.RANGE_MAX);
        if (!arguments.isSet(SourceSpec.RANGE_MIN) && !arguments.isSet(SourceSpec.RANGE_MAX)) {
          problems.report(check.node(), label + "range needs min, max or both");
          return Optional.empty();
        }
        if (isNumeric(type)) {
          Optional<BigDecimal> low = number(label, type, arguments, SourceSpec.RANGE_MIN);
          Optional<BigDecimal> high = number(label, type, arguments, SourceSpec.RANGE_MAX);
          if (low.isPresent() && high.isPresent() && low.get().compareTo(high.get()) > 0) {
            problems.report(
                check.node(),
                label + "range min " + min.get() + " is greater than max " + max.get());
          }
        }
        return Optional.of(
            new CheckDef(
                CheckDef.Kind.RANGE, min, max, List.of(), true, Optional.empty(), location));
      }
      case "accepted_values" -> {
        return arguments
            .find(SourceSpec.ACCEPTED_VALUES_VALUES)
            .map(
                accepted ->
                    new CheckDef(
                        CheckDef.Kind.ACCEPTED_VALUES,
                        Optional.empty(),
                        Optional.empty(),
                        accepted,
                        arguments.get(SourceSpec.ACCEPTED_VALUES_CASE_SENSITIVE),
                        Optional.empty(),
                        location));
      }
      case "regex" -> {
        return arguments
            .find(SourceSpec.REGEX_PATTERN)
            .map(
                pattern ->
                    new CheckDef(
                        CheckDef.Kind.REGEX,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        true,
                        Optional.of(pattern),
                        location));
      }
      case "length" -> {
        Optional<Integer> min = arguments.find(SourceSpec.LENGTH_MIN);
        Optional<Integer> max = arguments.find(SourceSpec.LENGTH_MAX);
        if (min.isEmpty() && max.isEmpty()) {
          problems.report(check.node(), label + "length needs min, max or both");
          return Optional.empty();
        }
        if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
          problems.report(
              check.node(),
              label + "length min " + min.get() + " is greater than max " + max.get());
          return Optional.empty();
        }
        return Optional.of(
            new CheckDef(
                CheckDef.Kind.LENGTH,
                min.map(String::valueOf),
                max.map(String::valueOf),
                List.of(),
                true,
                Optional.empty(),
                location));
      }
      case "format" -> {
        return arguments
            .find(SourceSpec.FORMAT_NAME)
            .map(
                name ->
                    new CheckDef(
                        CheckDef.Kind.FORMAT,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        true,
                        Optional.of(name),
                        location));
      }
      case "relationships" -> {
        Optional<String> to = arguments.find(SourceSpec.RELATIONSHIPS_TO);
        Optional<String> field = arguments.find(SourceSpec.RELATIONSHIPS_FIELD);
        if (to.isEmpty() || field.isEmpty()) {
          return Optional.empty();
        }
        // Whether the dataset and column exist is checked by the project loader, which sees
        // every source.
        return Optional.of(
            new CheckDef(
                CheckDef.Kind.RELATIONSHIPS,
                Optional.empty(),
                Optional.empty(),
                List.of(),
                true,
                Optional.empty(),
                location,
                CompiledRule.Severity.QUARANTINE,
                to,
                field));
      }
      default -> throw new IllegalStateException("check without a mapping: " + check.name());
    }
  }

  private Optional<BigDecimal> number(
      String label, DataType type, ConfigValues arguments, ConfigKey<String> key) {
    Optional<String> text = arguments.find(key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(text.get()));
    } catch (NumberFormatException e) {
      problems.report(
          arguments.nodeOf(key),
          label
              + "range "
              + key.name()
              + " '"
              + text.get()
              + "' is not a number, but the column is "
              + type);
      return Optional.empty();
    }
  }

  /** The keys each dataset check kind takes, besides name, kind and severity. */
  private static final Map<String, List<ConfigKey<?>>> DATASET_KEYS =
      Map.of(
          "freshness", List.of(SourceSpec.DATASET_MAX_LAG),
          "volume",
              List.of(
                  SourceSpec.DATASET_MIN_ROWS,
                  SourceSpec.DATASET_MAX_ROWS,
                  SourceSpec.DATASET_WINDOW,
                  SourceSpec.DATASET_K,
                  SourceSpec.DATASET_MAX_CHANGE),
          "null-rate",
              List.of(
                  SourceSpec.DATASET_COLUMN,
                  SourceSpec.DATASET_MAX_RATE,
                  SourceSpec.DATASET_MAX_CHANGE,
                  SourceSpec.DATASET_WINDOW),
          "distinct-count",
              List.of(
                  SourceSpec.DATASET_COLUMN,
                  SourceSpec.DATASET_MIN,
                  SourceSpec.DATASET_MAX_CHANGE,
                  SourceSpec.DATASET_WINDOW),
          "assertion", List.of(SourceSpec.DATASET_SQL));

  /** What each kind needs at least one of. */
  private static final Map<String, List<ConfigKey<?>>> DATASET_NEEDS =
      Map.of(
          "freshness", List.of(SourceSpec.DATASET_MAX_LAG),
          "volume",
              List.of(
                  SourceSpec.DATASET_MIN_ROWS,
                  SourceSpec.DATASET_MAX_ROWS,
                  SourceSpec.DATASET_K,
                  SourceSpec.DATASET_MAX_CHANGE),
          "null-rate", List.of(SourceSpec.DATASET_MAX_RATE, SourceSpec.DATASET_MAX_CHANGE),
          "distinct-count", List.of(SourceSpec.DATASET_MIN, SourceSpec.DATASET_MAX_CHANGE),
          "assertion", List.of(SourceSpec.DATASET_SQL));

  private List<SourceDef.DatasetCheck> datasetChecks(
      Optional<String> eventTime, Map<String, ColumnDef> columns) {
    List<SourceDef.DatasetCheck> checks = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (ConfigValues check : values.get(SourceSpec.DATASET_CHECKS)) {
      Optional<String> checkName = check.find(SourceSpec.DATASET_CHECK_NAME);
      Optional<String> kind = check.find(SourceSpec.DATASET_CHECK_KIND);
      if (checkName.isEmpty() || kind.isEmpty()) {
        continue; // reported by the config parser
      }
      if (seen.putIfAbsent(checkName.get(), check.nodeOf(SourceSpec.DATASET_CHECK_NAME)) != null) {
        problems.report(
            check.nodeOf(SourceSpec.DATASET_CHECK_NAME),
            "dataset check '" + checkName.get() + "' is declared twice");
        continue;
      }
      List<ConfigKey<?>> allowed = DATASET_KEYS.get(kind.get());
      for (ConfigKey<?> key : SourceSpec.DATASET_CHECK_DEF.keys()) {
        if (check.isSet(key)
            && !allowed.contains(key)
            && key != SourceSpec.DATASET_CHECK_NAME
            && key != SourceSpec.DATASET_CHECK_KIND
            && key != SourceSpec.DATASET_CHECK_SEVERITY) {
          problems.report(
              check.keyNodeOf(key),
              "'" + key.name() + "' does not apply to a " + kind.get() + " check");
        }
      }
      if (DATASET_NEEDS.get(kind.get()).stream().noneMatch(check::isSet)) {
        problems.report(
            check.anchor(),
            "a "
                + kind.get()
                + " check needs "
                + (DATASET_NEEDS.get(kind.get()).size() == 1 ? "" : "one of ")
                + String.join(
                    ", ", DATASET_NEEDS.get(kind.get()).stream().map(ConfigKey::name).toList()));
      }
      if (kind.get().equals("freshness") && eventTime.isEmpty()) {
        problems.report(
            check.anchor(), "a freshness check needs event-time: it measures event-time lag");
      }
      Optional<String> column = check.find(SourceSpec.DATASET_COLUMN);
      if (allowed.contains(SourceSpec.DATASET_COLUMN)) {
        if (column.isEmpty()) {
          problems.report(check.anchor(), "a " + kind.get() + " check needs a column");
        } else if (!columns.containsKey(column.get())) {
          problems.report(
              check.nodeOf(SourceSpec.DATASET_COLUMN),
              "'"
                  + column.get()
                  + "' is not a column"
                  + DidYouMean.hint(column.get(), columns.keySet()));
        }
      }
      checks.add(
          new SourceDef.DatasetCheck(
              checkName.get(),
              kind.get(),
              check.get(SourceSpec.DATASET_CHECK_SEVERITY).equals("fail"),
              check.find(SourceSpec.DATASET_MAX_LAG),
              check.find(SourceSpec.DATASET_MIN_ROWS).map(Integer::longValue),
              check.find(SourceSpec.DATASET_MAX_ROWS).map(Integer::longValue),
              check.get(SourceSpec.DATASET_WINDOW),
              check.find(SourceSpec.DATASET_K),
              column,
              check.find(SourceSpec.DATASET_MAX_RATE),
              check.find(SourceSpec.DATASET_MAX_CHANGE),
              check.find(SourceSpec.DATASET_MIN).map(Integer::longValue),
              check.find(SourceSpec.DATASET_SQL),
              Problems.at(file, check.anchor())));
    }
    return checks;
  }

  private SourceDef.LatePolicy latePolicy(Optional<String> eventTime) {
    Optional<ConfigValues> late = values.find(SourceSpec.LATE_EVENTS);
    if (late.isEmpty()) {
      return SourceDef.LatePolicy.ACCEPT;
    }
    if (eventTime.isEmpty()) {
      problems.report(
          values.keyNodeOf(SourceSpec.LATE_EVENTS),
          "late-events needs event-time: lateness is measured on the event-time column");
    }
    return late.get()
        .find(SourceSpec.LATE_ALLOWED)
        .map(
            allowed ->
                new SourceDef.LatePolicy(
                    allowed, late.get().get(SourceSpec.LATE_POLICY).equals("quarantine")))
        .orElse(SourceDef.LatePolicy.ACCEPT);
  }

  private Optional<String> eventTime(Map<String, ColumnDef> columns) {
    Optional<String> eventTime = values.find(SourceSpec.EVENT_TIME);
    if (eventTime.isEmpty() || !values.find(SourceSpec.COLUMNS).isPresent()) {
      return eventTime;
    }
    Node node = values.nodeOf(SourceSpec.EVENT_TIME);
    ColumnDef column = columns.get(eventTime.get());
    if (column == null) {
      problems.report(
          node,
          "event-time '"
              + eventTime.get()
              + "' is not a column"
              + DidYouMean.hint(eventTime.get(), columns.keySet()));
    } else if (!EVENT_TIME_KINDS.contains(column.type().kind())) {
      problems.report(
          node,
          "event-time column '"
              + eventTime.get()
              + "' must be a timestamp or date, not "
              + column.type());
    }
    return eventTime;
  }

  private Granularity granularity(ConfigValues partition, Optional<ColumnDef> eventTime) {
    String granularity =
        partition.find(SourceSpec.PARTITION_GRANULARITY).orElse(defaults.granularity());
    Granularity result = Granularity.valueOf(granularity.toUpperCase(Locale.ROOT));
    boolean timestamp =
        eventTime.map(c -> c.type().kind() == DataType.Kind.TIMESTAMP).orElse(false);
    if (result == Granularity.HOUR && !timestamp && values.find(SourceSpec.COLUMNS).isPresent()) {
      problems.report(
          partition.nodeOf(SourceSpec.PARTITION_GRANULARITY),
          "granularity hour needs an event-time column of type timestamp"
              + (values.isSet(SourceSpec.EVENT_TIME) ? "" : "; set event-time"));
    }
    return result;
  }

  private List<String> partitionColumns(ConfigValues partition, Map<String, ColumnDef> columns) {
    List<String> names = partition.get(SourceSpec.PARTITION_COLUMNS);
    if (!partition.isSet(SourceSpec.PARTITION_COLUMNS)
        || values.find(SourceSpec.COLUMNS).isEmpty()) {
      return names;
    }
    Node node = partition.nodeOf(SourceSpec.PARTITION_COLUMNS);
    List<String> seen = new ArrayList<>();
    for (String column : names) {
      if (!columns.containsKey(column)) {
        problems.report(
            node,
            "partition column '"
                + column
                + "' is not a column"
                + DidYouMean.hint(column, columns.keySet()));
      } else if (seen.contains(column)) {
        problems.report(node, "partition column '" + column + "' is listed twice");
      }
      seen.add(column);
    }
    return names;
  }

  static CompiledRule.Severity severity(String name) {
    return CompiledRule.Severity.valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }

  private List<RowCheck> rowChecks() {
    List<RowCheck> checks = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (ConfigValues check : values.get(SourceSpec.CHECKS)) {
      Optional<String> checkName = check.find(SourceSpec.ROW_CHECK_NAME);
      Optional<String> expression = check.find(SourceSpec.ROW_CHECK_EXPR);
      if (checkName.isEmpty() || expression.isEmpty()) {
        continue;
      }
      Node first = seen.putIfAbsent(checkName.get(), check.nodeOf(SourceSpec.ROW_CHECK_NAME));
      if (first != null) {
        problems.report(
            check.nodeOf(SourceSpec.ROW_CHECK_NAME),
            "duplicate check '"
                + checkName.get()
                + "' (first declared at line "
                + YamlNodes.line(first)
                + ")");
        continue;
      }
      checks.add(
          new RowCheck(
              checkName.get(),
              expression.get(),
              check.get(SourceSpec.ROW_CHECK_MESSAGE),
              Problems.at(file, check.anchor()),
              severity(check.get(SourceSpec.CHECK_SEVERITY))));
    }
    return checks;
  }

  private List<FunctionDef> functions(String connector, Map<String, Object> options) {
    List<FunctionDef> functions = new ArrayList<>();
    for (ConfigValues function : values.get(SourceSpec.FUNCTIONS)) {
      function
          .find(SourceSpec.FUNCTION_NAME)
          .ifPresent(
              functionName ->
                  functions.add(
                      new FunctionDef(
                          functionName,
                          function.get(SourceSpec.FUNCTION_OPTIONS),
                          Problems.at(file, function.anchor()))));
    }
    Object format = options.get(SourceSpec.FORMAT.name());
    if (!functions.isEmpty() && connector.equals("files") && !"json".equals(format)) {
      problems.report(
          values.keyNodeOf(SourceSpec.FUNCTIONS),
          "functions run on JSON records, but this source reads "
              + (format == null ? "files of an unknown format" : format)
              + " files");
    }
    return functions;
  }

  private static boolean isNumeric(DataType type) {
    return switch (type.kind()) {
      case INT, BIGINT, DOUBLE, DECIMAL -> true;
      default -> false;
    };
  }

  /**
   * Whether a default's text casts to {@code type}; dates and timestamps are left to the engine.
   */
  private static boolean fits(String text, DataType type) {
    try {
      switch (type.kind()) {
        case INT -> Integer.parseInt(text.trim());
        case BIGINT -> Long.parseLong(text.trim());
        case DOUBLE, DECIMAL -> new BigDecimal(text.trim());
        case BOOLEAN -> {
          return List.of("true", "false").contains(text.trim().toLowerCase(Locale.ROOT));
        }
        default -> {
          return true;
        }
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
