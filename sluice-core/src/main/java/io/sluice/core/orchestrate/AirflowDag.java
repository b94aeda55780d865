package io.sluice.core.orchestrate;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.config.ConfigType;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Orchestration;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A project as an Airflow 2 DAG file ({@code sluice export airflow}), whose tasks call the {@code
 * sluice} CLI, so that a team on Airflow can move to Sluice step by step.
 *
 * <p><b>With schedules</b>, each schedule that has a {@code cron} or an {@code interval} becomes a
 * DAG of its own ({@code DAGID_SCHEDULE}, as Airflow gives a DAG one schedule), whose first task
 * runs the schedule's selection; the schedules triggered by its success ({@code on:
 * [success:NAME]}, transitively) follow as downstream tasks. A schedule with only {@code new-data}
 * or {@code freshness-breach} triggers, which Airflow cannot watch, becomes a DAG without a
 * schedule, to trigger by hand or from a sensor.
 *
 * <p><b>Without schedules</b>, one DAG {@code DAGID} without a schedule has a task per source and a
 * task per model, with the project's dependencies as edges (a source before the models that read
 * it, a model before those that ref it): Airflow then shows, times and retries every step, and a
 * team can replace a task of its old pipeline by one Sluice step at a time.
 *
 * <p>Each DAG is its own module-level variable ({@code dag_SCHEDULE}), so that Airflow finds all of
 * them. Every DAG runs one task at a time and one run at a time: a Sluice run holds the project's
 * run lock. Tasks are retried as the project's (or schedule's) {@code retries} say, but Airflow
 * retries every failure, not only transient ones. The output depends only on the project and the
 * options: the same input gives the same file.
 */
public final class AirflowDag {
  private AirflowDag() {}

  /**
   * How the file is written.
   *
   * @param dagId the DAG's id, or the prefix of the DAGs' ids when there are schedules
   * @param sluiceCommand how a worker calls sluice (a command, possibly with arguments)
   * @param projectDirectory the project folder as the workers see it
   * @param startDate the DAGs' {@code start_date} (a day, in each DAG's time zone)
   * @param pool the Airflow pool of every task, if any
   * @param command the command line that wrote the file, for its header
   */
  public record Options(
      String dagId,
      String sluiceCommand,
      Path projectDirectory,
      LocalDate startDate,
      Optional<String> pool,
      String command) {
    public Options {
      requireNonNull(dagId, "dagId is null");
      if (!dagId.matches("[A-Za-z0-9_.-]+")) {
        throw SluiceException.user(
            "Cannot use '%s' as an Airflow DAG id: use letters, digits, _, . and - only", dagId);
      }
      requireNonNull(sluiceCommand, "sluiceCommand is null");
      requireNonNull(projectDirectory, "projectDirectory is null");
      requireNonNull(startDate, "startDate is null");
      requireNonNull(pool, "pool is null");
      requireNonNull(command, "command is null");
    }
  }

  /** One task: its id, what it selects, its retries and timeout. */
  private record Task(
      String id,
      List<String> arguments,
      Orchestration.Retries retries,
      Optional<Duration> timeout,
      String comment) {}

  /** One DAG: its Python variable, id, schedule (a Python expression), settings and tasks. */
  private record Dag(
      String variable,
      String id,
      String description,
      String schedule,
      ZoneId timeZone,
      boolean catchUp,
      boolean paused,
      List<String> comments,
      List<Task> tasks,
      List<String[]> edges) {}

  /** The DAG file for {@code project}. */
  public static String render(Project project, Options options) {
    List<Dag> dags =
        project.orchestration().schedules().isEmpty()
            ? List.of(perStep(project, options))
            : perSchedule(project, options);
    StringBuilder py = new StringBuilder();
    header(py, project, options);
    for (Dag dag : dags) {
      dag(py, dag, options);
    }
    return py.toString();
  }

  private static Dag perStep(Project project, Options options) {
    Orchestration.Retries retries = project.orchestration().retries();
    List<Task> tasks = new ArrayList<>();
    List<String[]> edges = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      tasks.add(
          new Task(
              "source_" + source.name(),
              List.of("--select", "source:" + source.name()),
              retries,
              Optional.empty(),
              ""));
    }
    for (ModelDef model : project.models()) {
      tasks.add(
          new Task(
              "model_" + model.name(),
              List.of("--select", model.name()),
              retries,
              Optional.empty(),
              ""));
      model
          .sources()
          .forEach(s -> edges.add(new String[] {"source_" + s, "model_" + model.name()}));
      model.refs().forEach(r -> edges.add(new String[] {"model_" + r, "model_" + model.name()}));
    }
    return new Dag(
        "dag",
        options.dagId(),
        "Sluice project " + project.name() + ": every source and model, in dependency order",
        "None",
        ZoneId.of("UTC"),
        false,
        false,
        List.of(
            "The project declares no schedules: this DAG runs when triggered. Set schedule=,"
                + " or declare schedules in sluice.yaml and export again."),
        tasks,
        edges);
  }

  private static List<Dag> perSchedule(Project project, Options options) {
    List<Orchestration.Schedule> schedules = project.orchestration().schedules();
    Map<String, List<String>> followers = new LinkedHashMap<>();
    schedules.forEach(s -> followers.put(s.name(), new ArrayList<>()));
    for (Orchestration.Schedule schedule : schedules) {
      for (Orchestration.Trigger trigger : schedule.on()) {
        if (trigger.kind() == Orchestration.Trigger.Kind.SUCCESS) {
          followers.get(trigger.target()).add(schedule.name());
        }
      }
    }
    List<Dag> dags = new ArrayList<>();
    for (Orchestration.Schedule root : schedules) {
      boolean timed = root.cron().isPresent() || root.interval().isPresent();
      boolean successOnly =
          !root.on().isEmpty()
              && root.on().stream().allMatch(t -> t.kind() == Orchestration.Trigger.Kind.SUCCESS);
      if (!timed && successOnly) {
        continue; // only ever runs after another schedule: a task in that schedule's DAG
      }
      Set<String> members = new LinkedHashSet<>();
      List<String[]> edges = new ArrayList<>();
      List<String> comments = new ArrayList<>();
      Deque<String> queue = new ArrayDeque<>(List.of(root.name()));
      members.add(root.name());
      while (!queue.isEmpty()) {
        String upstream = queue.removeFirst();
        for (String follower : followers.get(upstream)) {
          if (follower.equals(root.name()) || reaches(edges, follower, upstream)) {
            continue; // an edge back would make a cycle, which Airflow refuses
          }
          if (project.orchestration().schedule(follower).orElseThrow().paused()) {
            String note =
                "Schedule "
                    + follower
                    + " follows "
                    + upstream
                    + " but is paused: not exported; export again after resuming it.";
            if (!comments.contains(note)) {
              comments.add(note);
            }
            continue;
          }
          edges.add(new String[] {upstream, follower});
          if (members.add(follower)) {
            queue.addLast(follower);
          }
        }
      }
      List<Task> tasks = new ArrayList<>();
      for (String name : members) {
        tasks.add(task(project.orchestration().schedule(name).orElseThrow()));
      }
      String schedule;
      if (root.cron().isPresent()) {
        schedule = literal(root.cron().get());
      } else if (root.interval().isPresent()) {
        schedule = "timedelta(seconds=" + root.interval().get().getSeconds() + ")";
      } else {
        schedule = "None";
        comments.add(
            "Sluice runs "
                + root.name()
                + " on "
                + String.join(", ", root.on().stream().map(Object::toString).toList())
                + ", which Airflow cannot watch: trigger this DAG by hand or from a sensor.");
      }
      if (!root.jitter().isZero()) {
        comments.add(
            "jitter "
                + ConfigType.formatDuration(root.jitter())
                + " is not exported: Airflow has"
                + " no start jitter.");
      }
      if (root.catchUp() == Orchestration.CatchUp.SKIP) {
        comments.add(
            "catch-up skip is exported as catchup=False, which still runs the latest missed"
                + " interval.");
      }
      dags.add(
          new Dag(
              "dag_" + root.name(),
              options.dagId() + "_" + root.name(),
              "Sluice project " + project.name() + ", schedule " + root.name(),
              schedule,
              root.cron().isPresent() ? root.timeZone() : ZoneId.of("UTC"),
              root.catchUp() == Orchestration.CatchUp.ALL,
              root.paused(),
              comments,
              tasks,
              edges));
    }
    return dags;
  }

  /** Whether {@code edges} lead from {@code from} to {@code to}. */
  private static boolean reaches(List<String[]> edges, String from, String to) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> queue = new ArrayDeque<>(List.of(from));
    while (!queue.isEmpty()) {
      String node = queue.removeFirst();
      if (node.equals(to)) {
        return true;
      }
      if (seen.add(node)) {
        for (String[] edge : edges) {
          if (edge[0].equals(node)) {
            queue.addLast(edge[1]);
          }
        }
      }
    }
    return false;
  }

  private static Task task(Orchestration.Schedule schedule) {
    List<String> arguments = new ArrayList<>();
    schedule.select().forEach(s -> arguments.addAll(List.of("--select", s)));
    schedule.exclude().forEach(s -> arguments.addAll(List.of("--exclude", s)));
    if (schedule.fullRefresh()) {
      arguments.add("--full-refresh");
    }
    return new Task(
        schedule.name(),
        arguments,
        schedule.retries(),
        schedule.timeout(),
        schedule.select().isEmpty() ? "the whole project" : String.join(" ", schedule.select()));
  }

  private static void header(StringBuilder py, Project project, Options options) {
    py.append("# Generated by Sluice from the project ")
        .append(project.name())
        .append(" with:\n#   ")
        .append(options.command().replace("\n", " "))
        .append("\n");
    for (String line :
        List.of(
            "Do not edit: export again after changing the project's schedules, sources or models.",
            "",
            "Every task calls the sluice CLI (SLUICE below), which the Airflow workers must have, on",
            "the project folder PROJECT_DIR. A Sluice run holds the project's run lock, so each DAG",
            "runs one task and one run at a time; to keep the DAGs of one project apart too, create",
            "a pool with one slot (airflow pools set NAME 1 sluice) and export with --pool NAME.",
            "Airflow retries every failed task; Sluice's own scheduler retries only transient",
            "failures.")) {
      py.append(line.isEmpty() ? "#" : "# " + line).append("\n");
    }
    py.append("\"\"\"Airflow DAGs that run the Sluice project ")
        .append(project.name())
        .append(".\"\"\"\n\n");
    py.append("import shlex\n")
        .append("from datetime import timedelta\n\n")
        .append("import pendulum\n")
        .append("from airflow import DAG\n")
        .append("from airflow.operators.bash import BashOperator\n\n");
    py.append("SLUICE = ").append(literal(options.sluiceCommand())).append("\n");
    py.append("PROJECT_DIR = ").append(literal(options.projectDirectory().toString())).append("\n");
    py.append("POOL = ")
        .append(options.pool().map(AirflowDag::literal).orElse("None"))
        .append("\n");
    py.append("\n\n")
        .append("def sluice_run(*arguments):\n")
        .append("    \"\"\"The shell command of one `sluice run` on the project.\n\n")
        .append(
            "    It ends in a space: Airflow reads a command ending in .sh as a template file.\n")
        .append("    \"\"\"\n")
        .append("    words = [SLUICE, \"run\", \"--project\", shlex.quote(PROJECT_DIR)]\n")
        .append("    words += [shlex.quote(a) for a in arguments]\n")
        .append("    return \" \".join(words) + \" \"\n");
  }

  private static void dag(StringBuilder py, Dag dag, Options options) {
    py.append("\n\n");
    for (String comment : dag.comments()) {
      py.append("# ").append(comment).append("\n");
    }
    LocalDate start = options.startDate();
    py.append("with DAG(\n")
        .append("    dag_id=")
        .append(literal(dag.id()))
        .append(",\n")
        .append("    description=")
        .append(literal(dag.description()))
        .append(",\n")
        .append("    schedule=")
        .append(dag.schedule())
        .append(",\n")
        .append("    start_date=pendulum.datetime(")
        .append(start.getYear())
        .append(", ")
        .append(start.getMonthValue())
        .append(", ")
        .append(start.getDayOfMonth())
        .append(", tz=")
        .append(literal(dag.timeZone().getId()))
        .append("),\n")
        .append("    catchup=")
        .append(dag.catchUp() ? "True" : "False")
        .append(",\n")
        .append("    max_active_runs=1,\n")
        .append("    max_active_tasks=1,\n")
        .append("    is_paused_upon_creation=")
        .append(dag.paused() ? "True" : "False")
        .append(",\n")
        .append("    tags=[\"sluice\"],\n")
        .append(") as ")
        .append(dag.variable())
        .append(":\n");
    for (Task task : dag.tasks()) {
      Orchestration.Retries retries = task.retries();
      if (!task.comment().isEmpty()) {
        py.append("    # ").append(task.comment()).append("\n");
      }
      py.append("    ")
          .append(variable(task.id()))
          .append(" = BashOperator(\n")
          .append("        task_id=")
          .append(literal(task.id()))
          .append(",\n")
          .append("        bash_command=sluice_run(")
          .append(String.join(", ", task.arguments().stream().map(AirflowDag::literal).toList()))
          .append("),\n")
          .append("        retries=")
          .append(retries.maxAttempts() - 1)
          .append(",\n")
          .append("        retry_delay=timedelta(seconds=")
          .append(retries.initialBackoff().getSeconds())
          .append("),\n")
          .append("        retry_exponential_backoff=")
          .append(retries.multiplier() > 1 ? "True" : "False")
          .append(",\n")
          .append("        max_retry_delay=timedelta(seconds=")
          .append(retries.maxBackoff().getSeconds())
          .append("),\n");
      task.timeout()
          .ifPresent(
              timeout ->
                  py.append("        execution_timeout=timedelta(seconds=")
                      .append(timeout.getSeconds())
                      .append("),\n"));
      py.append("        pool=POOL,\n").append("    )\n");
    }
    if (!dag.edges().isEmpty()) {
      py.append("\n");
    }
    for (String[] edge : dag.edges()) {
      py.append("    ")
          .append(variable(edge[0]))
          .append(" >> ")
          .append(variable(edge[1]))
          .append("\n");
    }
  }

  /** The Python variable of a task: its id is an identifier, and the prefix avoids keywords. */
  private static String variable(String taskId) {
    return "t_" + taskId;
  }

  /** A Python string literal. */
  static String literal(String text) {
    StringBuilder literal = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> literal.append("\\\\");
        case '"' -> literal.append("\\\"");
        case '\n' -> literal.append("\\n");
        case '\r' -> literal.append("\\r");
        case '\t' -> literal.append("\\t");
        default -> {
          if (c < 0x20) {
            literal.append(String.format("\\x%02x", (int) c));
          } else {
            literal.append(c);
          }
        }
      }
    }
    return literal.append('"').toString();
  }
}
