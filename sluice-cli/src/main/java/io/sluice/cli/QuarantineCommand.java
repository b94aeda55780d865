package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.QuarantineQueries;
import io.sluice.core.run.QuarantineReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice quarantine}: what was quarantined, and why. */
@Command(
    name = "quarantine",
    mixinStandardHelpOptions = true,
    description =
        "Show quarantined records (counts per source and rule, or the records themselves), or"
            + " replay them after a fix.",
    subcommands = {
      QuarantineCommand.ListCommand.class,
      QuarantineCommand.ShowCommand.class,
      QuarantineCommand.ReplayCommand.class
    })
final class QuarantineCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code sluice quarantine list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Quarantined records per source and failed rule.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin ProjectOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Project project = options.load();
      Optional<String> counts =
          QuarantineQueries.counts(project.sources().stream().map(SourceDef::name).toList());
      if (counts.isEmpty()) {
        spec.commandLine().getOut().println("(the project has no sources)");
        return 0;
      }
      try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
        Readers.notice(spec.commandLine().getErr(), runtime.engine().snapshotTime());
        QueryResult result = runtime.engine().query(counts.get(), 10_000);
        QueryCommand.print(spec.commandLine().getOut(), result, QueryCommand.OutputFormat.table);
      } catch (SluiceException e) {
        throw notRunYet(e);
      }
      return 0;
    }
  }

  /** {@code sluice quarantine show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "The quarantined records of a source: batch, ingest time, file, line, failed rules,"
              + " record.")
  static final class ShowCommand implements Callable<Integer> {
    @Mixin ProjectOptions options;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The source.")
    String source;

    @Option(
        names = "--rule",
        description =
            "Only records that failed this rule, named as `quarantine list` prints it"
                + " (range(amount)), or every column's (range).")
    String rule;

    @Option(
        names = "--limit",
        description = "At most this many records (default: ${DEFAULT-VALUE}).",
        defaultValue = "20")
    int limit;

    @Option(
        names = {"-f", "--format"},
        description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
        defaultValue = "table")
    QueryCommand.OutputFormat format;

    @Override
    public Integer call() throws IOException {
      Project project = options.load();
      if (project.source(source).isEmpty()) {
        throw SluiceException.user(
            "No source '%s' in the project%s",
            source,
            io.sluice.config.DidYouMean.hint(
                source, project.sources().stream().map(SourceDef::name).toList()));
      }
      try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
        Readers.notice(spec.commandLine().getErr(), runtime.engine().snapshotTime());
        if (rule != null) {
          requireKnownRule(runtime, project.source(source).get(), rule);
        }
        QuarantineQueries.Filter filter =
            new QuarantineQueries.Filter(
                source,
                Optional.ofNullable(rule),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        QueryResult result =
            runtime
                .engine()
                .query(
                    QuarantineQueries.records(
                        filter,
                        runtime.lake().load(new TableId(LakeLayout.QUARANTINE, source)),
                        Math.max(0, limit),
                        0),
                    Math.max(0, limit));
        QueryCommand.print(spec.commandLine().getOut(), result, format);
      } catch (SluiceException e) {
        throw notRunYet(e);
      }
      return 0;
    }
  }

  /** {@code sluice quarantine replay}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Validate the quarantined records of a source again with its current functions, mapping",
        "and rules: land those that now pass in clean (once: a second replay finds them landed),",
        "leave the others in quarantine. Models are rebuilt by the next `sluice run`."
      })
  static final class ReplayCommand implements Callable<Integer> {
    @Mixin ProjectOptions options;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The source.")
    String source;

    @Option(
        names = "--rule",
        description =
            "Only records that failed this rule, named as `quarantine list` prints it"
                + " (range(amount)), or every column's (range).")
    String rule;

    @Option(
        names = "--dry-run",
        description = "Show what would land and what would stay; commit nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      Project project = options.load();
      QuarantineReplay.Result result;
      try (ProjectRuntime runtime = ProjectRuntime.open(project, false)) {
        result = runtime.replay(Clock.systemUTC(), source, Optional.ofNullable(rule), dryRun);
      }
      PrintWriter out = spec.commandLine().getOut();
      TextTable table =
          new TextTable(
              List.of("source", "batch", "replayed", "landed", "still quarantined", "time"));
      table.add(
          List.of(
              result.source(),
              result.batchId().isEmpty() ? "-" : result.batchId(),
              Format.count(result.replayed()),
              Format.count(result.landed()),
              Format.count(result.stillQuarantined()),
              Format.seconds(result.millis())));
      out.println();
      table.print(out);
      if (!result.failuresByRule().isEmpty()) {
        StringBuilder rules = new StringBuilder();
        result
            .failuresByRule()
            .forEach(
                (name, count) ->
                    rules
                        .append(rules.length() == 0 ? "" : ", ")
                        .append(name)
                        .append(" ")
                        .append(Format.count(count)));
        out.println("still failing in " + result.source() + ": " + rules);
      }
      out.println();
      if (result.dryRun()) {
        out.printf(
            "dry run: %s of %s quarantined records would land, %s would stay; nothing committed%n",
            Format.count(result.landed()),
            Format.count(result.replayed()),
            Format.count(result.stillQuarantined()));
      } else if (result.replayed() == 0) {
        out.println(
            "nothing to replay: no quarantined record" + (rule == null ? "" : " failed " + rule));
      } else {
        out.printf(
            "replay %s: %s of %s quarantined records landed, %s stay quarantined%n",
            result.batchId().isEmpty() ? "committed nothing" : result.batchId(),
            Format.count(result.landed()),
            Format.count(result.replayed()),
            Format.count(result.stillQuarantined()));
      }
      out.flush();
      return 0;
    }
  }

  /**
   * Checks that {@code rule} names a rule of {@code source} or a failure in its quarantine.
   *
   * @throws SluiceException (USER) when it names none
   */
  private static void requireKnownRule(ProjectRuntime runtime, SourceDef source, String rule) {
    List<String> quarantined = new ArrayList<>();
    for (List<Object> row :
        runtime
            .engine()
            .query(QuarantineQueries.failureNames(source.name()), Integer.MAX_VALUE)
            .rows()) {
      quarantined.add(String.valueOf(row.get(0)));
    }
    QuarantineQueries.requireKnownRule(source, runtime.engine().dialect(), rule, quarantined);
  }

  private static SluiceException notRunYet(SluiceException e) {
    if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
      return SluiceException.user("Nothing has landed yet: run `sluice run` first");
    }
    return e;
  }
}
