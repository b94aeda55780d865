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
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.type.DataType;
import io.sluice.config.ConfigDef;
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
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

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
  private final ConnectorFactory factory;

  private SourceReader(
      Path file,
      ConfigValues values,
      ConnectorFactory factory,
      ProjectDefaults defaults,
      Problems allProblems) {
    this.file = file;
    this.factory = factory;
    this.name = ProjectLoader.stem(file);
    this.values = values;
    this.defaults = defaults;
    this.problems = allProblems.in(file);
    this.allProblems = allProblems;
  }

  /** A source file checked key by key against the keys of its connector. */
  record Parsed(ConfigValues values, ConnectorFactory factory) {}

  /**
   * Checks a source file's keys: finds its connector (by {@code connector:}, else the default one),
   * then checks the file against the common keys and the connector's. A key of another installed
   * connector is reported as such.
   *
   * @return the values, or empty when the connector is unknown or the file is not a mapping
   *     (reported)
   */
  static Optional<Parsed> parse(Path file, Node node, Connectors connectors, Problems problems) {
    ProblemReporter reporter = problems.in(file);
    if (!(node instanceof MappingNode mapping)) {
      return SourceSpec.COMMON_DEF.parse(node, reporter).map(v -> null);
    }
    Optional<ConnectorFactory> factory;
    Node connectorNode = null;
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key
          && key.getValue().equals(SourceSpec.CONNECTOR.name())) {
        connectorNode = tuple.getValueNode();
      }
    }
    if (connectorNode == null) {
      factory = connectors.defaultConnector();
      if (factory.isEmpty()) {
        reporter.report(
            mapping,
            "the source names no connector and no installed connector is the default; set"
                + " connector: to one of "
                + String.join(", ", connectors.names()));
      }
    } else if (connectorNode instanceof ScalarNode scalar && !YamlNodes.isNull(scalar)) {
      factory = connectors.find(scalar.getValue());
      if (factory.isEmpty()) {
        reporter.report(connectorNode, connectors.unknown(scalar.getValue()));
      }
    } else {
      reporter.report(
          connectorNode,
          "connector: expected a connector name, found " + YamlNodes.describe(connectorNode));
      factory = Optional.empty();
    }
    if (factory.isEmpty()) {
      // the connector's keys are unknown: check the common ones only
      List<NodeTuple> common =
          mapping.getValue().stream()
              .filter(
                  t ->
                      !(t.getKeyNode() instanceof ScalarNode key)
                          || SourceSpec.COMMON_DEF.key(key.getValue()).isPresent())
              .toList();
      SourceSpec.COMMON_DEF.parse(copy(mapping, common), reporter);
      return Optional.empty();
    }
    String name = factory.get().name();
    ConfigDef def = connectors.sourceDef(factory.get());
    List<NodeTuple> own = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key && def.key(key.getValue()).isEmpty()) {
        List<String> owners = connectors.owners(key.getValue(), name);
        if (!owners.isEmpty()) {
          reporter.report(
              key,
              "'"
                  + key.getValue()
                  + "' is an option of connector "
                  + String.join(", ", owners)
                  + ", but this source's connector is "
                  + name
                  + " (see docs/reference/connectors/"
                  + name
                  + ".md for its options)");
          continue;
        }
      }
      own.add(tuple);
    }
    return def.parse(copy(mapping, own), reporter).map(values -> new Parsed(values, factory.get()));
  }

  private static MappingNode copy(MappingNode mapping, List<NodeTuple> tuples) {
    return new MappingNode(
        mapping.getTag(),
        true,
        new ArrayList<>(tuples),
        mapping.getStartMark(),
        mapping.getEndMark(),
        mapping.getFlowStyle());
  }

  /**
   * Reads one source.
   *
   * @return the source, or empty when the file has problems (reported)
   */
  static Optional<SourceDef> read(
      Path file, Parsed parsed, ProjectDefaults defaults, Problems problems) {
    return new SourceReader(file, parsed.values(), parsed.factory(), defaults, problems).read();
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
    String connector = factory.name();
    Map<String, Object> options =
        withProjectDefaults(
            factory.options(), factory.resolve(values, problems), defaults.asOptions());
    List<ColumnDef> columns = columns();
    Map<String, ColumnDef> byName = new LinkedHashMap<>();
    columns.forEach(c -> byName.putIfAbsent(c.name(), c));
    Optional<String> eventTime = eventTime(byName);
    ConfigValues partition = values.get(SourceSpec.PARTITION);
    Granularity granularity = granularity(partition, eventTime.map(byName::get));
    List<String> partitionColumns = partitionColumns(partition, byName);
    List<RowCheck> checks = rowChecks();
    List<FunctionDef> functions = functions(options);
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
   * The {@code primary-key} columns, required by a connector that reads changes: each a declared
   * column, listed once, and none with a {@code unique} check (a merged clean table holds one row
   * per key by construction, and replaced rows would count as duplicates of their own update).
   */
  private List<String> primaryKey(Map<String, ColumnDef> columns) {
    Optional<List<String>> declared = values.find(SourceSpec.PRIMARY_KEY);
    if (declared.isEmpty() && factory.capabilities().changelog()) {
      // Without a key a delete could not say which row it removes.
      problems.report(
          values.isSet(SourceSpec.CONNECTOR)
              ? values.nodeOf(SourceSpec.CONNECTOR)
              : values.anchor(),
          "connector '"
              + factory.name()
              + "' reads changes (inserts, updates and deletes), so the source needs a"
              + " primary-key: declare primary-key: [column, ...] with the columns that identify a"
              + " row (see docs/primary-keys.md)");
    }
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
   * {@code options} with sluice.yaml's defaults filled in: a connector option left unset takes the
   * project's default of the same name, whether the connector declares it at the top level of the
   * source file ({@code on-change}) or in its section ({@code s3: {on-change: ...}}).
   */
  private static Map<String, Object> withProjectDefaults(
      ConfigDef def, Map<String, Object> options, Map<String, Object> projectDefaults) {
    Map<String, Object> result = new LinkedHashMap<>(options);
    for (ConfigKey<?> key : def.keys()) {
      if (projectDefaults.containsKey(key.name())) {
        result.putIfAbsent(key.name(), projectDefaults.get(key.name()));
        continue;
      }
      for (ConfigType.Nested nested : key.type().nested()) {
        if (nested.suffix().isEmpty() && result.get(key.name()) instanceof Map<?, ?> section) {
          Map<String, Object> filled = new LinkedHashMap<>();
          section.forEach((name, value) -> filled.put(String.valueOf(name), value));
          int before = filled.size();
          projectDefaults.forEach(
              (name, value) -> {
                if (nested.def().key(name).isPresent()) {
                  filled.putIfAbsent(name, value);
                }
              });
          if (filled.size() > before) {
            result.put(key.name(), filled);
          }
        }
      }
    }
    return result;
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

  private List<FunctionDef> functions(Map<String, Object> options) {
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
    if (!functions.isEmpty()) {
      factory
          .functionsUnsupported(options)
          .ifPresent(why -> problems.report(values.keyNodeOf(SourceSpec.FUNCTIONS), why));
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
