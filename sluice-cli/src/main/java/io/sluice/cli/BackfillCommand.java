package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.core.project.Project;
import io.sluice.core.run.BackfillListener;
import io.sluice.core.run.BackfillRecord;
import io.sluice.core.run.BackfillRequest;
import io.sluice.core.run.Backfills;
import io.sluice.core.run.ProjectCheck;
import io.sluice.core.run.ProjectRuntime;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice backfill}: reprocess the event-time partitions of a range of days. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Reprocess days of event time after a fix: for each selected source and day (UTC), derive",
      "the day's rows again from the raw records with the current declaration, functions and",
      "rules, and replace the day's clean partition with them in one commit (rows the rules now",
      "reject are quarantined, quarantined rows that now pass leave quarantine); then rebuild",
      "the selected models whole. Each day is done exactly once; the progress is recorded in",
      "<state-dir>/backfills/ID.json, and running the same command again (or --resume ID)",
      "continues where a failed or killed backfill stopped. See docs/orchestration.md."
    })
final class BackfillCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "DAY",
      description = "First day to reprocess, YYYY-MM-DD (UTC, included).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "DAY",
      description = "Last day to reprocess, YYYY-MM-DD (UTC, included).")
  String to;

  @Option(
      names = {"-s", "--select"},
      paramLabel = "SELECTOR",
      description = {
        "Backfill only these sources and models (repeatable; same syntax as `sluice run`:",
        "NAME, source:NAME, tag:NAME, NAME+, +NAME). Without it, every source and model; every",
        "selected source must declare an event-time."
      })
  List<String> select = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "SELECTOR",
      description = "Leave these out of what --select picks (same syntax; repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description = {
        "missing (default): the days this backfill has not done yet (a re-run resumes);",
        "failed: only the days whose last attempt failed; all: every day again (a new round)."
      },
      defaultValue = "missing")
  String mode;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Process N days at once (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int parallel;

  @Option(
      names = "--dry-run",
      description =
          "Print the plan (each source and day, its status, the files and rows it holds now, the"
              + " raw records derived again; the models rebuilt) and write nothing.")
  boolean dryRun;

  @Option(
      names = "--resume",
      paramLabel = "ID",
      description =
          "Continue backfill ID (as printed, e.g. bf-20240101-20240107) with its days and"
              + " selectors, instead of giving --from, --to and --select again.")
  String resume;

  @Option(
      names = "--progress",
      description = "Show a progress bar: auto (when the output is a terminal), always, never.",
      defaultValue = "auto")
  String progress;

  @Override
  public Integer call() {
    Project project = options.load();
    ProjectOptions.printWarnings(project, spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    ProjectCheck.verify(project);
    try (ProjectRuntime runtime = ProjectRuntime.open(project, dryRun)) {
      Backfills backfills = new Backfills(runtime, Clock.systemUTC());
      BackfillRequest request = request(backfills);
      if (dryRun) {
        printPlan(out, backfills.plan(request));
        return 0;
      }
      boolean bar =
          progress.equals("always") || (progress.equals("auto") && System.console() != null);
      BackfillRecord record = backfills.run(request, new Bar(spec.commandLine().getErr(), bar));
      printRecord(out, record);
      return record.status().equals(BackfillRecord.OK) ? 0 : Main.CHECKS_FAILED;
    }
  }

  private BackfillRequest request(Backfills backfills) {
    BackfillRequest.Mode parsedMode = BackfillRequest.Mode.parse(mode);
    if (resume != null) {
      if (from != null || to != null || !select.isEmpty() || !exclude.isEmpty()) {
        throw SluiceException.user(
            "--resume %s continues a backfill with its own days and selectors: give no --from,"
                + " --to, --select or --exclude with it",
            resume);
      }
      BackfillRecord record =
          backfills
              .status(resume)
              .orElseThrow(
                  () ->
                      SluiceException.user(
                          "No backfill '%s' in this project%s",
                          resume,
                          io.sluice.config.DidYouMean.hint(
                              resume, backfills.list().stream().map(BackfillRecord::id).toList())));
      return new BackfillRequest(
          LocalDate.parse(record.from()),
          LocalDate.parse(record.to()),
          record.select(),
          record.exclude(),
          parsedMode,
          parallel);
    }
    if (from == null || to == null) {
      throw SluiceException.user(
          "sluice backfill needs --from and --to (days, YYYY-MM-DD), or --resume ID");
    }
    return new BackfillRequest(
        BackfillRequest.day("--from", from),
        BackfillRequest.day("--to", to),
        select,
        exclude,
        parsedMode,
        parallel);
  }

  private static void printPlan(PrintWriter out, Backfills.Plan plan) {
    out.println("backfill " + plan.id() + " (dry run: nothing is written)");
    TextTable table =
        new TextTable(List.of("target", "day", "status", "action", "files", "rows", "raw records"));
    long redo = 0;
    for (Backfills.PlannedStep step : plan.steps()) {
      redo += step.redo() ? 1 : 0;
      boolean models = step.target().equals(BackfillRecord.Step.MODELS);
      table.add(
          List.of(
              step.target(),
              models ? "-" : step.partition(),
              step.status(),
              step.redo() ? (models ? "rebuild" : "replace") : "skip",
              models ? "-" : Format.count(step.files()),
              models ? "-" : Format.count(step.rows()),
              models ? "-" : Format.count(step.rawRecords())));
    }
    table.print(out);
    if (!plan.models().isEmpty()) {
      out.println("models rebuilt whole: " + String.join(", ", plan.models()));
    }
    out.println(redo + " of " + plan.steps().size() + " steps would run");
  }

  private static void printRecord(PrintWriter out, BackfillRecord record) {
    TextTable table =
        new TextTable(
            List.of("target", "day", "status", "rows before", "rows after", "quarantined", "left"));
    for (BackfillRecord.Step step : record.steps()) {
      boolean models = step.models();
      table.add(
          List.of(
              step.target(),
              models ? "-" : step.partition(),
              step.status(),
              models ? "-" : Format.count(step.rowsRemoved()),
              models ? Format.count(step.rowsAdded()) + " models" : Format.count(step.rowsAdded()),
              models ? "-" : Format.count(step.rowsQuarantined()),
              models ? "-" : Format.count(step.rowsResolved())));
    }
    out.println();
    table.print(out);
    for (BackfillRecord.Step step : record.steps()) {
      if (step.failed()) {
        out.println("FAILED " + step.key() + ": " + step.error());
      }
    }
    out.printf(
        "%nbackfill %s (round %d): %s, %d of %d steps done%s%n",
        record.id(),
        record.round(),
        record.status(),
        record.done(),
        record.steps().size(),
        record.status().equals(BackfillRecord.OK)
            ? ""
            : "; run the same command again (or sluice backfill --resume "
                + record.id()
                + ") to continue");
  }

  /** A one-line progress bar, redrawn as steps finish. */
  private static final class Bar implements BackfillListener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean enabled;

    Bar(PrintWriter err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    @Override
    public void started(BackfillRecord record, int toDo) {
      if (enabled) {
        err.printf("backfill %s: %d of %d steps to do%n", record.id(), toDo, record.steps().size());
      }
    }

    @Override
    public void stepFinished(BackfillRecord.Step step, int finished, int toDo) {
      if (!enabled) {
        return;
      }
      int filled = toDo == 0 ? WIDTH : finished * WIDTH / toDo;
      err.printf(
          "\r[%s%s] %d/%d %s %s   ",
          "#".repeat(filled),
          ".".repeat(WIDTH - filled),
          finished,
          toDo,
          step.key(),
          step.status());
      if (finished == toDo) {
        err.println();
      }
      err.flush();
    }
  }
}
