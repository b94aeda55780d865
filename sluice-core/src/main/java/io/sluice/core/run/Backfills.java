package io.sluice.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.Selection;
import io.sluice.core.project.SourceDef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Backfills: reprocess the event-time partitions (days, UTC) of sources, then rebuild the models
 * downstream, idempotently and resumably. The entry point for the CLI ({@code sluice backfill}) and
 * the REST API.
 *
 * <p><b>Steps.</b> A backfill of days {@code [from, to]} over a selection is one step per selected
 * source and day (see {@link SourceBackfill}: the day's clean partition is replaced by the rows its
 * raw records give with the current declaration and rules, in one commit), then one step that
 * rebuilds the selected models whole ({@code sluice run --select <models> --full-refresh}). Models
 * are rebuilt whole rather than by window because a model's rows for a day may depend on other days
 * (running totals, windows, deduplication), which Sluice cannot rule out from its SQL.
 *
 * <p><b>Exactly once, resumable.</b> The record of each step is kept in {@code
 * <state-dir>/backfills/<id>.json}, written atomically after every step; every lake commit of a
 * step carries the step's marker, so a step that committed before its process died is found done.
 * The same request (same days and selectors, hence the same {@link BackfillRequest#id()}) resumes
 * the backfill. The source steps hold the project's run lock, so no run commits in between.
 *
 * <p><b>Threads.</b> {@code parallel} steps run at once; the engine is used by one of them at a
 * time ({@link ProjectRuntime#runExclusively}), lake commits of different days touch different
 * files and are serialized per table by the lake. One instance per runtime; its methods may be
 * called from any thread.
 */
public final class Backfills {
  private final ProjectRuntime runtime;
  private final Clock clock;
  private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();

  public Backfills(ProjectRuntime runtime, Clock clock) {
    this.runtime = runtime;
    this.clock = clock;
  }

  /**
   * What {@link #run} would do now, without writing anything.
   *
   * @param id the backfill's id
   * @param steps every step with its status in the record, what the request would redo, and the
   *     files and rows its partition holds now
   * @param models the models the last step rebuilds
   */
  public record Plan(String id, List<PlannedStep> steps, List<String> models) {
    public Plan {
      steps = List.copyOf(steps);
      models = List.copyOf(models);
    }
  }

  /**
   * One step of a plan.
   *
   * @param target the source, or {@link BackfillRecord.Step#MODELS}
   * @param partition the day, {@code ""} for the models
   * @param status the step's status in the record ({@code pending} when it has none)
   * @param redo whether the request would (re)do it
   * @param files clean data files the partition holds now
   * @param rows clean rows the partition holds now
   * @param rawRecords records of the source's raw table that are derived again
   */
  public record PlannedStep(
      String target,
      String partition,
      String status,
      boolean redo,
      int files,
      long rows,
      long rawRecords) {}

  /**
   * Plans {@code request} against the record of an earlier start, if any: a dry run.
   *
   * @throws SluiceException (USER) for a selection that names nothing, a selected source without
   *     event time, with a primary key, or that has not landed anything
   */
  public Plan plan(BackfillRequest request) {
    Targets targets = targets(request);
    Optional<BackfillRecord> record = status(request.id());
    BackfillRecord start = start(request, targets, record);
    List<String> toDo = toDo(request, start).stream().map(BackfillRecord.Step::key).toList();
    List<PlannedStep> steps = new ArrayList<>();
    Map<String, List<DataFile>> files = new LinkedHashMap<>();
    Map<String, Long> raw = new LinkedHashMap<>();
    for (SourceDef source : targets.sources()) {
      files.put(source.name(), table(LakeLayout.CLEAN, source).files());
      raw.put(
          source.name(),
          table(LakeLayout.RAW, source).files().stream().mapToLong(DataFile::recordCount).sum());
    }
    for (BackfillRecord.Step step : start.steps()) {
      String status =
          record.flatMap(r -> r.step(step.key())).map(s -> s.status()).orElse("pending");
      if (step.models()) {
        steps.add(new PlannedStep(step.target(), "", status, toDo.contains(step.key()), 0, 0, 0));
        continue;
      }
      SourceDef source = runtime.project().source(step.target()).orElseThrow();
      List<DataFile> inDay =
          SourceBackfill.inDay(source, files.get(step.target()), LocalDate.parse(step.partition()));
      steps.add(
          new PlannedStep(
              step.target(),
              step.partition(),
              status,
              toDo.contains(step.key()),
              inDay.size(),
              inDay.stream().mapToLong(DataFile::recordCount).sum(),
              raw.get(step.target())));
    }
    return new Plan(request.id(), steps, targets.models().stream().map(ModelDef::name).toList());
  }

  /**
   * Runs {@code request}: starts the backfill, or continues the one with the same id, doing the
   * steps its mode asks for; returns its record once every step is finished (or the backfill was
   * cancelled). A failed step does not stop the others; the models are rebuilt only when every
   * source step is done.
   *
   * @throws SluiceException (USER) for an invalid selection (see {@link #plan}), {@code --mode
   *     failed} on a backfill that never ran, a backfill of the same id already running in this
   *     process, or while another process holds the run lock
   */
  // The run lock is held for the duration of the try block and never referenced inside it.
  @SuppressWarnings("try")
  public BackfillRecord run(BackfillRequest request, BackfillListener listener) {
    Targets targets = targets(request);
    String id = request.id();
    AtomicBoolean cancelled = new AtomicBoolean();
    if (running.putIfAbsent(id, cancelled) != null) {
      throw SluiceException.user("Backfill %s is already running in this process", id);
    }
    try {
      Progress progress;
      List<BackfillRecord.Step> toDo;
      try (AutoCloseable lock = runtime.state().lock()) {
        Optional<BackfillRecord> previous = status(id);
        if (request.mode() == BackfillRequest.Mode.FAILED && previous.isEmpty()) {
          throw SluiceException.user(
              "Backfill %s has not run yet, so nothing of it failed: run it with --mode missing",
              id);
        }
        BackfillRecord start = start(request, targets, previous);
        toDo = toDo(request, start);
        progress = new Progress(start, listener, toDo.size());
        progress.write(BackfillRecord.RUNNING);
        listener.started(progress.record(), toDo.size());
        runSources(request, targets, toDo, progress, cancelled);
        // The warehouse's views show the replaced partitions (the models' run does it too).
        runtime.runExclusively(
            () -> {
              LakeViews.expose(runtime.project(), runtime.lake(), runtime.engine());
              return null;
            });
      } catch (SluiceException e) {
        throw e;
      } catch (Exception e) {
        throw SluiceException.internal("Backfill " + id + " failed: " + e.getMessage(), e);
      }
      Optional<BackfillRecord.Step> models =
          toDo.stream().filter(BackfillRecord.Step::models).findFirst();
      boolean sourcesDone =
          progress.record().steps().stream().filter(s -> !s.models()).allMatch(s -> s.done());
      if (models.isPresent() && sourcesDone && !cancelled.get()) {
        runModels(id, targets, models.get(), progress);
      }
      BackfillRecord last = progress.record();
      String status =
          cancelled.get()
              ? BackfillRecord.CANCELLED
              : last.steps().stream().allMatch(BackfillRecord.Step::done)
                  ? BackfillRecord.OK
                  : BackfillRecord.FAILED;
      return progress.write(status);
    } finally {
      running.remove(id);
    }
  }

  /**
   * Runs the backfill of a run request that has a window (see {@link BackfillRequest#of}), as
   * {@link ProjectRuntime#run(RunRequest, Clock, RunListener)} does for such a request: the summary
   * has status {@code ok}, or {@code failed} with the failed steps' messages; the models' own run
   * is in the run history.
   */
  RunSummary runWindow(RunRequest request) {
    Instant start = clock.instant();
    BackfillRecord record = run(BackfillRequest.of(request), BackfillListener.NONE);
    boolean ok = record.status().equals(BackfillRecord.OK);
    String errors =
        record.steps().stream()
            .filter(BackfillRecord.Step::failed)
            .map(step -> step.key() + ": " + step.error())
            .collect(Collectors.joining("\n"));
    String runId = start.toString();
    return new RunSummary(
        runId,
        runId,
        clock.millis() - start.toEpochMilli(),
        ok ? RunStatus.OK : RunStatus.FAILED,
        ok ? "" : "backfill " + record.id() + " is " + record.status() + "\n" + errors,
        List.of(),
        List.of(),
        List.of(),
        request.trigger(),
        request.select(),
        null);
  }

  /** The record of backfill {@code id}, if it ever started. */
  public Optional<BackfillRecord> status(String id) {
    Path file = file(id);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          StateStore.fromJson(
              Files.readString(file, StandardCharsets.UTF_8),
              new TypeReference<BackfillRecord>() {}));
    } catch (IOException e) {
      throw SluiceException.external("Cannot read the backfill record " + file, e);
    }
  }

  /** The records of every backfill of the project, by id. */
  public List<BackfillRecord> list() {
    Path folder = folder();
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(".json"))
          .sorted()
          .map(name -> status(name.substring(0, name.length() - ".json".length())).orElseThrow())
          .toList();
    } catch (IOException e) {
      throw SluiceException.external("Cannot list the backfill records in " + folder, e);
    }
  }

  /**
   * Asks backfill {@code id}, running in this process, to stop: the steps in flight finish, the
   * others stay pending (a later run of the same request resumes them) and it ends {@code
   * cancelled}.
   *
   * @return whether it was running here
   */
  public boolean cancel(String id) {
    AtomicBoolean flag = running.get(id);
    if (flag == null) {
      return false;
    }
    flag.set(true);
    return true;
  }

  // ---------------------------------------------------------------------------------------------

  /** What a request covers. */
  private record Targets(List<SourceDef> sources, List<ModelDef> models) {}

  private Targets targets(BackfillRequest request) {
    Project project = runtime.project();
    Selection selection = Selection.of(project, request.select(), request.exclude());
    List<SourceDef> sources = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      if (!selection.hasSource(source.name())) {
        continue;
      }
      if (source.eventTime().isEmpty()) {
        problems.add(
            "source '%s' declares no event-time, so it has no daily partitions to reprocess"
                .formatted(source.name()));
      } else if (source.merges()) {
        problems.add(
            ("source '%s' declares a primary-key: re-deriving its changes could undo later ones,"
                    + " so backfills do not support merged sources yet")
                .formatted(source.name()));
      } else {
        sources.add(source);
      }
    }
    if (!problems.isEmpty()) {
      throw SluiceException.user(
          "Cannot backfill: %s. Leave %s out (--exclude source:NAME) or select what to backfill"
              + " (--select)",
          String.join("; ", problems), problems.size() == 1 ? "it" : "them");
    }
    List<ModelDef> models =
        project.models().stream().filter(m -> selection.hasModel(m.name())).toList();
    for (SourceDef source : sources) {
      table(LakeLayout.CLEAN, source);
      table(LakeLayout.RAW, source);
    }
    return new Targets(sources, models);
  }

  private LakeTable table(String namespace, SourceDef source) {
    return runtime
        .lake()
        .load(new TableId(namespace, source.name()))
        .orElseThrow(
            () ->
                SluiceException.user(
                    "Cannot backfill source '%s': nothing of it has landed yet (no %s table); run"
                        + " `sluice run` first",
                    source.name(), namespace));
  }

  /**
   * The record this request starts from: the earlier one's statuses for the steps it still has (the
   * project may have gained or lost a source since), a new round for {@code --mode all}.
   */
  private BackfillRecord start(
      BackfillRequest request, Targets targets, Optional<BackfillRecord> previous) {
    boolean newRound = request.mode() == BackfillRequest.Mode.ALL && previous.isPresent();
    int round = previous.map(r -> newRound ? r.round() + 1 : r.round()).orElse(1);
    List<BackfillRecord.Step> steps = new ArrayList<>();
    for (LocalDate day : request.days()) {
      for (SourceDef source : targets.sources()) {
        steps.add(BackfillRecord.Step.pending(source.name(), day.toString()));
      }
    }
    if (!targets.models().isEmpty()) {
      steps.add(BackfillRecord.Step.pending(BackfillRecord.Step.MODELS, ""));
    }
    if (previous.isPresent() && !newRound) {
      steps.replaceAll(step -> previous.get().step(step.key()).orElse(step));
    }
    return new BackfillRecord(
        request.id(),
        request.from().toString(),
        request.to().toString(),
        request.select(),
        request.exclude(),
        round,
        previous.map(BackfillRecord::status).orElse(BackfillRecord.RUNNING),
        steps,
        clock.instant().toString());
  }

  /**
   * The steps the request (re)does: per its mode for the source steps; the models step whenever a
   * source step is (re)done, or when it is not done itself.
   */
  private static List<BackfillRecord.Step> toDo(BackfillRequest request, BackfillRecord start) {
    List<BackfillRecord.Step> steps = new ArrayList<>();
    Optional<BackfillRecord.Step> models = Optional.empty();
    for (BackfillRecord.Step step : start.steps()) {
      if (step.models()) {
        models = Optional.of(step);
      } else if (request.mode() == BackfillRequest.Mode.FAILED ? step.failed() : !step.done()) {
        steps.add(step);
      }
    }
    if (models.isPresent() && (!steps.isEmpty() || !models.get().done())) {
      steps.add(models.get());
    }
    return steps;
  }

  private void runSources(
      BackfillRequest request,
      Targets targets,
      List<BackfillRecord.Step> toDo,
      Progress progress,
      AtomicBoolean cancelled)
      throws InterruptedException {
    Map<String, SourceBackfill> backfills = new LinkedHashMap<>();
    for (SourceDef source : targets.sources()) {
      backfills.put(
          source.name(),
          new SourceBackfill(
              runtime.project(),
              source,
              runtime.engine(),
              runtime.lake(),
              runtime::connector,
              runtime::runExclusively,
              request.id()));
    }
    int round = progress.record().round();
    ExecutorService pool = Executors.newFixedThreadPool(request.parallel(), daemonThreads());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (BackfillRecord.Step step : toDo) {
        if (step.models()) {
          continue;
        }
        SourceBackfill backfill = backfills.get(step.target());
        futures.add(
            pool.submit(
                () -> {
                  if (!cancelled.get()) {
                    runDay(backfill, step, request.id(), round, progress);
                  }
                }));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          // runDay records its failures; anything else is a bug worth reporting.
          throw SluiceException.internal(
              "A backfill step failed unexpectedly: " + e.getCause().getMessage(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
      // Only once no step can commit any more: cleaning up deletes the files none committed.
      if (pool.awaitTermination(10, TimeUnit.MINUTES)) {
        for (SourceBackfill backfill : backfills.values()) {
          backfill.cleanUp();
        }
      }
    }
  }

  private static void runDay(
      SourceBackfill backfill, BackfillRecord.Step step, String id, int round, Progress progress) {
    String marker = id + "#" + round + "/" + step.key();
    int attempts = step.attempts() + 1;
    try {
      if (backfill.committed(marker)) {
        // Committed before the process that did it died: the record missed it.
        progress.finished(
            new BackfillRecord.Step(
                step.target(),
                step.partition(),
                BackfillRecord.Step.DONE,
                attempts,
                "",
                0,
                0,
                0,
                0));
        return;
      }
      backfill.derive();
      SourceBackfill.DayResult result =
          backfill.replaceDay(LocalDate.parse(step.partition()), marker);
      progress.finished(
          new BackfillRecord.Step(
              step.target(),
              step.partition(),
              BackfillRecord.Step.DONE,
              attempts,
              "",
              result.rowsRemoved(),
              result.rowsAdded(),
              result.rowsQuarantined(),
              result.rowsResolved()));
    } catch (RuntimeException e) {
      progress.finished(
          new BackfillRecord.Step(
              step.target(),
              step.partition(),
              BackfillRecord.Step.FAILED,
              attempts,
              String.valueOf(e.getMessage()),
              0,
              0,
              0,
              0));
    }
  }

  private void runModels(String id, Targets targets, BackfillRecord.Step step, Progress progress) {
    int attempts = step.attempts() + 1;
    List<String> names = targets.models().stream().map(ModelDef::name).toList();
    try {
      RunRequest request =
          new RunRequest(names, List.of(), true, Optional.empty(), "backfill:" + id);
      // In the run history as a run of trigger backfill:ID; the days are in the backfill's record.
      RunSummary summary =
          new io.sluice.core.history.RunRecorder(runtime.history(), clock)
              .record(request, RunListener.NONE, listener -> runtime.run(request, clock, listener));
      boolean ok = summary.status().succeeded();
      progress.finished(
          new BackfillRecord.Step(
              step.target(),
              "",
              ok ? BackfillRecord.Step.DONE : BackfillRecord.Step.FAILED,
              attempts,
              ok
                  ? ""
                  : "the models' run ended " + summary.status().label() + ": " + summary.error(),
              0,
              summary.models().size(),
              0,
              0));
    } catch (RuntimeException e) {
      progress.finished(
          new BackfillRecord.Step(
              step.target(),
              "",
              BackfillRecord.Step.FAILED,
              attempts,
              String.valueOf(e.getMessage()),
              0,
              0,
              0,
              0));
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return work -> {
      Thread thread = new Thread(work, "sluice-backfill-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private Path folder() {
    return runtime.project().stateDirectory().resolve("backfills");
  }

  private Path file(String id) {
    return folder().resolve(id + ".json");
  }

  /** The record as steps finish, written after each. */
  private final class Progress {
    private BackfillRecord record;
    private final BackfillListener listener;
    private final int toDo;
    private int finished;

    Progress(BackfillRecord record, BackfillListener listener, int toDo) {
      this.record = record;
      this.listener = listener;
      this.toDo = toDo;
    }

    synchronized BackfillRecord record() {
      return record;
    }

    synchronized void finished(BackfillRecord.Step step) {
      List<BackfillRecord.Step> steps = new ArrayList<>(record.steps());
      steps.replaceAll(s -> s.key().equals(step.key()) ? step : s);
      record = with(record.status(), steps);
      save();
      finished++;
      listener.stepFinished(step, finished, toDo);
    }

    synchronized BackfillRecord write(String status) {
      record = with(status, record.steps());
      save();
      return record;
    }

    private BackfillRecord with(String status, List<BackfillRecord.Step> steps) {
      return new BackfillRecord(
          record.id(),
          record.from(),
          record.to(),
          record.select(),
          record.exclude(),
          record.round(),
          status,
          steps,
          clock.instant().toString());
    }

    private void save() {
      Path file = file(record.id());
      try {
        StateStore.writeAtomically(
            file, StateStore.toJson(record).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw SluiceException.external("Cannot write the backfill record " + file, e);
      }
    }
  }
}
