package io.sluice.cli;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.Lake;
import io.sluice.config.ConfigType;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.Maintenance;
import io.sluice.core.run.ProjectRuntime;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice maintain}: compacts, expires old snapshots and removes orphan files. */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description =
        "Maintain each lake table (raw, clean, quarantine): rewrite small files per partition into"
            + " files of about the target size, expire old snapshots (deleting the files only they"
            + " use) and remove orphan files. Rows do not change; safe while runs append. Defaults"
            + " come from the maintenance section of sluice.yaml.")
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
          "Files smaller than this are compacted, into files of about this size (default:"
              + " maintenance.target-file-size-mb, 128).",
      paramLabel = "MB")
  Optional<Integer> targetFileSizeMb;

  @Option(
      names = "--min-files",
      description =
          "Compact a partition only when it has at least this many small files (default:"
              + " maintenance.min-files, 5).",
      paramLabel = "N")
  Optional<Integer> minFiles;

  @Option(
      names = "--keep-snapshots",
      description =
          "Always keep this many of the newest snapshots of each table (default:"
              + " maintenance.keep-snapshots, 10).",
      paramLabel = "N")
  Optional<Integer> keepSnapshots;

  @Option(
      names = "--snapshot-max-age",
      description =
          "Expire snapshots older than this, e.g. 6h or 7d (default: maintenance.snapshot-max-age,"
              + " 1d).",
      paramLabel = "AGE")
  Optional<String> snapshotMaxAge;

  @Option(
      names = "--orphan-min-age",
      description =
          "Delete unreferenced files only when older than this (default:"
              + " maintenance.orphan-min-age, 1d).",
      paramLabel = "AGE")
  Optional<String> orphanMinAge;

  @Option(names = "--dry-run", description = "Print what would be done; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    if (targetFileSizeMb.isPresent() && targetFileSizeMb.get() < 1) {
      throw SluiceException.user(
          "--target-file-size-mb must be at least 1, got %d", targetFileSizeMb.get());
    }
    if (minFiles.isPresent() && minFiles.get() < 2) {
      throw SluiceException.user("--min-files must be at least 2, got %d", minFiles.get());
    }
    if (keepSnapshots.isPresent() && keepSnapshots.get() < 1) {
      throw SluiceException.user(
          "--keep-snapshots must be at least 1, got %d", keepSnapshots.get());
    }
    Optional<Duration> maxAge = snapshotMaxAge.map(age -> duration("--snapshot-max-age", age));
    Optional<Duration> orphanAge = orphanMinAge.map(age -> duration("--orphan-min-age", age));
    Project project = options.load();
    if (source.isPresent() && project.source(source.get()).isEmpty()) {
      throw SluiceException.user(
          "No source '%s' in %s%s",
          source.get(),
          project.directory(),
          DidYouMean.hint(source.get(), project.sources().stream().map(SourceDef::name).toList()));
    }
    Project.MaintenanceConfig defaults = project.maintenance();
    Project.MaintenanceConfig settings =
        new Project.MaintenanceConfig(
            targetFileSizeMb.orElse(defaults.targetFileSizeMb()),
            minFiles.orElse(defaults.minFiles()),
            keepSnapshots.orElse(defaults.keepSnapshots()),
            maxAge.orElse(defaults.snapshotMaxAge()),
            orphanAge.orElse(defaults.orphanMinAge()),
            defaults.interval());
    PrintWriter out = spec.commandLine().getOut();
    TextTable table =
        new TextTable(
            List.of(
                "table",
                "partitions",
                "files before",
                "files after",
                "size before",
                "size after",
                "snapshots expired",
                "snapshots kept",
                "files deleted",
                "orphans"));
    List<Maintenance.TableResult> results;
    // The warehouse is read once, briefly, for the lake snapshots incremental models diff from
    // (a published snapshot of it while a run writes): maintenance itself needs only the lake, so
    // runs can open the warehouse meanwhile.
    Map<String, Set<Long>> inUse;
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
      inUse = Maintenance.modelSnapshots(project, runtime.engine());
    }
    try (Lake lake = ProjectRuntime.openLake(project)) {
      results =
          new Maintenance(project, lake, () -> inUse, Clock.systemUTC())
              .run(settings, source, dryRun);
    }
    for (Maintenance.TableResult result : results) {
      table.add(
          List.of(
              result.table().namespace() + "." + result.table().name(),
              Integer.toString(result.rewrite().partitionsRewritten()),
              Integer.toString(result.filesBefore()),
              dryRun ? "-" : Integer.toString(result.filesAfter()),
              size(result.bytesBefore()),
              dryRun ? "-" : size(result.bytesAfter()),
              Integer.toString(result.expiry().snapshotsExpired()),
              Integer.toString(result.expiry().snapshotsKept()),
              result.expiry().dataFilesDeleted()
                  + " ("
                  + size(result.expiry().dataBytesDeleted())
                  + ")",
              result.orphans().files().size() + " (" + size(result.orphans().bytes()) + ")"));
    }
    table.print(out);
    if (dryRun) {
      out.println();
      out.println("Dry run: nothing was changed. Maintenance would:");
      for (Maintenance.TableResult result : results) {
        out.printf(
            Locale.ROOT,
            "  %s.%s: rewrite %d small files (%s) in %d partitions; expire %d snapshots, deleting"
                + " %d data files (%s); delete %d orphan files (%s)%n",
            result.table().namespace(),
            result.table().name(),
            result.rewrite().filesRemoved(),
            size(result.rewrite().bytesRemoved()),
            result.rewrite().partitionsRewritten(),
            result.expiry().snapshotsExpired(),
            result.expiry().dataFilesDeleted(),
            size(result.expiry().dataBytesDeleted()),
            result.orphans().files().size(),
            size(result.orphans().bytes()));
        for (String orphan : result.orphans().files()) {
          out.println("    orphan " + orphan);
        }
      }
    }
    return 0;
  }

  private static Duration duration(String flag, String text) {
    try {
      return ConfigType.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw SluiceException.user("%s: %s", flag, e.getMessage());
    }
  }

  private static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
