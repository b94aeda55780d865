package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.core.history.RunHistories;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunLookup;
import io.sluice.core.history.RunRecord;
import io.sluice.core.history.RunStep;
import io.sluice.core.project.Project;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice runs}: the run history. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description =
        "Show the run history: every run (sluice run, sluice serve's batches, schedules, backfills,"
            + " the REST API) with its attempts, steps and log excerpt. Kept in"
            + " <state-dir>/history.db for history.retention (default 30 days).",
    subcommands = {
      RunsCommand.ListCommand.class,
      RunsCommand.ShowCommand.class,
      RunsCommand.LogsCommand.class
    })
final class RunsCommand implements Runnable {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code sluice runs list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List runs, newest first: status, trigger, time, rows and quality.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin ProjectOptions options;
    @Spec CommandSpec spec;

    @Option(
        names = {"-n", "--limit"},
        paramLabel = "N",
        description = "Show at most N runs (default: ${DEFAULT-VALUE}).",
        defaultValue = "20")
    int limit;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description =
            "Only runs of this status: queued, running, ok, checks-failed, tests-failed,"
                + " quality-failed, failed, cancelled.")
    String status;

    @Option(
        names = "--trigger",
        paramLabel = "PREFIX",
        description =
            "Only runs whose trigger starts with this: manual (sluice run), serve, api,"
                + " schedule:NAME (or schedule: for all schedules), backfill:ID.")
    String trigger = "";

    @Option(
        names = {"-f", "--format"},
        description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
        defaultValue = "table")
    QualityCommand.OutputFormat format;

    @Override
    public Integer call() throws IOException {
      if (limit < 1) {
        throw SluiceException.user("--limit must be at least 1, got %d", limit);
      }
      Optional<RunStatus> wanted = Optional.ofNullable(status).map(RunsCommand::status);
      Project project = options.load();
      PrintWriter out = spec.commandLine().getOut();
      List<RunRecord> runs;
      try (RunHistory history = RunHistories.open(project)) {
        runs = history.list(limit, trigger, wanted);
      }
      if (format == QualityCommand.OutputFormat.json) {
        out.println(
            Format.json()
                .writeValueAsString(runs.stream().map(r -> RunJson.run(r, false)).toList()));
        out.flush();
        return 0;
      }
      if (runs.isEmpty()) {
        out.println(
            status == null && trigger.isEmpty()
                ? "(no runs yet: try `sluice run`)"
                : "(no run matches --status/--trigger)");
        out.flush();
        return 0;
      }
      TextTable table =
          new TextTable(
              List.of(
                  "run",
                  "created",
                  "trigger",
                  "status",
                  "attempts",
                  "time",
                  "rows read",
                  "landed",
                  "quarantined",
                  "quality",
                  "error"));
      for (RunRecord run : runs) {
        Optional<RunSummary> summary = lastSummary(run);
        table.add(
            List.of(
                run.id(),
                time(run.createdAt()),
                run.request().trigger(),
                run.status().label(),
                Integer.toString(run.attempts().size()),
                duration(run),
                summary.map(s -> Format.count(s.rowsRead())).orElse("-"),
                summary.map(s -> Format.count(s.rowsValid())).orElse("-"),
                summary.map(s -> Format.count(s.rowsQuarantined())).orElse("-"),
                summary
                    .filter(s -> s.rowsRead() > 0)
                    .map(s -> Format.percent(s.score()))
                    .orElse("-"),
                firstLine(lastAttempt(run).map(RunRecord.Attempt::error).orElse(""), 60)));
      }
      table.print(out);
      return 0;
    }
  }

  /** {@code sluice runs show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show one run: what was asked, each attempt with its status, error and category, and"
              + " each step (source batch, model build, test) with its time, rows and quality;"
              + " with --timings, what each step cost.")
  static final class ShowCommand implements Callable<Integer> {
    @Mixin ProjectOptions options;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "ID",
        description = "The run's id (as sluice runs list shows it), or the start of it.")
    String id;

    @Option(
        names = {"-f", "--format"},
        description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
        defaultValue = "table")
    QualityCommand.OutputFormat format;

    @Option(
        names = "--timings",
        description =
            "Also show each attempt's step timings, as sluice run --timings prints them (the"
                + " JSON format always holds them).")
    boolean timings;

    @Override
    public Integer call() throws IOException {
      Project project = options.load();
      PrintWriter out = spec.commandLine().getOut();
      RunRecord run;
      try (RunHistory history = RunHistories.open(project)) {
        run = RunLookup.require(history, id);
      }
      if (format == QualityCommand.OutputFormat.json) {
        out.println(Format.json().writeValueAsString(RunJson.run(run, true)));
        out.flush();
        return 0;
      }
      show(out, run, timings);
      return 0;
    }
  }

  /** {@code sluice runs logs ID}. */
  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description =
          "Print the log excerpt of each attempt of a run: its sources, schema drift, models,"
              + " tests and error, the last 200 lines of each.")
  static final class LogsCommand implements Callable<Integer> {
    @Mixin ProjectOptions options;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "ID",
        description = "The run's id (as sluice runs list shows it), or the start of it.")
    String id;

    @Override
    public Integer call() {
      Project project = options.load();
      PrintWriter out = spec.commandLine().getOut();
      RunRecord run;
      try (RunHistory history = RunHistories.open(project)) {
        run = RunLookup.require(history, id);
      }
      for (RunRecord.Attempt attempt : run.attempts()) {
        out.printf("== run %s, attempt %d (%s) ==%n", run.id(), attempt.number(), attempt.status());
        out.print(attempt.log().isEmpty() ? "(no log kept for this attempt)\n" : attempt.log());
      }
      if (run.attempts().isEmpty()) {
        out.println("(run " + run.id() + " has no attempt yet: it is " + run.status() + ")");
      }
      out.flush();
      return 0;
    }
  }

  private static void show(PrintWriter out, RunRecord run, boolean timings) {
    out.printf("run %s: %s%n", run.id(), run.status());
    TextTable request = new TextTable(List.of("", ""));
    request.add(List.of("trigger", run.request().trigger()));
    request.add(
        List.of(
            "select",
            run.request().select().isEmpty()
                ? "the whole project"
                : String.join(" ", run.request().select())));
    if (!run.request().exclude().isEmpty()) {
      request.add(List.of("exclude", String.join(" ", run.request().exclude())));
    }
    if (run.request().fullRefresh()) {
      request.add(List.of("full refresh", "yes"));
    }
    run.request()
        .window()
        .ifPresent(w -> request.add(List.of("window", w.start() + " to " + w.end())));
    request.add(List.of("created", time(run.createdAt()) + " UTC"));
    request.add(
        List.of(
            "ended",
            run.endedAt().map(e -> time(e) + " UTC (" + duration(run) + ")").orElse("not yet")));
    for (String line : rows(request)) {
      out.println("  " + line);
    }
    for (RunRecord.Attempt attempt : run.attempts()) {
      out.println();
      out.printf(
          "attempt %d: %s, started %s UTC, %s%n",
          attempt.number(),
          attempt.status(),
          time(attempt.startedAt()),
          attempt
              .endedAt()
              .map(
                  e ->
                      "took "
                          + Format.seconds(e.toEpochMilli() - attempt.startedAt().toEpochMilli()))
              .orElse("still running"));
      if (!attempt.error().isEmpty()) {
        String category =
            attempt
                .errorCategory()
                .map(
                    c ->
                        " ("
                            + c.name().toLowerCase(java.util.Locale.ROOT)
                            + (c.retryable() ? ", a retry may succeed" : ", not retried")
                            + ")")
                .orElse("");
        out.println("  error" + category + ": " + attempt.error().replace("\n", "\n    "));
      }
      List<RunStep> steps = attempt.summary().map(RunStep::of).orElse(List.of());
      if (steps.isEmpty()) {
        out.println("  (no step " + (attempt.status().finished() ? "finished)" : "finished yet)"));
      } else {
        steps(out, steps);
      }
      if (timings) {
        out.println();
        // An attempt that failed before it had a summary measured nothing worth keeping: say so
        // rather than leave the asked-for table out without a word.
        TimingsTable.print(out, attempt.summary().map(RunSummary::timings).orElse(List.of()), "  ");
      }
    }
    out.println();
    out.println("log excerpt: sluice runs logs " + run.id());
    out.flush();
  }

  /** The steps of an attempt, then the errors of those that failed. */
  private static void steps(PrintWriter out, List<RunStep> steps) {
    TextTable table =
        new TextTable(
            List.of(
                "step",
                "name",
                "status",
                "time",
                "rows read",
                "landed/rows",
                "quarantined",
                "quality",
                "detail"));
    for (RunStep step : steps) {
      table.add(
          List.of(
              step.kind().label(),
              step.name(),
              step.status(),
              step.kind() == RunStep.Kind.TEST ? "-" : Format.seconds(step.millis()),
              count(step.rowsRead()),
              count(step.rowsLanded()),
              count(step.rowsQuarantined()),
              step.qualityScore().isPresent()
                  ? Format.percent(step.qualityScore().getAsDouble())
                  : "-",
              step.detail()));
    }
    for (String line : rows(table)) {
      out.println("  " + line);
    }
    for (RunStep step : steps) {
      if (!step.error().isEmpty()) {
        out.println("  " + step.kind().label() + " " + step.name() + ": " + step.error());
      }
    }
  }

  /** A table's lines without its header and rule (a key/value listing). */
  private static List<String> rows(TextTable table) {
    java.io.StringWriter text = new java.io.StringWriter();
    table.print(new PrintWriter(text));
    List<String> lines = new ArrayList<>(Arrays.asList(text.toString().split("\n")));
    boolean keyValue = lines.get(0).isBlank();
    return keyValue ? lines.subList(2, lines.size()) : lines;
  }

  private static String count(long n) {
    return n < 0 ? "-" : Format.count(n);
  }

  static RunStatus status(String label) {
    try {
      return RunStatus.of(label);
    } catch (SluiceException e) {
      throw SluiceException.user(
          "--status %s is not a run status; use one of %s",
          label,
          String.join(", ", Arrays.stream(RunStatus.values()).map(RunStatus::label).toList()));
    }
  }

  /** The last attempt of a run, if it has one. */
  static Optional<RunRecord.Attempt> lastAttempt(RunRecord run) {
    return run.attempts().isEmpty()
        ? Optional.empty()
        : Optional.of(run.attempts().get(run.attempts().size() - 1));
  }

  /** What the run's last attempt did, once it ended. */
  static Optional<RunSummary> lastSummary(RunRecord run) {
    return lastAttempt(run).flatMap(RunRecord.Attempt::summary);
  }

  /** {@code 2026-12-03 03:49:33}, in UTC. */
  static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** How long the run took, from its creation to its end, or {@code -} while it runs. */
  static String duration(RunRecord run) {
    return run.endedAt()
        .map(e -> Format.seconds(e.toEpochMilli() - run.createdAt().toEpochMilli()))
        .orElse("-");
  }

  private static String firstLine(String text, int max) {
    String line = text.lines().findFirst().orElse("");
    return line.length() <= max ? line : line.substring(0, max - 3) + "...";
  }
}
