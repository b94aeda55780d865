package io.sluice.core.orchestrate;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.Orchestration;
import io.sluice.core.project.Orchestration.Schedule;
import io.sluice.core.project.Orchestration.Trigger;
import io.sluice.core.project.Project;
import io.sluice.core.run.RunRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the project's schedules ({@code schedules} of sluice.yaml): at their cron times (in their
 * time zones, see {@link DueTimes} for daylight-saving changes) or intervals, and on their triggers
 * ({@code new-data}, {@code success:SCHEDULE}, {@code freshness-breach:SLA}); each run executes
 * through a {@link RunExecutor} with the schedule's {@link RetryPolicy} and timeout.
 *
 * <p>Time is the injected {@link Clock}'s: {@link #tick()} handles everything due at the clock's
 * instant, {@link #nextWakeup()} says when something is due next, so that a test advances a clock
 * and ticks through a week in milliseconds; {@link #run} is the production loop.
 *
 * <ul>
 *   <li>A due time counts as handled once its run is queued; the last one handled per schedule is
 *       kept in the state folder. At {@link #start()}, the due times missed since then are caught
 *       up per {@code catch-up}: {@code skip} none, {@code latest} the newest once, {@code all}
 *       each in order. A first start catches up nothing.
 *   <li>A run starts up to {@code jitter} after its due time (at random), and waits (queued) while
 *       {@code max-concurrent} runs of its schedule run; a due time that comes while a run of the
 *       schedule still waits is skipped, so that a schedule whose runs take longer than its period
 *       never piles up runs (catch-up {@code all} queues its missed runs all the same).
 *   <li>{@code new-data} is probed every poll interval while the schedule has no run queued or
 *       running; {@code success:S} fires once after each successful run of S; {@code
 *       freshness-breach:SLA} fires when the SLA becomes breached (not again while it stays
 *       breached). A trigger that fires while a run of the schedule waits to start adds no run.
 *   <li>A paused schedule starts nothing: its due times pass unrun (they are not caught up at
 *       resume) and its triggers are ignored. {@link #pause}/{@link #resume} are kept in the state
 *       folder and override {@code paused} of sluice.yaml.
 * </ul>
 *
 * <p>Thread-safe. Only one scheduler per project may run: hold the {@link SchedulerLock} first.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final int MAX_CATCH_UP_RUNS = 1000;
  private static final int MAX_CATCH_UP_STEPS = 1_000_000;

  private final Clock clock;
  private final RunExecutor executor;
  private final RunExecutor.Work work;
  private final Executor runs;
  private final RandomGenerator.SplittableGenerator random;
  private final NewDataProbe newData;
  private final Supplier<Set<String>> breaches;
  private final Duration pollInterval;
  private final java.util.function.Consumer<RunRecord> onRunEnded;
  private final SchedulerState state;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private final Object wakeup = new Object();
  private boolean started;
  private volatile boolean stopping;
  private boolean wakeRequested;

  /**
   * Whether a schedule's selected sources have input that no run has landed, e.g. {@code
   * ProjectRuntime.hasNewInput} over the sources the selection holds.
   */
  @FunctionalInterface
  public interface NewDataProbe {
    boolean hasNewInput(List<String> select, List<String> exclude);
  }

  /**
   * A schedule's state, for status and the API.
   *
   * @param name the schedule
   * @param paused whether it is paused
   * @param nextDue its next due time, if it has times
   * @param running runs of it running now
   * @param queued runs of it waiting to start
   * @param lastRun the last run of it that ended here, if any
   */
  public record ScheduleState(
      String name,
      boolean paused,
      Optional<Instant> nextDue,
      int running,
      int queued,
      Optional<RunRecord> lastRun) {}

  private Scheduler(Builder builder) {
    this.clock = builder.clock;
    this.executor = new RunExecutor(builder.history, builder.clock, builder.sleeper);
    this.work = builder.work;
    this.runs = builder.runs;
    this.random = builder.random;
    this.newData = builder.newData;
    this.breaches = builder.breaches;
    this.pollInterval = builder.pollInterval;
    this.onRunEnded = builder.onRunEnded;
    this.state = SchedulerState.load(builder.stateDirectory);
    Orchestration orchestration = builder.project.orchestration();
    for (Schedule schedule : orchestration.schedules()) {
      slots.put(
          schedule.name(),
          new Slot(
              schedule,
              DueTimes.of(schedule),
              new RetryPolicy(schedule.retries(), random.split())));
    }
  }

  /**
   * A scheduler of {@code project}'s schedules.
   *
   * @param history where its runs are recorded
   * @param work one attempt of a run: in production {@code ProjectRuntime.run(request, clock,
   *     listener)} on an open runtime
   */
  public static Builder builder(Project project, RunHistory history, RunExecutor.Work work) {
    return new Builder(project, history, work);
  }

  /** Settings of a {@link Scheduler}; each has a production default. */
  public static final class Builder {
    private final Project project;
    private final RunHistory history;
    private final RunExecutor.Work work;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;
    private RandomGenerator.SplittableGenerator random =
        RandomGenerator.SplittableGenerator.of("L64X128MixRandom");
    private Executor runs;
    private NewDataProbe newData = (select, exclude) -> false;
    private Supplier<Set<String>> breaches = Set::of;
    private Duration pollInterval = Duration.ofMinutes(1);
    private java.util.function.Consumer<RunRecord> onRunEnded = run -> {};
    private Path stateDirectory;

    private Builder(Project project, RunHistory history, RunExecutor.Work work) {
      this.project = requireNonNull(project, "project is null");
      this.history = requireNonNull(history, "history is null");
      this.work = requireNonNull(work, "work is null");
      this.stateDirectory = project.stateDirectory();
    }

    /** The time of due times, runs and attempts (default: the system's, in UTC). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock is null");
      return this;
    }

    /** Waits between the attempts of a run (default: real waits). */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper is null");
      return this;
    }

    /** Draws the start jitter and the retry jitter; seed it for reproducible runs. */
    public Builder random(RandomGenerator.SplittableGenerator random) {
      this.random = requireNonNull(random, "random is null");
      return this;
    }

    /**
     * Where runs execute (default: a thread each). A test passes {@code Runnable::run}, so that
     * {@link Scheduler#tick()} returns after the runs it started.
     */
    public Builder runsOn(Executor runs) {
      this.runs = requireNonNull(runs, "runs is null");
      return this;
    }

    /** Answers {@code new-data} triggers (default: never new data). */
    public Builder newData(NewDataProbe newData) {
      this.newData = requireNonNull(newData, "newData is null");
      return this;
    }

    /** The names of the freshness SLAs breached now, for {@code freshness-breach:SLA} triggers. */
    public Builder breaches(Supplier<Set<String>> breaches) {
      this.breaches = requireNonNull(breaches, "breaches is null");
      return this;
    }

    /** How often {@code new-data} is probed (default: a minute). */
    public Builder pollInterval(Duration pollInterval) {
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("poll interval " + pollInterval + " is not positive");
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /** Told about every run that ended (on the run's thread), e.g. to print it. */
    public Builder onRunEnded(java.util.function.Consumer<RunRecord> onRunEnded) {
      this.onRunEnded = requireNonNull(onRunEnded, "onRunEnded is null");
      return this;
    }

    /** Where the scheduler's state is kept (default: the project's state folder). */
    public Builder stateDirectory(Path stateDirectory) {
      this.stateDirectory = requireNonNull(stateDirectory, "stateDirectory is null");
      return this;
    }

    public Scheduler build() {
      if (runs == null) {
        runs =
            task -> {
              Thread thread = new Thread(task, "sluice-scheduled-run");
              thread.setDaemon(true);
              thread.start();
            };
      }
      return new Scheduler(this);
    }
  }

  /**
   * Starts scheduling at the clock's instant: reads what was handled before this start and queues
   * the missed runs per each schedule's {@code catch-up} (they start at the next {@link #tick()}).
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("the scheduler has started already");
    }
    started = true;
    Instant now = clock.instant();
    for (Slot slot : slots.values()) {
      slot.paused = state.paused(slot.schedule.name()).orElse(slot.schedule.paused());
      if (!slot.times.timed()) {
        continue;
      }
      Optional<Instant> lastDue = state.lastDue(slot.schedule.name());
      if (lastDue.isEmpty()) {
        // First start: nothing to catch up; the interval counts from now, a cron time due now
        // runs now.
        slot.anchor = now;
        slot.nextDue = slot.times.nextAfter(now.minusNanos(1), now);
        if (slot.schedule.interval().isPresent()) {
          slot.nextDue = slot.times.nextAfter(now, now);
        }
        state.lastDue(slot.schedule.name(), now);
        continue;
      }
      slot.anchor = lastDue.get();
      catchUp(slot, lastDue.get(), now);
    }
    state.save();
  }

  /** Queues the runs of {@code slot} missed in (lastDue, now) per its catch-up policy. */
  private void catchUp(Slot slot, Instant lastDue, Instant now) {
    List<Instant> missed = new ArrayList<>();
    Instant due = lastDue;
    int steps = 0;
    Optional<Instant> next = slot.times.nextAfter(due, slot.anchor);
    while (next.isPresent() && next.get().isBefore(now) && steps++ < MAX_CATCH_UP_STEPS) {
      due = next.get();
      if (slot.schedule.catchUp() == Orchestration.CatchUp.ALL) {
        if (missed.size() == MAX_CATCH_UP_RUNS) {
          missed.remove(0); // the oldest are skipped beyond the bound
        }
        missed.add(due);
      }
      next = slot.times.nextAfter(due, slot.anchor);
    }
    if (slot.schedule.catchUp() == Orchestration.CatchUp.LATEST && !due.equals(lastDue)) {
      missed.add(due);
    }
    if (!due.equals(lastDue)) {
      LOG.info(
          "Schedule {}: {} due time(s) missed since {} (catch-up: {}); running {}",
          slot.schedule.name(),
          steps,
          lastDue,
          slot.schedule.catchUp().name().toLowerCase(java.util.Locale.ROOT),
          slot.paused ? 0 : missed.size());
    }
    if (!slot.paused) {
      missed.forEach(time -> enqueue(slot, time, "catch-up"));
    }
    state.lastDue(slot.schedule.name(), due);
    slot.nextDue = next;
  }

  /**
   * Handles everything due at the clock's instant: queues the runs whose due times have come or
   * whose triggers fired, and starts those whose start time has come while their schedule has a
   * free slot. With a direct executor ({@link Builder#runsOn}), returns after they ended.
   */
  public synchronized void tick() {
    requireStarted();
    boolean changed = true;
    for (int rounds = 0; changed && rounds < 100; rounds++) {
      // Runs already queued (a catch-up) start before new due times are looked at.
      changed = startWaiting(clock.instant());
      changed |= queueDue(clock.instant());
      changed |= startWaiting(clock.instant());
    }
  }

  private boolean queueDue(Instant now) {
    boolean queued = false;
    boolean handled = false;
    Set<String> breached = Set.copyOf(breaches.get());
    for (Slot slot : slots.values()) {
      boolean probe = slot.probes() && !now.isBefore(slot.nextProbe);
      if (probe) {
        slot.nextProbe = now.plus(pollInterval);
      }
      while (slot.nextDue.isPresent() && !slot.nextDue.get().isAfter(now)) {
        Instant due = slot.nextDue.get();
        if (slot.paused) {
          LOG.debug("Schedule {}: due at {} while paused, not run", slot.schedule.name(), due);
        } else if (!slot.waiting.isEmpty()) {
          // A run of it already waits for a slot: one more would only pile up behind it.
          LOG.warn(
              "Schedule {}: due at {} while a run of it still waits to start; skipped",
              slot.schedule.name(),
              due);
        } else {
          enqueue(slot, due, "due");
          queued = true;
        }
        state.lastDue(slot.schedule.name(), due);
        handled = true;
        slot.nextDue = slot.times.nextAfter(due, slot.anchor);
      }
      for (Trigger trigger : slot.schedule.on()) {
        boolean fired =
            switch (trigger.kind()) {
              case SUCCESS -> slot.upstreamSucceeded.remove(trigger.target());
              case FRESHNESS_BREACH ->
                  breached.contains(trigger.target()) && slot.breachedBefore.add(trigger.target());
              case NEW_DATA -> probe && newDataWaits(slot);
            };
        if (trigger.kind() == Trigger.Kind.FRESHNESS_BREACH
            && !breached.contains(trigger.target())) {
          slot.breachedBefore.remove(trigger.target());
        }
        if (fired && !slot.paused && slot.waiting.isEmpty()) {
          LOG.info("Schedule {}: {} fired", slot.schedule.name(), trigger);
          enqueue(slot, now, trigger.toString());
          queued = true;
        }
      }
    }
    if (handled) {
      state.save();
    }
    return queued;
  }

  /** Whether new data waits for an idle, unpaused schedule. */
  private boolean newDataWaits(Slot slot) {
    if (slot.paused || slot.running > 0 || !slot.waiting.isEmpty()) {
      return false;
    }
    try {
      return newData.hasNewInput(slot.schedule.select(), slot.schedule.exclude());
    } catch (RuntimeException e) {
      LOG.warn("Schedule {}: cannot tell whether new data waits", slot.schedule.name(), e);
      return false;
    }
  }

  private void enqueue(Slot slot, Instant due, String why) {
    Schedule schedule = slot.schedule;
    RunRequest request =
        new RunRequest(
            schedule.select(),
            schedule.exclude(),
            schedule.fullRefresh(),
            Optional.empty(),
            "schedule:" + schedule.name());
    RunRecord queued = executor.queue(request, due);
    long jitterMillis = schedule.jitter().toMillis();
    Instant startAt = jitterMillis <= 0 ? due : due.plusMillis(random.nextLong(jitterMillis + 1));
    slot.waiting.add(new Waiting(queued, startAt));
    LOG.debug(
        "Schedule {}: run {} queued ({}), starts at {}",
        schedule.name(),
        queued.id(),
        why,
        startAt);
  }

  private boolean startWaiting(Instant now) {
    boolean startedAny = false;
    for (Slot slot : slots.values()) {
      while (slot.running < slot.schedule.maxConcurrent()
          && !slot.waiting.isEmpty()
          && !slot.waiting.peek().startAt().isAfter(now)) {
        Waiting next = slot.waiting.poll();
        slot.running++;
        startedAny = true;
        runs.execute(() -> execute(slot, next.run()));
      }
    }
    return startedAny;
  }

  private void execute(Slot slot, RunRecord queued) {
    RunRecord ended;
    try {
      ended = executor.execute(queued, slot.policy, slot.schedule.timeout(), work);
    } catch (RuntimeException | Error e) {
      LOG.error("Schedule {}: run {} could not execute", slot.schedule.name(), queued.id(), e);
      throw e;
    } finally {
      synchronized (this) {
        slot.running--;
        notifyAll(); // awaitRunsEnded
      }
    }
    synchronized (this) {
      slot.lastRun = Optional.of(ended);
      if (ended.status().succeeded()) {
        for (Slot other : slots.values()) {
          for (Trigger trigger : other.schedule.on()) {
            if (trigger.kind() == Trigger.Kind.SUCCESS
                && trigger.target().equals(slot.schedule.name())) {
              other.upstreamSucceeded.add(slot.schedule.name());
            }
          }
        }
      }
    }
    LOG.info("Schedule {}: run {} ended {}", slot.schedule.name(), ended.id(), ended.status());
    try {
      onRunEnded.accept(ended);
    } finally {
      wake();
    }
  }

  /**
   * When something is due next: a due time, a queued run's start, a {@code new-data} probe; the
   * clock's instant when a trigger already fired. Empty when nothing is (no schedule has times or
   * triggers).
   */
  public synchronized Optional<Instant> nextWakeup() {
    requireStarted();
    Optional<Instant> next = Optional.empty();
    for (Slot slot : slots.values()) {
      next = earliest(next, slot.nextDue);
      if (!slot.waiting.isEmpty() && slot.running < slot.schedule.maxConcurrent()) {
        next = earliest(next, Optional.of(slot.waiting.peek().startAt()));
      }
      if (!slot.paused && !slot.upstreamSucceeded.isEmpty()) {
        next = earliest(next, Optional.of(clock.instant()));
      }
      if (slot.probes() && !slot.paused) {
        Instant now = clock.instant();
        next = earliest(next, Optional.of(slot.nextProbe.isBefore(now) ? now : slot.nextProbe));
      }
    }
    return next;
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return a.get().isBefore(b.get()) ? a : b;
  }

  /**
   * The production loop: {@link #start()} if not yet, then ticks whenever something is due, until
   * {@link #stop()} or {@code until} passes on the clock; runs in progress then go on to their end
   * on their threads unless the caller cancels them.
   */
  public void run(Optional<Instant> until) throws InterruptedException {
    synchronized (this) {
      if (!started) {
        start();
      }
    }
    while (!stopping && until.map(end -> clock.instant().isBefore(end)).orElse(true)) {
      tick();
      Instant now = clock.instant();
      Instant next = nextWakeup().orElse(now.plus(pollInterval));
      if (until.isPresent() && until.get().isBefore(next)) {
        next = until.get();
      }
      long millis = Math.max(1, Duration.between(now, next).toMillis());
      synchronized (wakeup) {
        if (!wakeRequested && !stopping) {
          wakeup.wait(Math.min(millis, pollInterval.toMillis()));
        }
        wakeRequested = false;
      }
    }
  }

  /**
   * Waits until no run started by this scheduler is running (after {@link #stop()}: queued runs do
   * not start any more); false when {@code timeout} passed first.
   */
  public synchronized boolean awaitRunsEnded(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (slots.values().stream().anyMatch(slot -> slot.running > 0)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Ends {@link #run} at its next wake-up (at once when it waits). */
  public void stop() {
    stopping = true;
    wake();
  }

  private void wake() {
    synchronized (wakeup) {
      wakeRequested = true;
      wakeup.notifyAll();
    }
  }

  /**
   * Pauses a schedule (kept across restarts): its due times pass unrun, its triggers are ignored;
   * runs already queued or running go on.
   *
   * @throws SluiceException (user) when the project has no such schedule
   */
  public synchronized void pause(String schedule) {
    setPaused(schedule, true);
  }

  /** Resumes a paused schedule from its next due time (kept across restarts). */
  public synchronized void resume(String schedule) {
    setPaused(schedule, false);
  }

  private void setPaused(String schedule, boolean paused) {
    Slot slot = slot(schedule);
    slot.paused = paused;
    state.paused(schedule, paused);
    state.save();
    LOG.info("Schedule {} {}", schedule, paused ? "paused" : "resumed");
    wake();
  }

  /**
   * Cancels a run of a schedule, queued or running (see {@link RunExecutor#cancel}); false when no
   * such run is active here.
   */
  public boolean cancel(String runId) {
    synchronized (this) {
      for (Slot slot : slots.values()) {
        for (Waiting waiting : slot.waiting) {
          if (waiting.run().id().equals(runId)) {
            slot.waiting.remove(waiting);
            slot.running++; // executes at once, ending cancelled
            executor.cancel(runId);
            runs.execute(() -> execute(slot, waiting.run()));
            return true;
          }
        }
      }
    }
    return executor.cancel(runId);
  }

  /** Every schedule's state, in sluice.yaml's order. */
  public synchronized List<ScheduleState> schedules() {
    List<ScheduleState> states = new ArrayList<>();
    for (Slot slot : slots.values()) {
      states.add(
          new ScheduleState(
              slot.schedule.name(),
              slot.paused,
              slot.nextDue,
              slot.running,
              slot.waiting.size(),
              slot.lastRun));
    }
    return states;
  }

  private Slot slot(String schedule) {
    Slot slot = slots.get(schedule);
    if (slot == null) {
      throw SluiceException.user(
          "No schedule '%s' in this project (its schedules: %s)",
          schedule, slots.isEmpty() ? "none" : String.join(", ", slots.keySet()));
    }
    return slot;
  }

  private void requireStarted() {
    if (!started) {
      throw new IllegalStateException("the scheduler has not started: call start() first");
    }
  }

  /** A run due, waiting for its start time and a free slot. */
  private record Waiting(RunRecord run, Instant startAt) {}

  /** One schedule's state in this scheduler; guarded by the scheduler. */
  private static final class Slot {
    final Schedule schedule;
    final DueTimes times;
    final RetryPolicy policy;
    Instant anchor = Instant.EPOCH;
    Optional<Instant> nextDue = Optional.empty();
    boolean paused;
    int running;
    final Deque<Waiting> waiting = new ArrayDeque<>();
    final Set<String> upstreamSucceeded = new HashSet<>();
    final Set<String> breachedBefore = new HashSet<>();
    Instant nextProbe = Instant.MIN;
    Optional<RunRecord> lastRun = Optional.empty();

    Slot(Schedule schedule, DueTimes times, RetryPolicy policy) {
      this.schedule = schedule;
      this.times = times;
      this.policy = policy;
    }

    /** Whether it has triggers that are probed (new data, freshness), at each poll interval. */
    boolean probes() {
      return schedule.on().stream().anyMatch(t -> t.kind() != Trigger.Kind.SUCCESS);
    }
  }
}
