package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunLookup;
import io.sluice.core.history.RunRecord;
import io.sluice.core.history.RunRecorder;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Orchestration;
import io.sluice.core.project.Project;
import io.sluice.core.project.Selection;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.server.OrchestrationEndpoint;
import java.time.Clock;
import java.time.Duration;
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
 * <p>Schedules are listed as declared, with their last run; pausing them and backfills answer 501
 * until {@code sluice serve} runs the scheduler and backfills.
 */
final class ServeApi implements OrchestrationEndpoint, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServeApi.class);

  /** Runs asked for through the API that may wait at once. */
  static final int MAX_QUEUED = 16;

  private static final Duration CLOSE_WAIT = Duration.ofMinutes(10);

  private final ProjectRuntime runtime;
  private final Clock clock;
  private final ThreadPoolExecutor runs;

  ServeApi(ProjectRuntime runtime, Clock clock) {
    this.runtime = runtime;
    this.clock = clock;
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
          RunListener.NONE,
          true,
          listener -> runtime.run(queued.request(), clock, listener));
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
    throw Refusal.notImplemented(
        "this sluice serve does not run the scheduler yet, so schedule '"
            + name
            + "' cannot be "
            + (paused ? "paused" : "resumed")
            + " here; set paused: "
            + paused
            + " on it in sluice.yaml instead");
  }

  @Override
  public Map<String, Object> startBackfill(BackfillStart backfill) {
    throw notBackfilling();
  }

  @Override
  public Map<String, Object> backfill(String id) {
    throw notBackfilling();
  }

  @Override
  public Map<String, Object> cancelBackfill(String id) {
    throw notBackfilling();
  }

  private static Refusal notBackfilling() {
    return Refusal.notImplemented(
        "this sluice serve does not run backfills yet; use sluice backfill --from --to");
  }

  /**
   * Stops taking runs: those still waiting are recorded as cancelled; the one running is waited for
   * (up to ten minutes), so that the runtime closes after it.
   */
  @Override
  public void close() {
    List<Runnable> waiting = new ArrayList<>();
    synchronized (runs) {
      runs.getQueue().drainTo(waiting);
      runs.shutdown(); // the run in progress is not interrupted
    }
    if (!waiting.isEmpty()) {
      for (RunRecord run : history().list(MAX_QUEUED + 1, "api", Optional.of(RunStatus.QUEUED))) {
        try {
          history().save(run.withStatus(RunStatus.CANCELLED, Optional.of(clock.instant())));
        } catch (SluiceException e) {
          LOG.warn("Cannot record run {} as cancelled", run.id(), e);
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
