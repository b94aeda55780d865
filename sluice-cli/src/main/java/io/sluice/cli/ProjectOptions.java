package io.sluice.cli;

import io.sluice.core.project.EngineOverride;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** Options shared by commands that work on a project. */
final class ProjectOptions {
  @Option(
      names = {"-p", "--project"},
      paramLabel = "DIR",
      description = "The project folder (default: the current folder).",
      defaultValue = ".")
  Path directory;

  @Option(
      names = "--engine",
      paramLabel = "NAME",
      description =
          "Run on this engine instead of sluice.yaml's (duckdb, or spark with the sluice-spark"
              + " distribution); its warehouse is <state-dir>/warehouse.<engine> by default.")
  String engine;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Spark master URL (engine option master), e.g. local[4] or spark://host:7077.")
  String master;

  Project load() {
    Map<String, String> options = new TreeMap<>();
    if (master != null) {
      options.put("master", master);
    }
    return ProjectLoader.load(
        directory.toAbsolutePath().normalize(),
        new EngineOverride(Optional.ofNullable(engine), options));
  }

  /** Prints the loader's warnings (files in the project that are not read, ...) to {@code out}. */
  static void printWarnings(Project project, java.io.PrintWriter out) {
    for (var warning : project.warnings()) {
      out.println("warning: " + warning.display(project.directory()));
    }
  }
}
