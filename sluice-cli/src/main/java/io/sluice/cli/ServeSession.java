package io.sluice.cli;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.core.config.SourceSpec;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.ContinuousProcessor;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.QualityMetrics;
import io.sluice.core.run.QualityReport;
import io.sluice.core.run.RunSummary;
import io.sluice.server.IngestServer;
import io.sluice.server.ServerSettings;
import io.sluice.server.StreamEndpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A running {@code sluice serve}: the project's runtime, the ingest server in front of its log, and
 * the continuous processor on its own thread. Queries through {@link #query} and {@code /v1/query}
 * read the newest snapshot of the warehouse the processor published (at most a second after a
 * batch); they never wait for a batch, nor a batch for them.
 */
public final class ServeSession implements AutoCloseable {
  private final ProjectRuntime runtime;
  private final ContinuousProcessor processor;
  private final IngestServer server;
  private final Thread processorThread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<StreamEndpoint> streams;
  private boolean closed;

  private ServeSession(
      ProjectRuntime runtime,
      ContinuousProcessor processor,
      IngestServer server,
      List<StreamEndpoint> streams) {
    this.runtime = runtime;
    this.processor = processor;
    this.server = server;
    this.streams = streams;
    this.processorThread =
        new Thread(
            () -> {
              try {
                processor.run();
              } finally {
                stopped.countDown();
              }
            },
            "sluice-processor");
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
    List<StreamEndpoint> streams = endpoints(project, env);
    if (streams.isEmpty()) {
      throw SluiceException.user(
          "Project '%s' has no stream source (a source with connector: stream), so sluice serve"
              + " has nothing to receive; see docs/streaming.md",
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
            serve.maxInflightBytes());
    requireNonNull(onBatch, "onBatch is null");
    ProjectRuntime runtime = ProjectRuntime.open(project, false);
    try {
      Clock clock = Clock.systemUTC();
      QualityMetrics metrics = new QualityMetrics(QualityReport.of(project, runtime.lake()));
      ContinuousProcessor processor =
          new ContinuousProcessor(
              runtime,
              clock,
              summary -> {
                metrics.record(summary, clock.instant());
                onBatch.accept(summary);
              });
      IngestServer server =
          IngestServer.start(
              settings,
              runtime.ingestLog(),
              streams,
              processor::status,
              queryEndpoint(project, runtime, env),
              Optional.of(metrics::prometheus));
      ServeSession session = new ServeSession(runtime, processor, server, streams);
      session.processorThread.start();
      return session;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /** The streams served, with their tokens resolved. */
  static List<StreamEndpoint> endpoints(Project project, Map<String, String> env) {
    List<StreamEndpoint> endpoints = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      if (!source.connector().equals("stream")) {
        continue;
      }
      Map<String, Object> options = source.options();
      Optional<String> token = Optional.empty();
      if ("token".equals(options.get(SourceSpec.STREAM_AUTH.name()))) {
        token = Optional.of(token(project, source, options, env));
      }
      endpoints.add(
          new StreamEndpoint(
              source.name(),
              token,
              Optional.ofNullable((String) options.get(SourceSpec.STREAM_PARTITION_KEY.name()))));
    }
    return endpoints;
  }

  private static String token(
      Project project, SourceDef source, Map<String, Object> options, Map<String, String> env) {
    String variable = (String) options.get(SourceSpec.STREAM_TOKEN_ENV.name());
    String file = (String) options.get(SourceSpec.STREAM_TOKEN_FILE.name());
    return token(
        "Source '" + source.name() + "'",
        "stream.",
        source.location().toString(),
        "pushes to the stream",
        java.util.Optional.ofNullable(variable),
        java.util.Optional.ofNullable(file).map(f -> project.directory().resolve(f).normalize()),
        env);
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
    if (variable.isPresent()) {
      String value = env.get(variable.get());
      if (value == null || value.isBlank()) {
        throw SluiceException.user(
            "%s: the environment variable %s (%stoken-env, %s) is not set; it must hold the bearer"
                + " token that %s carry",
            owner, variable.get(), prefix, where, carriers);
      }
      return value.trim();
    }
    Path path = file.orElseThrow();
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw SluiceException.user(
            "%s: the token file %s (%stoken-file) is empty", owner, path, prefix);
      }
      return value;
    } catch (NoSuchFileException e) {
      throw SluiceException.user(
          "%s: the token file %s (%stoken-file, %s) does not exist", owner, path, prefix, where);
    } catch (IOException e) {
      throw SluiceException.user(
          "%s: cannot read the token file %s: %s", owner, path, e.getMessage());
    }
  }

  /** The query endpoint, when the project gives it a token. */
  private static java.util.Optional<io.sluice.server.QueryEndpoint> queryEndpoint(
      Project project, ProjectRuntime runtime, Map<String, String> env) {
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
    return java.util.Optional.of(
        new io.sluice.server.QueryEndpoint(
            token,
            () -> ProjectRuntime.openReader(project, serve.queryTimeout(), serve.queryMaxBytes())));
  }

  public URI uri() {
    return server.uri();
  }

  public List<StreamEndpoint> streams() {
    return streams;
  }

  /** What {@code /health} reports about the processor and maintenance. */
  public Map<String, Object> status() {
    return processor.status();
  }

  /** Records pushed but not yet landed, over every stream. */
  public long waiting() {
    return processor.waiting();
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
      List<List<Object>> rows = new ArrayList<>();
      boolean truncated = false;
      while (cursor.next()) {
        if (rows.size() == maxRows) {
          truncated = true;
          break;
        }
        rows.add(cursor.row());
      }
      return new QueryResult(cursor.columns(), cursor.types(), rows, truncated);
    }
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
      server.close();
    } finally {
      processor.stop(drain);
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      runtime.close();
    }
  }
}
