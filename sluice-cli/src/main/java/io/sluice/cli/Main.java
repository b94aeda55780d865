package io.sluice.cli;

import io.sluice.api.SluiceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command. */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Real-time and batch data pipelines: sources -> validation -> lake -> models -> warehouse.",
    subcommands = {
      InitCommand.class,
      ValidateCommand.class,
      RunCommand.class,
      QueryCommand.class,
      StatusCommand.class,
      TestCommand.class,
      QualityCommand.class,
      QuarantineCommand.class,
      MaintainCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:success",
      " 1:the run finished but model tests failed or quality was below a threshold",
      " 2:project, configuration or SQL error (fix and rerun)",
      " 3:input data could not be processed at all",
      " 4:an outside system failed (disk, catalog); a retry may succeed",
      "64:invalid command line",
      "70:internal error (a bug: please report it with the output of --debug)"
    })
public final class Main implements Runnable {
  /** Exit code when a run completed but its tests or quality threshold failed. */
  static final int CHECKS_FAILED = 1;

  static final int USAGE = 64;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (tests call this). */
  public static int execute(String... args) {
    return newCommandLine().execute(args);
  }

  /** Runs the CLI with its output and errors going to the given writers; returns its exit code. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = newCommandLine();
    commandLine.setOut(out);
    commandLine.setErr(err);
    return commandLine.execute(args);
  }

  private static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExitCodeExceptionMapper(
        e -> e instanceof SluiceException s ? s.category().exitCode() : 70);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          boolean debug =
              parsed.hasMatchedOption("--debug") || System.getenv("SLUICE_DEBUG") != null;
          if (e instanceof SluiceException sluice) {
            cmd.getErr().println("error: " + sluice.getMessage());
            if (debug) {
              e.printStackTrace(cmd.getErr());
            }
            return sluice.category().exitCode();
          }
          cmd.getErr().println("internal error: " + e);
          e.printStackTrace(cmd.getErr());
          return 70;
        });
    commandLine.setParameterExceptionHandler(
        (e, params) -> {
          e.getCommandLine().getErr().println("error: " + e.getMessage());
          e.getCommandLine().usage(e.getCommandLine().getErr());
          return USAGE;
        });
    return commandLine;
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sluice " + (version == null ? "development" : version)};
    }
  }
}
