package io.sluice.cli;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.core.project.Project;
import io.sluice.core.run.RunSummary;
import io.sluice.server.StreamEndpoint;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice serve}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the project as a service: receive records pushed over HTTP to its stream sources",
      "(POST /v1/streams/<source>/records), make them durable in the ingest log before answering,",
      "and land them continuously in micro-batches (the same pass as sluice run). Stops gracefully",
      "on Ctrl-C or SIGTERM: answers the pushes in flight and finishes the batch in progress;",
      "records still waiting stay in the ingest log and land at the next start. When the",
      "project has schedules, runs them too (one scheduler per project: when another process",
      "holds it, says which; /health shows the scheduler's state)."
    })
final class ServeCommand implements Callable<Integer> {
  private static final long REPORT_WAIT_SECONDS = 5;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description = "Port to listen on (default: serve.port of sluice.yaml; 0 for a free one).",
      paramLabel = "PORT")
  Optional<Integer> port;

  @Override
  public Integer call() throws InterruptedException {
    return serve(spec, options, port, true);
  }

  /**
   * Serves the project until stopped: with {@code processing} as {@code sluice serve}, without as
   * {@code sluice ui} (the console, the APIs and the scheduler, no processor).
   */
  static int serve(
      CommandSpec spec, ProjectOptions options, Optional<Integer> port, boolean processing)
      throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Project project = options.load();
    ProjectOptions.printWarnings(project, spec.commandLine().getErr());
    io.sluice.core.run.ProjectCheck.verify(project);
    String command = processing ? "sluice serve" : "sluice ui";
    ServeSession session =
        ServeSession.start(
            project, port, System.getenv(), summary -> printBatch(out, summary), processing);
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch reported = new CountDownLatch(1);
    Thread hook =
        new Thread(() -> stopOnSignal(session, stopping, reported, out), "sluice-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.printf("%s: project %s, listening on %s%n", command, project.name(), session.uri());
    out.printf("  console: %s/ui/ (sign in with the viewer or the query token)%n", session.uri());
    for (io.sluice.core.project.DashboardDef dashboard : project.dashboards()) {
      out.printf(
          "  dashboard %s: %s/ui/dashboards/%s%n",
          dashboard.name(), session.uri(), dashboard.name());
    }
    for (StreamEndpoint stream : session.streams()) {
      out.printf(
          "  stream %s: POST %s/v1/streams/%s/records%s%n",
          stream.name(),
          session.uri(),
          stream.name(),
          stream.token().isPresent() ? " (bearer token)" : " (no token)");
    }
    out.printf(
        "  health: %s/health, metrics: %s/metrics, API: %s/v1/openapi.yaml%n",
        session.uri(), session.uri(), session.uri());
    boolean operatorToken =
        project.serve().queryTokenEnv().isPresent() || project.serve().queryTokenFile().isPresent();
    out.printf(
        "  runs, schedules, backfills: %s/v1/runs ... %s%n",
        session.uri(),
        operatorToken
            ? "(bearer: the query token)"
            : "(off: set serve.query-token-env or serve.query-token-file)");
    session
        .scheduler()
        .ifPresent(
            host ->
                out.printf(
                    "  scheduler: %s%n",
                    host.running()
                        ? host.scheduler().orElseThrow().schedules().size()
                            + " schedules (status in /health)"
                        : "not in this process: " + host.refusal()));
    session
        .sqlAddress()
        .ifPresent(
            address ->
                out.printf(
                    "  SQL (PostgreSQL protocol, read-only, password: the query token): %s%n",
                    sqlExample(address)));
    out.flush();
    try {
      session.awaitStoppedOrFailed();
    } finally {
      // When the processor ended by itself (or could not start), no signal decides the exit code.
      stopping.compareAndSet(false, true);
    }
    out.printf(
        processing
            ? "sluice serve: stopped; every acknowledged record is landed or waits in the ingest"
                + " log for the next start%n"
            : "sluice ui: stopped%n");
    out.flush();
    reported.countDown();
    return 0;
  }

  /** A psql command line for the SQL endpoint. */
  static String sqlExample(java.net.InetSocketAddress address) {
    return "psql \"host=%s port=%d user=sluice dbname=warehouse\""
        .formatted(address.getHostString(), address.getPort());
  }

  /**
   * The stop on Ctrl-C or SIGTERM, in a shutdown hook: stops the session gracefully, lets the main
   * thread report it, and ends the JVM with exit code 0 (a clean stop is a success; the JVM alone
   * would exit 130 or 143 after a signal), or with the failure's code when the stop failed.
   */
  private static void stopOnSignal(
      ServeSession session, AtomicBoolean stopping, CountDownLatch reported, PrintWriter out) {
    if (!stopping.compareAndSet(false, true)) {
      session.close(false); // an exit the main thread decided: keep its code
      return;
    }
    int code = 0;
    try {
      session.close(false);
      reported.await(REPORT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      code =
          e instanceof SluiceException sluice
              ? sluice.category().exitCode()
              : ErrorCategory.INTERNAL.exitCode();
      System.err.println("sluice serve: the stop failed: " + e.getMessage());
    }
    out.flush();
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  private static void printBatch(PrintWriter out, RunSummary summary) {
    StringBuilder line = new StringBuilder(LocalTime.now(ZoneOffset.UTC).format(TIME));
    for (RunSummary.SourceRun source : summary.sources()) {
      if (source.rowsRead() > 0) {
        line.append("  ")
            .append(source.source())
            .append(" +")
            .append(Format.count(source.rowsValid()));
        if (source.rowsQuarantined() > 0) {
          line.append(" (").append(Format.count(source.rowsQuarantined())).append(" quarantined)");
        }
      }
    }
    line.append("  in ").append(Format.seconds(summary.millis()));
    if (!summary.status().succeeded()) {
      line.append("  status ").append(summary.status());
    }
    out.println(line);
    out.flush();
  }
}
