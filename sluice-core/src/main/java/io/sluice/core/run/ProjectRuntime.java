package io.sluice.core.run;

import io.sluice.api.Plugins;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.EngineFactory;
import io.sluice.api.engine.ReaderContext;
import io.sluice.api.engine.StepMeter;
import io.sluice.api.engine.StepTiming;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeContext;
import io.sluice.api.lake.LakeFactory;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.core.function.FunctionCatalog;
import io.sluice.core.function.FunctionChain;
import io.sluice.core.history.RunHistories;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecorder;
import io.sluice.core.project.Connectors;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.RuleCompiler;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A project with its engine and lake open. Plugins are found with {@link java.util.ServiceLoader};
 * the core never names an implementation.
 */
public final class ProjectRuntime implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ProjectRuntime.class);
  private final Project project;
  // Told about every run of runAndPublish that ended without an error, once published.
  private final List<java.util.function.Consumer<RunSummary>> publishedRuns =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Engine engine;
  // Opened on first use: a query on the warehouse needs no lake, and opening one (Iceberg catalog,
  // Hadoop configuration, SQLite) costs a few hundred milliseconds of every start.
  private final java.util.function.Supplier<Lake> lakeOpener;
  // Its own lock: opening the lake can wait (on the catalog) while other callers need the log.
  private final Object lakeLock = new Object();
  private Lake lake;
  // Loaded on first use; a source's function chain lives as long as the runtime.
  private FunctionCatalog functions;
  private final Map<String, FunctionChain> chains = new HashMap<>();
  private final java.util.concurrent.locks.ReentrantLock engineLock =
      new java.util.concurrent.locks.ReentrantLock();

  /**
   * Publications take at most about 1/PUBLISH_SHARE of the writer's time: after one that took
   * {@code c} ms the next starts no sooner than {@code PUBLISH_SHARE * c} ms after it started. A
   * small warehouse (a copy of a few milliseconds) is published after every micro-batch; a large
   * one less often, instead of copying gigabytes every second.
   */
  static final long PUBLISH_SHARE = 10;

  private long lastPublished = Long.MIN_VALUE / 2;
  private long lastPublicationMillis;
  // Opened on first use: only projects whose connectors read pushed records use it.
  private IngestLog ingestLog;
  // Opened on first use: a query needs no run history. Its own lock: opening may wait for another
  // process's write (the busy timeout) while the processor needs the log.
  private final Object historyLock = new Object();
  private RunHistory history;

  private ProjectRuntime(Project project, Engine engine, java.util.function.Supplier<Lake> lake) {
    this.project = project;
    this.engine = engine;
    this.lakeOpener = lake;
  }

  /**
   * Opens the project's engine; its lake is opened on the first call of {@link #lake()}.
   *
   * @param readOnly open the warehouse for queries only
   */
  public static ProjectRuntime open(Project project, boolean readOnly) {
    return open(project, readOnly, false);
  }

  /**
   * Opens the project's engine and, with {@code lakeNow}, starts opening its lake at once on
   * another thread, for a command that will need both: the lake's start (class loading, the
   * catalog) then overlaps the engine's instead of following it. {@link #lake()} waits for it; if
   * it failed, {@link #lake()} tries again on the caller's thread and reports that error.
   *
   * @param readOnly open the warehouse for queries only
   * @param lakeNow open the lake in the background now rather than on first use
   */
  public static ProjectRuntime open(Project project, boolean readOnly, boolean lakeNow) {
    java.util.function.Supplier<Lake> opener =
        () ->
            Plugins.find(LakeFactory.class, LakeFactory::name, project.lake().type())
                .create(new LakeContext(project.stateDirectory(), project.lake().options()));
    if (!lakeNow) {
      return new ProjectRuntime(project, openEngine(project, readOnly), opener);
    }
    java.util.concurrent.FutureTask<Lake> early =
        new java.util.concurrent.FutureTask<>(opener::get);
    Thread thread = new Thread(early, "sluice-lake-open");
    thread.setDaemon(true);
    thread.start();
    java.util.function.Supplier<Lake> awaitEarly =
        () -> {
          try {
            return early.get();
          } catch (java.util.concurrent.ExecutionException e) {
            return opener.get(); // again, so that the error is the caller's own
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SluiceException.internal("Interrupted while the lake was opening", e);
          }
        };
    Engine engine;
    try {
      engine = openEngine(project, readOnly);
    } catch (RuntimeException e) {
      closeQuietly(early, e);
      throw e;
    }
    return new ProjectRuntime(project, engine, awaitEarly);
  }

  /** Closes the lake an early opening made, when the engine could not open. */
  private static void closeQuietly(
      java.util.concurrent.FutureTask<Lake> early, RuntimeException failure) {
    try {
      early.get().close();
    } catch (java.util.concurrent.ExecutionException e) {
      // the engine's error is the one to report
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static Engine openEngine(Project project, boolean readOnly) {
    return Plugins.find(EngineFactory.class, EngineFactory::name, project.engine())
        .create(
            new EngineContext(
                project.stateDirectory(), project.warehouse(), project.engineOptions(), readOnly));
  }

  /**
   * Opens a sandboxed, read-only reader of the project's warehouse (see {@link WarehouseReader}),
   * without opening the lake or the engine: files under the lake's data folders are the only ones
   * its queries can read.
   *
   * @param timeout how long one query may run ({@link java.time.Duration#ZERO}: no limit)
   * @param maxBytes how many bytes one result may hold (0: no limit)
   */
  public static WarehouseReader openReader(
      Project project, java.time.Duration timeout, long maxBytes) {
    return openReader(project, timeout, maxBytes, false);
  }

  /**
   * Like {@link #openReader(Project, java.time.Duration, long)}; with {@code unsandboxed}, an
   * engine without a sandboxed reader (Spark) is queried read-only through {@link Engine#query}
   * instead: for a user who can read the project's files anyway (the CLI), never for a server.
   */
  public static WarehouseReader openReader(
      Project project, java.time.Duration timeout, long maxBytes, boolean unsandboxed) {
    EngineFactory factory =
        Plugins.find(EngineFactory.class, EngineFactory::name, project.engine());
    if (unsandboxed && !factory.hasSandboxedReader()) {
      return new EngineReader(open(project, true));
    }
    LakeContext lakeContext = new LakeContext(project.stateDirectory(), project.lake().options());
    List<java.nio.file.Path> folders =
        Plugins.find(LakeFactory.class, LakeFactory::name, project.lake().type())
            .dataFolders(lakeContext);
    return factory.openReader(
        new ReaderContext(
            project.stateDirectory(),
            project.warehouse(),
            project.engineOptions(),
            folders,
            timeout,
            maxBytes));
  }

  /** Opens the project's lake alone, e.g. for maintenance, which needs no warehouse. */
  public static Lake openLake(Project project) {
    return Plugins.find(LakeFactory.class, LakeFactory::name, project.lake().type())
        .create(new LakeContext(project.stateDirectory(), project.lake().options()));
  }

  /**
   * Publishes the warehouse for readers of other processes if it changed (see {@link
   * Engine#publishSnapshot}), unless the last publication was too recent for its cost (see {@link
   * #nextPublicationMillis}); returns whether one is still due (then call again at {@link
   * #nextPublicationMillis} or later).
   */
  public boolean publishSnapshot(Clock clock) {
    return publishSnapshot(clock, false);
  }

  /**
   * Publishes the warehouse for readers now if it changed, whatever the throttle says: after a run
   * asked for through the API or the console, which nothing else would publish under {@code sluice
   * ui}.
   */
  public void publishSnapshotNow(Clock clock) {
    publishSnapshot(clock, true);
  }

  private boolean publishSnapshot(Clock clock, boolean now) {
    return runExclusively(
        () -> {
          long millis = clock.millis();
          if (!now && millis < nextPublicationMillis() && millis >= lastPublished) {
            return true;
          }
          long start = System.nanoTime();
          engine.publishSnapshot();
          lastPublicationMillis = (System.nanoTime() - start) / 1_000_000;
          lastPublished = millis;
          if (LOG.isDebugEnabled() && lastPublicationMillis > 0) {
            LOG.debug("Published the warehouse for readers in {} ms", lastPublicationMillis);
          }
          return false;
        });
  }

  /**
   * When (the clock's millis) {@link #publishSnapshot} publishes again: {@link #PUBLISH_SHARE}
   * times the last publication's cost after it started, so that publishing takes a bounded share of
   * the time whatever the warehouse's size.
   */
  public long nextPublicationMillis() {
    return lastPublished + PUBLISH_SHARE * lastPublicationMillis;
  }

  public Project project() {
    return project;
  }

  public Engine engine() {
    return engine;
  }

  /** The project's lake, opened on first call and closed with the runtime. */
  public Lake lake() {
    synchronized (lakeLock) {
      if (lake == null) {
        lake = lakeOpener.get();
      }
      return lake;
    }
  }

  public StateStore state() {
    return new StateStore(project.stateDirectory());
  }

  /** Creates the connector of a source, with the fields its mapping reads. */
  public SourceConnector connector(SourceDef source) {
    return connector(source, new RuleCompiler(engine.dialect()).compile(source).fields());
  }

  /** Creates the connector of a source that reads {@code fields}. */
  public SourceConnector connector(SourceDef source, List<SourceField> fields) {
    return Connectors.installed()
        .get(source.connector())
        .create(
            context(project, source, fields, transform(source), this::ingestLog, System.getenv()));
  }

  /**
   * Creates the connector of {@code source} outside a run, to look at its input or settings ({@code
   * sample}, {@code observe}, {@code push}): no record functions and no ingest log.
   */
  public static SourceConnector standaloneConnector(
      Project project,
      SourceDef source,
      List<SourceField> fields,
      Map<String, String> environment) {
    return Connectors.installed()
        .get(source.connector())
        .create(
            context(
                project,
                source,
                fields,
                RecordTransform.IDENTITY,
                () -> {
                  throw new IllegalStateException(
                      "no ingest log for source " + source.name() + " outside a run");
                },
                environment));
  }

  /**
   * What the connector of {@code source} is created with: its options, the fields to read, the
   * process environment (for credentials), and its own state folder, {@code
   * <state-dir>/connectors/<source>}.
   */
  public static SourceContext context(
      Project project,
      SourceDef source,
      List<SourceField> fields,
      RecordTransform transform,
      java.util.function.Supplier<IngestLog> ingestLog,
      Map<String, String> environment) {
    return new SourceContext(
        source.name(),
        project.directory(),
        source.options(),
        fields,
        transform,
        ingestLog,
        environment,
        source.location().file(),
        project.stateDirectory().resolve("connectors").resolve(source.name()));
  }

  /**
   * The project's ingest log ({@code <state-dir>/log}), opened on first call and closed with the
   * runtime. Only one process at a time can have it open.
   */
  public synchronized IngestLog ingestLog() {
    if (ingestLog == null) {
      Project.ServeConfig serve = project.serve();
      ingestLog =
          Plugins.find(IngestLogFactory.class, IngestLogFactory::name, "local")
              .create(
                  new IngestLogSettings(
                      project.stateDirectory().resolve("log"),
                      serve.logPartitions(),
                      serve.logSegmentBytes(),
                      serve.logRetentionBytes(),
                      serve.logRetentionAge(),
                      Clock.systemUTC()));
    }
    return ingestLog;
  }

  /** The record functions of a source, created once per runtime. */
  private RecordTransform transform(SourceDef source) {
    if (source.functions().isEmpty()) {
      return RecordTransform.IDENTITY;
    }
    FunctionChain chain = chains.get(source.name());
    if (chain == null) {
      if (functions == null) {
        functions = FunctionCatalog.load(project.directory());
      }
      chain = functions.chain(source.name(), source.functions());
      chains.put(source.name(), chain);
    }
    return chain;
  }

  /**
   * The one entry point of a run, for whoever asks (the CLI, the scheduler, the REST API): checks
   * the project (everything the run will compile is compiled first, so that a mistake {@code
   * validate} can see never stops a run halfway, after other sources committed), opens its engine
   * and lake, runs what {@code request} selects, records it in the run history (a run with one
   * attempt) and closes.
   *
   * @throws SluiceException when the project is invalid or the run failed; its category says
   *     whether a retry may succeed (the failed run is in the history too)
   */
  public static RunSummary runOnce(
      Project project, RunRequest request, Clock clock, RunListener listener) {
    return runOnce(project, request, clock, listener, List.of());
  }

  /**
   * Like {@link #runOnce(Project, RunRequest, Clock, RunListener)}, with the steps the caller
   * measured before it (e.g. the command's start) first in the run's timings.
   */
  public static RunSummary runOnce(
      Project project,
      RunRequest request,
      Clock clock,
      RunListener listener,
      List<RunSummary.Timing> before) {
    RunHistory opened;
    try {
      opened = RunHistories.open(project, clock);
    } catch (SluiceException e) {
      // A state folder that cannot hold the history is the project's mistake: say it as validate.
      ProjectCheck.verify(project);
      throw e;
    }
    try (RunHistory history = opened) {
      return new RunRecorder(history, clock)
          .record(
              request,
              listener,
              recording -> {
                StepMeter checking = StepMeter.start();
                ProjectCheck.verifyUnlessVerified(project);
                StepTiming checked = checking.stop("check project", -1);
                StepMeter opening = StepMeter.start();
                RunSummary summary;
                StepMeter closing;
                try (ProjectRuntime runtime = open(project, false)) {
                  StepTiming engineOpened = opening.stop("open engine", -1);
                  summary = runtime.run(request, clock, recording);
                  List<RunSummary.Timing> first = new java.util.ArrayList<>(before);
                  first.add(new RunSummary.Timing(0, checked));
                  first.add(new RunSummary.Timing(0, engineOpened));
                  summary = summary.withTimings(first, List.of());
                  closing = StepMeter.start();
                }
                return summary.withTimings(
                    List.of(), List.of(new RunSummary.Timing(0, closing.stop("close", -1))));
              });
    }
  }

  /**
   * Runs one incremental pass over the whole project (a micro-batch of {@code sluice serve}) and
   * records it in the run history when it landed a batch, built a model or did not succeed.
   */
  public RunSummary run(Clock clock, RunListener listener) {
    RunRecorder recorder = new RunRecorder(history(), clock);
    RunRequest request = RunRequest.all("serve");
    return recorder.record(
        recorder.queued(request), listener, false, recording -> run(request, clock, recording));
  }

  /**
   * Runs what {@code request} selects on this open runtime, while no other pass runs. Records
   * nothing: the caller records the run (see {@link RunRecorder}) and each of its attempts. A
   * request with a window is a backfill of its days (see {@link Backfills}).
   *
   * @throws SluiceException when the run failed; its category says whether a retry may succeed
   */
  public RunSummary run(RunRequest request, Clock clock, RunListener listener) {
    if (request.window().isPresent()) {
      return new Backfills(this, clock).runWindow(request);
    }
    return runExclusively(
        () -> {
          StepMeter opening = StepMeter.start();
          Lake opened = lake();
          StepTiming lakeOpened = opening.stop("open lake", -1);
          return new PipelineRunner(project, engine, opened, this::connector, clock, listener)
              .run(request)
              .withTimings(List.of(new RunSummary.Timing(0, lakeOpened)), List.of());
        });
  }

  /**
   * Like {@link #run(RunRequest, Clock, RunListener)}, then publishes the warehouse for readers at
   * once (see {@link #publishSnapshotNow}): for runs that the scheduler, the API or a backfill
   * asked for, which no micro-batch's publication follows (under {@code sluice ui} there is none).
   */
  public RunSummary runAndPublish(RunRequest request, Clock clock, RunListener listener) {
    RunSummary summary;
    try {
      summary = run(request, clock, listener);
    } finally {
      try {
        publishSnapshotNow(clock);
      } catch (RuntimeException e) {
        LOG.warn("Cannot publish the warehouse for readers after a run", e);
      }
    }
    for (java.util.function.Consumer<RunSummary> published : publishedRuns) {
      try {
        published.accept(summary);
      } catch (RuntimeException e) {
        LOG.warn("A listener of published runs failed", e);
      }
    }
    return summary;
  }

  /**
   * Adds a listener told, on the run's thread, about every run of {@link #runAndPublish} that ended
   * without an error, once readers can see what it wrote (the open dashboards of serve and ui).
   */
  public void onRunPublished(java.util.function.Consumer<RunSummary> listener) {
    publishedRuns.add(java.util.Objects.requireNonNull(listener, "listener is null"));
  }

  /**
   * Whether a source that {@code select} and {@code exclude} select has input no run has landed
   * (the scheduler's {@code new-data} trigger): plans each source's connector against its committed
   * positions, without reading a record or waiting for a run in progress.
   */
  public boolean hasNewInput(List<String> select, List<String> exclude) {
    io.sluice.core.project.Selection selection =
        io.sluice.core.project.Selection.of(project, select, exclude);
    for (SourceDef source : project.sources()) {
      if (!selection.hasSource(source.name())) {
        continue;
      }
      try (SourceConnector connector = connector(source)) {
        if (PipelineRunner.hasNewInput(lake(), state(), source, connector)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The project's run history ({@code <state-dir>/history.db}), opened on first call and closed
   * with the runtime.
   */
  public RunHistory history() {
    synchronized (historyLock) {
      if (history == null) {
        history = RunHistories.open(project);
      }
      return history;
    }
  }

  /**
   * The project's model tests against the warehouse as it is, without running the pipeline: the
   * lake's views are brought up to date first, so that tests on sources see what has landed. Needs
   * the warehouse open for writing (the views live in it).
   */
  public ModelTests modelTests() {
    return runExclusively(
        () -> {
          LakeViews.expose(project, lake(), engine);
          return new ModelTests(project, engine);
        });
  }

  /**
   * Replays the quarantined rows of a source (see {@link QuarantineReplay}).
   *
   * @param rule only rows that failed this rule
   * @param dryRun report what would land and what would stay, commit nothing
   */
  public QuarantineReplay.Result replay(
      Clock clock, String source, java.util.Optional<String> rule, boolean dryRun) {
    return replay(project, clock, source, rule, dryRun);
  }

  /**
   * Replays the quarantined rows of a source as {@code current} defines it: the project read again
   * from its files after a fix, by a process that opened this runtime before it (the web console of
   * {@code sluice serve} or {@code sluice ui}). Record functions are the ones this runtime loaded.
   * When rows landed, the warehouse is published at once, so that readers of its snapshot (the
   * console's quarantine browser) see them leave the quarantine view.
   *
   * @param current the project as its files define it now; its state folder, warehouse, engine and
   *     lake must be this runtime's
   * @throws SluiceException (USER) when {@code current} is another project than this runtime's, and
   *     for what {@link QuarantineReplay#replay} refuses
   */
  public QuarantineReplay.Result replay(
      Project current,
      Clock clock,
      String source,
      java.util.Optional<String> rule,
      boolean dryRun) {
    if (!current.stateDirectory().equals(project.stateDirectory())
        || !current.warehouse().equals(project.warehouse())
        || !current.engine().equals(project.engine())
        || !current.lake().equals(project.lake())) {
      throw SluiceException.user(
          "The project's state folder, warehouse, engine or lake changed since it was opened;"
              + " restart to replay with the new settings");
    }
    return runExclusively(
        () -> {
          QuarantineReplay.Result result =
              new QuarantineReplay(current, engine, lake(), this::connector, clock)
                  .replay(source, rule, dryRun);
          if (!result.batchId().isEmpty()) {
            engine.publishSnapshot();
          }
          return result;
        });
  }

  /**
   * Runs {@code work} on the engine while no pass (and no other such work) runs: the engine is used
   * by one thread at a time, e.g. a query while {@code sluice serve} runs batches.
   */
  public <T> T runExclusively(java.util.function.Supplier<T> work) {
    engineLock.lock();
    try {
      return work.get();
    } finally {
      engineLock.unlock();
    }
  }

  @Override
  public void close() {
    try {
      try {
        // What the last pass left, for readers of other processes.
        runExclusively(
            () -> {
              engine.publishSnapshot();
              return null;
            });
      } finally {
        engine.close();
      }
    } finally {
      try {
        closeLake();
      } finally {
        try {
          closeFunctions();
        } finally {
          try {
            closeLog();
          } finally {
            closeHistory();
          }
        }
      }
    }
  }

  private void closeLake() {
    synchronized (lakeLock) {
      if (lake != null) {
        lake.close();
        lake = null;
      }
    }
  }

  private void closeHistory() {
    synchronized (historyLock) {
      if (history != null) {
        history.close();
        history = null;
      }
    }
  }

  private synchronized void closeLog() {
    if (ingestLog != null) {
      ingestLog.close();
      ingestLog = null;
    }
  }

  private void closeFunctions() {
    try {
      chains.values().forEach(FunctionChain::close);
    } finally {
      chains.clear();
      if (functions != null) {
        functions.close();
      }
    }
  }
}
