package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.api.lake.LakeColumn;
import io.sluice.api.source.ObservedField;
import io.sluice.api.type.DataType;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.Location;
import io.sluice.core.project.SourceDef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the fields a split's input has with the columns a source reads (schema drift), and works
 * out what the source's policy does about it. See {@code docs/schema-drift.md}.
 */
public final class SchemaDrift {
  /** The first metadata column of a clean table: evolved columns go just before it. */
  static final String FIRST_METADATA_COLUMN = "_batch";

  /** The description of a column schema evolution added. */
  static final String EVOLVED = "added by schema evolution";

  private SchemaDrift() {}

  /**
   * One difference between a split's input and the columns.
   *
   * @param file the split (file) that showed it
   * @param kind {@code added} (a field no column reads), {@code missing} (a field a column reads is
   *     not in the input), {@code type-changed} (the input's values are not of the column's type),
   *     {@code renamed} (a missing field and an added one that look like the same field)
   * @param field the input field (for {@code renamed}: the new name)
   * @param column the column concerned: the one reading the field, or the one evolution adds
   * @param declared the column's type, or the field it used to read for {@code renamed}
   * @param observed the kind of values seen in the input
   * @param action what the policy did
   */
  public record Event(
      String file,
      String kind,
      String field,
      String column,
      String declared,
      String observed,
      String action) {
    public Event {
      requireNonNull(file, "file is null");
      requireNonNull(kind, "kind is null");
      requireNonNull(field, "field is null");
      requireNonNull(column, "column is null");
      requireNonNull(declared, "declared is null");
      requireNonNull(observed, "observed is null");
      requireNonNull(action, "action is null");
    }

    /** A sentence for a person. */
    public String describe() {
      String what =
          switch (kind) {
            case "added" -> "new field '" + field + "' (" + observed + ")";
            case "missing" -> "field '" + field + "' of column " + column + " is missing";
            case "type-changed" ->
                "field '"
                    + field
                    + "' has "
                    + observed
                    + " values, column "
                    + column
                    + " is "
                    + declared;
            case "renamed" ->
                "field '" + declared + "' is missing and '" + field + "' is new: renamed?";
            default -> kind + " " + field;
          };
      return file + ": " + what + " -> " + action;
    }
  }

  /**
   * The source as a batch reads it: its declared columns, plus the columns schema evolution added
   * to its clean table (read from the field of the same name), with the clean table's types where
   * evolution widened a declared column.
   */
  public static SourceDef effective(SourceDef source, List<LakeColumn> tableColumns) {
    Map<String, LakeColumn> table = new LinkedHashMap<>();
    tableColumns.forEach(column -> table.put(column.name(), column));
    List<ColumnDef> columns = new ArrayList<>();
    Set<String> declared = new HashSet<>();
    for (ColumnDef column : source.columns()) {
      declared.add(column.name());
      LakeColumn existing = table.get(column.name());
      if (existing != null && !existing.type().equals(column.type()) && widens(column, existing)) {
        columns.add(retyped(column, existing.type()));
      } else {
        columns.add(column);
      }
    }
    boolean pastMetadata = false;
    for (LakeColumn column : tableColumns) {
      if (column.name().equals(FIRST_METADATA_COLUMN)) {
        pastMetadata = true;
      }
      if (!pastMetadata && !declared.contains(column.name())) {
        columns.add(evolved(column.name(), column.name(), column.type(), source.location()));
      }
    }
    return columns.size() == source.columns().size() && columns.equals(source.columns())
        ? source
        : source.withColumns(columns);
  }

  private static boolean widens(ColumnDef column, LakeColumn existing) {
    DataType declared = column.type();
    DataType actual = existing.type();
    if (declared.kind() == DataType.Kind.DECIMAL && actual.kind() == DataType.Kind.DECIMAL) {
      return actual.scale() == declared.scale() && actual.precision() > declared.precision();
    }
    return declared.kind() == DataType.Kind.INT && actual.kind() == DataType.Kind.BIGINT;
  }

  private static ColumnDef retyped(ColumnDef column, DataType type) {
    return new ColumnDef(
        column.name(),
        type,
        column.from(),
        column.expression(),
        column.defaultValue(),
        column.format(),
        column.description(),
        column.checks(),
        column.location());
  }

  static ColumnDef evolved(String name, String field, DataType type, Location location) {
    return new ColumnDef(
        name,
        type,
        Optional.of(field),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        EVOLVED,
        List.of(),
        location);
  }

  /** The observed fields no column reads (a field under a path a column reads whole is read). */
  public static List<String> unmapped(SourceDef source, List<ObservedField> observed) {
    List<String> read =
        source.columns().stream()
            .filter(c -> !c.derived())
            .map(c -> c.from().orElseThrow())
            .toList();
    return observed.stream()
        .map(ObservedField::path)
        .filter(path -> read.stream().noneMatch(p -> p.equals(path) || path.startsWith(p + ".")))
        .toList();
  }

  /**
   * The differences between {@code observed} (one split) and what {@code source} reads. A field no
   * column reads is reported as {@code added} only when it is not in {@code known}: the unmapped
   * fields earlier batches already had (the first batch sets that baseline and reports none).
   */
  public static List<Event> compare(
      SourceDef source,
      String file,
      List<ObservedField> observed,
      String policy,
      java.util.Optional<Set<String>> known) {
    Map<String, String> fields = new LinkedHashMap<>();
    observed.forEach(field -> fields.put(field.path(), field.type()));
    List<ColumnDef> read = source.columns().stream().filter(c -> !c.derived()).toList();
    List<ColumnDef> missing = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (ColumnDef column : read) {
      String path = column.from().orElseThrow();
      String kind = fields.get(path);
      if (kind == null && fields.keySet().stream().noneMatch(p -> p.startsWith(path + "."))) {
        missing.add(column);
      } else if (kind != null && !compatible(kind, column.type())) {
        events.add(
            new Event(
                file,
                "type-changed",
                path,
                column.name(),
                column.type().toString(),
                kind,
                action(policy, "type-changed", column.type(), kind)));
      }
    }
    List<String> added = new ArrayList<>();
    if (known.isPresent()) {
      for (String path : unmapped(source, observed)) {
        if (!known.get().contains(path)) {
          added.add(path);
        }
      }
    }
    for (ColumnDef column : missing) {
      String path = column.from().orElseThrow();
      Optional<String> renamed = added.stream().filter(a -> looksLikeRename(path, a)).findFirst();
      if (renamed.isPresent()) {
        added.remove(renamed.get());
        String kind = fields.get(renamed.get());
        events.add(
            new Event(
                file,
                "renamed",
                renamed.get(),
                column.name(),
                path,
                kind,
                action(policy, "renamed", column.type(), kind)
                    + " (to read it into column "
                    + column.name()
                    + ", set `from: "
                    + renamed.get()
                    + "`)"));
      } else {
        events.add(
            new Event(
                file,
                "missing",
                path,
                column.name(),
                column.type().toString(),
                "",
                action(policy, "missing", column.type(), "")));
      }
    }
    for (String path : added) {
      String kind = fields.get(path);
      events.add(
          new Event(
              file,
              "added",
              path,
              columnName(path),
              "",
              kind,
              action(policy, "added", typeOf(kind), kind)));
    }
    return events;
  }

  private static String action(String policy, String kind, DataType type, String observed) {
    return switch (policy) {
      case "fail" -> "the run stops (schema-drift.policy is fail)";
      case "quarantine" -> "the file's rows are quarantined under rule schema_drift";
      case "evolve" ->
          switch (kind) {
            case "added", "renamed" -> "column added to the clean table as " + type;
            case "missing" -> "the column reads NULL";
            default ->
                widening(type, observed).isPresent()
                    ? "column widened to " + widening(type, observed).get()
                    : "values are read as " + type + "; those that do not convert fail rule type";
          };
      default ->
          switch (kind) {
            case "added", "renamed" -> "left out (schema-drift.policy is ignore)";
            case "missing" -> "the column reads NULL";
            default -> "values are read as " + type + "; those that do not convert fail rule type";
          };
    };
  }

  /** The wider type evolution gives a column of {@code type} for values of {@code observed}. */
  static Optional<DataType> widening(DataType type, String observed) {
    if (type.kind() == DataType.Kind.INT && observed.equals("bigint")) {
      return Optional.of(DataType.BIGINT);
    }
    if (type.kind() == DataType.Kind.DECIMAL && observed.startsWith("decimal(")) {
      // Iceberg widens a decimal's precision, never its scale.
      DataType values = DataType.parse(observed);
      if (values.scale() == type.scale() && values.precision() > type.precision()) {
        return Optional.of(values);
      }
    }
    return Optional.empty();
  }

  /** Whether values of an observed kind are what a column of {@code type} expects. */
  static boolean compatible(String observed, DataType type) {
    if (observed.equals("null") || observed.equals("text")) {
      return true; // no values, or a format without types (CSV)
    }
    boolean decimal = observed.startsWith("decimal(");
    return switch (type.kind()) {
      case STRING -> !observed.equals("array") && !observed.equals("mixed");
      case INT -> observed.equals("integer");
      case BIGINT -> observed.equals("integer") || observed.equals("bigint");
      case DOUBLE ->
          observed.equals("integer")
              || observed.equals("bigint")
              || observed.equals("number")
              || decimal;
      case DECIMAL ->
          observed.equals("integer")
              || observed.equals("bigint")
              || observed.equals("number")
              || decimal && fitsDecimal(observed, type);
      case BOOLEAN -> observed.equals("boolean");
      // JSON has dates and timestamps as strings; Parquet has them typed.
      case DATE -> observed.equals("string") || observed.equals("date");
      case TIMESTAMP ->
          observed.equals("string") || observed.equals("timestamp") || observed.equals("date");
    };
  }

  /** Whether a Parquet {@code decimal(p,s)} fits a DECIMAL column without losing digits. */
  private static boolean fitsDecimal(String observed, DataType type) {
    DataType values = DataType.parse(observed);
    return values.scale() <= type.scale()
        && values.precision() - values.scale() <= type.precision() - type.scale();
  }

  /** The type of a column evolution adds for a field of an observed kind. */
  static DataType typeOf(String observed) {
    if (observed.startsWith("decimal(")) {
      return DataType.parse(observed);
    }
    return switch (observed) {
      case "integer", "bigint" -> DataType.BIGINT;
      case "number" -> DataType.DOUBLE;
      case "boolean" -> DataType.BOOLEAN;
      case "date" -> DataType.DATE;
      case "timestamp" -> DataType.TIMESTAMP;
      default -> DataType.STRING;
    };
  }

  /** A column name for a field path: {@code user.first-name} becomes {@code user_first_name}. */
  static String columnName(String path) {
    String name = path.replaceAll("[^A-Za-z0-9_]", "_");
    if (name.isEmpty() || !Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
      name = "f_" + name;
    }
    return name.toLowerCase(Locale.ROOT);
  }

  /** Same letters ignoring case and separators, or at most two edits apart for longer names. */
  static boolean looksLikeRename(String before, String after) {
    String a = normalized(before);
    String b = normalized(after);
    if (a.equals(b)) {
      return true;
    }
    return Math.min(a.length(), b.length()) >= 5 && distance(a, b) <= 2;
  }

  private static String normalized(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
