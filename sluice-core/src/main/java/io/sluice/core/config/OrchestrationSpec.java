package io.sluice.core.config;

import static io.sluice.config.ConfigType.bool;
import static io.sluice.config.ConfigType.duration;
import static io.sluice.config.ConfigType.identifier;
import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.listOf;
import static io.sluice.config.ConfigType.number;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import io.sluice.core.project.Orchestration;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The keys of {@code sluice.yaml} that say when what runs: {@code schedules}, {@code retries},
 * {@code freshness} and {@code history}. See docs/orchestration.md.
 */
public final class OrchestrationSpec {
  private OrchestrationSpec() {}

  /** Unix cron: minute, hour, day of month, month, day of week. */
  private static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** Parses a five-field Unix cron expression; an {@link IllegalArgumentException} says why not. */
  public static com.cronutils.model.Cron parseCron(String text) {
    return CRON.parse(text).validate();
  }

  static ConfigType<String> cron() {
    return string()
        .withCheck(
            text -> {
              try {
                parseCron(text);
                return java.util.Optional.empty();
              } catch (IllegalArgumentException e) {
                return java.util.Optional.of(
                    "not a cron expression (minute hour day-of-month month day-of-week, e.g."
                        + " \"0 6 * * *\"): "
                        + e.getMessage());
              }
            })
        .named("cron expression");
  }

  static ConfigType<ZoneId> zone() {
    return string()
        .map(
            text -> {
              try {
                return ZoneId.of(text);
              } catch (DateTimeException e) {
                throw new IllegalArgumentException(
                    "unknown time zone '"
                        + text
                        + "' (use a region such as Europe/Berlin, or UTC)");
              }
            },
            ZoneId::getId)
        .named("time zone");
  }

  static ConfigType<LocalTime> timeOfDay() {
    return string()
        .map(
            text -> {
              try {
                return LocalTime.parse(text);
              } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                    "not a time of day (HH:MM, e.g. \"07:30\"): '" + text + "'");
              }
            },
            LocalTime::toString)
        .named("time of day");
  }

  static ConfigType<Orchestration.Trigger> trigger() {
    return string()
        .map(Orchestration.Trigger::parse, Orchestration.Trigger::toString)
        .named("trigger");
  }

  // ---- retries

  public static final ConfigKey<Integer> MAX_ATTEMPTS =
      ConfigKey.builder("max-attempts", integer(1))
          .doc(
              "Attempts of a run that fails for a transient cause (an outside system, I/O, a lock,"
                  + " a timeout), the first included; user and data errors are never retried.")
          .defaultValue(3)
          .build();
  public static final ConfigKey<Duration> INITIAL_BACKOFF =
      ConfigKey.builder("initial-backoff", duration())
          .doc("Wait before the second attempt; each later wait is `multiplier` times longer.")
          .defaultValue(Duration.ofSeconds(10))
          .build();
  public static final ConfigKey<Duration> MAX_BACKOFF =
      ConfigKey.builder("max-backoff", duration())
          .doc("Longest wait between two attempts.")
          .defaultValue(Duration.ofMinutes(10))
          .build();
  public static final ConfigKey<Double> MULTIPLIER =
      ConfigKey.builder("multiplier", number(1, 100))
          .doc("How much longer each wait is than the one before.")
          .defaultValue(2.0)
          .build();
  public static final ConfigKey<Double> BACKOFF_JITTER =
      ConfigKey.builder("jitter", number(0, 1))
          .doc(
              "Each wait is shortened by a random fraction up to this, so that runs failing"
                  + " together do not retry together.")
          .defaultValue(0.2)
          .build();
  public static final ConfigDef RETRIES_DEF =
      ConfigDef.builder(
              "retries",
              "How a run that failed for a transient cause is retried: exponential backoff with"
                  + " jitter, up to a number of attempts. The project's default; a schedule may"
                  + " set its own.")
          .add(MAX_ATTEMPTS, INITIAL_BACKOFF, MAX_BACKOFF, MULTIPLIER, BACKOFF_JITTER)
          .build();

  // ---- schedules

  public static final ConfigKey<String> SCHEDULE_NAME =
      ConfigKey.builder("name", identifier())
          .doc("The schedule's name, unique in the project (in run history and the API).")
          .required()
          .build();
  public static final ConfigKey<List<String>> SELECT =
      ConfigKey.builder("select", listOf(string()).named("list of selectors"))
          .doc(
              "What the schedule runs: selectors as `sluice run --select` takes them (`name`,"
                  + " `name+`, `+name`, `tag:x`, `source:x`). Default: the whole project.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<List<String>> EXCLUDE =
      ConfigKey.builder("exclude", listOf(string()).named("list of selectors"))
          .doc("What to leave out of `select`.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<String> CRON_KEY =
      ConfigKey.builder("cron", cron())
          .doc(
              "When it runs, as a five-field Unix cron expression (minute hour day-of-month month"
                  + " day-of-week), in `time-zone`. Set `cron`, `interval` or `on` (or `cron` or"
                  + " `interval` with `on`).")
          .build();
  public static final ConfigKey<ZoneId> TIME_ZONE =
      ConfigKey.builder("time-zone", zone())
          .doc(
              "Time zone of `cron` (a region such as `Europe/Berlin`, so that a daily run stays at"
                  + " its local hour across daylight-saving changes).")
          .defaultValue(ZoneId.of("UTC"))
          .build();
  public static final ConfigKey<Duration> INTERVAL =
      ConfigKey.builder("interval", duration())
          .doc("Run every this long (e.g. `15m`), counted from the scheduler's start.")
          .build();
  public static final ConfigKey<List<Orchestration.Trigger>> ON =
      ConfigKey.builder("on", listOf(trigger()).named("list of triggers"))
          .doc(
              "Run when something happens: `new-data` (a selected source has input no run has"
                  + " landed), `success:SCHEDULE` (another schedule's run succeeded),"
                  + " `freshness-breach:NAME` (a freshness SLA is breached).")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<String> CATCH_UP =
      ConfigKey.builder("catch-up", oneOf("skip", "latest", "all"))
          .doc(
              "What a scheduler that was down does about the runs it missed: `skip` them, run the"
                  + " `latest` once, or run `all` of them in order.")
          .defaultValue("latest")
          .build();
  public static final ConfigKey<Integer> MAX_CONCURRENT =
      ConfigKey.builder("max-concurrent", integer(1))
          .doc("Runs of this schedule at once; a run due while as many run waits.")
          .defaultValue(1)
          .build();
  public static final ConfigKey<Duration> TIMEOUT =
      ConfigKey.builder("timeout", duration())
          .doc("A run (one attempt) taking longer is cancelled and counts as a transient failure.")
          .build();
  public static final ConfigKey<Duration> JITTER =
      ConfigKey.builder("jitter", duration())
          .doc(
              "Start each run up to this much later than due, at random, so that many schedules"
                  + " due at the same minute do not start together.")
          .defaultValue(Duration.ZERO)
          .build();
  public static final ConfigKey<Boolean> FULL_REFRESH =
      ConfigKey.builder("full-refresh", bool())
          .doc("Rebuild the selected models whole on every run (as `--full-refresh`).")
          .defaultValue(false)
          .build();
  public static final ConfigKey<Boolean> PAUSED =
      ConfigKey.builder("paused", bool())
          .doc("Declared but not run until resumed (`POST /v1/schedules/NAME/resume`).")
          .defaultValue(false)
          .build();
  public static final ConfigKey<ConfigValues> SCHEDULE_RETRIES =
      ConfigKey.builder("retries", section(RETRIES_DEF))
          .doc("This schedule's retries, instead of the project's `retries`.")
          .build();
  public static final ConfigDef SCHEDULE_DEF =
      ConfigDef.builder("schedule", "One schedule: what runs, and when.")
          .add(
              SCHEDULE_NAME,
              SELECT,
              EXCLUDE,
              CRON_KEY,
              TIME_ZONE,
              INTERVAL,
              ON,
              CATCH_UP,
              MAX_CONCURRENT,
              TIMEOUT,
              JITTER,
              FULL_REFRESH,
              PAUSED,
              SCHEDULE_RETRIES)
          .build();

  // ---- freshness

  public static final ConfigKey<String> FRESHNESS_NAME =
      ConfigKey.builder("name", identifier())
          .doc("The SLA's name (in status, events and `freshness-breach:NAME` triggers).")
          .required()
          .build();
  public static final ConfigKey<String> TARGET =
      ConfigKey.builder("target", string())
          .doc(
              "The source (`source:orders` or `orders`) or model whose data must be fresh: a"
                  + " source's age is the time since its last batch landed; a model's, since it"
                  + " was last built.")
          .required()
          .build();
  public static final ConfigKey<Duration> MAX_AGE =
      ConfigKey.builder("max-age", duration())
          .doc("Breached when the target's data is older than this.")
          .build();
  public static final ConfigKey<LocalTime> DEADLINE =
      ConfigKey.builder("deadline", timeOfDay())
          .doc(
              "Breached when, at this time of day (in `time-zone`), the target has not been"
                  + " refreshed since the day began.")
          .build();
  public static final ConfigKey<ZoneId> FRESHNESS_TIME_ZONE =
      ConfigKey.builder("time-zone", zone())
          .doc("Time zone of `deadline`.")
          .defaultValue(ZoneId.of("UTC"))
          .build();
  public static final ConfigKey<String> SEVERITY =
      ConfigKey.builder("severity", oneOf("warn", "fail"))
          .doc("How a breach shows in status and events: a `warn`ing or a failure.")
          .defaultValue("warn")
          .build();
  public static final ConfigDef FRESHNESS_DEF =
      ConfigDef.builder(
              "freshness SLA",
              "How fresh a source's or model's data must be: a maximum age, or a daily deadline.")
          .add(FRESHNESS_NAME, TARGET, MAX_AGE, DEADLINE, FRESHNESS_TIME_ZONE, SEVERITY)
          .build();

  // ---- history

  public static final ConfigKey<Duration> RETENTION =
      ConfigKey.builder("retention", duration())
          .doc("Runs, attempts and steps older than this are removed from the run history.")
          .defaultValue(Duration.ofDays(30))
          .build();
  public static final ConfigDef HISTORY_DEF =
      ConfigDef.builder("history", "The run history in the state folder (`sluice runs`).")
          .add(RETENTION)
          .build();

  public static final ConfigKey<List<ConfigValues>> SCHEDULES =
      ConfigKey.builder("schedules", listOf(section(SCHEDULE_DEF)).named("list of schedules"))
          .doc("When what runs: run by `sluice serve` and `sluice schedule`.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<ConfigValues> RETRIES =
      ConfigKey.builder("retries", section(RETRIES_DEF)).doc(RETRIES_DEF.doc()).build();
  public static final ConfigKey<List<ConfigValues>> FRESHNESS =
      ConfigKey.builder("freshness", listOf(section(FRESHNESS_DEF)).named("list of SLAs"))
          .doc("Freshness SLAs, evaluated by the scheduler and shown by `sluice status`.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<ConfigValues> HISTORY =
      ConfigKey.builder("history", section(HISTORY_DEF)).doc(HISTORY_DEF.doc()).build();
}
