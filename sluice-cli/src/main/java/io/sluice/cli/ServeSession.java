package io.sluice.cli;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.SourceConnector;
import io.sluice.core.alert.AlertMonitor;
import io.sluice.core.orchestrate.RefreshTimes;
import io.sluice.core.project.Connectors;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.ContinuousProcessor;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.QualityMetrics;
import io.sluice.core.run.QualityReport;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import io.sluice.server.IngestServer;
import io.sluice.server.ServerSettings;
import io.sluice.server.StreamEndpoint;
import io.sluice.server.pgwire.PgWireServer;
import io.sluice.server.pgwire.PgWireSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code sluice serve}: the project's runtime, the ingest server in front of its log, and
 * the continuous processor on its own thread. Queries through {@link #query} and {@code /v1/query}
 * read the newest snapshot of the warehouse the processor published (at most a second after a
 * batch); they never wait for a batch, nor a batch for them.
 *
 * <p>The server listens, and accepts pushes into the log, as soon as the warehouse and the log are
 * open; the processor's thread then opens the lake and reads its history (for the metrics) before
 * the first batch. Meanwhile {@code /health} says {@code starting}, and {@code /metrics} has the
 * HTTP, stream, JVM and process metrics but none per dataset yet ({@link ServeMetrics}).
 */
public final class ServeSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServeSession.class);

  private final ProjectRuntime runtime;
  private final Clock clock = Clock.systemUTC();
  private final Consumer<RunSummary> onBatch;
  // Set once by the processor thread when the lake is open; null while starting.
  private volatile ContinuousProcessor processor;
  private final ServeMetrics metrics;
  // The per-dataset figures behind /metrics, from the lake's history, once read; null before.
  private volatile QualityMetrics quality;
  // Numbers the publications told to the dashboards: the processor's and the runs'.
  private final java.util.concurrent.atomic.AtomicLong publications =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile Throwable failure; // what kept the processor from starting
  // Guards the hand-over of the processor against a close while starting.
  private final Object startLock = new Object();
  private Boolean stopRequested; // the drain flag of a close that came while starting
  private IngestServer server;
  private final ServeApi api;
  private final Thread processorThread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<StreamEndpoint> streams;
  private final Optional<PgWireServer> sqlEndpoint;
  // The project's scheduler, when it has schedules (running here, or reporting who runs it).
  private volatile Optional<SchedulerHost> scheduler = Optional.empty();
  // False for sluice ui: the console and the APIs, no processor.
  private final boolean processing;
  private boolean closed;
  // Tells open dashboard pages what each publication of the warehouse changed.
  private final io.sluice.ui.dashboard.DashboardEvents dashboardEvents;
  // The project's alerts, when it declares rules.
  private final Optional<AlertMonitor> alerts;

  private ServeSession(
      ProjectRuntime runtime,
      List<StreamEndpoint> streams,
      Consumer<RunSummary> onBatch,
      Optional<PgWireServer> sqlEndpoint,
      Optional<AlertMonitor> alerts,
      boolean processing,
      ServeMetrics metrics) {
    this.processing = processing;
    this.dashboardEvents =
        // Live with or without a processor: runs asked for through the API and scheduled runs
        // publish what they changed too.
        new io.sluice.ui.dashboard.DashboardEvents(
            io.sluice.ui.dashboard.DashboardEvents.DEFAULT_MAX_STREAMS, true);
    this.runtime = runtime;
    this.alerts = alerts;
    this.streams = streams;
    this.metrics = metrics;
    this.onBatch = onBatch;
    this.sqlEndpoint = sqlEndpoint;
    this.api = new ServeApi(runtime, clock, () -> scheduler);
    alerts.ifPresent(monitor -> api.addRunListener(monitor.listener()));
    api.addRunListener(runMetrics());
    runtime.onRunPublished(this::runPublished);
    this.processorThread =
        new Thread(
            () -> {
              try {
                process();
              } finally {
                stopped.countDown();
              }
            },
            "sluice-processor");
  }

  /**
   * Reads the datasets' figures from the lake's history and binds them to the metrics. Under the
   * runtime's lock, which every run holds while it commits and tells its end: a run that ended
   * before is in the history, one that ends after is added by {@link #runMetrics()}, none twice.
   */
  private QualityMetrics readQualityMetrics() {
    return runtime.runExclusively(
        () -> {
          QualityMetrics figures =
              new QualityMetrics(QualityReport.of(runtime.project(), runtime.lake()));
          metrics.bind(figures);
          quality = figures;
          return figures;
        });
  }

  /** Adds the batches of scheduled runs and runs asked for through the API to the metrics. */
  private RunListener runMetrics() {
    return new RunListener() {
      @Override
      public void runFinished(RunSummary summary) {
        QualityMetrics figures = quality;
        if (figures != null) { // else the history, read later, has the run
          figures.recordRun(summary, clock.instant());
          metrics.record(summary);
        }
      }
    };
  }

  private void readMetricsInBackground() {
    Thread reader =
        new Thread(
            () -> {
              try {
                readQualityMetrics();
              } catch (RuntimeException e) {
                LOG.warn(
                    "/metrics has no per-dataset figures: the lake's history cannot be read: {}",
                    e.getMessage(),
                    e);
              }
            },
            "sluice-metrics-history");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Tells the open dashboard pages what a publication for readers changed, numbering the
   * publications of the processor and of the runs in one sequence.
   */
  private void publishChanges(
      java.time.Instant landedAt, java.time.Instant publishedAt, java.util.Set<String> changed) {
    if (changed.isEmpty()) {
      return;
    }
    synchronized (publications) {
      dashboardEvents.publish(
          new ContinuousProcessor.Publication(
              publications.incrementAndGet(), landedAt, publishedAt, changed));
    }
  }

  /**
   * A run (scheduled, or asked for through the API: {@link ProjectRuntime#runAndPublish}) whose
   * warehouse readers now see.
   */
  private void runPublished(RunSummary summary) {
    java.time.Instant ended =
        java.time.Instant.parse(summary.startedAt()).plusMillis(Math.max(0, summary.millis()));
    publishChanges(
        ended, clock.instant(), io.sluice.core.dashboard.WarehouseRelations.changedBy(summary));
  }

  /** The processor thread: the slow part of the start, then the batches until stopped. */
  private void process() {
    ContinuousProcessor created;
    try {
      QualityMetrics figures = readQualityMetrics();
      created =
          new ContinuousProcessor(
              runtime,
              clock,
              summary -> {
                figures.record(summary, clock.instant());
                metrics.record(summary);
                onBatch.accept(summary);
              },
              published ->
                  publishChanges(
                      published.landedAt(), published.publishedAt(), published.changed()));
    } catch (RuntimeException | Error e) {
      failure = e;
      // Nothing can land: stop listening, so that the command ends with this error.
      server.close();
      return;
    }
    alerts.ifPresent(
        monitor -> {
          created.addPassListener(monitor.listener());
          monitor.startChecks(RefreshTimes.of(runtime), this::waitingByStream);
        });
    synchronized (startLock) {
      processor = created;
      if (stopRequested != null) {
        created.stop(stopRequested); // closed while starting: one pass, then stop
      }
    }
    created.run();
  }

  /**
   * Opens the project, starts listening and starts the processor.
   *
   * @param port the port to listen on, or empty for {@code serve.port}
   * @param env where {@code stream.token-env} variables are looked up
   * @param onBatch told about every batch that landed records
   */
  public static ServeSession start(
      Project project,
      Optional<Integer> port,
      Map<String, String> env,
      Consumer<RunSummary> onBatch) {
    return start(project, port, env, onBatch, true);
  }

  /**
   * Opens the project and starts listening: with {@code processing}, as {@link #start(Project,
   * Optional, Map, Consumer)}; without (for {@code sluice ui}), only the web console, the APIs and
   * the scheduler, for a project without continuous sources.
   */
  public static ServeSession start(
      Project project,
      Optional<Integer> port,
      Map<String, String> env,
      Consumer<RunSummary> onBatch,
      boolean processing) {
    List<StreamEndpoint> streams = processing ? endpoints(project, env) : List.of();
    if (processing
        && streams.isEmpty()
        && ContinuousProcessor.continuous(project, false).isEmpty()) {
      throw SluiceException.user(
          "Project '%s' has no continuous source (one that receives pushed records, such as"
              + " connector: stream, or a change stream, such as connector: cdc), so sluice serve"
              + " has nothing to receive (sluice schedule runs the schedules of such a project);"
              + " see docs/streaming.md",
          project.name());
    }
    Project.ServeConfig serve = project.serve();
    ServerSettings settings =
        new ServerSettings(
            serve.host(),
            port.orElse(serve.port()),
            serve.maxBodyBytes(),
            serve.maxRecordBytes(),
            serve.maxRecordsPerRequest(),
            serve.maxBacklogRecords(),
            serve.maxInflightBytes(),
            serve.bodyTimeout(),
            serve.maxConnectionsPerClient());
    requireNonNull(onBatch, "onBatch is null");
    Optional<String> sqlPassword = sqlPassword(project, env);
    // Taken first: when another process serves the project, opening it fails (its ingest log is
    // in use), and the lock says which process that is.
    Optional<io.sluice.core.orchestrate.SchedulerLock.Attempt> schedulerLock =
        project.orchestration().schedules().isEmpty()
            ? Optional.empty()
            : Optional.of(SchedulerHost.tryLock(project, Clock.systemUTC()));
    ProjectRuntime runtime;
    try {
      runtime = ProjectRuntime.open(project, false);
    } catch (RuntimeException e) {
      throw servedElsewhere(project, schedulerLock, e);
    }
    Optional<PgWireServer> sqlEndpoint = Optional.empty();
    Optional<AlertMonitor> alerts = Optional.empty();
    ServeMetrics metrics = null;
    try {
      alerts = AlertMonitor.open(project, Clock.systemUTC(), env);
      metrics =
          new ServeMetrics(
              runtime.ingestLog(), streams.stream().map(StreamEndpoint::name).toList());
      SqlQueryMeters queries = new SqlQueryMeters(metrics.registry());
      java.util.function.Supplier<WarehouseReader> readers =
          () -> ProjectRuntime.openReader(project, serve.queryTimeout(), serve.queryMaxBytes());
      if (sqlPassword.isPresent()) {
        sqlEndpoint =
            Optional.of(
                startSqlEndpoint(
                    serve.sql(), sqlPassword.get(), queries.metered("pgwire", readers)));
      }
      Optional<io.sluice.server.QueryEndpoint> query =
          queryEndpoint(project, queries.metered("http", readers)::get, env);
      Optional<String> viewerToken = viewerToken(project, env);
      ServeSession session =
          new ServeSession(runtime, streams, onBatch, sqlEndpoint, alerts, processing, metrics);
      Optional<String> operatorToken = query.map(io.sluice.server.QueryEndpoint::token);
      io.sluice.ui.Console console =
          io.sluice.ui.Console.standard(
              new io.sluice.ui.ConsoleContext(
                  runtime,
                  session::consoleStatus,
                  Optional.of(session.api),
                  queries.metered("console", readers)::get,
                  token -> access(token, operatorToken, viewerToken),
                  session.clock,
                  session.dashboardEvents));
      session.server =
          IngestServer.start(
              settings,
              runtime.ingestLog(),
              streams,
              session::status,
              operatorToken,
              query,
              Optional.of(metrics.registry()),
              Optional.of(session.api),
              viewerToken,
              Optional.of(console),
              tls(project, env));
      if (processing) {
        session.processorThread.start();
      } else {
        // Without a processor (sluice ui), close() ends the wait of awaitStopped; the datasets'
        // metrics come from the history, read here in the background, and the runs that follow.
        session.readMetricsInBackground();
      }
      if (schedulerLock.isPresent()) {
        session.scheduler =
            Optional.of(
                SchedulerHost.start(
                    runtime,
                    schedulerLock.get(),
                    session.clock,
                    Optional.empty(),
                    run -> session.alerts.ifPresent(monitor -> monitor.runEnded(run)),
                    session.runMetrics()));
      }
      return session;
    } catch (RuntimeException e) {
      sqlEndpoint.ifPresent(PgWireServer::close);
      alerts.ifPresent(AlertMonitor::close);
      if (metrics != null) {
        metrics.close();
      }
      runtime.close();
      throw servedElsewhere(project, schedulerLock, e);
    }
  }

  /**
   * The error of a start that failed, saying which process serves the project when another one
   * holds its scheduler lock; releases the lock if this process took it.
   */
  private static RuntimeException servedElsewhere(
      Project project,
      Optional<io.sluice.core.orchestrate.SchedulerLock.Attempt> schedulerLock,
      RuntimeException failure) {
    if (schedulerLock.isEmpty()) {
      return failure;
    }
    io.sluice.core.orchestrate.SchedulerLock.Attempt attempt = schedulerLock.get();
    if (attempt.acquired()) {
      try {
        attempt.lock().orElseThrow().close();
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
      return failure;
    }
    return new SluiceException(
        failure instanceof SluiceException sluice
            ? sluice.category()
            : io.sluice.api.ErrorCategory.EXTERNAL,
        "Cannot serve project '%s': another sluice process serves it (%s): %s"
            .formatted(project.name(), attempt.refusal(), failure.getMessage()),
        failure);
  }

  /**
   * The SQL endpoint's password (the query token) when {@code serve.sql-port} turns it on; checked
   * before the project is opened.
   */
  private static Optional<String> sqlPassword(Project project, Map<String, String> env) {
    Project.ServeConfig serve = project.serve();
    if (serve.sql().port().isEmpty()) {
      return Optional.empty();
    }
    if (serve.queryTokenEnv().isEmpty() && serve.queryTokenFile().isEmpty()) {
      throw SluiceException.user(
          "serve.sql-port is set in %s but the SQL endpoint has no password: set"
              + " serve.query-token-env or serve.query-token-file (clients give the query token as"
              + " their password); see docs/sql-endpoint.md",
          project.directory().resolve("sluice.yaml"));
    }
    return Optional.of(
        token(
            "The SQL endpoint",
            "serve.query-",
            project.directory().resolve("sluice.yaml").toString(),
            "SQL clients",
            serve.queryTokenEnv(),
            serve.queryTokenFile(),
            env));
  }

  private static PgWireServer startSqlEndpoint(
      Project.SqlEndpointConfig sql,
      String password,
      java.util.function.Supplier<WarehouseReader> readers) {
    PgWireSettings settings =
        new PgWireSettings(
            sql.host(),
            sql.port().orElseThrow(),
            password,
            sql.maxConnections(),
            sql.idleTimeout(),
            PgWireSettings.DEFAULT_MAX_MESSAGE_BYTES,
            sql.maxRows());
    try {
      return PgWireServer.start(settings, new WarehouseSqlBackend(readers));
    } catch (IOException e) {
      throw new SluiceException(
          io.sluice.api.ErrorCategory.USER,
          "Cannot start the SQL endpoint on %s:%d (serve.sql-host, serve.sql-port): %s"
              .formatted(sql.host(), sql.port().orElseThrow(), e.getMessage()),
          e);
    }
  }

  /** The sources that take pushed records, with their tokens resolved. */
  static List<StreamEndpoint> endpoints(Project project, Map<String, String> env) {
    List<StreamEndpoint> endpoints = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      if (!Connectors.installed()
          .capabilities(source)
          .map(ConnectorCapabilities::pushed)
          .orElse(false)) {
        continue; // only connectors that take pushes are created (no database or bucket opened)
      }
      try (SourceConnector connector =
          ProjectRuntime.standaloneConnector(project, source, List.of(), env)) {
        connector
            .push()
            .ifPresent(
                push ->
                    endpoints.add(
                        new StreamEndpoint(
                            source.name(), push.bearerToken(), push.partitionKey())));
      }
    }
    return endpoints;
  }

  /**
   * A bearer token from an environment variable or a file.
   *
   * @param owner what it is for, to start messages, e.g. {@code Source 'events'}
   * @param prefix the keys' section, e.g. {@code stream.}
   * @param where where the keys are declared
   * @param carriers who carries it, e.g. {@code pushes to the stream}
   */
  private static String token(
      String owner,
      String prefix,
      String where,
      String carriers,
      java.util.Optional<String> variable,
      java.util.Optional<Path> file,
      Map<String, String> env) {
    return io.sluice.api.Secrets.read(
        owner,
        prefix + "token",
        where,
        "the bearer token that " + carriers + " carry",
        variable,
        file,
        env);
  }

  /** HTTPS, when {@code serve.tls-key-store} is set; its password from env or file. */
  private static Optional<io.sluice.server.TlsSettings> tls(
      Project project, Map<String, String> env) {
    Optional<Project.TlsConfig> tls = project.serve().tls();
    if (tls.isEmpty()) {
      return Optional.empty();
    }
    if (tls.get().passwordEnv().isEmpty() && tls.get().passwordFile().isEmpty()) {
      throw SluiceException.user(
          "serve.tls-key-store is set in %s but its password is not: set"
              + " serve.tls-key-store-password-env or serve.tls-key-store-password-file; see"
              + " docs/ui.md",
          project.directory().resolve("sluice.yaml"));
    }
    String password =
        io.sluice.api.Secrets.read(
            "The HTTPS key store",
            "serve.tls-key-store-password",
            project.directory().resolve("sluice.yaml").toString(),
            "the password of serve.tls-key-store",
            tls.get().passwordEnv(),
            tls.get().passwordFile(),
            env);
    return Optional.of(new io.sluice.server.TlsSettings(tls.get().keyStore(), password));
  }

  /** The viewer token (read-only access), when the project sets one. */
  private static Optional<String> viewerToken(Project project, Map<String, String> env) {
    Project.ServeConfig serve = project.serve();
    if (serve.viewerTokenEnv().isEmpty() && serve.viewerTokenFile().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        token(
            "The viewer token",
            "serve.viewer-",
            project.directory().resolve("sluice.yaml").toString(),
            "read-only users of the console and the APIs",
            serve.viewerTokenEnv(),
            serve.viewerTokenFile(),
            env));
  }

  /** What {@code token} allows: the operator's (the query token) or the viewer's. */
  private static io.sluice.server.Access access(
      String token, Optional<String> operator, Optional<String> viewer) {
    byte[] given = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (operator.isPresent()
        && java.security.MessageDigest.isEqual(
            given, operator.get().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      return io.sluice.server.Access.OPERATOR;
    }
    if (viewer.isPresent()
        && java.security.MessageDigest.isEqual(
            given, viewer.get().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      return io.sluice.server.Access.VIEWER;
    }
    return io.sluice.server.Access.NONE;
  }

  /** What the console shows of the process: {@link #status(boolean)} and each stream's backlog. */
  private Map<String, Object> consoleStatus() {
    Map<String, Object> status = status(true);
    Map<String, Object> backlogs = new java.util.LinkedHashMap<>();
    for (StreamEndpoint stream : streams) {
      backlogs.put(
          stream.name(),
          Map.of(
              "backlog", ContinuousProcessor.waiting(runtime.ingestLog(), List.of(stream.name()))));
    }
    status.put("streams", backlogs);
    return status;
  }

  /** The query endpoint, when the project gives it a token. */
  private static java.util.Optional<io.sluice.server.QueryEndpoint> queryEndpoint(
      Project project, io.sluice.server.QueryEndpoint.Readers readers, Map<String, String> env) {
    Project.ServeConfig serve = project.serve();
    if (serve.queryTokenEnv().isEmpty() && serve.queryTokenFile().isEmpty()) {
      return java.util.Optional.empty();
    }
    String token =
        token(
            "The query endpoint",
            "serve.query-",
            project.directory().resolve("sluice.yaml").toString(),
            "queries",
            serve.queryTokenEnv(),
            serve.queryTokenFile(),
            env);
    return java.util.Optional.of(new io.sluice.server.QueryEndpoint(token, readers));
  }

  public URI uri() {
    return server.uri();
  }

  /** The SQL endpoint's address, when {@code serve.sql-port} turns it on. */
  public Optional<InetSocketAddress> sqlAddress() {
    return sqlEndpoint.map(PgWireServer::address);
  }

  public List<StreamEndpoint> streams() {
    return streams;
  }

  /**
   * What {@code /health} reports about the processor and maintenance; {@code status} is {@code
   * starting} until the processor is ready (pushes are accepted meanwhile).
   */
  public Map<String, Object> status() {
    return status(true);
  }

  /**
   * What {@code /health} reports; with {@code details} (the caller carries the query token) also
   * the last errors.
   */
  public Map<String, Object> status(boolean details) {
    if (!processing) {
      Map<String, Object> status = new java.util.LinkedHashMap<>();
      status.put("status", "ok");
      status.put("processor", "off: sluice ui serves the console and the APIs only");
      scheduler.ifPresent(host -> status.put("scheduler", host.status()));
      return status;
    }
    ContinuousProcessor ready = processor;
    Map<String, Object> status =
        new java.util.LinkedHashMap<>(
            ready == null ? Map.of("status", "starting") : ready.status(details));
    scheduler.ifPresent(host -> status.put("scheduler", host.status()));
    alerts.ifPresent(
        monitor -> {
          Map<String, Object> alerting = monitor.status();
          status.put("alerts", details ? alerting : Map.of("status", alerting.get("status")));
        });
    return status;
  }

  /**
   * Whether this session runs the project's scheduler; empty when the project has no schedules.
   * When another process holds the scheduler lock, {@link SchedulerHost#refusal()} says which.
   */
  Optional<SchedulerHost> scheduler() {
    return scheduler;
  }

  /** Records pushed but not yet landed, per stream. */
  Map<String, Long> waitingByStream() {
    Map<String, Long> waiting = new java.util.LinkedHashMap<>();
    for (StreamEndpoint stream : streams) {
      waiting.put(
          stream.name(), ContinuousProcessor.waiting(runtime.ingestLog(), List.of(stream.name())));
    }
    return waiting;
  }

  /** Records pushed but not yet landed, over every stream. */
  public long waiting() {
    return ContinuousProcessor.waiting(
        runtime.ingestLog(), streams.stream().map(StreamEndpoint::name).toList());
  }

  /**
   * Blocks until the processor has stopped, and throws what made it stop if it could not start
   * (e.g. the lake could not be opened).
   */
  public void awaitStoppedOrFailed() throws InterruptedException {
    awaitStopped();
    Throwable failed = failure;
    if (failed != null) {
      close(false);
      if (failed instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) failed;
    }
  }

  /**
   * Runs a query as {@code /v1/query} does: sandboxed and read-only, on the newest published
   * snapshot of the warehouse, without waiting for a batch.
   */
  public QueryResult query(String sql, int maxRows) {
    try (WarehouseReader reader =
            ProjectRuntime.openReader(
                runtime.project(),
                runtime.project().serve().queryTimeout(),
                runtime.project().serve().queryMaxBytes());
        QueryCursor cursor = reader.query(sql)) {
      return cursor.fetch(maxRows, value -> value);
    }
  }

  /**
   * Waits until queries ({@link #query}, {@code /v1/query}, the SQL endpoint) see every batch
   * landed so far; false when {@code timeout} passed first or the processor has not started.
   */
  public boolean awaitReadersCurrent(java.time.Duration timeout) throws InterruptedException {
    ContinuousProcessor ready = processor;
    return ready != null && ready.awaitPublished(timeout);
  }

  /** Blocks until the processor has stopped (after {@link #close} from another thread). */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Graceful shutdown: stops accepting pushes (answering those in flight), lands every record that
   * waits, and closes the project.
   */
  @Override
  public void close() {
    close(true);
  }

  /**
   * Stops accepting pushes (answering those in flight), lets the batch in progress finish, lands
   * what waits when {@code drain} (otherwise it stays in the ingest log for the next start), and
   * closes the project. A JVM shutdown hook must not drain: Iceberg's worker pool is shut down by
   * its own hook then.
   */
  public synchronized void close(boolean drain) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sqlEndpoint.ifPresent(PgWireServer::close);
      // open dashboard streams end first: the server waits for requests in flight to end
      dashboardEvents.close();
      server.close();
    } finally {
      synchronized (startLock) {
        if (processor != null) {
          processor.stop(drain);
        } else {
          stopRequested = drain;
        }
      }
      if (!processing) {
        stopped.countDown();
      }
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        try {
          scheduler.ifPresent(SchedulerHost::close);
        } finally {
          try {
            api.close();
          } finally {
            try {
              alerts.ifPresent(AlertMonitor::close); // waits a bounded time for queued messages
            } finally {
              metrics.close(); // before the ingest log its lag sampler reads
            }
          }
        }
      } finally {
        runtime.close();
      }
    }
  }
}
