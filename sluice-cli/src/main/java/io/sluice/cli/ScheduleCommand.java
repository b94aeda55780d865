package io.sluice.cli;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.config.ConfigType;
import io.sluice.core.alert.AlertMonitor;
import io.sluice.core.history.RunRecord;
import io.sluice.core.orchestrate.RefreshTimes;
import io.sluice.core.orchestrate.Scheduler;
import io.sluice.core.orchestrate.SchedulerLock;
import io.sluice.core.project.Project;
import io.sluice.core.run.ProjectCheck;
import io.sluice.core.run.ProjectRuntime;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice schedule}. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Run the project's schedules (schedules: in sluice.yaml) in the foreground, for a project",
      "without continuous sources (sluice serve runs them otherwise): cron times in their time",
      "zones, intervals, triggers, catch-up of runs missed while no scheduler ran, and retries of",
      "transient failures. One scheduler per project: when another process schedules, it says",
      "which and exits. Stops on Ctrl-C or SIGTERM: no new run starts, the run in progress",
      "finishes first (up to 10 minutes; a longer one is stopped and recovered by the next run)."
    })
final class ScheduleCommand implements java.util.concurrent.Callable<Integer> {
  // How long a Ctrl-C waits for the run in progress; a longer one stops where it is (the next run
  // recovers it, as after a crash).
  private static final long STOP_WAIT_MINUTES = 10;

  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      description = {
        "Schedule for this long, then stop (e.g. 90s, 10m, 2h; a run in progress finishes first).",
        "Default: until stopped."
      })
  Optional<String> duration;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Project project = options.load();
    ProjectOptions.printWarnings(project, spec.commandLine().getErr());
    if (project.orchestration().schedules().isEmpty()) {
      throw SluiceException.user(
          "Project '%s' has no schedules: declare them under schedules: in %s (see"
              + " docs/orchestration.md)",
          project.name(), project.directory().resolve("sluice.yaml"));
    }
    Optional<Duration> bound = duration.map(ScheduleCommand::parseDuration);
    ProjectCheck.verify(project);
    Clock clock = Clock.systemUTC();
    SchedulerLock.Attempt lock = SchedulerHost.tryLock(project, clock);
    if (!lock.acquired()) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Not scheduling project '%s': %s; stop that process first (or let it schedule)"
              .formatted(project.name(), lock.refusal()));
    }
    ProjectRuntime opened;
    try {
      opened = ProjectRuntime.open(project, false);
    } catch (RuntimeException e) {
      lock.lock().orElseThrow().close();
      throw e;
    }
    Optional<AlertMonitor> alerts;
    try {
      alerts = AlertMonitor.open(project, clock, System.getenv());
    } catch (RuntimeException e) {
      opened.close();
      lock.lock().orElseThrow().close();
      throw e;
    }
    try (ProjectRuntime runtime = opened) {
      Optional<Instant> until = bound.map(clock.instant()::plus);
      alerts.ifPresent(monitor -> monitor.startChecks(RefreshTimes.of(runtime), Map::of));
      SchedulerHost host =
          SchedulerHost.start(
              runtime,
              lock,
              clock,
              until,
              run -> {
                printRun(out, run);
                alerts.ifPresent(monitor -> monitor.runEnded(run));
              });
      AtomicBoolean ended = new AtomicBoolean();
      CountDownLatch closed = new CountDownLatch(1);
      Thread hook = new Thread(() -> stopOnSignal(host, ended, closed), "sluice-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.printf(
          "sluice schedule: project %s, %d schedules%s%n",
          project.name(),
          project.orchestration().schedules().size(),
          until.map(end -> ", until " + end.truncatedTo(ChronoUnit.SECONDS)).orElse(""));
      for (Scheduler.ScheduleState state : host.scheduler().orElseThrow().schedules()) {
        out.printf(
            "  %s: %s%n",
            state.name(),
            state.paused()
                ? "paused"
                : state
                    .nextDue()
                    .map(due -> "next at " + due.truncatedTo(ChronoUnit.MILLIS))
                    .orElse("on triggers"));
      }
      out.flush();
      try {
        host.await();
      } finally {
        ended.set(true);
        host.close();
        closed.countDown();
        if (!Thread.currentThread().isInterrupted()) {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running and waits for this thread
          }
        }
      }
    }
    alerts.ifPresent(AlertMonitor::close);
    out.printf("sluice schedule: stopped%n");
    out.flush();
    return 0;
  }

  /** Ctrl-C or SIGTERM: stops scheduling and waits until the main thread closed the project. */
  private static void stopOnSignal(SchedulerHost host, AtomicBoolean ended, CountDownLatch closed) {
    if (ended.get()) {
      return;
    }
    host.scheduler().ifPresent(Scheduler::stop);
    try {
      closed.await(STOP_WAIT_MINUTES, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration parseDuration(String text) {
    try {
      return ConfigType.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw SluiceException.user("--for: %s", e.getMessage());
    }
  }

  private static void printRun(PrintWriter out, RunRecord run) {
    RunRecord.Attempt last =
        run.attempts().isEmpty() ? null : run.attempts().get(run.attempts().size() - 1);
    StringBuilder line =
        new StringBuilder()
            .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
            .append("  ")
            .append(run.request().trigger())
            .append("  run ")
            .append(run.id())
            .append("  ")
            .append(run.status());
    if (run.attempts().size() > 1) {
      line.append(" after ").append(run.attempts().size()).append(" attempts");
    }
    if (last != null && !last.error().isEmpty()) {
      line.append(": ").append(last.error().lines().findFirst().orElse(""));
    }
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
