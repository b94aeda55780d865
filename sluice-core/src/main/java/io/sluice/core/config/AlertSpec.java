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

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import java.time.Duration;
import java.util.List;

/**
 * The keys of the {@code alerts} section of {@code sluice.yaml}: rules that watch quality,
 * freshness, failed runs, schema drift and stream backlogs, and the webhooks they notify. See
 * docs/alerts.md.
 */
public final class AlertSpec {
  private AlertSpec() {}

  /** The kinds of rule, as written in YAML. */
  public static final List<String> KINDS =
      List.of("quality", "freshness", "run-failed", "schema-drift", "backlog");

  /** The body formats of a channel, as written in YAML. */
  public static final List<String> FORMATS = List.of("slack", "generic");

  // ---- channels

  public static final ConfigKey<String> CHANNEL_NAME =
      ConfigKey.builder("name", identifier())
          .doc("The channel's name, unique in the project; rules name it in `channels`.")
          .required()
          .build();
  public static final ConfigKey<String> FORMAT =
      ConfigKey.builder("format", oneOf(FORMATS.toArray(String[]::new)))
          .doc(
              "The JSON body posted: `slack` (Slack's incoming-webhook format, `text` and"
                  + " `blocks`; also read by Mattermost and others) or `generic` (one object with"
                  + " the rule, target, state, value and threshold).")
          .defaultValue("generic")
          .build();
  public static final ConfigKey<String> URL_ENV =
      ConfigKey.builder("url-env", string())
          .doc(
              "Environment variable holding the webhook's URL (URLs of webhooks are secrets:"
                  + " they are never written in the project nor printed). Set `url-env` or"
                  + " `url-file`.")
          .build();
  public static final ConfigKey<String> URL_FILE =
      ConfigKey.builder("url-file", string())
          .doc("File holding the webhook's URL, relative to the project folder.")
          .build();
  public static final ConfigKey<Duration> CHANNEL_TIMEOUT =
      ConfigKey.builder("timeout", duration())
          .doc("How long one delivery attempt may take, connecting included.")
          .defaultValue(Duration.ofSeconds(10))
          .build();
  public static final ConfigKey<Integer> CHANNEL_MAX_ATTEMPTS =
      ConfigKey.builder("max-attempts", integer(1))
          .doc(
              "Attempts of a delivery that failed on a connection error, a timeout or a 5xx"
                  + " answer (a 4xx answer is not retried), the first included.")
          .defaultValue(4)
          .build();
  public static final ConfigKey<Duration> CHANNEL_BACKOFF =
      ConfigKey.builder("initial-backoff", duration())
          .doc("Wait before the second attempt; each later wait is twice as long.")
          .defaultValue(Duration.ofSeconds(1))
          .build();
  public static final ConfigDef CHANNEL_DEF =
      ConfigDef.builder("alert channel", "A webhook that alerts are posted to.")
          .add(
              CHANNEL_NAME,
              FORMAT,
              URL_ENV,
              URL_FILE,
              CHANNEL_TIMEOUT,
              CHANNEL_MAX_ATTEMPTS,
              CHANNEL_BACKOFF)
          .build();

  // ---- rules

  public static final ConfigKey<String> RULE_NAME =
      ConfigKey.builder("name", identifier())
          .doc("The rule's name, unique in the project (in messages, state and `sluice alerts`).")
          .required()
          .build();
  public static final ConfigKey<String> KIND =
      ConfigKey.builder("kind", oneOf(KINDS.toArray(String[]::new)))
          .doc(
              "What the rule watches: `quality` (a batch's or run's quality score below"
                  + " `threshold`), `freshness` (a freshness SLA breached), `run-failed` (a run"
                  + " that failed after its retries), `schema-drift` (a batch whose input"
                  + " differed from the declared columns), `backlog` (records of a stream waiting"
                  + " to land above `threshold`, or growing).")
          .required()
          .build();
  public static final ConfigKey<String> RULE_TARGET =
      ConfigKey.builder("target", string())
          .doc(
              "What the rule watches, by kind: a source (`source:orders` or `orders`) for"
                  + " `quality`, `schema-drift` and `backlog` (a stream), or `run` for a run's"
                  + " score (`quality`); a source or model a freshness SLA targets, or an SLA's"
                  + " name (`freshness`); who started the run (`run-failed`: `serve`, `manual`,"
                  + " `api` or `schedule:NAME`). Default: everything of the kind, each target"
                  + " alerting on its own.")
          .build();
  public static final ConfigKey<Double> THRESHOLD =
      ConfigKey.builder("threshold", number(0, 1e9))
          .doc(
              "`quality`: the lowest acceptable score, 0 to 1 (the rule fires below it; default"
                  + " 1 with `warnings`, else required). `backlog`: records waiting (the rule"
                  + " fires above it). `run-failed`: failed runs in a row (default 1). Not taken"
                  + " by `freshness` and `schema-drift`.")
          .build();
  public static final ConfigKey<Boolean> WARNINGS =
      ConfigKey.builder("warnings", bool())
          .doc(
              "`quality` only: rows that landed but failed a rule of severity warn count as"
                  + " failed rows (score = (valid - warned) / read), and a dataset check that"
                  + " failed fires the rule too; so that warnings are seen, not left in logs.")
          .defaultValue(false)
          .build();
  public static final ConfigKey<Boolean> GROWING =
      ConfigKey.builder("growing", bool())
          .doc(
              "`backlog` only: fire when the backlog grew at every check for `for` (with"
                  + " `threshold` as well: and is above it).")
          .defaultValue(false)
          .build();
  public static final ConfigKey<Duration> FOR =
      ConfigKey.builder("for", duration())
          .doc(
              "How long the condition must hold, at every observation (each batch or check), "
                  + "before the rule fires; 0 fires at the first.")
          .defaultValue(Duration.ZERO)
          .build();
  public static final ConfigKey<Duration> COOLDOWN =
      ConfigKey.builder("cooldown", duration())
          .doc(
              "While the rule keeps firing, a reminder is sent at most once per this long."
                  + " Without it a firing rule sends one message when it fires and one when it is"
                  + " resolved.")
          .build();
  public static final ConfigKey<String> RULE_SEVERITY =
      ConfigKey.builder("severity", oneOf("info", "warn", "fail"))
          .doc("How urgent the alert is, in its messages.")
          .defaultValue("warn")
          .build();
  public static final ConfigKey<List<String>> RULE_CHANNELS =
      ConfigKey.builder("channels", listOf(identifier()).named("list of channel names"))
          .doc(
              "The channels (`alerts.channels`) the rule notifies; every alert is also logged"
                  + " (a WARN line).")
          .defaultValue(List.of())
          .build();
  public static final ConfigDef RULE_DEF =
      ConfigDef.builder("alert rule", "A condition to alert on, and who to tell.")
          .add(
              RULE_NAME,
              KIND,
              RULE_TARGET,
              THRESHOLD,
              WARNINGS,
              GROWING,
              FOR,
              COOLDOWN,
              RULE_SEVERITY,
              RULE_CHANNELS)
          .build();

  // ---- the section

  public static final ConfigKey<List<ConfigValues>> CHANNELS =
      ConfigKey.builder("channels", listOf(section(CHANNEL_DEF)).named("list of channels"))
          .doc("Webhooks that rules post to.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<List<ConfigValues>> RULES =
      ConfigKey.builder("rules", listOf(section(RULE_DEF)).named("list of alert rules"))
          .doc("The alert rules.")
          .defaultValue(List.of())
          .build();
  public static final ConfigKey<Duration> CHECK_INTERVAL =
      ConfigKey.builder("check-interval", duration())
          .doc(
              "How often `sluice serve` and `sluice schedule` check the `freshness` and"
                  + " `backlog` rules (the other kinds are checked after every batch and run).")
          .defaultValue(Duration.ofSeconds(30))
          .build();
  public static final ConfigKey<String> LINK_BASE =
      ConfigKey.builder("link-base", string())
          .doc(
              "The UI's address as people reach it (e.g. `https://sluice.example.com`), put in"
                  + " front of the page paths that messages link to; without it links are paths.")
          .build();
  public static final ConfigDef ALERTS_DEF =
      ConfigDef.builder(
              "alerts",
              "Alerts: rules evaluated after every batch and run (and on a timer in `serve`),"
                  + " delivered to webhooks and the log once when they fire and once when they"
                  + " are resolved. See docs/alerts.md.")
          .add(CHANNELS, RULES, CHECK_INTERVAL, LINK_BASE)
          .build();

  public static final ConfigKey<ConfigValues> ALERTS =
      ConfigKey.builder("alerts", section(ALERTS_DEF)).doc(ALERTS_DEF.doc()).build();
}
