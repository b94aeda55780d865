package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryResult;
import io.sluice.core.project.Project;
import io.sluice.core.run.ModelTests;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice test}. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run the model tests (models/schema.yml and tests/*.sql) against the warehouse as it is,",
      "without running the pipeline. Prints each test's status and failing rows, and a few",
      "failing rows of each failed test with the SQL that finds them all.",
      "Exit code 1 when a test of severity error fails (or cannot run)."
    })
final class TestCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = {"-s", "--select"},
      paramLabel = "NAME",
      description =
          "Run only the tests with this name, or the tests of this model or source"
              + " (repeatable).")
  List<String> select = new ArrayList<>();

  @Option(
      names = "--show-rows",
      paramLabel = "N",
      description = "Failing rows shown per failed test (default: ${DEFAULT-VALUE}; 0: none).",
      defaultValue = "5")
  int showRows;

  /**
   * The warehouse for writing (the lake's views are brought up to date first), or, while another
   * process writes it, its newest published snapshot read-only: tests then see the lake as that
   * snapshot's views do.
   */
  private ProjectRuntime openRuntime(Project project) {
    ProjectRuntime reader = ProjectRuntime.open(project, true);
    if (reader.engine().snapshotTime().isPresent()) {
      Readers.notice(spec.commandLine().getErr(), reader.engine().snapshotTime());
      return reader;
    }
    reader.close();
    return ProjectRuntime.open(project, false);
  }

  @Override
  public Integer call() throws IOException {
    Project project = options.load();
    PrintWriter out = spec.commandLine().getOut();
    List<RunSummary.TestRun> results = new ArrayList<>();
    try (ProjectRuntime runtime = openRuntime(project)) {
      ModelTests tests =
          runtime.engine().snapshotTime().isPresent()
              ? new ModelTests(project, runtime.engine())
              : runtime.modelTests();
      List<ModelTests.Test> selected = ModelTests.select(tests.tests(), select);
      if (selected.isEmpty()) {
        if (select.isEmpty()) {
          out.println(
              "no tests: add tests to models/schema.yml or SQL files to tests/ (see docs/quality.md)");
          out.flush();
          return 0;
        }
        throw SluiceException.user(
            "No test matches --select %s; tests are selected by name or by the model or source"
                + " they read",
            String.join(", ", select));
      }
      List<Outcome> failed = new ArrayList<>();
      TextTable table = new TextTable(List.of("test", "severity", "status", "failing rows"));
      for (ModelTests.Test test : selected) {
        RunSummary.TestRun result = runtime.runExclusively(() -> tests.run(test));
        results.add(result);
        String status =
            result.passed()
                ? "pass"
                : !result.error().isEmpty() ? "ERROR" : result.failsRun() ? "FAIL" : "WARN";
        table.add(
            List.of(
                test.name(),
                test.severity(),
                status,
                result.error().isEmpty() ? Format.count(result.failures()) : "-"));
        if (!result.passed()) {
          failed.add(new Outcome(test, result));
        }
      }
      table.print(out);
      if (!failed.isEmpty() && runtime.history().list(1, "").isEmpty()) {
        out.println("note: the project has never run: `sluice run` builds the models first");
      }
      for (Outcome outcome : failed) {
        ModelTests.Test test = outcome.test();
        RunSummary.TestRun result = outcome.result();
        out.println();
        if (!result.error().isEmpty()) {
          out.println(test.name() + ": could not run: " + result.error());
          continue;
        }
        out.printf(
            "%s (%s): %s failing rows%n",
            test.name(),
            test.location().display(project.directory()),
            Format.count(result.failures()));
        if (showRows > 0) {
          QueryResult rows = runtime.runExclusively(() -> tests.failingRows(test, showRows));
          QueryCommand.print(out, rows, QueryCommand.OutputFormat.table);
        }
        out.println("all of them (sluice query):");
        test.sql().strip().lines().forEach(line -> out.println("  " + line));
      }
    }
    out.println();
    printCounts(out, results);
    out.flush();
    return results.stream().anyMatch(RunSummary.TestRun::failsRun) ? Main.CHECKS_FAILED : 0;
  }

  private record Outcome(ModelTests.Test test, RunSummary.TestRun result) {}

  /** {@code tests: 3 passed, 1 failed, 1 warned}. */
  static void printCounts(PrintWriter out, List<RunSummary.TestRun> tests) {
    long passed = tests.stream().filter(RunSummary.TestRun::passed).count();
    long failed = tests.stream().filter(RunSummary.TestRun::failsRun).count();
    long warned = tests.size() - passed - failed;
    out.printf(
        "tests: %d passed, %d failed%s%n",
        passed, failed, warned > 0 ? ", " + warned + " warned" : "");
  }
}
