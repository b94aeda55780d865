package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The alerts of a project, as the {@code alerts} section of {@code sluice.yaml} declares them (keys
 * in {@link io.sluice.core.config.AlertSpec}; see docs/alerts.md).
 *
 * @param rules in file order
 * @param channels in file order
 * @param checkInterval how often {@code serve} and {@code schedule} check freshness and backlog
 * @param linkBase the UI's address put in front of the page paths messages link to, if given
 */
public record Alerts(
    List<Rule> rules, List<Channel> channels, Duration checkInterval, Optional<String> linkBase) {
  public Alerts {
    rules = List.copyOf(rules);
    channels = List.copyOf(channels);
    requireNonNull(checkInterval, "checkInterval is null");
    requireNonNull(linkBase, "linkBase is null");
  }

  /** No rule, no channel. */
  public static Alerts none() {
    return new Alerts(List.of(), List.of(), Duration.ofSeconds(30), Optional.empty());
  }

  /**
   * What a freshness target watches, as {@code source:NAME} or {@code model:NAME}: a bare name is
   * the model of that name, else the source (as freshness SLAs read it).
   */
  public static String watched(Project project, String target) {
    if (target.startsWith("source:")) {
      return target;
    }
    return project.model(target).isPresent() ? "model:" + target : "source:" + target;
  }

  public Optional<Channel> channel(String name) {
    return channels.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** What a rule watches. */
  public enum Kind {
    /** A batch's or run's quality score below the threshold. */
    QUALITY,
    /** A freshness SLA breached. */
    FRESHNESS,
    /** A run that failed after its retries. */
    RUN_FAILED,
    /** A batch whose input differed from the declared columns. */
    SCHEMA_DRIFT,
    /** Records of a stream waiting to land: above the threshold, or growing. */
    BACKLOG;

    /** The kind as written in YAML, e.g. {@code run-failed}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Kind of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /**
   * One alert rule.
   *
   * @param name unique in the project
   * @param kind what it watches
   * @param target what it watches, normalized: {@code source:NAME}, {@code run}, a model's name, a
   *     freshness SLA's name, a run trigger; empty for everything of the kind
   * @param threshold the limit: a score (quality), records (backlog), failed runs in a row
   *     (run-failed); empty where the kind takes none
   * @param warnings quality: warned rows count as failed, failed warn checks fire
   * @param growing backlog: fire when it grows at every check
   * @param holdFor how long the condition must hold before the rule fires
   * @param cooldown the least time between reminders while firing; empty for no reminders
   * @param severity {@code info}, {@code warn} or {@code fail}
   * @param channels the names of the channels it posts to
   */
  public record Rule(
      String name,
      Kind kind,
      Optional<String> target,
      Optional<Double> threshold,
      boolean warnings,
      boolean growing,
      Duration holdFor,
      Optional<Duration> cooldown,
      String severity,
      List<String> channels) {
    public Rule {
      requireNonNull(name, "name is null");
      requireNonNull(kind, "kind is null");
      requireNonNull(target, "target is null");
      requireNonNull(threshold, "threshold is null");
      requireNonNull(holdFor, "holdFor is null");
      requireNonNull(cooldown, "cooldown is null");
      requireNonNull(severity, "severity is null");
      channels = List.copyOf(channels);
    }
  }

  /**
   * A webhook.
   *
   * @param name unique in the project
   * @param slack whether the body is Slack's incoming-webhook format, else the generic one
   * @param urlEnv the environment variable holding the URL
   * @param urlFile the file holding the URL (absolute), when no variable is named
   * @param timeout one attempt's limit
   * @param maxAttempts attempts of a delivery, the first included
   * @param initialBackoff the wait before the second attempt, doubled for each later one
   * @param declaredIn the file that declares it, for messages
   */
  public record Channel(
      String name,
      boolean slack,
      Optional<String> urlEnv,
      Optional<Path> urlFile,
      Duration timeout,
      int maxAttempts,
      Duration initialBackoff,
      Path declaredIn) {
    public Channel {
      requireNonNull(name, "name is null");
      requireNonNull(urlEnv, "urlEnv is null");
      requireNonNull(urlFile, "urlFile is null");
      requireNonNull(timeout, "timeout is null");
      requireNonNull(initialBackoff, "initialBackoff is null");
      requireNonNull(declaredIn, "declaredIn is null");
    }
  }
}
