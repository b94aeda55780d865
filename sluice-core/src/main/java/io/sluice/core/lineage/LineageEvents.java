package io.sluice.core.lineage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.SluiceException;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.LineageDataset;
import io.sluice.api.type.Column;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.Connectors;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.Selection;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds the OpenLineage run events (spec 2-0-2) of one project's runs: one OpenLineage run per
 * attempt of a Sluice run, its job named after the run's selection, its inputs (the sources' data,
 * and the lake tables its models read) and outputs (raw, clean and quarantine lake tables, and the
 * models in the warehouse), each with a {@code schema} facet where the columns are known. See
 * docs/lineage.md for the names chosen.
 */
public final class LineageEvents {
  /** The OpenLineage spec version the events follow. */
  public static final String SPEC = "2-0-2";

  static final String EVENT_SCHEMA = "https://openlineage.io/spec/" + SPEC + "/OpenLineage.json";

  static final String SCHEMA_FACET =
      "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet";
  static final String DOCUMENTATION_FACET =
      "https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json"
          + "#/$defs/DocumentationDatasetFacet";
  static final String OUTPUT_STATISTICS_FACET =
      "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json"
          + "#/$defs/OutputStatisticsOutputDatasetFacet";
  static final String ERROR_FACET =
      "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json"
          + "#/$defs/ErrorMessageRunFacet";
  static final String NOMINAL_TIME_FACET =
      "https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json"
          + "#/$defs/NominalTimeRunFacet";
  static final String PROCESSING_ENGINE_FACET =
      "https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json"
          + "#/$defs/ProcessingEngineRunFacet";
  static final String JOB_TYPE_FACET =
      "https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet";

  /** Sluice's own run facet: the Sluice run it belongs to (docs/schema/lineage/). */
  static final String SLUICE_RUN_FACET =
      "https://sluice.dev/schema/lineage/1-0-0/SluiceRunFacet.json#/$defs/SluiceRunFacet";

  /** What produced the events ({@code producer}, {@code _producer}). */
  public static final String PRODUCER = "https://sluice.dev/lineage/sluice";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a run's state changed, as OpenLineage's {@code eventType} says it. */
  public enum EventType {
    START,
    COMPLETE,
    FAIL,
    ABORT
  }

  private final Project project;
  private final Connectors connectors;
  private final String namespace;
  private final String version;
  private final ModelSchemas modelSchemas;

  /**
   * @param project the project whose runs the events describe
   * @param connectors the installed connectors, which name the sources' datasets
   */
  public LineageEvents(Project project, Connectors connectors) {
    this.project = requireNonNull(project, "project is null");
    this.connectors = requireNonNull(connectors, "connectors is null");
    this.namespace = project.lineage().namespace();
    String implementation = LineageEvents.class.getPackage().getImplementationVersion();
    this.version = implementation == null ? "development" : implementation;
    this.modelSchemas = new ModelSchemas(project);
  }

  /**
   * The OpenLineage run id of one attempt of a Sluice run: a name-based UUID of the namespace, the
   * run's id and the attempt's number, so that the START and the end of an attempt share it, also
   * when they are sent by different objects, and a Sluice run id always maps to the same runs.
   */
  public static UUID runId(String namespace, String sluiceRunId, int attempt) {
    return UUID.nameUUIDFromBytes(
        (namespace + "/" + sluiceRunId + "/" + attempt).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The job of a run: the project's name for a run of the whole project, {@code <project>.serve}
   * for the micro-batches of {@code sluice serve}, and {@code <project>:<selectors>} (plus {@code
   * --exclude <selectors>}) for a run of a selection.
   */
  public String jobName(RunRequest request) {
    if (request.trigger().equals("serve")) {
      return project.name() + ".serve";
    }
    if (request.selectsAll()) {
      return project.name();
    }
    StringBuilder name = new StringBuilder(project.name()).append(':');
    name.append(String.join(",", request.select().isEmpty() ? List.of("*") : request.select()));
    if (!request.exclude().isEmpty()) {
      name.append(" --exclude ").append(String.join(",", request.exclude()));
    }
    return name.toString();
  }

  /** The event of {@code attempt} of {@code run} reaching {@code type}. */
  public ObjectNode event(EventType type, RunRecord run, RunRecord.Attempt attempt) {
    Instant time =
        type == EventType.START
            ? attempt.startedAt()
            : attempt.endedAt().orElse(attempt.startedAt());
    ObjectNode event = JSON.createObjectNode();
    event.put("eventType", type.name());
    event.put("eventTime", DateTimeFormatter.ISO_INSTANT.format(time));
    event.put("producer", PRODUCER);
    event.put("schemaURL", EVENT_SCHEMA + "#/$defs/RunEvent");
    event.set("run", run(type, run, attempt));
    event.set("job", job(run.request()));
    Datasets datasets =
        datasets(run.request(), type == EventType.START ? Optional.empty() : attempt.summary());
    event.set("inputs", datasets.inputs());
    event.set("outputs", datasets.outputs());
    return event;
  }

  private ObjectNode run(EventType type, RunRecord run, RunRecord.Attempt attempt) {
    ObjectNode node = JSON.createObjectNode();
    node.put("runId", runId(namespace, run.id(), attempt.number()).toString());
    ObjectNode facets = node.putObject("facets");
    ObjectNode engine = facet(facets, "processing_engine", PROCESSING_ENGINE_FACET);
    engine.put("version", version);
    engine.put("name", "sluice");
    nominalTime(run).ifPresent(window -> facets.set("nominalTime", window));
    ObjectNode sluice = facet(facets, "sluice", SLUICE_RUN_FACET);
    sluice.put("runId", run.id());
    sluice.put("attempt", attempt.number());
    sluice.put("trigger", run.request().trigger());
    ArrayNode select = sluice.putArray("select");
    run.request().select().forEach(select::add);
    ArrayNode exclude = sluice.putArray("exclude");
    run.request().exclude().forEach(exclude::add);
    sluice.put("fullRefresh", run.request().fullRefresh());
    if (type != EventType.START) {
      sluice.put("status", attempt.status().label());
      attempt
          .errorCategory()
          .ifPresent(c -> sluice.put("errorCategory", c.name().toLowerCase(Locale.ROOT)));
    }
    if (type == EventType.FAIL || type == EventType.ABORT) {
      ObjectNode error = facet(facets, "errorMessage", ERROR_FACET);
      error.put("message", attempt.error().isEmpty() ? attempt.status().label() : attempt.error());
      error.put("programmingLanguage", "JAVA");
      if (!attempt.log().isEmpty()) {
        error.put("stackTrace", attempt.log());
      }
    }
    return node;
  }

  /** A backfill's window; a scheduled run's due time. */
  private Optional<ObjectNode> nominalTime(RunRecord run) {
    Optional<RunRequest.Window> window = run.request().window();
    if (window.isEmpty() && !run.request().trigger().startsWith("schedule:")) {
      return Optional.empty();
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("_producer", PRODUCER);
    node.put("_schemaURL", NOMINAL_TIME_FACET);
    if (window.isPresent()) {
      node.put("nominalStartTime", DateTimeFormatter.ISO_INSTANT.format(window.get().start()));
      node.put("nominalEndTime", DateTimeFormatter.ISO_INSTANT.format(window.get().end()));
    } else {
      node.put("nominalStartTime", DateTimeFormatter.ISO_INSTANT.format(run.createdAt()));
    }
    return Optional.of(node);
  }

  private ObjectNode job(RunRequest request) {
    ObjectNode job = JSON.createObjectNode();
    job.put("namespace", namespace);
    job.put("name", jobName(request));
    ObjectNode facets = job.putObject("facets");
    ObjectNode type = facet(facets, "jobType", JOB_TYPE_FACET);
    type.put("processingType", request.trigger().equals("serve") ? "STREAMING" : "BATCH");
    type.put("integration", "SLUICE");
    type.put("jobType", "JOB");
    return job;
  }

  private record Datasets(ArrayNode inputs, ArrayNode outputs) {}

  /**
   * What the request's selection reads and writes; once the attempt ended, with the rows each batch
   * wrote ({@code outputStatistics}).
   */
  private Datasets datasets(RunRequest request, Optional<RunSummary> summary) {
    Selection selection = Selection.of(project, request.select(), request.exclude());
    ArrayNode inputs = JSON.createArrayNode();
    ArrayNode outputs = JSON.createArrayNode();
    List<String> lakeInputs = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      if (!selection.hasSource(source.name())) {
        continue;
      }
      LineageDataset read = sourceDataset(source);
      ObjectNode input = dataset(inputs, read.namespace(), read.name());
      schema(input, source.columns().stream().map(c -> new Column(c.name(), c.type())).toList());
      documentation(input, source.description());
      // a source that drains its backlog lands several batches in one run: their sum
      List<RunSummary.SourceRun> batches =
          summary.stream()
              .flatMap(s -> s.sources().stream())
              .filter(s -> s.source().equals(source.name()))
              .toList();
      lakeOutput(outputs, LakeLayout.raw(source), rows(batches, RunSummary.SourceRun::rowsRead));
      lakeOutput(outputs, LakeLayout.clean(source), rows(batches, RunSummary.SourceRun::rowsValid));
      lakeOutput(
          outputs,
          LakeLayout.quarantine(source),
          rows(batches, RunSummary.SourceRun::rowsQuarantined));
    }
    List<ModelDef> models =
        project.models().stream().filter(m -> selection.hasModel(m.name())).toList();
    // once the attempt ended, the warehouse has the models' columns
    Map<String, List<ModelSchemas.Field>> modelColumns =
        summary.isPresent() && !models.isEmpty() ? modelSchemas.columns(models) : Map.of();
    for (ModelDef model : models) {
      for (String source : model.sources()) {
        if (!lakeInputs.contains(source)) {
          lakeInputs.add(source);
          project
              .source(source)
              .ifPresent(
                  s -> {
                    TableSpec clean = LakeLayout.clean(s);
                    schema(
                        dataset(inputs, lakeNamespace(), clean.id().toString()), clean.columns());
                  });
        }
      }
      for (String ref : model.refs()) {
        if (!selection.hasModel(ref)) {
          dataset(inputs, warehouseNamespace(), ref);
        }
      }
      ObjectNode output = dataset(outputs, warehouseNamespace(), model.name());
      List<ModelSchemas.Field> columns = modelColumns.get(model.name());
      if (columns != null) {
        fields(output, columns.stream().map(c -> List.of(c.name(), c.type())).toList());
      }
      documentation(output, model.description());
    }
    return new Datasets(inputs, outputs);
  }

  private static Optional<Long> rows(
      List<RunSummary.SourceRun> batches,
      java.util.function.ToLongFunction<RunSummary.SourceRun> count) {
    return batches.isEmpty()
        ? Optional.empty()
        : Optional.of(batches.stream().mapToLong(count).sum());
  }

  private void lakeOutput(ArrayNode outputs, TableSpec table, Optional<Long> rows) {
    ObjectNode output = dataset(outputs, lakeNamespace(), table.id().toString());
    schema(output, table.columns());
    rows.ifPresent(
        count -> {
          ObjectNode statistics =
              facet(output.putObject("outputFacets"), "outputStatistics", OUTPUT_STATISTICS_FACET);
          statistics.put("rowCount", count);
        });
  }

  /**
   * Where the source's connector says its data is; for a connector that cannot say, {@code
   * <connector>} / {@code <namespace>.<source>}.
   */
  private LineageDataset sourceDataset(SourceDef source) {
    Optional<ConnectorFactory> factory = connectors.find(source.connector());
    if (factory.isPresent()) {
      try {
        Optional<LineageDataset> named =
            factory.get().lineageDataset(source.name(), project.directory(), source.options());
        if (named.isPresent()) {
          return named.get();
        }
      } catch (SluiceException e) {
        // options the loader accepted but the connector cannot name: fall back to the default
      }
    }
    return new LineageDataset(source.connector(), namespace + "." + source.name());
  }

  /**
   * The project's lake: {@code sluice-lake://} and its state folder (absolute), the tables named
   * {@code raw|clean|quarantine.<source>}.
   */
  String lakeNamespace() {
    return "sluice-lake://" + project.stateDirectory().toAbsolutePath().normalize();
  }

  /**
   * The project's warehouse: {@code <engine>://} and its file or folder (absolute), the models
   * named after themselves.
   */
  String warehouseNamespace() {
    return project.engine()
        + "://"
        + java.nio.file.Path.of(project.warehouse()).toAbsolutePath().normalize();
  }

  private static ObjectNode dataset(ArrayNode list, String namespace, String name) {
    ObjectNode dataset = list.addObject();
    dataset.put("namespace", namespace);
    dataset.put("name", name);
    return dataset;
  }

  private static void schema(ObjectNode dataset, List<Column> columns) {
    fields(dataset, columns.stream().map(c -> List.of(c.name(), c.type().toString())).toList());
  }

  /** A {@code schema} facet of {@code columns}, each its name and type. */
  private static void fields(ObjectNode dataset, List<List<String>> columns) {
    ObjectNode schema = facet(facets(dataset), "schema", SCHEMA_FACET);
    ArrayNode fields = schema.putArray("fields");
    for (List<String> column : columns) {
      ObjectNode field = fields.addObject();
      field.put("name", column.get(0));
      field.put("type", column.get(1));
    }
  }

  private static void documentation(ObjectNode dataset, String description) {
    if (!description.isBlank()) {
      facet(facets(dataset), "documentation", DOCUMENTATION_FACET).put("description", description);
    }
  }

  private static ObjectNode facets(ObjectNode dataset) {
    JsonNode facets = dataset.get("facets");
    return facets instanceof ObjectNode node ? node : dataset.putObject("facets");
  }

  private static ObjectNode facet(ObjectNode facets, String name, String schemaUrl) {
    ObjectNode facet = facets.putObject(name);
    facet.put("_producer", PRODUCER);
    facet.put("_schemaURL", schemaUrl);
    return facet;
  }

  /** Maps a run's end to its event: COMPLETE when it succeeded, ABORT when cancelled, else FAIL. */
  static EventType ended(RunStatus status) {
    return switch (status) {
      case OK -> EventType.COMPLETE;
      case CANCELLED -> EventType.ABORT;
      default -> EventType.FAIL;
    };
  }

  /** The event as one line of JSON. */
  static String line(ObjectNode event) {
    try {
      return JSON.writeValueAsString(event);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a lineage event", e);
    }
  }
}
