package io.sluice.cli;

import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by commands that work on a project. */
final class ProjectOptions {
  @Option(
      names = {"-p", "--project"},
      paramLabel = "DIR",
      description = "The project folder (default: the current folder).",
      defaultValue = ".")
  Path directory;

  @Option(names = "--debug", description = "Print stack traces with errors.")
  boolean debug;

  Project load() {
    return ProjectLoader.load(directory.toAbsolutePath().normalize());
  }
}
