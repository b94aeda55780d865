package io.sluice.core.project;

import io.sluice.config.ConfigValues;
import io.sluice.config.DidYouMean;
import io.sluice.core.config.AlertSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code alerts} section of {@code sluice.yaml} ({@link AlertSpec}) and checks what the
 * types alone cannot: names are unique, a channel has one URL reference, a rule's target names what
 * exists for its kind, its threshold fits its kind, and its channels are declared.
 */
final class AlertReader {
  private AlertReader() {}

  /** Who may start a run, as {@code run-failed} targets name them (besides schedule:NAME). */
  private static final List<String> TRIGGERS = List.of("serve", "manual", "api");

  static Alerts read(Path file, ConfigValues values, Project project, Problems problems) {
    ConfigValues section = values.get(AlertSpec.ALERTS);
    List<Alerts.Channel> channels = new ArrayList<>();
    Set<String> channelNames = new HashSet<>();
    for (ConfigValues channel : section.get(AlertSpec.CHANNELS)) {
      String name = channel.get(AlertSpec.CHANNEL_NAME);
      if (!channelNames.add(name)) {
        problems.add(
            Problems.at(file, channel.nodeOf(AlertSpec.CHANNEL_NAME)),
            "alerts.channels: the name '" + name + "' is used twice");
      }
      boolean env = channel.isSet(AlertSpec.URL_ENV);
      boolean fromFile = channel.isSet(AlertSpec.URL_FILE);
      if (env == fromFile) {
        problems.add(
            Problems.at(file, env ? channel.nodeOf(AlertSpec.URL_FILE) : channel.anchor()),
            "alert channel '"
                + name
                + "': set url-env (an environment variable) or url-file (a file) holding the"
                + " webhook's URL"
                + (env ? ", not both" : ""));
      }
      if (channel.get(AlertSpec.CHANNEL_TIMEOUT).isZero()) {
        problems.add(
            Problems.at(file, channel.nodeOf(AlertSpec.CHANNEL_TIMEOUT)),
            "alert channel '" + name + "': timeout must be longer than 0");
      }
      channels.add(
          new Alerts.Channel(
              name,
              channel.get(AlertSpec.FORMAT).equals("slack"),
              channel.find(AlertSpec.URL_ENV),
              channel
                  .find(AlertSpec.URL_FILE)
                  .map(path -> project.directory().resolve(path).normalize()),
              channel.get(AlertSpec.CHANNEL_TIMEOUT),
              channel.get(AlertSpec.CHANNEL_MAX_ATTEMPTS),
              channel.get(AlertSpec.CHANNEL_BACKOFF),
              file));
    }

    List<Alerts.Rule> rules = new ArrayList<>();
    Set<String> ruleNames = new HashSet<>();
    for (ConfigValues rule : section.get(AlertSpec.RULES)) {
      String name = rule.get(AlertSpec.RULE_NAME);
      String where = "alert rule '" + name + "': ";
      if (!ruleNames.add(name)) {
        problems.add(
            Problems.at(file, rule.nodeOf(AlertSpec.RULE_NAME)),
            "alerts.rules: the name '" + name + "' is used twice");
      }
      Alerts.Kind kind = Alerts.Kind.of(rule.get(AlertSpec.KIND));
      Optional<String> target = rule.find(AlertSpec.RULE_TARGET).map(String::trim);
      Optional<String> normalized = target;
      if (target.isPresent()) {
        Result checked = checkTarget(project, kind, target.get());
        checked.problem.ifPresent(
            message ->
                problems.add(
                    Problems.at(file, rule.nodeOf(AlertSpec.RULE_TARGET)), where + message));
        normalized = Optional.of(checked.normalized);
      }
      Optional<Double> threshold = threshold(file, rule, kind, where, problems);
      if (rule.isSet(AlertSpec.WARNINGS) && kind != Alerts.Kind.QUALITY) {
        problems.add(
            Problems.at(file, rule.keyNodeOf(AlertSpec.WARNINGS)),
            where + "warnings is taken by kind quality only, not " + kind.label());
      }
      if (rule.isSet(AlertSpec.GROWING) && kind != Alerts.Kind.BACKLOG) {
        problems.add(
            Problems.at(file, rule.keyNodeOf(AlertSpec.GROWING)),
            where + "growing is taken by kind backlog only, not " + kind.label());
      }
      if (rule.find(AlertSpec.COOLDOWN).map(java.time.Duration::isZero).orElse(false)) {
        problems.add(
            Problems.at(file, rule.nodeOf(AlertSpec.COOLDOWN)),
            where + "cooldown must be longer than 0 (leave it out for no reminders)");
      }
      List<String> ruleChannels = rule.get(AlertSpec.RULE_CHANNELS);
      for (String channel : ruleChannels) {
        if (!channelNames.contains(channel)) {
          problems.add(
              Problems.at(file, rule.nodeOf(AlertSpec.RULE_CHANNELS)),
              where
                  + "channels: no channel is named '"
                  + channel
                  + "' in alerts.channels"
                  + DidYouMean.hint(channel, channelNames));
        }
      }
      rules.add(
          new Alerts.Rule(
              name,
              kind,
              normalized,
              threshold,
              rule.get(AlertSpec.WARNINGS),
              rule.get(AlertSpec.GROWING),
              rule.get(AlertSpec.FOR),
              rule.find(AlertSpec.COOLDOWN),
              rule.get(AlertSpec.RULE_SEVERITY),
              ruleChannels));
    }
    if (section.get(AlertSpec.CHECK_INTERVAL).isZero()) {
      problems.add(
          Problems.at(file, section.nodeOf(AlertSpec.CHECK_INTERVAL)),
          "alerts: check-interval must be longer than 0");
    }
    return new Alerts(
        rules,
        channels,
        section.get(AlertSpec.CHECK_INTERVAL),
        section.find(AlertSpec.LINK_BASE).map(base -> base.replaceAll("/+$", "")));
  }

  /** The rule's threshold, its kind's default when it sets none; reports one that does not fit. */
  private static Optional<Double> threshold(
      Path file, ConfigValues rule, Alerts.Kind kind, String where, Problems problems) {
    Optional<Double> set = rule.find(AlertSpec.THRESHOLD);
    Optional<String> problem = Optional.empty();
    Optional<Double> threshold = set;
    switch (kind) {
      case QUALITY -> {
        if (set.isEmpty()) {
          if (rule.get(AlertSpec.WARNINGS)) {
            threshold = Optional.of(1.0);
          } else {
            problem =
                Optional.of(
                    "kind quality needs a threshold, the lowest acceptable score between 0 and 1"
                        + " (e.g. threshold: 0.95), or warnings: true");
          }
        } else if (set.get() > 1) {
          problem =
              Optional.of(
                  "threshold of kind quality is a score between 0 and 1, found "
                      + plain(set.get()));
        }
      }
      case BACKLOG -> {
        if (set.isEmpty() && !rule.get(AlertSpec.GROWING)) {
          problem =
              Optional.of(
                  "kind backlog needs a threshold (records waiting, e.g. threshold: 100000), or"
                      + " growing: true");
        }
      }
      case RUN_FAILED -> {
        if (set.isEmpty()) {
          threshold = Optional.of(1.0);
        } else if (set.get() < 1 || set.get() != Math.rint(set.get())) {
          problem =
              Optional.of(
                  "threshold of kind run-failed is a number of failed runs in a row (1 or more),"
                      + " found "
                      + plain(set.get()));
        }
      }
      case FRESHNESS, SCHEMA_DRIFT -> {
        if (set.isPresent()) {
          problem =
              Optional.of(
                  "kind "
                      + kind.label()
                      + " takes no threshold"
                      + (kind == Alerts.Kind.FRESHNESS
                          ? " (the freshness SLA's max-age or deadline is the limit)"
                          : ""));
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
    problem.ifPresent(
        message ->
            problems.add(
                Problems.at(
                    file, set.isPresent() ? rule.nodeOf(AlertSpec.THRESHOLD) : rule.anchor()),
                where + message));
    return threshold;
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  /** A target as the rule will match it, and why it names nothing, if it does not. */
  private record Result(String normalized, Optional<String> problem) {}

  private static Result checkTarget(Project project, Alerts.Kind kind, String target) {
    return switch (kind) {
      case QUALITY ->
          target.equals("run")
              ? new Result(target, Optional.empty())
              : source(project, target, "source (or run, for a run's score)");
      case SCHEMA_DRIFT -> source(project, target, "source");
      case BACKLOG -> {
        Result source = source(project, target, "stream");
        if (source.problem.isPresent()) {
          yield source;
        }
        String name = source.normalized.substring("source:".length());
        boolean stream =
            Connectors.installed()
                .capabilities(project.source(name).orElseThrow())
                .map(c -> c.continuous() && c.pushed())
                .orElse(false);
        yield stream
            ? source
            : new Result(
                source.normalized,
                Optional.of(
                    "target: the source '"
                        + name
                        + "' receives no pushed records, so it has no backlog (kind backlog"
                        + " watches streams)"));
      }
      case FRESHNESS -> freshness(project, target);
      case RUN_FAILED -> runTrigger(project, target);
    };
  }

  private static Result source(Project project, String target, String what) {
    String name = target.startsWith("source:") ? target.substring("source:".length()) : target;
    if (project.source(name).isPresent()) {
      return new Result("source:" + name, Optional.empty());
    }
    List<String> names = new ArrayList<>();
    project.sources().forEach(s -> names.add(s.name()));
    return new Result(
        target,
        Optional.of(
            "target: no " + what + " is named '" + name + "'" + DidYouMean.hint(name, names)));
  }

  /**
   * A freshness target: an SLA's name, or a source or model some SLA watches (written as the SLA
   * writes it, {@code source:NAME} or a bare name).
   */
  private static Result freshness(Project project, String target) {
    List<Orchestration.Freshness> slas = project.orchestration().freshness();
    List<String> known = new ArrayList<>();
    for (Orchestration.Freshness sla : slas) {
      known.add(sla.name());
      known.add(sla.target());
      if (sla.name().equals(target)
          || Alerts.watched(project, sla.target()).equals(Alerts.watched(project, target))) {
        return new Result(target, Optional.empty());
      }
    }
    return new Result(
        target,
        Optional.of(
            slas.isEmpty()
                ? "target: the project declares no freshness SLA (freshness: in sluice.yaml), so"
                    + " kind freshness has nothing to watch"
                : "target: no freshness SLA is named '"
                    + target
                    + "' or watches it"
                    + DidYouMean.hint(target, known)));
  }

  private static Result runTrigger(Project project, String target) {
    if (TRIGGERS.contains(target)) {
      return new Result(target, Optional.empty());
    }
    List<String> schedules = new ArrayList<>();
    project.orchestration().schedules().forEach(s -> schedules.add("schedule:" + s.name()));
    if (schedules.contains(target)) {
      return new Result(target, Optional.empty());
    }
    List<String> known = new ArrayList<>(TRIGGERS);
    known.addAll(schedules);
    return new Result(
        target,
        Optional.of(
            "target: runs are started by "
                + String.join(", ", known)
                + ", not '"
                + target
                + "'"
                + DidYouMean.hint(target, known)));
  }
}
