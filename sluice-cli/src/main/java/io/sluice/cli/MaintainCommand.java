package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.RewriteResult;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.ProjectRuntime;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice maintain}: compacts the small files of the lake tables. */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description =
        "Rewrite the small files of each lake table (raw, clean, quarantine) per partition into"
            + " files of about the target size. Rows do not change; safe while runs append.")
final class MaintainCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--source",
      description = "Only this source's tables (default: every source).",
      paramLabel = "SOURCE")
  Optional<String> source;

  @Option(
      names = "--target-file-size-mb",
      description =
          "Files smaller than this are compacted, into files of about this size"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "128")
  int targetFileSizeMb;

  @Option(
      names = "--min-files",
      description =
          "Compact a partition only when it has at least this many small files (default:"
              + " ${DEFAULT-VALUE}).",
      defaultValue = "5")
  int minFiles;

  @Override
  public Integer call() {
    if (targetFileSizeMb < 1) {
      throw SluiceException.user(
          "--target-file-size-mb must be at least 1, got %d", targetFileSizeMb);
    }
    if (minFiles < 2) {
      throw SluiceException.user("--min-files must be at least 2, got %d", minFiles);
    }
    Project project = options.load();
    List<SourceDef> sources = project.sources();
    if (source.isPresent()) {
      sources = sources.stream().filter(s -> s.name().equals(source.get())).toList();
      if (sources.isEmpty()) {
        throw SluiceException.user(
            "No source '%s' in %s%s",
            source.get(),
            project.directory(),
            io.sluice.api.DidYouMean.hint(
                source.get(), project.sources().stream().map(SourceDef::name).toList()));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    TextTable table =
        new TextTable(
            List.of(
                "table", "partitions", "files before", "files after", "size before", "size after"));
    long target = targetFileSizeMb * 1024L * 1024L;
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
      for (SourceDef each : sources) {
        for (String namespace : List.of(LakeLayout.RAW, LakeLayout.CLEAN, LakeLayout.QUARANTINE)) {
          TableId id = new TableId(namespace, each.name());
          Optional<LakeTable> lakeTable = runtime.lake().load(id);
          if (lakeTable.isEmpty()) {
            continue;
          }
          List<DataFile> before = lakeTable.get().files();
          RewriteResult result = lakeTable.get().rewriteSmallFiles(target, minFiles);
          List<DataFile> after = runtime.lake().load(id).orElseThrow().files();
          table.add(
              List.of(
                  id.namespace() + "." + id.name(),
                  Integer.toString(result.partitionsRewritten()),
                  Integer.toString(before.size()),
                  Integer.toString(after.size()),
                  size(before),
                  size(after)));
        }
      }
    }
    table.print(out);
    return 0;
  }

  private static String size(List<DataFile> files) {
    long bytes = files.stream().mapToLong(DataFile::sizeBytes).sum();
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
