package io.sluice.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.IngestResult;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.ModelRequest;
import io.sluice.api.engine.ModelRequest.Materialization;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.engine.TableTarget;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.core.model.ModelRenderer;
import io.sluice.core.model.RenderContext;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.Selection;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.CompiledSource;
import io.sluice.core.rules.RuleCompiler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One incremental pass over a project: for each source, land what is new (raw, clean and quarantine
 * lake tables); expose the lake to the warehouse; rebuild the models whose inputs changed; run the
 * model tests.
 *
 * <p><b>Exactly once.</b> Before a batch reads anything, its splits are recorded in an intent. The
 * batch's files are committed to raw, then quarantine (when it quarantined anything), then clean;
 * each commit carries the batch id, and the clean commit also carries the consumed positions
 * ({@code sluice.splits}). A run that finds an intent whose batch is not in the clean table redoes
 * that batch with the same splits and commits only to the tables that do not have it yet. Models
 * record the lake snapshots they consumed in the same warehouse transaction as their data.
 */
public final class PipelineRunner {
  public static final String BATCH_ID = "sluice.batch-id";
  public static final String SPLITS = "sluice.splits";
  public static final String ROWS_READ = "sluice.rows-read";
  public static final String ROWS_VALID = "sluice.rows-valid";
  public static final String ROWS_QUARANTINED = "sluice.rows-quarantined";

  /** Rows that landed but failed a rule of severity warn; absent when none. */
  public static final String ROWS_WARNED = "sluice.rows-warned";

  public static final String FAILURES = "sluice.failures";

  /** The schema drift a batch showed (a JSON array of {@link SchemaDrift.Event}), when any. */
  public static final String SCHEMA_DRIFT = "sluice.schema-drift";

  /**
   * The input fields no column reads that batches so far have had (a JSON array): a later file with
   * one of them is not reported as drift again.
   */
  public static final String KNOWN_FIELDS = "sluice.unmapped-fields";

  /**
   * On a clean commit that merged on a primary key and replaced files: how many. Rows changed in
   * place, so models that read the table's changes rebuild whole.
   */
  public static final String MERGE_REPLACED_FILES = "sluice.merge-replaced-files";

  /** When the batch was ingested (the runner's clock, ISO-8601 UTC); on every table's commit. */
  public static final String INGESTED_AT = "sluice.ingested-at";

  private final Project project;
  private final Engine engine;
  private final Lake lake;
  private final BiFunction<SourceDef, List<SourceField>, SourceConnector> connectors;
  private final StateStore state;
  private final Clock clock;
  private final RunListener listener;
  private final RuleCompiler compiler;
  private final ModelRenderer renderer = new ModelRenderer();
  private final DatasetChecks datasetChecks;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PipelineRunner.class);

  private final RunTimings timings = new RunTimings();
  private final Map<String, LakeTable> cleanTables = new java.util.HashMap<>();
  // The tables this pass loaded and committed to: a handle follows its own commits, and nothing
  // else commits while the pass holds the run lock, so the views need not load them again.
  private final Map<io.sluice.api.lake.TableId, LakeTable> held = new java.util.HashMap<>();

  public PipelineRunner(
      Project project,
      Engine engine,
      Lake lake,
      BiFunction<SourceDef, List<SourceField>, SourceConnector> connectors,
      Clock clock,
      RunListener listener) {
    this.project = project;
    this.engine = engine;
    this.lake = lake;
    this.connectors = connectors;
    this.state = new StateStore(project.stateDirectory());
    this.clock = clock;
    this.listener = listener;
    this.compiler = new RuleCompiler(engine.dialect());
    this.datasetChecks = new DatasetChecks(engine);
  }

  /** The most batches one run lands of a change stream it drains. */
  static final int MAX_DRAIN_BATCHES = 1000;

  /** Runs one pass over the whole project (see {@link #run(RunRequest)}). */
  public RunSummary run() {
    return run(RunRequest.all("manual"));
  }

  /**
   * Runs one pass over what {@code request} selects and hands its summary to the listener's {@link
   * RunListener#runFinished} (also when it fails, with the error's category); the caller records it
   * in the run history.
   *
   * @throws SluiceException when the run failed; its category says whether a retry may succeed
   */
  // The run lock is held for the duration of the try block and never referenced inside it.
  @SuppressWarnings("try")
  public RunSummary run(RunRequest request) {
    Instant start = clock.instant();
    String runId = DateTimeFormatter.ISO_INSTANT.format(start);
    List<RunSummary.SourceRun> sources = new ArrayList<>();
    List<RunSummary.ModelRun> models = new ArrayList<>();
    List<RunSummary.TestRun> tests = new ArrayList<>();
    timings.clear();
    held.clear();
    try (AutoCloseable lock = state.lock()) {
      if (request.window().isPresent()) {
        throw SluiceException.user(
            "A run over an event-time window is a backfill: use sluice backfill --from --to");
      }
      Selection selection = Selection.of(project, request.select(), request.exclude());
      for (SourceDef source : project.sources()) {
        if (!selection.hasSource(source.name())) {
          continue;
        }
        boolean drain = drains(source);
        for (int batch = 1; ; batch++) {
          RunSummary.SourceRun result = ingest(source);
          if (batch > 1 && result.batchId().isEmpty()) {
            break; // drained: the empty plan after the last batch is not a run of its own
          }
          sources.add(result);
          listener.sourceFinished(result);
          if (!drain
              || result.batchId().isEmpty()
              || result.checkFailed()
              || batch >= MAX_DRAIN_BATCHES) {
            break;
          }
        }
      }
      exposeLake();
      // A failed check of severity fail stops the pipeline: what landed stays (quarantine and
      // clean), but no model publishes it.
      boolean stopped = sources.stream().anyMatch(RunSummary.SourceRun::checkFailed);
      for (ModelDef model : stopped ? List.<ModelDef>of() : project.models()) {
        if (!selection.hasModel(model.name())) {
          continue;
        }
        RunTimings.Step building = timings.start();
        RunSummary.ModelRun result = runModel(model, request.fullRefresh());
        timings.stop(building, "model " + model.name(), result.rows());
        models.add(result);
        listener.modelFinished(result);
      }
      RunTimings.Step testing = timings.start();
      ModelTests modelTests = new ModelTests(project, engine);
      for (ModelTests.Test test : stopped ? List.<ModelTests.Test>of() : modelTests.tests()) {
        if (!request.selectsAll() && !selects(selection, test)) {
          continue;
        }
        RunSummary.TestRun result = modelTests.run(test);
        tests.add(result);
        listener.testFinished(result);
      }
      timings.stop(testing, "tests", -1);
      RunStatus status = RunStatus.OK;
      List<String> belowThresholds =
          new QualityGate(project.quality())
              .violations(
                  new RunSummary(
                      runId,
                      runId,
                      0,
                      status,
                      "",
                      sources,
                      models,
                      tests,
                      request.trigger(),
                      request.select(),
                      null));
      if (stopped) {
        status = RunStatus.CHECKS_FAILED;
      } else if (tests.stream().anyMatch(RunSummary.TestRun::failsRun)) {
        status = RunStatus.TESTS_FAILED;
      } else if (!belowThresholds.isEmpty()) {
        status = RunStatus.QUALITY_FAILED;
      }
      RunSummary summary =
          new RunSummary(
              runId,
              runId,
              millisSince(start),
              status,
              String.join("\n", belowThresholds),
              sources,
              models,
              tests,
              request.trigger(),
              request.select(),
              null,
              timings.list());
      listener.runFinished(summary);
      return summary;
    } catch (Exception e) {
      SluiceException error =
          e instanceof SluiceException sluice
              ? sluice
              : SluiceException.internal("Run failed: " + e.getMessage(), e);
      RunSummary failed =
          new RunSummary(
              runId,
              runId,
              millisSince(start),
              RunStatus.FAILED,
              String.valueOf(e.getMessage()),
              sources,
              models,
              tests,
              request.trigger(),
              request.select(),
              error.category(),
              timings.list());
      try {
        listener.runFinished(failed);
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw error;
    }
  }

  /** Whether a partial run runs {@code test}: it reads a selected model or source. */
  private static boolean selects(Selection selection, ModelTests.Test test) {
    return test.relations().stream().anyMatch(r -> selection.hasModel(r) || selection.hasSource(r));
  }

  /**
   * Whether a run lands batch after batch of {@code source} until nothing is left: a change stream
   * that is polled (continuous, not pushed), whose batches are bounded by the connector (e.g.
   * {@code max-changes-per-batch}), and whose first batch after a crash is the recovered one.
   * Pushed streams keep one batch per pass, so that {@code sluice serve} cuts micro-batches as
   * before.
   */
  private static boolean drains(SourceDef source) {
    return io.sluice.core.project.Connectors.installed()
        .capabilities(source)
        .map(c -> c.continuous() && !c.pushed())
        .orElse(false);
  }

  private long millisSince(Instant start) {
    return clock.instant().toEpochMilli() - start.toEpochMilli();
  }

  // ---------------------------------------------------------------------------------------------
  // Sources

  private record Tables(LakeTable raw, LakeTable clean, LakeTable quarantine) {}

  private Tables tables(SourceDef source) {
    LakeTable raw = lake.createOrLoad(LakeLayout.raw(source));
    if (source.merges()
        && raw.columns().stream().noneMatch(c -> c.name().equals(LakeLayout.OPERATION))) {
      // A raw table created before the source declared its primary key: earlier records read
      // NULL for the operation.
      raw.evolveSchema(
          List.of(
              new io.sluice.api.type.Column(
                  LakeLayout.OPERATION, io.sluice.api.type.DataType.STRING)),
          Optional.empty(),
          Map.of());
      raw = lake.createOrLoad(LakeLayout.raw(source));
    }
    Tables tables =
        new Tables(
            raw,
            lake.createOrLoad(LakeLayout.clean(source)),
            lake.createOrLoad(LakeLayout.quarantine(source)));
    for (LakeTable table : List.of(tables.raw(), tables.clean(), tables.quarantine())) {
      held.put(table.id(), table);
    }
    return tables;
  }

  /** The source with the columns schema evolution added to its clean table. */
  private SourceDef effective(SourceDef declared) {
    return lake.load(new io.sluice.api.lake.TableId(LakeLayout.CLEAN, declared.name()))
        .map(table -> SchemaDrift.effective(declared, table.columns()))
        .orElse(declared);
  }

  private RunSummary.SourceRun ingest(SourceDef declared) {
    LogContext.Scope logged = LogContext.source(declared.name());
    try {
      return ingestSource(declared);
    } finally {
      logged.close();
    }
  }

  private RunSummary.SourceRun ingestSource(SourceDef declared) {
    Instant start = clock.instant();
    RunTimings.Step batch = timings.start();
    RunTimings.Step loading = timings.start();
    SourceDef source = effective(declared);
    CompiledSource compiled = compiler.compile(source);
    Tables tables = tables(source);
    timings.stop(loading, declared.name() + ": tables", -1);
    try (SourceConnector connector = connectors.apply(source, compiled.fields())) {
      RunSummary.SourceRun result = ingest(source, compiled, tables, connector, start);
      timings.stop(batch, "source " + declared.name(), result.rowsRead(), result.bytes(), -1);
      return result;
    }
  }

  private RunSummary.SourceRun ingest(
      SourceDef source,
      CompiledSource compiled,
      Tables tables,
      SourceConnector connector,
      Instant start) {

    Optional<StateStore.Intent> pending = state.intent(source.name());
    if (pending.isPresent()) {
      StateStore.Intent intent = pending.get();
      if (hasBatch(tables.clean(), intent.batchId())) {
        state.clearIntent(source.name());
      } else {
        RunSummary.SourceRun recovered =
            runBatch(source, compiled, tables, connector, intent, List.of(), true, start);
        state.clearIntent(source.name());
        return recovered;
      }
    }

    RunTimings.Step planning = timings.start();
    SplitPlan plan = connector.plan(committedPositions(tables.clean()));
    for (io.sluice.api.engine.StepTiming step : plan.steps()) {
      timings.add(step.named(source.name() + ": " + step.name()));
    }
    timings.stop(planning, source.name() + ": plan", -1, bytes(plan.splits()), -1);
    if (plan.splits().isEmpty()) {
      List<RunSummary.CheckRun> checks =
          source.datasetChecks().isEmpty()
              ? List.of()
              : datasetChecks.evaluate(
                  source, null, null, DatasetChecks.history(tables.clean()), start);
      return new RunSummary.SourceRun(
          source.name(),
          "",
          0,
          0,
          0,
          0,
          0,
          Map.of(),
          plan.skipped(),
          false,
          millisSince(start),
          checks,
          0,
          List.of());
    }
    StateStore.Intent intent = new StateStore.Intent(nextBatchId(tables.clean()), plan.splits());
    state.writeIntent(source.name(), intent);
    RunSummary.SourceRun result =
        runBatch(source, compiled, tables, connector, intent, plan.skipped(), false, start);
    state.clearIntent(source.name());
    return result;
  }

  private RunSummary.SourceRun runBatch(
      SourceDef source,
      CompiledSource compiled,
      Tables tables,
      SourceConnector connector,
      StateStore.Intent intent,
      List<String> skipped,
      boolean recovered,
      Instant start) {
    LogContext.Scope logged = LogContext.batch(intent.batchId());
    try {
      LOG.info(
          "{} batch {} of {}: {} splits",
          recovered ? "Redoing" : "Starting",
          intent.batchId(),
          source.name(),
          intent.splits().size());
      RunSummary.SourceRun result =
          landBatch(source, compiled, tables, connector, intent, skipped, recovered, start);
      LOG.info(
          "Batch {} of {} landed: {} rows read, {} in clean, {} quarantined",
          intent.batchId(),
          source.name(),
          result.rowsRead(),
          result.rowsValid(),
          result.rowsQuarantined());
      return result;
    } finally {
      logged.close();
    }
  }

  private RunSummary.SourceRun landBatch(
      SourceDef source,
      CompiledSource compiled,
      Tables tables,
      SourceConnector connector,
      StateStore.Intent intent,
      List<String> skipped,
      boolean recovered,
      Instant start) {
    List<Split> splits = intent.splits();
    Optional<java.util.Set<String>> known = knownFields(tables.clean());
    java.util.Set<String> unmapped = new java.util.TreeSet<>(known.orElse(java.util.Set.of()));
    List<MissingFields.Observed> observed = new ArrayList<>();
    RunTimings.Step observing = timings.start();
    List<SchemaDrift.Event> drift = observe(source, connector, splits, known, unmapped, observed);
    timings.stop(observing, source.name() + ": observe", -1, bytes(splits), -1);
    if (MissingFields.applies(source)) {
      List<String> missing = MissingFields.problems(source, observed, project.directory());
      if (!missing.isEmpty()) {
        if (!recovered) {
          // Nothing of the batch was written: the next run plans afresh (the user may fix the
          // declaration, or move the file away).
          state.clearIntent(source.name());
        }
        throw MissingFields.error(source, intent.batchId(), missing, project.directory());
      }
    }
    java.util.Set<String> driftedSplits = new java.util.HashSet<>();
    if (!drift.isEmpty()) {
      switch (source.drift()) {
        case FAIL ->
            throw SluiceException.user(
                "Source '%s': the input of batch %s differs from the declared columns, and"
                    + " schema-drift.policy is fail, so nothing of it landed:%n  %s%nDeclare the"
                    + " change in %s, or choose another schema-drift policy (ignore, evolve,"
                    + " quarantine), then run again.",
                source.name(),
                intent.batchId(),
                drift.stream()
                    .map(SchemaDrift.Event::describe)
                    .collect(java.util.stream.Collectors.joining("\n  ")),
                source.location().display(project.directory()));
        case EVOLVE -> {
          if (evolve(source, tables.clean(), drift)) {
            source = effective(source);
            compiled = compiler.compile(source);
            tables = tables(source);
            connector = connectors.apply(source, compiled.fields());
          }
        }
        case QUARANTINE -> drift.forEach(event -> driftedSplits.add(event.file()));
        case IGNORE, DEFAULT -> {}
      }
      String name = source.name();
      drift.forEach(event -> listener.schemaDrift(name, event));
    }
    if (hasRelationships(source)) {
      // Its relationships rules read the referenced datasets (processed before it) as lake.<name>.
      exposeLake();
    }
    RunTimings.Step ingesting = timings.start();
    listener.sourceStarted(source.name(), splits);
    SourceConnector reader = connector;
    String sourceName = source.name();
    List<SchemaDrift.Event> events = drift;
    // The connector's look at each split for what the engine may read itself (e.g. a pre-scan).
    RunTimings.Step formats = timings.start();
    SourceInput input =
        new SourceInput(
            splits.stream()
                .map(
                    split ->
                        new SourceInput.SplitInput(
                            split,
                            driftedSplits.contains(split.key())
                                ? drifted(reader, split, events)
                                : reader.nativeFormat(split)))
                .toList(),
            (split, sink) -> {
              RecordSink target =
                  driftedSplits.contains(split.key())
                      ? new DriftQuarantineSink(sink, DriftQuarantineSink.reason(split, events))
                      : sink;
              ProgressSink counting =
                  new ProgressSink(target, bytes -> listener.bytesRead(sourceName, bytes));
              reader.read(split, counting);
              counting.finish(split.sizeBytes());
            });
    timings.stop(formats, source.name() + ": native input", -1, bytes(splits), -1);
    String tag = intent.batchId();
    List<io.sluice.api.engine.CompiledRule> rules = rulesAt(source, compiled, start);
    IngestRequest request =
        new IngestRequest(
            source.name(),
            intent.batchId(),
            compiled.fieldNames(),
            input,
            compiled.columns(),
            rules,
            readsExistingClean(source, rules) ? tables.clean().files() : List.of(),
            target(tables.raw(), tag),
            target(tables.clean(), tag),
            target(tables.quarantine(), tag),
            source.merges()
                ? Optional.of(
                    new IngestRequest.Merge(source.primaryKey(), tables.clean()::filesOverlapping))
                : Optional.empty());
    IngestResult result = engine.ingest(request);
    for (io.sluice.api.engine.StepTiming step : result.steps()) {
      timings.add(step.named(source.name() + ": " + step.name()));
    }
    timings.stop(
        ingesting, source.name() + ": ingest", result.rowsRead(), bytes(splits), written(result));

    RunTimings.Step committing = timings.start();
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(BATCH_ID, intent.batchId());
    summary.put(INGESTED_AT, start.toString());
    summary.put(ROWS_READ, Long.toString(result.rowsRead()));
    summary.put(ROWS_VALID, Long.toString(result.rowsValid()));
    summary.put(ROWS_QUARANTINED, Long.toString(result.rowsQuarantined()));
    if (result.rowsWarned() > 0) {
      summary.put(ROWS_WARNED, Long.toString(result.rowsWarned()));
    }
    commitOnce(tables.raw(), result.raw(), summary);
    if (!result.quarantine().isEmpty()) {
      // A batch with nothing quarantined leaves the quarantine table alone: one Iceberg commit
      // less per micro-batch. Only the clean commit carries what recovery and positions need.
      commitOnce(tables.quarantine(), result.quarantine(), summary);
    }
    Map<String, String> positions = new TreeMap<>();
    for (Split split : splits) {
      positions.put(split.key(), split.position());
    }
    Map<String, String> cleanSummary = new LinkedHashMap<>(summary);
    List<RunSummary.CheckRun> checks = List.of();
    if (!source.datasetChecks().isEmpty()) {
      // Judged on the batch's files before they are committed, so that its statistics are
      // committed with them for later batches to compare with.
      RunTimings.Step checking = timings.start();
      List<DatasetChecks.Stats> earlier = DatasetChecks.history(tables.clean());
      String relation = datasetChecks.expose(source, tables.clean(), result.clean());
      DatasetChecks.Stats stats = datasetChecks.stats(source, relation);
      checks = datasetChecks.evaluate(source, stats, relation, earlier, start);
      cleanSummary.put(DatasetChecks.STATS, StateStore.toJson(stats));
      timings.stop(checking, source.name() + ": checks", -1);
    }
    cleanSummary.put(SPLITS, StateStore.toJson(positions));
    cleanSummary.put(FAILURES, StateStore.toJson(new TreeMap<>(result.failuresByRule())));
    if (!drift.isEmpty()) {
      cleanSummary.put(SCHEMA_DRIFT, StateStore.toJson(drift));
    }
    if (!unmapped.isEmpty()) {
      cleanSummary.put(KNOWN_FIELDS, StateStore.toJson(List.copyOf(unmapped)));
    }
    if (source.merges()) {
      if (!result.cleanRemoved().isEmpty()) {
        cleanSummary.put(MERGE_REPLACED_FILES, Integer.toString(result.cleanRemoved().size()));
      }
      // The rewritten files, the batch's rows and the positions: one snapshot.
      if (!hasBatch(tables.clean(), intent.batchId())) {
        tables.clean().replace(result.cleanRemoved(), result.clean(), cleanSummary);
      }
    } else {
      commitOnce(tables.clean(), result.clean(), cleanSummary);
    }
    connector.committed(positions);
    timings.stop(committing, source.name() + ": commit", -1);

    return new RunSummary.SourceRun(
        source.name(),
        intent.batchId(),
        splits.size(),
        bytes(splits),
        result.rowsRead(),
        result.rowsValid(),
        result.rowsQuarantined(),
        result.failuresByRule(),
        skipped,
        recovered,
        millisSince(start),
        withRuleSeverities(request.rules(), result.failuresByRule(), checks),
        result.rowsWarned(),
        drift);
  }

  /**
   * The unmapped fields known before this batch: recorded with the latest batch that recorded them;
   * empty for a source that has not landed a batch yet (its first batch sets the baseline).
   */
  private static Optional<java.util.Set<String>> knownFields(LakeTable clean) {
    List<Snapshot> snapshots = clean.snapshots();
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      String known = snapshots.get(i).summary().get(KNOWN_FIELDS);
      if (known != null) {
        return Optional.of(
            new java.util.TreeSet<>(
                StateStore.fromJson(known, new TypeReference<List<String>>() {})));
      }
    }
    return snapshots.stream().anyMatch(s -> s.summary().containsKey(BATCH_ID))
        ? Optional.of(new java.util.TreeSet<>())
        : Optional.empty();
  }

  /** What each split's input has that the columns do not expect, or lacks. */
  private List<SchemaDrift.Event> observe(
      SourceDef source,
      SourceConnector connector,
      List<Split> splits,
      Optional<java.util.Set<String>> known,
      java.util.Set<String> unmapped,
      List<MissingFields.Observed> observed) {
    SourceDef.DriftPolicy declared = source.drift();
    String policy =
        (declared == SourceDef.DriftPolicy.DEFAULT ? SourceDef.DriftPolicy.IGNORE : declared)
            .name()
            .toLowerCase(java.util.Locale.ROOT);
    List<SchemaDrift.Event> events = new ArrayList<>();
    for (Split split : splits) {
      Optional<List<io.sluice.api.source.ObservedField>> fields = connector.observe(split);
      if (fields.isPresent()) {
        observed.add(new MissingFields.Observed(split.key(), fields.get()));
        List<SchemaDrift.Event> found =
            SchemaDrift.compare(source, split.key(), fields.get(), policy, known);
        events.addAll(found);
        if (found.isEmpty() || source.drift() != SourceDef.DriftPolicy.QUARANTINE) {
          // A file quarantined for its drift does not make its fields known.
          unmapped.addAll(SchemaDrift.unmapped(source, fields.get()));
        }
      }
    }
    return events;
  }

  /**
   * How a split that schema drift quarantines is read: through the connector (which sends each
   * record to quarantine), except Parquet, which a connector may be unable to read record by
   * record: the engine reads it and rejects every row.
   */
  private static Optional<io.sluice.api.source.NativeFormat> drifted(
      SourceConnector connector, Split split, List<SchemaDrift.Event> events) {
    return connector
        .nativeFormat(split)
        .filter(format -> format.format().equals("parquet"))
        .map(
            format ->
                format.rejectingAll(
                    DriftQuarantineSink.RULE, DriftQuarantineSink.reason(split, events)));
  }

  /**
   * Adds the new fields as columns of the clean table and widens the columns whose values grew;
   * returns whether the schema changed.
   */
  private static boolean evolve(SourceDef source, LakeTable clean, List<SchemaDrift.Event> drift) {
    Map<String, io.sluice.api.type.Column> added = new LinkedHashMap<>();
    Map<String, io.sluice.api.type.DataType> widened = new TreeMap<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    clean.columns().forEach(column -> taken.add(column.name()));
    for (SchemaDrift.Event event : drift) {
      switch (event.kind()) {
        case "added", "renamed" -> {
          if (!taken.contains(event.column()) && !added.containsKey(event.column())) {
            added.put(
                event.column(),
                new io.sluice.api.type.Column(
                    event.column(), SchemaDrift.typeOf(event.observed())));
          }
        }
        case "type-changed" -> {
          source.columns().stream()
              .filter(c -> c.name().equals(event.column()))
              .findFirst()
              .flatMap(c -> SchemaDrift.widening(c.type(), event.observed()))
              .ifPresent(
                  type ->
                      widened.merge(
                          event.column(), type, (a, b) -> a.precision() >= b.precision() ? a : b));
        }
        default -> {}
      }
    }
    if (added.isEmpty() && widened.isEmpty()) {
      return false;
    }
    clean.evolveSchema(
        List.copyOf(added.values()), Optional.of(SchemaDrift.FIRST_METADATA_COLUMN), widened);
    return true;
  }

  /**
   * {@code checks} plus one entry per rule of severity warn or fail that rows failed: a failed
   * entry of severity fail stops the pipeline like a failed dataset check.
   */
  private static List<RunSummary.CheckRun> withRuleSeverities(
      List<io.sluice.api.engine.CompiledRule> rules,
      Map<String, Long> failures,
      List<RunSummary.CheckRun> checks) {
    List<RunSummary.CheckRun> all = new ArrayList<>(checks);
    for (io.sluice.api.engine.CompiledRule rule : rules) {
      if (rule.severity() == io.sluice.api.engine.CompiledRule.Severity.QUARANTINE) {
        continue;
      }
      String key = rule.column().isEmpty() ? rule.name() : rule.name() + "(" + rule.column() + ")";
      long failed = failures.getOrDefault(key, 0L);
      if (failed > 0) {
        boolean warn = rule.severity() == io.sluice.api.engine.CompiledRule.Severity.WARN;
        all.add(
            new RunSummary.CheckRun(
                key,
                "rule",
                warn ? "warn" : "fail",
                false,
                failed
                    + (failed == 1 ? " row" : " rows")
                    + " failed "
                    + key
                    + " ("
                    + rule.message()
                    + (warn ? "); they landed, severity is warn" : "); severity is fail")));
      }
    }
    return all;
  }

  /** The source's rules, with the late-event rule for a batch ingested at {@code ingestedAt}. */
  private List<io.sluice.api.engine.CompiledRule> rulesAt(
      SourceDef source, CompiledSource compiled, Instant ingestedAt) {
    Optional<io.sluice.api.engine.CompiledRule> late = compiler.late(source, ingestedAt);
    if (late.isEmpty()) {
      return compiled.rules();
    }
    List<io.sluice.api.engine.CompiledRule> rules = new ArrayList<>(compiled.rules());
    rules.add(late.get());
    return rules;
  }

  /**
   * Whether the engine needs the clean table's files for a batch: for a uniqueness rule (keys
   * already landed) or a merge on a primary key. Listing them reads every manifest of the table, a
   * cost that grows with its files, so a batch without either skips it.
   */
  private static boolean readsExistingClean(
      SourceDef source, List<io.sluice.api.engine.CompiledRule> rules) {
    return source.merges()
        || rules.stream()
            .anyMatch(rule -> rule.kind() == io.sluice.api.engine.CompiledRule.Kind.UNIQUE);
  }

  private static long bytes(List<Split> splits) {
    return splits.stream().mapToLong(Split::sizeBytes).sum();
  }

  /** The bytes of the files a batch wrote (raw, clean, quarantine). */
  private static long written(IngestResult result) {
    return java.util.stream.Stream.of(result.raw(), result.clean(), result.quarantine())
        .flatMap(List::stream)
        .mapToLong(DataFile::sizeBytes)
        .sum();
  }

  private static TableTarget target(LakeTable table, String tag) {
    return new TableTarget(table.columns(), table.partitioning(), table.newDataDirectory(tag));
  }

  private static void commitOnce(
      LakeTable table, List<DataFile> files, Map<String, String> summary) {
    if (!hasBatch(table, summary.get(BATCH_ID))) {
      table.append(files, summary);
    }
  }

  private static boolean hasBatch(LakeTable table, String batchId) {
    return BatchHistory.of(table.snapshots()).contains(batchId);
  }

  private static String nextBatchId(LakeTable clean) {
    return BatchHistory.of(clean.snapshots()).nextBatchId();
  }

  /**
   * Whether {@code source} has input that no committed batch landed: a batch interrupted before its
   * clean commit, or splits its connector plans after the committed positions. Reads no record (the
   * scheduler's {@code new-data} trigger).
   */
  static boolean hasNewInput(
      Lake lake, StateStore state, SourceDef source, SourceConnector connector) {
    if (state.intent(source.name()).isPresent()) {
      return true;
    }
    Map<String, String> committed =
        lake.load(new io.sluice.api.lake.TableId(LakeLayout.CLEAN, source.name()))
            .map(PipelineRunner::committedPositions)
            .orElse(Map.of());
    return !connector.plan(committed).splits().isEmpty();
  }

  /** The positions every committed batch consumed, later batches overriding earlier ones. */
  static Map<String, String> committedPositions(LakeTable clean) {
    return BatchHistory.of(clean.snapshots()).positions();
  }

  // ---------------------------------------------------------------------------------------------
  // Warehouse

  static boolean hasRelationships(SourceDef source) {
    return source.columns().stream()
        .flatMap(column -> column.checks().stream())
        .anyMatch(check -> check.kind() == io.sluice.core.project.CheckDef.Kind.RELATIONSHIPS);
  }

  private void exposeLake() {
    RunTimings.Step step = timings.start();
    LakeViews.expose(project, lake, engine, held);
    timings.stop(step, "views", -1);
    cleanTables.clear();
  }

  private RunSummary.ModelRun runModel(ModelDef model, boolean fullRefresh) {
    Instant start = clock.instant();
    Map<String, Long> snapshots = new TreeMap<>();
    for (String source : model.sources()) {
      snapshots.put(source, cleanTable(source).currentSnapshot().map(Snapshot::id).orElse(-1L));
    }
    Map<String, String> refs = new TreeMap<>();
    for (String ref : model.refs()) {
      refs.put(ref, engine.state(stateKey(ref)).map(PipelineRunner::fingerprintOf).orElse(""));
    }
    String fingerprint =
        sha256(model.template() + "\n" + snapshots + "\n" + refs + "\n" + project.vars());
    ModelState previous = engine.state(stateKey(model.name())).map(ModelState::parse).orElse(null);
    boolean exists = engine.relationExists(model.name());
    String materialization = model.materialization().name().toLowerCase(java.util.Locale.ROOT);
    if (!fullRefresh && exists && previous != null && previous.fingerprint().equals(fingerprint)) {
      return new RunSummary.ModelRun(
          model.name(), materialization, "skipped", rowCount(model), millisSince(start));
    }
    boolean incremental =
        model.materialization() == Materialization.INCREMENTAL
            && !fullRefresh
            && exists
            && previous != null
            && previous.template().equals(sha256(model.template()))
            && stillInHistory(model, previous)
            && !mergedSince(model, previous);
    Function<String, String> changesRelation = this::sourceRelation;
    if (incremental) {
      List<LakeRelation> deltas = new ArrayList<>();
      for (String source : model.sources()) {
        LakeTable table = cleanTable(source);
        Long since = previous.snapshots().get(source);
        List<String> files =
            table
                .filesAddedSince(since == null || since < 0 ? Optional.empty() : Optional.of(since))
                .stream()
                .map(DataFile::path)
                .toList();
        deltas.add(
            new LakeRelation(DELTA_SCHEMA, model.name() + "__" + source, table.columns(), files));
      }
      engine.exposeLakeRelations(deltas);
      changesRelation = source -> quoted(DELTA_SCHEMA) + "." + quoted(model.name() + "__" + source);
    }
    String sql =
        renderer.render(
            model,
            new RenderContext(
                ref -> quoted(ref),
                this::sourceRelation,
                changesRelation,
                incremental,
                quoted(model.name()),
                project.vars()));
    ModelState next =
        new ModelState(
            fingerprint,
            sha256(model.template()),
            snapshots,
            DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
    engine.materialize(
        new ModelRequest(
            model.name(),
            sql,
            model.materialization(),
            model.uniqueKey(),
            incremental,
            stateKey(model.name()),
            StateStore.toJson(next)));
    return new RunSummary.ModelRun(
        model.name(),
        materialization,
        incremental ? "incremental" : "built",
        rowCount(model),
        millisSince(start));
  }

  private static final String DELTA_SCHEMA = "sluice_delta";

  /**
   * Whether every snapshot the model consumed is still in its clean table's history. Maintenance
   * keeps them, but one can be gone (expired by another tool, or the table was recreated): the
   * model is then rebuilt whole, which gives the same rows as diffing.
   */
  private boolean stillInHistory(ModelDef model, ModelState previous) {
    for (String source : model.sources()) {
      Long since = previous.snapshots().get(source);
      if (since != null
          && since >= 0
          && cleanTable(source).snapshots().stream().noneMatch(s -> s.id() == since)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a clean table the model reads replaced rows (a merge on a primary key) since the
   * model's last build: the changes are then not only new rows, so the model is rebuilt whole.
   */
  private boolean mergedSince(ModelDef model, ModelState previous) {
    for (String source : model.sources()) {
      Long since = previous.snapshots().get(source);
      boolean after = since == null || since < 0;
      for (Snapshot snapshot : cleanTable(source).snapshots()) {
        if (after && snapshot.summary().containsKey(MERGE_REPLACED_FILES)) {
          return true;
        }
        after |= since != null && snapshot.id() == since;
      }
    }
    return false;
  }

  /**
   * What a model recorded about its last build.
   *
   * @param fingerprint hash of the template, the lake snapshots and the upstream models' states
   * @param template hash of the template alone (an edited incremental model is rebuilt whole)
   * @param snapshots clean-table snapshot id consumed per source (-1: empty table)
   * @param builtAt when it was built (the runner's clock, ISO-8601 UTC); empty in a state written
   *     before build times were recorded
   */
  public record ModelState(
      String fingerprint, String template, Map<String, Long> snapshots, String builtAt) {
    public ModelState {
      snapshots = Map.copyOf(snapshots);
      builtAt = builtAt == null ? "" : builtAt;
    }

    /** Reads a state as {@link Engine#state} returns it. */
    public static ModelState parse(String json) {
      return StateStore.fromJson(json, new TypeReference<ModelState>() {});
    }

    /** When the model was last built, unless its state predates build times. */
    public Optional<Instant> lastBuilt() {
      return builtAt.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(builtAt));
    }
  }

  private static String fingerprintOf(String stateJson) {
    return ModelState.parse(stateJson).fingerprint();
  }

  private long rowCount(ModelDef model) {
    if (model.materialization() == Materialization.VIEW) {
      return -1;
    }
    Object value =
        engine.query("SELECT count(*) FROM " + quoted(model.name()), 1).rows().get(0).get(0);
    return ((Number) value).longValue();
  }

  /**
   * The clean table of {@code source}, loaded once per models' pass: models commit nothing to the
   * lake, so the tables stay as the sources' pass left them.
   */
  private LakeTable cleanTable(String source) {
    return cleanTables.computeIfAbsent(
        source,
        name ->
            lake.load(new io.sluice.api.lake.TableId(LakeLayout.CLEAN, name))
                .orElseThrow(
                    () ->
                        SluiceException.user(
                            "source '%s' has landed nothing yet (the lake has no table %s.%s),"
                                + " so the models that read it cannot be built: land the source"
                                + " first (a run that selects it, or its first micro-batch under"
                                + " serve)",
                            name, LakeLayout.CLEAN, name)));
  }

  private String sourceRelation(String source) {
    return quoted(LakeLayout.LAKE_SCHEMA) + "." + quoted(source);
  }

  private String quoted(String identifier) {
    return engine.dialect().quote(identifier);
  }

  /** The key of a model's {@link ModelState} in {@link Engine#state}. */
  public static String stateKey(String model) {
    return "model:" + model;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw SluiceException.internal("SHA-256 is missing from this JVM", e);
    }
  }
}
