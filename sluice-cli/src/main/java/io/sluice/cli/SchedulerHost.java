package io.sluice.cli;

import io.sluice.core.history.RunRecord;
import io.sluice.core.orchestrate.EventSink;
import io.sluice.core.orchestrate.FreshnessEvaluator;
import io.sluice.core.orchestrate.FreshnessState;
import io.sluice.core.orchestrate.RefreshTimes;
import io.sluice.core.orchestrate.Scheduler;
import io.sluice.core.orchestrate.SchedulerLock;
import io.sluice.core.project.Project;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The scheduler of {@code sluice schedule} and {@code sluice serve} on an open runtime: takes the
 * project's {@link SchedulerLock} and runs the {@link Scheduler} on its own thread, or, when
 * another process holds the lock, runs nothing and says who schedules.
 */
final class SchedulerHost implements AutoCloseable {
  // How long a stop waits for the scheduled runs in progress to end (the runtime's close then
  // waits for the engine anyway).
  private static final java.time.Duration RUN_END_WAIT = java.time.Duration.ofHours(1);

  private final Optional<SchedulerLock> lock;
  private final Optional<Scheduler> scheduler;
  private final String refusal;
  private final Optional<Instant> until;
  private final Optional<FreshnessEvaluator> freshness;
  private final Thread thread;
  private volatile Throwable failure;

  private SchedulerHost(
      Optional<SchedulerLock> lock,
      Optional<Scheduler> scheduler,
      String refusal,
      Optional<Instant> until,
      Optional<FreshnessEvaluator> freshness) {
    this.freshness = freshness;
    this.lock = lock;
    this.scheduler = scheduler;
    this.refusal = refusal;
    this.until = until;
    this.thread = new Thread(this::loop, "sluice-scheduler");
    thread.setDaemon(true);
  }

  /**
   * Tries to take the scheduler lock of {@code project}: before opening it, so that a process that
   * cannot open it (another one serves it) can say who schedules.
   */
  static SchedulerLock.Attempt tryLock(Project project, Clock clock) {
    return SchedulerLock.tryAcquire(project.stateDirectory(), clock);
  }

  /**
   * Starts the scheduler of {@code runtime}'s project when {@code attempt} took its lock (which it
   * then owns), or reports who holds the lock ({@link #running()} is then false).
   *
   * @param until stop scheduling at this instant, if given
   * @param onRunEnded told about every run that ended
   */
  static SchedulerHost start(
      ProjectRuntime runtime,
      SchedulerLock.Attempt attempt,
      Clock clock,
      Optional<Instant> until,
      Consumer<RunRecord> onRunEnded) {
    return start(runtime, attempt, clock, until, onRunEnded, RunListener.NONE);
  }

  /**
   * As {@link #start(ProjectRuntime, SchedulerLock.Attempt, Clock, Optional, Consumer)}, with
   * {@code listener} told about each attempt of a scheduled run as it runs (metrics).
   */
  static SchedulerHost start(
      ProjectRuntime runtime,
      SchedulerLock.Attempt attempt,
      Clock clock,
      Optional<Instant> until,
      Consumer<RunRecord> onRunEnded,
      RunListener listener) {
    Project project = runtime.project();
    if (!attempt.acquired()) {
      return new SchedulerHost(
          Optional.empty(), Optional.empty(), attempt.refusal(), until, Optional.empty());
    }
    SchedulerLock lock = attempt.lock().orElseThrow();
    try {
      Scheduler.Builder builder =
          Scheduler.builder(
                  project,
                  runtime.history(),
                  request -> runtime.runAndPublish(request, clock, listener))
              .clock(clock)
              .newData(runtime::hasNewInput)
              .onRunEnded(onRunEnded);
      Optional<FreshnessEvaluator> freshness = Optional.empty();
      if (!project.orchestration().freshness().isEmpty()) {
        FreshnessEvaluator evaluator =
            new FreshnessEvaluator(
                project, RefreshTimes.of(runtime), EventSink.file(project.stateDirectory()));
        builder.breaches(everyMinute(evaluator, clock));
        freshness = Optional.of(evaluator);
      }
      Scheduler scheduler = builder.build();
      scheduler.start();
      SchedulerHost host =
          new SchedulerHost(Optional.of(lock), Optional.of(scheduler), "", until, freshness);
      host.thread.start();
      return host;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** How often the scheduler evaluates the freshness SLAs (each evaluation reads the lake). */
  private static final java.time.Duration FRESHNESS_INTERVAL = java.time.Duration.ofMinutes(1);

  /**
   * The SLAs breached, evaluated at most once a {@link #FRESHNESS_INTERVAL} (the scheduler asks at
   * every tick): each evaluation emits the breaches and recoveries since the last one as events
   * ({@code <state-dir>/events.jsonl}).
   */
  private static java.util.function.Supplier<java.util.Set<String>> everyMinute(
      FreshnessEvaluator evaluator, Clock clock) {
    Instant[] next = {Instant.MIN};
    return () -> {
      Instant now = clock.instant();
      if (!now.isBefore(next[0])) {
        next[0] = now.plus(FRESHNESS_INTERVAL);
        evaluator.evaluate(now);
      }
      return java.util.Set.copyOf(evaluator.breached());
    };
  }

  private void loop() {
    try {
      scheduler.orElseThrow().run(until);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
  }

  /** Whether this process schedules (it holds the lock). */
  boolean running() {
    return scheduler.isPresent();
  }

  /** Who schedules instead, when this process does not. */
  String refusal() {
    return refusal;
  }

  Optional<Scheduler> scheduler() {
    return scheduler;
  }

  /** Waits until the scheduler stops (at {@code until}, or after {@link #close}). */
  void await() throws InterruptedException {
    if (running()) {
      thread.join();
    }
    Throwable failed = failure;
    if (failed instanceof RuntimeException e) {
      throw e;
    }
    if (failed instanceof Error e) {
      throw e;
    }
  }

  /** The scheduler's state for {@code /health} and status. */
  Map<String, Object> status() {
    Map<String, Object> status = new LinkedHashMap<>();
    if (scheduler.isEmpty()) {
      status.put("status", "elsewhere");
      status.put("held-by", refusal);
      return status;
    }
    status.put("status", failure == null ? "running" : "failed");
    lock.ifPresent(
        l -> {
          status.put("pid", l.holder().pid());
          status.put("since", l.holder().since().toString());
        });
    List<Map<String, Object>> schedules = new ArrayList<>();
    for (Scheduler.ScheduleState state : scheduler.get().schedules()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("name", state.name());
      one.put("paused", state.paused());
      one.put("next-due", state.nextDue().map(Instant::toString).orElse(null));
      one.put("running", state.running());
      one.put("queued", state.queued());
      one.put("last-run", state.lastRun().map(RunRecord::id).orElse(null));
      one.put("last-status", state.lastRun().map(r -> r.status().label()).orElse(null));
      schedules.add(one);
    }
    status.put("schedules", schedules);
    freshness.ifPresent(
        evaluator -> {
          List<Map<String, Object>> slas = new ArrayList<>();
          for (FreshnessState state : evaluator.lastStates()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", state.sla().name());
            one.put("target", state.target().toString());
            one.put("state", state.status().label());
            one.put("severity", state.sla().severity());
            one.put("reasons", state.reasons());
            slas.add(one);
          }
          status.put("freshness", slas);
        });
    return status;
  }

  /**
   * Stops scheduling: no run starts any more; waits for the runs in progress to end, then releases
   * the lock.
   */
  @Override
  public void close() {
    if (scheduler.isEmpty()) {
      return;
    }
    scheduler.get().stop();
    try {
      thread.join();
      scheduler.get().awaitRunsEnded(RUN_END_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.orElseThrow().close();
    }
  }
}
