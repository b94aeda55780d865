package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.core.orchestrate.AirflowDag;
import io.sluice.core.project.Project;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice export}: the project for another tool. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Write the project for another tool (export airflow: an Airflow DAG file).",
    subcommands = {ExportCommand.Airflow.class})
final class ExportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code sluice export airflow}. */
  @Command(
      name = "airflow",
      mixinStandardHelpOptions = true,
      description = {
        "Write an Airflow 2 DAG file whose tasks call the sluice CLI: with schedules in",
        "sluice.yaml, one DAG per schedule with a cron or interval (its selection as a task, the",
        "schedules that follow its success as downstream tasks); without, one DAG without a",
        "schedule with a task per source and per model and their dependencies as edges. Retries",
        "come from the retries of sluice.yaml. See docs/orchestration.md."
      })
  static final class Airflow implements Callable<Integer> {
    @Mixin ProjectOptions options;
    @Spec CommandSpec spec;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write the DAG file here (e.g. dags/shop.py); default: print it.")
    Path output;

    @Option(
        names = "--dag-id",
        paramLabel = "ID",
        description =
            "The DAG's id, or the prefix of the DAGs' ids (ID_SCHEDULE) when the project has"
                + " schedules (default: the project's name).")
    String dagId;

    @Option(
        names = "--sluice-command",
        paramLabel = "CMD",
        description = "How the Airflow workers call sluice (default: ${DEFAULT-VALUE}).",
        defaultValue = "sluice")
    String sluiceCommand;

    @Option(
        names = "--worker-project",
        paramLabel = "DIR",
        description =
            "The project folder as the Airflow workers see it (default: this project's absolute"
                + " path).")
    String workerProject;

    @Option(
        names = "--pool",
        paramLabel = "NAME",
        description =
            "Run every task in this Airflow pool (create it with one slot so that the DAGs of"
                + " the project never run at once).")
    String pool;

    @Option(
        names = "--start-date",
        paramLabel = "DATE",
        description = "The DAGs' start_date, YYYY-MM-DD (default: today, UTC).")
    LocalDate startDate;

    @Override
    public Integer call() {
      Project project = options.load();
      ProjectOptions.printWarnings(project, spec.commandLine().getErr());
      List<String> args = spec.commandLine().getParseResult().originalArgs();
      String text =
          AirflowDag.render(
              project,
              new AirflowDag.Options(
                  dagId == null ? project.name() : dagId,
                  sluiceCommand,
                  workerProject == null ? project.directory() : Path.of(workerProject),
                  startDate == null ? LocalDate.now(ZoneOffset.UTC) : startDate,
                  Optional.ofNullable(pool),
                  "sluice " + String.join(" ", args)));
      if (output == null) {
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return 0;
      }
      try {
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(output, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw SluiceException.external("Cannot write the DAG file " + output, e);
      }
      spec.commandLine().getOut().println("Wrote the Airflow DAG file " + output);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
