package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.Connectors;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fields a column reads that the input does not have at all: a misspelt {@code from:} or a wrong
 * CSV delimiter, which would otherwise land NULL in every row. Under the default schema-drift
 * policy (none declared) this stops the source before anything lands; a column with a {@code
 * default:}, or an explicit policy, says what to do instead. See docs/schema-drift.md, "Missing
 * fields".
 *
 * <p>A CSV file (its observed fields carry no types: a header) is judged on its own, as its header
 * holds for all its rows; JSON and Parquet inputs are judged together: a field is missing when no
 * input of the batch has it. Stream sources are not judged (a micro-batch of a few records may well
 * lack an optional field).
 */
public final class MissingFields {
  /** How many files {@code sluice validate} observes per source. */
  public static final int SAMPLE_FILES = 3;

  private static final String DELIMITERS = ",;\t|";
  private static final int SHOWN_FILES = 3;
  private static final int SHOWN_FIELDS = 30;

  private MissingFields() {}

  /** The fields one input (a file) was observed to have. */
  public record Observed(String file, List<ObservedField> fields) {
    public Observed {
      requireNonNull(file, "file is null");
      fields = List.copyOf(fields);
    }

    boolean header() {
      return !fields.isEmpty() && fields.stream().allMatch(f -> f.type().equals("text"));
    }

    List<String> names() {
      return fields.stream().map(ObservedField::path).toList();
    }
  }

  /** Whether {@code source}'s policy makes a missing field an error (no policy declared). */
  public static boolean applies(SourceDef source) {
    return source.drift() == SourceDef.DriftPolicy.DEFAULT
        && Connectors.installed()
            .capabilities(source)
            .map(ConnectorCapabilities::missingFieldStops)
            .orElse(false);
  }

  /**
   * One sentence per column that would read NULL for every record of {@code observed}; empty when
   * every column finds its field (or has a default).
   */
  public static List<String> problems(
      SourceDef source, List<Observed> observed, Path projectDirectory) {
    List<String> problems = new ArrayList<>();
    List<ColumnDef> columns =
        source.columns().stream()
            .filter(
                c ->
                    !c.derived()
                        && c.defaultValue().isEmpty()
                        && !c.description().equals(SchemaDrift.EVOLVED))
            .toList();
    // CSV: each header judged on its own. A header of one field that holds another delimiter is
    // reported once, as such; otherwise each column, with the files whose header is the same.
    Map<String, List<String>> byHeader = new LinkedHashMap<>();
    Map<String, ColumnDef> columnOf = new LinkedHashMap<>();
    for (Observed input : observed) {
      if (!input.header()) {
        continue;
      }
      List<ColumnDef> lacking =
          columns.stream().filter(c -> !has(input.names(), c.from().orElseThrow())).toList();
      if (lacking.isEmpty()) {
        continue;
      }
      Optional<Character> delimiter = delimiterIn(input.names());
      if (delimiter.isPresent()) {
        problems.add(
            String.format(
                "the header of file '%s' is one field, '%s', so %s no field: is the delimiter"
                    + " '%s'? (set `csv: {delimiter: \"%s\"}`)",
                input.file(),
                input.names().get(0),
                lacking.size() == 1
                    ? "column " + lacking.get(0).name() + " finds"
                    : "columns "
                        + String.join(", ", lacking.stream().map(ColumnDef::name).toList())
                        + " find",
                printable(delimiter.get()),
                printable(delimiter.get())));
        continue;
      }
      for (ColumnDef column : lacking) {
        String key = column.name() + "\u0000" + String.join("\u0000", input.names());
        columnOf.put(key, column);
        byHeader.computeIfAbsent(key, k -> new ArrayList<>()).add(input.file());
      }
    }
    for (Map.Entry<String, List<String>> entry : byHeader.entrySet()) {
      ColumnDef column = columnOf.get(entry.getKey());
      String path = column.from().orElseThrow();
      List<String> names =
          observed.stream()
              .filter(o -> o.file().equals(entry.getValue().get(0)))
              .findFirst()
              .orElseThrow()
              .names();
      problems.add(
          String.format(
              "column %s (%s) reads field '%s', which the header of %s does not have;%s its"
                  + " columns are: %s",
              column.name(),
              column.location().display(projectDirectory),
              path,
              files(entry.getValue()),
              suggestion(path, names),
              shown(names)));
    }
    // JSON, Parquet: no input of the batch has it.
    List<Observed> typed = observed.stream().filter(o -> !o.header()).toList();
    Set<String> typedNames = new LinkedHashSet<>();
    typed.forEach(o -> typedNames.addAll(o.names()));
    if (!typedNames.isEmpty()) {
      for (ColumnDef column : columns) {
        String path = column.from().orElseThrow();
        if (!has(typedNames, path)) {
          problems.add(
              String.format(
                  "column %s (%s) reads field '%s', which no record of %s has;%s the fields seen"
                      + " are: %s",
                  column.name(),
                  column.location().display(projectDirectory),
                  path,
                  files(typed.stream().map(Observed::file).toList()),
                  suggestion(path, List.copyOf(typedNames)),
                  shown(List.copyOf(typedNames))));
        }
      }
    }
    return problems;
  }

  /**
   * The error a batch of {@code source} stops with when {@code problems} is not empty: what, where,
   * and the three ways out.
   */
  public static SluiceException error(
      SourceDef source, String batch, List<String> problems, Path projectDirectory) {
    return SluiceException.user(
        "Source '%s': %s would read NULL in every row, so nothing of batch %s landed:%n  - %s%nFix `from:` (or `csv.delimiter`) in"
            + " %s, give the column a `default:`, or declare `schema-drift: {policy: ignore}` to"
            + " read NULL for fields the files lack (docs/schema-drift.md).",
        source.name(),
        problems.size() == 1 ? "a column" : "columns",
        batch,
        String.join(String.format("%n  - "), problems),
        source.location().display(projectDirectory));
  }

  /**
   * What {@link #problems} finds in the first {@link #SAMPLE_FILES} files of a source (for {@code
   * sluice validate}): observed through the source's connector without running anything. Empty for
   * a source the check does not apply to, or whose connector cannot observe its input.
   */
  public static List<String> inSample(Project project, SourceDef source) {
    if (!applies(source) || !source.functions().isEmpty()) {
      return List.of();
    }
    List<SourceField> fields = new ArrayList<>();
    Set<String> paths = new LinkedHashSet<>();
    for (ColumnDef column : source.columns()) {
      if (!column.derived() && paths.add(column.from().orElseThrow())) {
        String path = column.from().orElseThrow();
        fields.add(new SourceField(path, path, true));
      }
    }
    List<Observed> observed = new ArrayList<>();
    try (SourceConnector connector =
        ProjectRuntime.standaloneConnector(project, source, fields, System.getenv())) {
      for (Split split : connector.sample(SAMPLE_FILES)) {
        connector.observe(split).ifPresent(f -> observed.add(new Observed(split.key(), f)));
      }
    }
    return problems(source, observed, project.directory());
  }

  /**
   * Whether the input has the field: itself, a field under it, or a field above it (an array or
   * mixed value, into which a path such as {@code items.0.sku} reaches).
   */
  private static boolean has(java.util.Collection<String> names, String path) {
    if (names.contains(path) || names.stream().anyMatch(n -> n.startsWith(path + "."))) {
      return true;
    }
    for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
      if (names.contains(path.substring(0, dot))) {
        return true;
      }
    }
    return false;
  }

  private static String suggestion(String path, List<String> names) {
    return DidYouMean.suggest(path, names)
        .or(() -> names.stream().filter(n -> SchemaDrift.looksLikeRename(path, n)).findFirst())
        .map(n -> " did you mean '" + n + "'?")
        .orElse("");
  }

  /** The delimiter a header of one field seems to use instead, if any. */
  private static Optional<Character> delimiterIn(List<String> names) {
    if (names.size() != 1) {
      return Optional.empty();
    }
    for (char delimiter : DELIMITERS.toCharArray()) {
      if (names.get(0).indexOf(delimiter) >= 0) {
        return Optional.of(delimiter);
      }
    }
    return Optional.empty();
  }

  private static String printable(char c) {
    return c == '\t' ? "\\t" : String.valueOf(c);
  }

  private static String files(List<String> files) {
    String shown =
        String.join(
            ", ",
            files.subList(0, Math.min(SHOWN_FILES, files.size())).stream()
                .map(f -> "'" + f + "'")
                .toList());
    String noun = files.size() == 1 ? "file " : "files ";
    return noun
        + shown
        + (files.size() > SHOWN_FILES ? " and " + (files.size() - SHOWN_FILES) + " more" : "");
  }

  private static String shown(List<String> names) {
    String shown = String.join(", ", names.subList(0, Math.min(SHOWN_FIELDS, names.size())));
    return names.size() > SHOWN_FIELDS
        ? shown + " and " + (names.size() - SHOWN_FIELDS) + " more"
        : shown;
  }
}
