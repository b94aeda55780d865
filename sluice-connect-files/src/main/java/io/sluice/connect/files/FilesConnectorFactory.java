package io.sluice.connect.files;

import io.sluice.api.SluiceException;
import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorCapabilities.Delivery;
import io.sluice.api.source.ConnectorCapabilities.PositionKind;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code files} connector: CSV, NDJSON/JSON and Parquet files from a file, a folder or a glob
 * on local disk. Each file is one split; its position is a fingerprint ({@code
 * size:mtimeMillis:crc32c}) so that changed files are noticed and handled by the {@code on-change}
 * option. It is the connector of a source file that names none.
 */
public final class FilesConnectorFactory implements ConnectorFactory {
  /** The connector name used in source files: {@code connector: files}. */
  public static final String NAME = "files";

  private static final ConnectorCapabilities CAPABILITIES =
      new ConnectorCapabilities(
          PositionKind.FILE_SET,
          Delivery.EXACTLY_ONCE,
          Set.of("parquet", "ndjson"),
          true,
          false,
          false,
          true);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "CSV, JSON (NDJSON or arrays) and Parquet files from a file, a folder or a glob on local"
        + " disk; each file is read once, and a changed file is handled by `on-change`.";
  }

  @Override
  public ConfigDef options() {
    return FilesSpec.OPTIONS;
  }

  @Override
  public ConnectorCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public boolean isDefault() {
    return true;
  }

  @Override
  public Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
    Map<String, Object> options = ConnectorFactory.written(FilesSpec.OPTIONS, source);
    Optional<String> format = source.find(FilesSpec.FORMAT);
    if (!allValid(source)) {
      return options; // an invalid value is reported already; the rest follows from it
    }
    Optional<String> path = source.find(FilesSpec.PATH);
    if (path.isEmpty()) {
      return options; // reported as a missing required key
    }
    if (format.isEmpty()) {
      format =
          FileFormat.fromFileName(FilesOptions.lastSegment(path.get()))
              .map(FileFormat::optionValue);
      if (format.isEmpty()) {
        problems.report(
            source.nodeOf(FilesSpec.PATH),
            "cannot tell the format of '"
                + path.get()
                + "' from its extension (.csv, .tsv, .json, .ndjson, .jsonl or .parquet); set"
                + " format to one of "
                + formats());
        return options;
      }
      options.put(FilesSpec.FORMAT.name(), format.get());
    }
    boolean located = false;
    for (ConfigKey<ConfigValues> section : List.of(FilesSpec.CSV, FilesSpec.JSON)) {
      if (source.isSet(section) && !format.get().equals(section.name())) {
        problems.report(
            source.keyNodeOf(section),
            section.name()
                + " options apply to format "
                + section.name()
                + ", but the format is "
                + format.get());
        located = true;
      }
    }
    Optional<ConfigValues> csv = source.find(FilesSpec.CSV);
    if (csv.isPresent()
        && csv.get().find(FilesSpec.CSV_DELIMITER).isPresent()
        && csv.get().get(FilesSpec.CSV_QUOTE).equals(csv.get().get(FilesSpec.CSV_DELIMITER))) {
      problems.report(
          csv.get().nodeOf(FilesSpec.CSV_QUOTE),
          "csv: quote and delimiter cannot be the same character");
      located = true;
    }
    if (!located) {
      // what the connector itself refuses (checked once, in FilesOptions), at the source
      try {
        FilesOptions.parse("-", options);
      } catch (SluiceException e) {
        problems.report(source.anchor(), e.getMessage().replaceFirst("^Source '-': ", ""));
      }
    }
    return options;
  }

  /** Whether every key of the connector that is written has a valid value, sections included. */
  private static boolean allValid(ConfigValues source) {
    for (ConfigKey<?> key : FilesSpec.OPTIONS.keys()) {
      if (source.isSet(key) && source.find(key).isEmpty()) {
        return false;
      }
    }
    for (ConfigKey<ConfigValues> section : List.of(FilesSpec.CSV, FilesSpec.JSON)) {
      Optional<ConfigValues> values = source.find(section);
      if (values.isPresent()) {
        for (ConfigKey<?> key : values.get().def().keys()) {
          if (values.get().isSet(key) && values.get().find(key).isEmpty()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  @Override
  public Optional<String> functionsUnsupported(Map<String, Object> options) {
    Object format = options.get(FilesOptions.FORMAT);
    if (format == null && options.get(FilesOptions.PATH) instanceof String path) {
      format =
          FileFormat.fromFileName(FilesOptions.lastSegment(path))
              .map(FileFormat::optionValue)
              .orElse(null);
    }
    if ("json".equals(format)) {
      return Optional.empty();
    }
    return Optional.of(
        "functions run on JSON records, but this source reads "
            + (format == null ? "files of an unknown format" : format)
            + " files");
  }

  @Override
  public SourceConnector create(SourceContext context) {
    return new FilesConnector(context, FilesOptions.parse(context), FilesConnector.MAX_RECORD_SIZE);
  }

  /** The file or glob the source reads, absolute, in OpenLineage's {@code file} namespace. */
  @Override
  public java.util.Optional<io.sluice.api.source.LineageDataset> lineageDataset(
      String sourceName,
      java.nio.file.Path projectDirectory,
      java.util.Map<String, Object> options) {
    String path = FilesOptions.parse(sourceName, options).path();
    return java.util.Optional.of(
        new io.sluice.api.source.LineageDataset(
            "file", projectDirectory.resolve(path).normalize().toString()));
  }

  private static String formats() {
    return Arrays.stream(FileFormat.values())
        .map(FileFormat::optionValue)
        .collect(Collectors.joining(", "));
  }
}
