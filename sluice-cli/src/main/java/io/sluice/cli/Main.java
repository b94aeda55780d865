package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.cli.log.LogFormat;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
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
      RunsCommand.class,
      TestCommand.class,
      QualityCommand.class,
      QuarantineCommand.class,
      BackfillCommand.class,
      MaintainCommand.class,
      ServeCommand.class,
      UiCommand.class,
      ExportCommand.class,
      ScheduleCommand.class,
      AlertsCommand.class,
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

  /** Accepted before or after any (sub)command: the parse result of each is read on an error. */
  @CommandLine.Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors (also: SLUICE_DEBUG set).")
  boolean debug;

  /** Accepted before or after any (sub)command; applied as soon as it is parsed. */
  @CommandLine.Option(
      names = "--log-format",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "text|json",
      description =
          "How the log on standard error is written: text (the default), or json: one JSON object"
              + " per line, with the run_id, batch_id and source being processed (also:"
              + " SLUICE_LOG_FORMAT). SLUICE_LOG_LEVEL sets the level of Sluice's own messages.")
  void logFormat(String format) {
    LogFormat.Format parsed;
    try {
      parsed = LogFormat.Format.parse(format);
    } catch (SluiceException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    LogFormat.use(parsed);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    useUnpackedSqliteLibrary();
    System.exit(execute(args));
  }

  /**
   * Points SQLite's JDBC driver at the native library the build unpacked beside the jar ({@code
   * lib/sqlite-native/}), so that it does not copy it out of its jar and compare it with the last
   * copy at every start. Without that folder (another platform, a different packaging), or when the
   * user set {@code org.sqlite.lib.path} already, the driver does as it always does.
   */
  private static void useUnpackedSqliteLibrary() {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return;
    }
    try {
      java.security.CodeSource source = Main.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return;
      }
      java.nio.file.Path jar = java.nio.file.Path.of(source.getLocation().toURI());
      java.nio.file.Path folder = jar.resolveSibling("lib").resolve("sqlite-native");
      String name = System.mapLibraryName("sqlitejdbc");
      if (name.endsWith(".dylib")) {
        name = "libsqlitejdbc.dylib";
      }
      if (java.nio.file.Files.isRegularFile(folder.resolve(name))) {
        System.setProperty("org.sqlite.lib.path", folder.toString());
        System.setProperty("org.sqlite.lib.name", name);
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // Not fatal: the driver then extracts its library from its jar as usual.
    }
  }

  /** Runs the CLI and returns its exit code (tests call this). */
  public static int execute(String... args) {
    return newCommandLine().execute(args);
  }

  /** Runs the CLI with its output and errors going to the given writers; returns its exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = newCommandLine();
    commandLine.setOut(out);
    commandLine.setErr(err);
    return commandLine.execute(args);
  }

  private static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    tidyHelp(commandLine);
    commandLine.setExitCodeExceptionMapper(
        e -> e instanceof SluiceException s ? s.category().exitCode() : 70);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          boolean debug = debug(parsed) || System.getenv("SLUICE_DEBUG") != null;
          int code = e instanceof SluiceException sluice ? sluice.category().exitCode() : 70;
          if (LogFormat.current() == LogFormat.Format.JSON) {
            // a JSON log stays one JSON object per line, the command's own error included
            LogFormat.logError(e, debug);
            return code;
          }
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

  /**
   * Help that reads well at any width: each command's description is one paragraph (its lines in
   * the source are only where the source wraps), and a command list shows each subcommand's first
   * sentence whole, never the first source line of its description.
   */
  private static void tidyHelp(CommandLine commandLine) {
    reflow(commandLine);
    Map<String, CommandLine.IHelpSectionRenderer> sections =
        new LinkedHashMap<>(commandLine.getHelpSectionMap());
    sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
    commandLine.setHelpSectionMap(sections);
  }

  private static void reflow(CommandLine commandLine) {
    // Every command's -V prints the version, not only the top-level one's.
    commandLine.getCommandSpec().versionProvider(new Version());
    CommandLine.Model.UsageMessageSpec usage = commandLine.getCommandSpec().usageMessage();
    if (usage.description().length > 1) {
      usage.description(String.join(" ", usage.description()));
    }
    commandLine.getSubcommands().values().forEach(Main::reflow);
  }

  private static String commandList(CommandLine.Help help) {
    Map<String, CommandLine.Help> commands = help.subcommands();
    if (commands.isEmpty()) {
      return "";
    }
    int nameWidth = commands.keySet().stream().mapToInt(String::length).max().orElse(0) + 4;
    int width = help.commandSpec().usageMessage().width();
    CommandLine.Help.TextTable table =
        CommandLine.Help.TextTable.forColumns(
            help.colorScheme(),
            new CommandLine.Help.Column(nameWidth, 2, CommandLine.Help.Column.Overflow.SPAN),
            new CommandLine.Help.Column(
                Math.max(20, width - nameWidth), 2, CommandLine.Help.Column.Overflow.WRAP));
    commands.forEach(
        (name, command) -> table.addRowValues(name, summary(command.commandSpec().usageMessage())));
    return table.toString();
  }

  /** A command's summary: its header, else the first sentence of its description. */
  static String summary(CommandLine.Model.UsageMessageSpec usage) {
    String text =
        usage.header().length > 0
            ? String.join(" ", usage.header())
            : String.join(" ", usage.description());
    return SENTENCE_END.split(text.strip(), 2)[0];
  }

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z`])");

  /** Whether {@code --debug} was given to the command or any of its subcommands. */
  private static boolean debug(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** The version the build wrote into {@code version.properties} (Maven resource filtering). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties properties = new java.util.Properties();
      try (java.io.InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          throw new IllegalStateException("version.properties is missing from the sluice build");
        }
        properties.load(in);
      }
      return new String[] {
        "sluice " + properties.getProperty("version"),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
