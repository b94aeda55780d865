package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.core.model.PortableSql;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.MissingFields;
import io.sluice.core.run.ProjectCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice validate}. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Check the project without running it: every problem in every file is reported with its"
            + " file and line.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // The engines' native libraries load while the project is read and its models analysed.
    Thread preload =
        new Thread(
            () ->
                java.util.ServiceLoader.load(io.sluice.api.engine.EngineFactory.class)
                    .forEach(io.sluice.api.engine.EngineFactory::preload),
            "sluice-engine-preload");
    preload.setDaemon(true);
    preload.start();
    Project project = options.load();
    ProjectOptions.printWarnings(project, spec.commandLine().getOut());
    // Reading the sources' first files and compiling on the engine are independent: overlap them.
    java.util.concurrent.CompletableFuture<Void> files =
        java.util.concurrent.CompletableFuture.runAsync(() -> checkSourceFiles(project));
    ProjectCheck.verify(project);
    try {
      files.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
    // Warnings only: a model may use its engine's own SQL on purpose.
    for (ModelDef model : project.models()) {
      for (PortableSql.Warning warning : PortableSql.check(model.template())) {
        spec.commandLine()
            .getOut()
            .printf(
                "warning: %s line %d: %s runs on %s only (engines differ, see docs/engines.md);"
                    + " %s%n",
                project.directory().relativize(model.location().file()),
                warning.line(),
                warning.construct(),
                warning.engine(),
                warning.advice());
      }
    }
    // Warnings only: the process that serves or runs the project may have another environment.
    for (io.sluice.core.project.Alerts.Channel channel : project.alerts().channels()) {
      if (channel.urlEnv().isPresent() && System.getenv(channel.urlEnv().get()) == null) {
        spec.commandLine()
            .getOut()
            .printf(
                "warning: alert channel '%s': the environment variable %s (url-env) is not set"
                    + " here; sluice serve refuses to start without it, sluice run warns%n",
                channel.name(), channel.urlEnv().get());
      }
      channel
          .urlFile()
          .filter(file -> !java.nio.file.Files.isRegularFile(file))
          .ifPresent(
              file ->
                  spec.commandLine()
                      .getOut()
                      .printf(
                          "warning: alert channel '%s': its url-file %s does not exist%n",
                          channel.name(), project.directory().relativize(file)));
    }
    spec.commandLine()
        .getOut()
        .printf(
            "Project '%s' is valid: %d sources, %d models, %d model tests%s%s.%n",
            project.name(),
            project.sources().size(),
            project.models().size(),
            project.modelTests().size(),
            project.singularTests().isEmpty()
                ? ""
                : ", " + project.singularTests().size() + " singular tests",
            project.dashboards().isEmpty()
                ? ""
                : ", " + project.dashboards().size() + " dashboards");
    return 0;
  }

  /**
   * The columns that would read NULL in every row of a source's first files (a misspelt {@code
   * from:}, a wrong CSV delimiter): the error {@code sluice run} would stop with, found now.
   */
  private static final int MAX_LISTED = 20;

  private static void checkSourceFiles(Project project) {
    List<String> problems = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      for (String problem : MissingFields.inSample(project, source)) {
        problems.add("source '" + source.name() + "': " + problem);
      }
    }
    if (!problems.isEmpty()) {
      List<String> shown = problems.subList(0, Math.min(problems.size(), MAX_LISTED));
      String more =
          problems.size() > shown.size()
              ? String.format("%n  - ... and %d more", problems.size() - shown.size())
              : "";
      throw SluiceException.user(
          "%s would read NULL in every row (checked against the first %d files of each source),"
              + " so `sluice run` would stop before landing those files:%n  - %s%s%nFix `from:` (or"
              + " `csv.delimiter`), give the column a `default:`, or declare `schema-drift:"
              + " {policy: ignore}` to read NULL for fields the files lack (docs/schema-drift.md).",
          problems.size() == 1 ? "A column" : "Columns",
          MissingFields.SAMPLE_FILES,
          String.join(String.format("%n  - "), shown),
          more);
    }
  }
}
