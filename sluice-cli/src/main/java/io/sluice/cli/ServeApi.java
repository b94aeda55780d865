package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunLookup;
import io.sluice.core.history.RunRecord;
import io.sluice.core.history.RunRecorder;
import io.sluice.core.orchestrate.Scheduler;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Orchestration;
import io.sluice.core.project.Project;
import io.sluice.core.project.Selection;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.BackfillListener;
import io.sluice.core.run.BackfillRecord;
import io.sluice.core.run.BackfillRequest;
import io.sluice.core.run.Backfills;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.server.OrchestrationEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestration API of {@code sluice serve} over its runtime and run history. Runs asked for
 * ({@code POST /v1/runs}) are queued in the history and run one at a time on a thread of their own,
 * on the serve's runtime (so between micro-batches: {@link ProjectRuntime#run(RunRequest, Clock,
 * RunListener)} holds the engine), each recorded with one attempt.
 *
 * <p>Schedules are listed as declared, with their last run, and with their live state (paused, next
 * due time, runs in progress) when this process runs the scheduler, which pause and resume go to.
 * Backfills run one at a time on a thread of their own, through {@link Backfills}.
 */
final class ServeApi implements OrchestrationEndpoint, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServeApi.class);

  /** Runs asked for through the API that may wait at once. */
  static final int MAX_QUEUED = 16;

  private static final Duration CLOSE_WAIT = Duration.ofMinutes(10);

  private final ProjectRuntime runtime;
  private final Clock clock;
  private final ThreadPoolExecutor runs;
  private final java.util.function.Supplier<Optional<SchedulerHost>> scheduler;
  private final Backfills backfills;
  // Told about every run asked for through the API, as it runs and when it ends (alerts, ...).
  private final List<RunListener> runListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  // Backfills asked for that have no record yet (queued, or failed before their first step): what
  // GET /v1/backfills/ID answers meanwhile.
  private final Map<String, Map<String, Object>> pendingBackfills =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ExecutorService backfillThread =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "sluice-api-backfill");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param scheduler this process's scheduler host, once serve started it (empty when the project
   *     has no schedules)
   */
  ServeApi(
      ProjectRuntime runtime,
      Clock clock,
      java.util.function.Supplier<Optional<SchedulerHost>> scheduler) {
    this.runtime = runtime;
    this.clock = clock;
    this.scheduler = scheduler;
    this.backfills = new Backfills(runtime, clock);
    this.runs =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(MAX_QUEUED),
            task -> {
              Thread thread = new Thread(task, "sluice-api-runs");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Adds a listener told about every run asked for through the API (on the API's run thread). */
  void addRunListener(RunListener listener) {
    runListeners.add(java.util.Objects.requireNonNull(listener, "listener is null"));
  }

  private RunHistory history() {
    return runtime.history();
  }

  @Override
  public Map<String, Object> pipelines() {
    Project project = runtime.project();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("project", project.name());
    json.put("engine", project.engine());
    List<Object> sources = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", source.name());
      entry.put("connector", source.connector());
      entry.put("description", source.description());
      entry.put("event-time", source.eventTime().orElse(null));
      entry.put("primary-key", source.primaryKey());
      entry.put("columns", source.columns().size());
      sources.add(entry);
    }
    json.put("sources", sources);
    List<Object> models = new ArrayList<>();
    for (ModelDef model : project.models()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", model.name());
      entry.put("materialization", model.materialization().toString().toLowerCase(Locale.ROOT));
      entry.put("description", model.description());
      entry.put("tags", model.tags());
      entry.put("refs", model.refs());
      entry.put("sources", model.sources());
      models.add(entry);
    }
    json.put("models", models);
    json.put("schedules", schedules());
    return json;
  }

  @Override
  public List<Object> runs(RunQuery query) {
    Optional<RunStatus> status = query.status().map(ServeApi::status);
    List<Object> json = new ArrayList<>();
    for (RunRecord run : history().list(query.limit(), query.trigger(), status)) {
      json.add(RunJson.run(run, false));
    }
    return json;
  }

  private static RunStatus status(String label) {
    return Arrays.stream(RunStatus.values())
        .filter(s -> s.label().equals(label))
        .findFirst()
        .orElseThrow(
            () ->
                Refusal.badRequest(
                    "status '"
                        + label
                        + "' is not a run status; use one of "
                        + String.join(
                            ", ",
                            Arrays.stream(RunStatus.values()).map(RunStatus::label).toList())));
  }

  @Override
  public Map<String, Object> run(String id) {
    return RunLookup.find(history(), id)
        .map(run -> RunJson.run(run, true))
        .orElseThrow(() -> Refusal.notFound(RunLookup.unknown(history(), id)));
  }

  @Override
  public Map<String, Object> trigger(RunTrigger trigger) {
    RunRequest request =
        new RunRequest(
            trigger.select(), trigger.exclude(), trigger.fullRefresh(), Optional.empty(), "api");
    // A selector that names nothing is the client's mistake: answered now, not as a failed run.
    Selection.of(runtime.project(), request.select(), request.exclude());
    return queue(request);
  }

  @Override
  public Map<String, Object> retry(String id) {
    RunRecord failed =
        RunLookup.find(history(), id)
            .orElseThrow(() -> Refusal.notFound(RunLookup.unknown(history(), id)));
    if (!failed.status().finished() || failed.status().succeeded()) {
      throw Refusal.conflict(
          "run "
              + failed.id()
              + " is "
              + failed.status().label()
              + "; only a run that ended without succeeding can be retried");
    }
    RunRequest asked = failed.request();
    // The selection is checked again: sluice.yaml may have changed since (answered 400).
    Selection.of(runtime.project(), asked.select(), asked.exclude());
    return queue(
        new RunRequest(
            asked.select(),
            asked.exclude(),
            asked.fullRefresh(),
            asked.window(),
            "retry:" + failed.id()));
  }

  /** Records {@code request} as queued and hands it to the runs' thread. */
  private Map<String, Object> queue(RunRequest request) {
    RunRecorder recorder = new RunRecorder(history(), clock);
    RunRecord queued = recorder.queued(request);
    synchronized (runs) {
      if (runs.isShutdown()) {
        throw Refusal.unavailable("sluice serve is stopping; ask for the run again once it runs");
      }
      if (runs.getQueue().remainingCapacity() == 0) {
        throw Refusal.tooMany(
            MAX_QUEUED + " runs asked for through the API wait already; retry when one ended");
      }
      history().save(queued);
      runs.execute(() -> execute(recorder, queued));
    }
    return RunJson.run(queued, false);
  }

  private void execute(RunRecorder recorder, RunRecord queued) {
    try {
      recorder.record(
          queued,
          RunListener.all(runListeners),
          true,
          listener -> runtime.runAndPublish(queued.request(), clock, listener));
    } catch (RuntimeException e) {
      // Recorded in the run history with its error; the log gets the stack trace.
      LOG.error("Run {} asked for through the API failed", queued.id(), e);
    }
  }

  @Override
  public List<Object> schedules() {
    List<Object> json = new ArrayList<>();
    for (Orchestration.Schedule schedule : runtime.project().orchestration().schedules()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", schedule.name());
      entry.put("select", schedule.select());
      entry.put("exclude", schedule.exclude());
      entry.put("cron", schedule.cron().orElse(null));
      entry.put("time-zone", schedule.timeZone().getId());
      entry.put("interval", schedule.interval().map(Duration::toString).orElse(null));
      entry.put("on", schedule.on().stream().map(Object::toString).toList());
      entry.put("paused", schedule.paused());
      liveScheduler()
          .flatMap(
              live ->
                  live.schedules().stream()
                      .filter(state -> state.name().equals(schedule.name()))
                      .findFirst())
          .ifPresent(
              state -> {
                entry.put("paused", state.paused());
                entry.put("next-due", state.nextDue().map(Instant::toString).orElse(null));
                entry.put("running", state.running());
                entry.put("queued", state.queued());
              });
      entry.put(
          "last-run",
          history().list(1, "schedule:" + schedule.name()).stream()
              .findFirst()
              .map(run -> RunJson.run(run, false))
              .orElse(null));
      json.add(entry);
    }
    return json;
  }

  @Override
  public Map<String, Object> pauseSchedule(String name, boolean paused) {
    if (runtime.project().orchestration().schedule(name).isEmpty()) {
      throw Refusal.notFound(
          "no schedule named '"
              + name
              + "' in sluice.yaml"
              + io.sluice.config.DidYouMean.hint(
                  name,
                  runtime.project().orchestration().schedules().stream()
                      .map(Orchestration.Schedule::name)
                      .toList()));
    }
    Scheduler live =
        liveScheduler()
            .orElseThrow(
                () ->
                    Refusal.conflict(
                        scheduler
                                .get()
                                .map(SchedulerHost::refusal)
                                .filter(refusal -> !refusal.isEmpty())
                                .orElse("this sluice serve runs no scheduler")
                            + "; schedule '"
                            + name
                            + "' can be "
                            + (paused ? "paused" : "resumed")
                            + " only where the scheduler runs"));
    if (paused) {
      live.pause(name);
    } else {
      live.resume(name);
    }
    return schedules().stream()
        .map(this::asMap)
        .filter(entry -> name.equals(entry.get("name")))
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> asMap(Object json) {
    return (Map<String, Object>) json;
  }

  /** The scheduler this process runs, if it runs one. */
  private Optional<Scheduler> liveScheduler() {
    return scheduler.get().flatMap(SchedulerHost::scheduler);
  }

  @Override
  public Map<String, Object> startBackfill(BackfillStart start) {
    BackfillRequest request =
        new BackfillRequest(
            start.from(),
            start.to(),
            start.select(),
            start.exclude(),
            BackfillRequest.Mode.parse(start.mode()),
            start.parallel());
    Backfills.Plan plan = backfills.plan(request); // a bad selection is answered now (400)
    if (start.dryRun()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", plan.id());
      json.put("status", "dry-run");
      json.put("plan", Format.json().convertValue(plan, Map.class));
      return json;
    }
    synchronized (backfillThread) {
      if (backfillThread.isShutdown()) {
        throw Refusal.unavailable(
            "sluice serve is stopping; start the backfill again once it runs");
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", request.id());
      json.put("status", "queued");
      json.put("from", start.from().toString());
      json.put("to", start.to().toString());
      pendingBackfills.put(request.id(), json);
      backfillThread.execute(
          () -> {
            try {
              backfills.run(
                  request,
                  new BackfillListener() {
                    @Override
                    public void started(BackfillRecord record, int toDo) {
                      pendingBackfills.remove(request.id()); // its record answers from now on
                    }
                  });
              pendingBackfills.remove(request.id());
            } catch (RuntimeException e) {
              LOG.error("Backfill {} asked for through the API failed", request.id(), e);
              Map<String, Object> failed = new LinkedHashMap<>(json);
              failed.put("status", BackfillRecord.FAILED);
              failed.put("error", String.valueOf(e.getMessage()));
              pendingBackfills.put(request.id(), failed);
            } finally {
              publishForReaders();
            }
          });
      return json;
    }
  }

  /**
   * What a backfill landed, for readers: no micro-batch's publication follows it under sluice ui.
   */
  private void publishForReaders() {
    try {
      runtime.publishSnapshotNow(clock);
    } catch (RuntimeException e) {
      LOG.warn("Cannot publish the warehouse for readers after a backfill", e);
    }
  }

  @Override
  public Map<String, Object> backfill(String id) {
    Map<String, Object> pending = pendingBackfills.get(id);
    if (pending != null) {
      return pending;
    }
    return backfills
        .status(id)
        .map(this::backfillJson)
        .orElseThrow(() -> Refusal.notFound(unknownBackfill(id)));
  }

  @Override
  public Map<String, Object> cancelBackfill(String id) {
    BackfillRecord record =
        backfills.status(id).orElseThrow(() -> Refusal.notFound(unknownBackfill(id)));
    if (!backfills.cancel(id)) {
      throw Refusal.conflict(
          "backfill "
              + id
              + " is not running in this sluice serve (it is "
              + record.status()
              + ")");
    }
    return backfillJson(backfills.status(id).orElse(record));
  }

  private Map<String, Object> backfillJson(BackfillRecord record) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json = Format.json().convertValue(record, Map.class);
    json.put("done", record.done());
    return json;
  }

  private String unknownBackfill(String id) {
    List<String> ids = backfills.list().stream().map(BackfillRecord::id).toList();
    return "no backfill '"
        + id
        + "'"
        + io.sluice.config.DidYouMean.hint(id, ids)
        + (ids.isEmpty()
            ? "; none has run in this project"
            : "; backfills: " + String.join(", ", ids));
  }

  /**
   * Stops taking runs: those still waiting are recorded as cancelled; the one running is waited for
   * (up to ten minutes), so that the runtime closes after it.
   */
  @Override
  public void close() {
    synchronized (backfillThread) {
      backfillThread.shutdown(); // a backfill in progress finishes its steps; a later run resumes
    }
    List<Runnable> waiting = new ArrayList<>();
    synchronized (runs) {
      runs.getQueue().drainTo(waiting);
      runs.shutdown(); // the run in progress is not interrupted
    }
    if (!waiting.isEmpty()) {
      for (String trigger : List.of("api", "retry:")) {
        for (RunRecord run :
            history().list(MAX_QUEUED + 1, trigger, Optional.of(RunStatus.QUEUED))) {
          try {
            history().save(run.withStatus(RunStatus.CANCELLED, Optional.of(clock.instant())));
          } catch (SluiceException e) {
            LOG.warn("Cannot record run {} as cancelled", run.id(), e);
          }
        }
      }
    }
    try {
      if (!runs.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("A run asked for through the API is still running; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
