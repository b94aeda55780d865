package io.sluice.core.project;

import io.sluice.api.SluiceException;
import io.sluice.config.ConfigValues;
import io.sluice.config.DidYouMean;
import io.sluice.core.config.OrchestrationSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the orchestration keys of {@code sluice.yaml} ({@link OrchestrationSpec}) and checks what
 * the types alone cannot: names are unique, a schedule says when it runs, its selectors and
 * triggers name what exists, an SLA has a limit and a target.
 */
final class OrchestrationReader {
  private OrchestrationReader() {}

  static Orchestration read(Path file, ConfigValues values, Project project, Problems problems) {
    Orchestration.Retries defaults = retries(values.get(OrchestrationSpec.RETRIES));
    List<ConfigValues> slaValues = values.get(OrchestrationSpec.FRESHNESS);
    List<String> slaNames = new ArrayList<>();
    List<Orchestration.Freshness> freshness = new ArrayList<>();
    for (ConfigValues sla : slaValues) {
      String name = sla.get(OrchestrationSpec.FRESHNESS_NAME);
      if (slaNames.contains(name)) {
        problems.add(
            Problems.at(file, sla.nodeOf(OrchestrationSpec.FRESHNESS_NAME)),
            "freshness: the name '" + name + "' is used twice");
      }
      slaNames.add(name);
      String target = sla.get(OrchestrationSpec.TARGET);
      checkTarget(project, target)
          .ifPresent(
              message ->
                  problems.add(
                      Problems.at(file, sla.nodeOf(OrchestrationSpec.TARGET)),
                      "freshness '" + name + "': " + message));
      if (!sla.isSet(OrchestrationSpec.MAX_AGE) && !sla.isSet(OrchestrationSpec.DEADLINE)) {
        problems.add(
            Problems.at(file, sla.anchor()),
            "freshness '" + name + "': set max-age (e.g. 2h), deadline (e.g. \"07:00\"), or both");
      }
      freshness.add(
          new Orchestration.Freshness(
              name,
              target,
              sla.find(OrchestrationSpec.MAX_AGE),
              sla.find(OrchestrationSpec.DEADLINE),
              sla.get(OrchestrationSpec.FRESHNESS_TIME_ZONE),
              sla.get(OrchestrationSpec.SEVERITY)));
    }

    List<ConfigValues> scheduleValues = values.get(OrchestrationSpec.SCHEDULES);
    Set<String> scheduleNames = new HashSet<>();
    scheduleValues.forEach(s -> scheduleNames.add(s.get(OrchestrationSpec.SCHEDULE_NAME)));
    Set<String> seen = new HashSet<>();
    List<Orchestration.Schedule> schedules = new ArrayList<>();
    for (ConfigValues schedule : scheduleValues) {
      String name = schedule.get(OrchestrationSpec.SCHEDULE_NAME);
      String where = "schedule '" + name + "': ";
      if (!seen.add(name)) {
        problems.add(
            Problems.at(file, schedule.nodeOf(OrchestrationSpec.SCHEDULE_NAME)),
            "schedules: the name '" + name + "' is used twice");
      }
      boolean cron = schedule.isSet(OrchestrationSpec.CRON_KEY);
      boolean interval = schedule.isSet(OrchestrationSpec.INTERVAL);
      List<Orchestration.Trigger> on = schedule.get(OrchestrationSpec.ON);
      if (cron && interval) {
        problems.add(
            Problems.at(file, schedule.nodeOf(OrchestrationSpec.INTERVAL)),
            where + "set cron or interval, not both");
      } else if (!cron && !interval && on.isEmpty()) {
        problems.add(
            Problems.at(file, schedule.anchor()),
            where + "say when it runs: cron (e.g. \"0 6 * * *\"), interval (e.g. 15m) or on");
      }
      if (interval && schedule.get(OrchestrationSpec.INTERVAL).isZero()) {
        problems.add(
            Problems.at(file, schedule.nodeOf(OrchestrationSpec.INTERVAL)),
            where + "interval must be longer than 0");
      }
      for (Orchestration.Trigger trigger : on) {
        Optional<String> problem =
            switch (trigger.kind()) {
              case NEW_DATA -> Optional.empty();
              case SUCCESS ->
                  trigger.target().equals(name)
                      ? Optional.of("a schedule cannot be triggered by its own success")
                      : scheduleNames.contains(trigger.target())
                          ? Optional.empty()
                          : Optional.of(
                              "on: no schedule is named '"
                                  + trigger.target()
                                  + "'"
                                  + DidYouMean.hint(trigger.target(), scheduleNames));
              case FRESHNESS_BREACH ->
                  slaNames.contains(trigger.target())
                      ? Optional.empty()
                      : Optional.of(
                          "on: no freshness SLA is named '"
                              + trigger.target()
                              + "'"
                              + DidYouMean.hint(trigger.target(), slaNames));
            };
        problem.ifPresent(
            message ->
                problems.add(
                    Problems.at(file, schedule.nodeOf(OrchestrationSpec.ON)), where + message));
      }
      List<String> select = schedule.get(OrchestrationSpec.SELECT);
      List<String> exclude = schedule.get(OrchestrationSpec.EXCLUDE);
      try {
        Selection.of(project, select, exclude);
      } catch (SluiceException e) {
        problems.add(
            Problems.at(
                file,
                schedule.isSet(OrchestrationSpec.SELECT)
                    ? schedule.nodeOf(OrchestrationSpec.SELECT)
                    : schedule.anchor()),
            where
                + e.getMessage().replace("--select ", "select ").replace("--exclude ", "exclude "));
      }
      schedules.add(
          new Orchestration.Schedule(
              name,
              select,
              exclude,
              schedule.find(OrchestrationSpec.CRON_KEY),
              schedule.get(OrchestrationSpec.TIME_ZONE),
              schedule.find(OrchestrationSpec.INTERVAL),
              on,
              Orchestration.CatchUp.parse(schedule.get(OrchestrationSpec.CATCH_UP)),
              schedule.get(OrchestrationSpec.MAX_CONCURRENT),
              schedule.find(OrchestrationSpec.TIMEOUT),
              schedule.get(OrchestrationSpec.JITTER),
              schedule.get(OrchestrationSpec.FULL_REFRESH),
              schedule.get(OrchestrationSpec.PAUSED),
              schedule
                  .find(OrchestrationSpec.SCHEDULE_RETRIES)
                  .map(OrchestrationReader::retries)
                  .orElse(defaults)));
    }
    return new Orchestration(
        schedules,
        defaults,
        freshness,
        values.get(OrchestrationSpec.HISTORY).get(OrchestrationSpec.RETENTION));
  }

  private static Orchestration.Retries retries(ConfigValues values) {
    return new Orchestration.Retries(
        values.get(OrchestrationSpec.MAX_ATTEMPTS),
        values.get(OrchestrationSpec.INITIAL_BACKOFF),
        values.get(OrchestrationSpec.MAX_BACKOFF),
        values.get(OrchestrationSpec.MULTIPLIER),
        values.get(OrchestrationSpec.BACKOFF_JITTER));
  }

  /** Why {@code target} names no source or model, if it does not. */
  private static Optional<String> checkTarget(Project project, String target) {
    if (target.startsWith("source:")) {
      String name = target.substring("source:".length());
      return project.source(name).isPresent()
          ? Optional.empty()
          : Optional.of(
              "no source is named '"
                  + name
                  + "'"
                  + DidYouMean.hint(
                      name, project.sources().stream().map(SourceDef::name).toList()));
    }
    if (project.model(target).isPresent() || project.source(target).isPresent()) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    project.models().forEach(m -> names.add(m.name()));
    project.sources().forEach(s -> names.add(s.name()));
    return Optional.of(
        "target: no model or source is named '" + target + "'" + DidYouMean.hint(target, names));
  }
}
