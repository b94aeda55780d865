package io.sluice.core.alert;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.Secrets;
import io.sluice.api.SluiceException;
import io.sluice.config.DidYouMean;
import io.sluice.core.history.RunRecord;
import io.sluice.core.orchestrate.EventSink;
import io.sluice.core.orchestrate.FreshnessEvaluator;
import io.sluice.core.orchestrate.FreshnessState;
import io.sluice.core.orchestrate.RefreshTimes;
import io.sluice.core.orchestrate.Sleeper;
import io.sluice.core.project.Alerts;
import io.sluice.core.project.Project;
import io.sluice.core.run.HealthError;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import io.sluice.core.run.SchemaDrift;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts of one process (docs/alerts.md): observes what the pipeline does against the project's
 * alert rules and sends a message when an alert fires and when it is resolved.
 *
 * <p>Whoever runs the pipeline tells it what happened, through small hooks: {@link #listener()} on
 * a run's listener ({@code sluice run}, {@code serve}'s micro-batches) sees each run's quality,
 * schema drift and failure; {@link #runEnded(RunRecord)} sees the scheduler's runs once their
 * retries are spent; {@link #startChecks} evaluates freshness SLAs and stream backlogs on a timer.
 * Each observation moves the state machine of its rule and target ({@link AlertEvaluator}); states
 * are stored in {@code <state-dir>/alerts.json} ({@link AlertStore}) when they change, so that a
 * restart neither fires again nor forgets to resolve. Every message is logged at WARN (logger
 * {@code io.sluice.alerts}) on the caller's thread and posted to the rule's channels by {@link
 * AlertDelivery}'s thread; nothing here throws into the pipeline or waits for a webhook.
 *
 * <p>Thread-safe: observations are serialized (they are quick: no I/O but the state file's write
 * when a state changes).
 */
public final class AlertMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.sluice.alerts");
  private static final int DETAIL_LIMIT = 300;

  private final Project project;
  private final Alerts alerts;
  private final Clock clock;
  private final AlertStore store;
  private final AlertEvaluator evaluator;
  private final AlertDelivery delivery;
  // Errors are redacted as /health shows them: a chat channel is no place for a record's values.
  private final HealthError errors;
  // Failed runs in a row per trigger (serve, manual, schedule:NAME), and those past the retries.
  private final Map<String, Integer> failuresInARow = new HashMap<>();
  private final Map<String, Long> previousBacklog = new HashMap<>();
  private ScheduledExecutorService checks;
  private volatile String lastCheckError;

  private AlertMonitor(
      Project project, Clock clock, List<AlertDelivery.Target> targets, Sleeper sleeper) {
    this.project = project;
    this.alerts = project.alerts();
    this.clock = clock;
    this.store = new AlertStore(project.stateDirectory());
    this.errors = new HealthError(project);
    AlertStore.Contents stored;
    try {
      stored = store.read();
    } catch (SluiceException e) {
      // Alerting must not keep the pipeline from starting: start from no alert firing.
      LOG.error("{}; starting from no alert firing (some may be sent again)", e.getMessage());
      stored = new AlertStore.Contents(List.of(), List.of());
    }
    this.evaluator = new AlertEvaluator(project.name(), stored.states());
    Set<String> rules = new HashSet<>();
    alerts.rules().forEach(rule -> rules.add(rule.name()));
    boolean forgot = evaluator.retain(rules);
    this.delivery = new AlertDelivery(targets, stored.channels(), clock, sleeper, this::stored);
    if (forgot) {
      save();
    }
  }

  /**
   * The monitor of {@code project}, when it declares alert rules: reads its channels' URLs ({@code
   * url-env} from {@code environment}, {@code url-file}) and its stored states, and starts the
   * delivery thread.
   *
   * @throws SluiceException (USER) when a channel's URL cannot be read or is not an http(s) URL
   */
  public static Optional<AlertMonitor> open(
      Project project, Clock clock, Map<String, String> environment) {
    return open(project, clock, environment, Sleeper.REAL);
  }

  /**
   * As {@link #open(Project, Clock, Map)}, with the waits between delivery attempts made by {@code
   * sleeper} (a test's advances its clock).
   */
  public static Optional<AlertMonitor> open(
      Project project, Clock clock, Map<String, String> environment, Sleeper sleeper) {
    requireNonNull(clock, "clock is null");
    requireNonNull(sleeper, "sleeper is null");
    if (project.alerts().rules().isEmpty()) {
      return Optional.empty();
    }
    List<AlertDelivery.Target> targets = new ArrayList<>();
    for (Alerts.Channel channel : project.alerts().channels()) {
      targets.add(target(channel, environment));
    }
    return Optional.of(new AlertMonitor(project, clock, targets, sleeper));
  }

  /**
   * Sends a test message to each of the project's channels, or to {@code only}, now, with each
   * channel's attempts, and records nothing ({@code sluice alerts --test}): whether a webhook's URL
   * and the network between are right before a real alert needs them.
   *
   * @return per channel, in the project's order, why delivery failed, or empty when it was
   *     delivered
   * @throws SluiceException when the project has no channels, {@code only} is not one, or a
   *     channel's URL cannot be read
   */
  public static Map<String, Optional<String>> test(
      Project project,
      Optional<String> only,
      Clock clock,
      Map<String, String> environment,
      Sleeper sleeper)
      throws InterruptedException {
    List<String> names = project.alerts().channels().stream().map(Alerts.Channel::name).toList();
    if (names.isEmpty()) {
      throw SluiceException.user(
          "Project '%s' declares no alert channels: add them under alerts.channels in sluice.yaml"
              + " (docs/alerts.md)",
          project.name());
    }
    if (only.isPresent() && !names.contains(only.get())) {
      throw SluiceException.user(
          "No alert channel '%s'%s; the project's channels: %s",
          only.get(), DidYouMean.hint(only.get(), names), String.join(", ", names));
    }
    List<AlertDelivery.Target> targets = new ArrayList<>();
    for (Alerts.Channel channel : project.alerts().channels()) {
      if (only.isEmpty() || only.get().equals(channel.name())) {
        targets.add(target(channel, environment));
      }
    }
    Map<String, Optional<String>> results = new LinkedHashMap<>();
    try (AlertDelivery delivery =
        new AlertDelivery(targets, List.of(), clock, sleeper, statuses -> {})) {
      for (AlertDelivery.Target target : targets) {
        String body =
            AlertMessages.test(project.name(), target.name(), clock.instant(), target.slack());
        results.put(target.name(), delivery.probe(target.name(), body));
      }
    }
    return results;
  }

  private static AlertDelivery.Target target(
      Alerts.Channel channel, Map<String, String> environment) {
    String owner = "Alert channel '" + channel.name() + "'";
    String url =
        Secrets.read(
            owner,
            "url",
            channel.declaredIn().toString(),
            "the webhook's URL",
            channel.urlEnv(),
            channel.urlFile(),
            environment);
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      // The URL is a secret: say where it comes from, not what it is.
      throw SluiceException.user(
          "%s: the webhook's URL (from %s) is not an http:// or https:// URL",
          owner, channel.urlEnv().map(v -> "the environment variable " + v).orElse("its url-file"));
    }
    return new AlertDelivery.Target(
        channel.name(),
        channel.slack(),
        uri,
        channel.timeout(),
        channel.maxAttempts(),
        channel.initialBackoff());
  }

  // ---- hooks

  /**
   * A run listener that observes each run when it ends ({@link RunListener#runFinished}): its
   * sources' quality and schema drift, and whether it failed. For runs tried once ({@code sluice
   * run}, the API) a failure is final; for {@code serve}'s micro-batches, which are retried, a
   * failure counts once the project's {@code retries.max-attempts} failed in a row, or at once when
   * its cause is not one a retry fixes.
   */
  public RunListener listener() {
    return new RunListener() {
      @Override
      public void runFinished(RunSummary summary) {
        runEnded(summary);
      }
    };
  }

  /** Observes a run tried once, or a micro-batch (see {@link #listener()}). */
  public void runEnded(RunSummary summary) {
    guarded(
        () -> {
          boolean retried = summary.trigger().equals("serve");
          observeRun(
              summary.trigger(),
              summary.runId(),
              summary.status(),
              Optional.ofNullable(summary.errorCategory()),
              summary.error(),
              Optional.of(summary),
              retried ? project.orchestration().retries().maxAttempts() : 1);
        });
  }

  /** Observes a run of the scheduler that ended, after its retries. */
  public void runEnded(RunRecord run) {
    guarded(
        () -> {
          Optional<RunRecord.Attempt> last =
              run.attempts().isEmpty()
                  ? Optional.empty()
                  : Optional.of(run.attempts().get(run.attempts().size() - 1));
          observeRun(
              run.request().trigger(),
              run.id(),
              run.status(),
              last.flatMap(RunRecord.Attempt::errorCategory),
              last.map(RunRecord.Attempt::error).orElse(""),
              last.flatMap(RunRecord.Attempt::summary),
              1);
        });
  }

  /** Observes the freshness SLAs' states (unknown ones, never refreshed, are not observed). */
  /** Whether a rule watches the freshness SLAs. */
  public boolean watchesFreshness() {
    return !rules(Alerts.Kind.FRESHNESS).isEmpty();
  }

  /**
   * Evaluates the freshness SLAs once, now, for the rules that watch them: for a process that runs
   * no periodic checks ({@code sluice run}, at its end), so that a cron-driven project hears of a
   * source that stopped landing. The alerts' state in {@code alerts.json} spans the processes: a
   * breach fires once, not once per run.
   */
  public void checkFreshness(RefreshTimes times) {
    if (!watchesFreshness()) {
      return;
    }
    List<FreshnessState> states;
    try {
      states = new FreshnessEvaluator(project, times, EventSink.NONE).evaluate(clock.instant());
    } catch (RuntimeException e) {
      lastCheckError = e.getMessage();
      LOG.error("Checking the freshness alert rules failed", e);
      return;
    }
    freshness(states);
  }

  public void freshness(List<FreshnessState> states) {
    guarded(
        () -> {
          Instant now = clock.instant();
          for (Alerts.Rule rule : rules(Alerts.Kind.FRESHNESS)) {
            for (FreshnessState state : states) {
              if (state.status() == FreshnessState.Status.UNKNOWN || !watches(rule, state)) {
                continue;
              }
              Map<String, String> ids = new LinkedHashMap<>();
              ids.put("sla", state.sla().name());
              ids.put("target", state.target().id());
              String detail =
                  state.breached()
                      ? "freshness SLA '"
                          + state.sla().name()
                          + "' breached ("
                          + state.limit()
                          + "): "
                          + String.join("; ", state.reasons())
                      : "freshness SLA '"
                          + state.sla().name()
                          + "' holds again: "
                          + state.target()
                          + " refreshed "
                          + state.age().map(FreshnessState::format).orElse("?")
                          + " ago";
              observe(
                  new AlertEvaluator.Observation(
                      rule,
                      state.sla().name(),
                      state.breached(),
                      state.age().map(Duration::toSeconds).orElse(0L),
                      ids,
                      detail,
                      link("/ui/")),
                  now);
            }
          }
        });
  }

  /** Observes the records waiting to land per stream. */
  public void backlog(Map<String, Long> waitingByStream) {
    guarded(
        () -> {
          Instant now = clock.instant();
          for (Alerts.Rule rule : rules(Alerts.Kind.BACKLOG)) {
            for (Map.Entry<String, Long> stream : waitingByStream.entrySet()) {
              String target = "source:" + stream.getKey();
              if (rule.target().isPresent() && !rule.target().get().equals(target)) {
                continue;
              }
              long waiting = stream.getValue();
              Long before = previousBacklog.get(stream.getKey());
              boolean above = rule.threshold().map(t -> waiting > t).orElse(true);
              boolean growing = !rule.growing() || (before != null && waiting > before);
              boolean holds = above && growing;
              String detail =
                  waiting
                      + " records wait to land in stream '"
                      + stream.getKey()
                      + "'"
                      + rule.threshold()
                          .map(t -> (above ? " (above " : " (at most ") + (long) (double) t + ")")
                          .orElse("")
                      + (rule.growing() && before != null
                          ? (waiting > before ? ", up from " : ", was ") + before
                          : "");
              observe(
                  new AlertEvaluator.Observation(
                      rule,
                      target,
                      holds,
                      waiting,
                      Map.of("source", stream.getKey()),
                      detail,
                      link("/ui/")),
                  now);
            }
          }
          previousBacklog.putAll(waitingByStream);
        });
  }

  /**
   * Checks the freshness and backlog rules every {@code alerts.check-interval} on a daemon thread,
   * from now until {@link #close}. A check that fails is logged and shown in {@link #status}.
   *
   * @param times the targets' refresh times, for the freshness SLAs
   * @param waitingByStream records waiting to land per stream (empty for a project without streams)
   */
  public synchronized void startChecks(
      RefreshTimes times, Supplier<Map<String, Long>> waitingByStream) {
    if (checks != null
        || (rules(Alerts.Kind.FRESHNESS).isEmpty() && rules(Alerts.Kind.BACKLOG).isEmpty())) {
      return;
    }
    FreshnessEvaluator slas = new FreshnessEvaluator(project, times, EventSink.NONE);
    checks =
        Executors.newSingleThreadScheduledExecutor(
            work -> {
              Thread thread = new Thread(work, "sluice-alert-checks");
              thread.setDaemon(true);
              return thread;
            });
    long every = Math.max(1, alerts.checkInterval().toMillis());
    checks.scheduleWithFixedDelay(
        () -> check(slas, waitingByStream), every, every, TimeUnit.MILLISECONDS);
  }

  /** One check of the freshness and backlog rules, now. */
  private void check(FreshnessEvaluator slas, Supplier<Map<String, Long>> waitingByStream) {
    try {
      if (!rules(Alerts.Kind.FRESHNESS).isEmpty()) {
        freshness(slas.evaluate(clock.instant()));
      }
      if (!rules(Alerts.Kind.BACKLOG).isEmpty()) {
        backlog(waitingByStream.get());
      }
      lastCheckError = null;
    } catch (RuntimeException e) {
      lastCheckError = e.getMessage();
      LOG.error("Checking the freshness and backlog alert rules failed", e);
    }
  }

  // ---- observations

  private void observeRun(
      String trigger,
      String runId,
      RunStatus status,
      Optional<ErrorCategory> category,
      String error,
      Optional<RunSummary> summary,
      int attempts) {
    Instant now = clock.instant();
    // A run that stopped on an error, or whose checks, tests or thresholds failed; not a cancelled
    // one (a person or a shutdown stopped it).
    boolean failed = !status.succeeded() && status != RunStatus.CANCELLED;
    summary.ifPresent(s -> observeQuality(s, now));
    summary.ifPresent(s -> observeDrift(s, now));
    int inARow = failed ? failuresInARow.merge(trigger, 1, Integer::sum) : 0;
    if (!failed) {
      failuresInARow.remove(trigger);
    }
    boolean retryable = category.map(ErrorCategory::retryable).orElse(false);
    if (failed && retryable && inARow < attempts) {
      return; // it will be retried: neither a failure yet nor a success
    }
    // Failures past the retries: each failed pass after them counts, as does a final failure.
    int finalFailures = !failed ? 0 : retryable ? inARow - attempts + 1 : inARow;
    for (Alerts.Rule rule : rules(Alerts.Kind.RUN_FAILED)) {
      if (rule.target().isPresent() && !rule.target().get().equals(trigger)) {
        continue;
      }
      int needed = (int) (double) rule.threshold().orElse(1.0);
      Map<String, String> ids = new LinkedHashMap<>();
      ids.put("run-id", runId);
      ids.put("trigger", trigger);
      category.ifPresent(c -> ids.put("error-category", c.name().toLowerCase(Locale.ROOT)));
      String detail =
          failed
              ? "run "
                  + runId
                  + " ("
                  + trigger
                  + ") ended "
                  + status.label()
                  + (finalFailures > 1 ? ", " + finalFailures + " runs in a row" : "")
                  + category.map(c -> " [" + c.name().toLowerCase(Locale.ROOT) + "]").orElse("")
                  + ": "
                  + errors.redact(error == null ? "" : error)
              : "run " + runId + " (" + trigger + ") succeeded";
      observe(
          new AlertEvaluator.Observation(
              rule,
              trigger,
              failed && finalFailures >= needed,
              finalFailures,
              ids,
              detail,
              link("/ui/runs/" + runId)),
          now);
    }
  }

  private void observeQuality(RunSummary summary, Instant now) {
    for (Alerts.Rule rule : rules(Alerts.Kind.QUALITY)) {
      double threshold = rule.threshold().orElse(1.0);
      if (rule.target().map("run"::equals).orElse(false)) {
        if (summary.rowsRead() == 0) {
          continue;
        }
        double score = rule.warnings() ? summary.weightedScore(1.0) : summary.score();
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("run-id", summary.runId());
        observe(
            new AlertEvaluator.Observation(
                rule,
                "run",
                score < threshold,
                score,
                ids,
                scoreDetail(
                    "run " + summary.runId(),
                    score,
                    threshold,
                    summary.rowsRead(),
                    summary.rowsValid(),
                    summary.rowsWarned(),
                    summary.rowsQuarantined(),
                    rule.warnings(),
                    List.of()),
                link("/ui/runs/" + summary.runId())),
            now);
        continue;
      }
      for (RunSummary.SourceRun source : summary.sources()) {
        String target = "source:" + source.source();
        if (source.rowsRead() == 0
            || (rule.target().isPresent() && !rule.target().get().equals(target))) {
          continue; // no batch: nothing observed, the state stays
        }
        double score = rule.warnings() ? source.weightedScore(1.0) : source.score();
        List<String> warnChecks = new ArrayList<>();
        if (rule.warnings()) {
          for (RunSummary.CheckRun check : source.checks()) {
            if (!check.passed() && !check.kind().equals("rule")) {
              warnChecks.add(
                  check.check() + (check.message().isEmpty() ? "" : ": " + check.message()));
            }
          }
        }
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("run-id", summary.runId());
        ids.put("batch-id", source.batchId());
        ids.put("source", source.source());
        observe(
            new AlertEvaluator.Observation(
                rule,
                target,
                score < threshold || !warnChecks.isEmpty(),
                score,
                ids,
                scoreDetail(
                    "batch " + source.batchId() + " of source '" + source.source() + "'",
                    score,
                    threshold,
                    source.rowsRead(),
                    source.rowsValid(),
                    source.rowsWarned(),
                    source.rowsQuarantined(),
                    rule.warnings(),
                    warnChecks),
                link("/ui/quality?source=" + source.source())),
            now);
      }
    }
  }

  private static String scoreDetail(
      String what,
      double score,
      double threshold,
      long read,
      long valid,
      long warned,
      long quarantined,
      boolean warnings,
      List<String> failedChecks) {
    String text =
        what
            + ": quality score "
            + AlertMessages.score(score)
            + (score < threshold ? " below " : " at or above ")
            + AlertMessages.score(threshold)
            + (warnings ? " (warned rows counted as failed)" : "")
            + "; "
            + read
            + " rows read, "
            + valid
            + " landed ("
            + warned
            + " with warnings), "
            + quarantined
            + " quarantined";
    if (!failedChecks.isEmpty()) {
      text += "; checks failed: " + String.join("; ", failedChecks);
    }
    return text;
  }

  private void observeDrift(RunSummary summary, Instant now) {
    for (Alerts.Rule rule : rules(Alerts.Kind.SCHEMA_DRIFT)) {
      for (RunSummary.SourceRun source : summary.sources()) {
        String target = "source:" + source.source();
        if ((source.rowsRead() == 0 && source.drift().isEmpty())
            || (rule.target().isPresent() && !rule.target().get().equals(target))) {
          continue;
        }
        List<String> events = new ArrayList<>();
        for (SchemaDrift.Event event : source.drift()) {
          events.add(event.describe());
        }
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("run-id", summary.runId());
        ids.put("batch-id", source.batchId());
        ids.put("source", source.source());
        String detail =
            events.isEmpty()
                ? "batch " + source.batchId() + " matched the declared columns"
                : "batch "
                    + source.batchId()
                    + " differed from the declared columns: "
                    + String.join("; ", events);
        observe(
            new AlertEvaluator.Observation(
                rule,
                target,
                !events.isEmpty(),
                events.size(),
                ids,
                detail,
                link("/ui/quality?source=" + source.source())),
            now);
      }
    }
  }

  private boolean watches(Alerts.Rule rule, FreshnessState state) {
    if (rule.target().isEmpty()) {
      return true;
    }
    String target = rule.target().get();
    return target.equals(state.sla().name())
        || Alerts.watched(project, target).equals(state.target().id());
  }

  private synchronized void observe(AlertEvaluator.Observation seen, Instant now) {
    String detail =
        seen.detail().length() > DETAIL_LIMIT
            ? seen.detail().substring(0, DETAIL_LIMIT - 1) + "…"
            : seen.detail();
    AlertEvaluator.Step step =
        evaluator.observe(
            new AlertEvaluator.Observation(
                seen.rule(),
                seen.target(),
                seen.holds(),
                seen.value(),
                seen.ids(),
                detail,
                seen.link()),
            now);
    if (step.changed()) {
      save();
    }
    step.notification()
        .ifPresent(
            alert -> {
              LOG.warn(AlertMessages.line(alert));
              delivery.send(alert);
            });
  }

  /** Runs an observation; a failure of the alerting is logged, never thrown into the pipeline. */
  private synchronized void guarded(Runnable observation) {
    try {
      observation.run();
    } catch (RuntimeException e) {
      LOG.error("Evaluating the alert rules failed; the pipeline goes on", e);
    }
  }

  private List<Alerts.Rule> rules(Alerts.Kind kind) {
    return alerts.rules().stream().filter(rule -> rule.kind() == kind).toList();
  }

  /**
   * The console's page for {@code path} ({@code /ui/runs/ID}, {@code /ui/quality?source=NAME}, the
   * overview {@code /ui/}), behind {@code alerts.link-base} when the project sets one. Names and
   * run ids need no escaping: names are identifiers, run ids letters, digits and {@code -:.}.
   */
  private String link(String path) {
    return alerts.linkBase().map(base -> base + path).orElse(path);
  }

  // ---- state

  private synchronized void save() {
    stored(delivery == null ? List.of() : delivery.statuses());
  }

  private synchronized void stored(List<ChannelStatus> channels) {
    try {
      store.write(evaluator.states(), channels);
    } catch (RuntimeException e) {
      LOG.error("Cannot store the alert states; a restart may send some alerts again", e);
    }
  }

  /** The alerts that are pending or firing, in the order they started. */
  public synchronized List<AlertState> states() {
    return evaluator.states();
  }

  /** The channels' delivery records. */
  public List<ChannelStatus> channels() {
    return delivery.statuses();
  }

  /**
   * What {@code /health} shows under {@code alerts}: the firing alerts, and each channel's
   * deliveries with its last failure; {@code status} is {@code failing} while a channel's last
   * message failed.
   */
  public Map<String, Object> status() {
    Map<String, Object> status = new LinkedHashMap<>();
    List<ChannelStatus> channels = channels();
    boolean failing = channels.stream().anyMatch(ChannelStatus::failing) || lastCheckError != null;
    status.put("status", failing ? "failing" : "ok");
    status.put("rules", alerts.rules().size());
    List<Map<String, Object>> firing = new ArrayList<>();
    for (AlertState state : states()) {
      if (state.phase() != AlertState.Phase.FIRING) {
        continue;
      }
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("rule", state.rule());
      one.put("target", state.target());
      one.put("since", state.since().toString());
      one.put("value", state.value());
      firing.add(one);
    }
    status.put("firing", firing);
    List<Map<String, Object>> deliveries = new ArrayList<>();
    for (ChannelStatus channel : channels) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("channel", channel.channel());
      one.put("delivered", channel.delivered());
      one.put("failed", channel.failed());
      one.put("failing", channel.failing());
      one.put("last-error", channel.lastError().orElse(null));
      one.put("last-failure-at", channel.lastFailureAt().map(Instant::toString).orElse(null));
      deliveries.add(one);
    }
    status.put("channels", deliveries);
    status.put("queued", delivery.waiting());
    status.put("last-check-error", lastCheckError);
    return status;
  }

  /**
   * Waits until every message sent so far was delivered or given up on, at most {@code timeout};
   * false when some still wait.
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    return delivery.flush(timeout);
  }

  /**
   * Stops the checks and the delivery thread, after the messages queued were delivered (waiting at
   * most {@code timeout}).
   */
  public void close(Duration timeout) {
    synchronized (this) {
      if (checks != null) {
        checks.shutdownNow();
      }
    }
    delivery.close(timeout);
  }

  /** {@link #close(Duration)} with 10 seconds for the messages queued. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
