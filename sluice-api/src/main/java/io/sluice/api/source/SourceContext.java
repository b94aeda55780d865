package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import io.sluice.api.log.IngestLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a connector is created with.
 *
 * @param sourceName the source's name in the project
 * @param projectDirectory the project folder; relative paths in options resolve against it
 * @param options the connector's options, already checked against the project format (values are
 *     strings, numbers, booleans, lists or maps as written in YAML)
 * @param fields the fields to extract from each record, in the order of {@link RecordSink} values
 * @param transform the source's record functions, applied by connectors that read JSON records
 * @param ingestLog the project's ingest log, opened on first call, for connectors that read pushed
 *     records; it is owned (and closed) by the caller. Throws {@link io.sluice.api.SluiceException}
 *     when the log cannot be opened, e.g. because another process has it open.
 * @param environment the process environment, where connectors read credentials named by their
 *     options ({@code password-env}); injected so that tests need not set real variables
 * @param sourceFile the file the source is declared in, for messages
 * @param stateDirectory a folder of the project's state that the connector may keep files in (e.g.
 *     a replication slot's bookkeeping), created on demand; never inside the project's sources
 */
public record SourceContext(
    String sourceName,
    Path projectDirectory,
    Map<String, Object> options,
    List<SourceField> fields,
    RecordTransform transform,
    Supplier<IngestLog> ingestLog,
    Map<String, String> environment,
    Path sourceFile,
    Path stateDirectory) {
  public SourceContext {
    requireNonNull(sourceName, "sourceName is null");
    requireNonNull(projectDirectory, "projectDirectory is null");
    options = Map.copyOf(options);
    fields = List.copyOf(fields);
    requireNonNull(transform, "transform is null");
    requireNonNull(ingestLog, "ingestLog is null");
    environment = Map.copyOf(environment);
    requireNonNull(sourceFile, "sourceFile is null");
    requireNonNull(stateDirectory, "stateDirectory is null");
  }

  /**
   * A context for a source without record functions and without an ingest log, with the process
   * environment, keeping state under the project's {@code .sluice/connectors/<source>}.
   */
  public SourceContext(
      String sourceName,
      Path projectDirectory,
      Map<String, Object> options,
      List<SourceField> fields) {
    this(
        sourceName,
        projectDirectory,
        options,
        fields,
        RecordTransform.IDENTITY,
        () -> {
          throw new IllegalStateException("no ingest log is available to source " + sourceName);
        },
        System.getenv(),
        projectDirectory.resolve("sources").resolve(sourceName + ".yaml"),
        projectDirectory.resolve(".sluice").resolve("connectors").resolve(sourceName));
  }
}
