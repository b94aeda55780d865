package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.ModelRequest;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.ExpireResult;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.OrphanResult;
import io.sluice.api.lake.RewriteResult;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.SnapshotRetention;
import io.sluice.api.lake.TableId;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Lake maintenance for a project: for the raw, clean and quarantine table of every source (or of
 * one), compacts small files, expires old snapshots and removes orphan files. Used by {@code sluice
 * maintain} and, on a schedule, by a long-running server.
 *
 * <p><b>Next to runs.</b> Maintenance never takes the project's run lock: every step is safe while
 * a run of this or another process appends. Compaction writes without a lock and commits a replace
 * snapshot that keeps concurrent appends. Expiry first commits a checkpoint (an empty snapshot that
 * folds the history's bookkeeping, see {@link BatchHistory}) and then keeps that checkpoint and
 * every snapshot after the history it folds, so a batch committed meanwhile is never lost from the
 * bookkeeping; it also keeps every snapshot an incremental model will diff from. Orphan removal
 * only deletes unreferenced files older than {@code orphan-min-age}, so files of a batch still in
 * flight are kept. Two maintenances at once are safe too, though one compaction may fail (EXTERNAL)
 * when both rewrite the same files.
 *
 * <p>Not thread-safe: one instance per thread. The snapshots in use are asked for once per {@link
 * #run}, before anything else.
 */
public final class Maintenance {
  private final Project project;
  private final Lake lake;
  private final Supplier<Map<String, Set<Long>>> snapshotsInUse;
  private final Clock clock;

  /**
   * @param snapshotsInUse per source, the clean-table snapshot ids that incremental readers will
   *     diff from next; expiry keeps them and every snapshot after them. A reader whose snapshot is
   *     missing anyway rebuilds whole (see {@link PipelineRunner}), so this protects speed, not
   *     correctness.
   * @param clock decides which snapshots are old and which files are orphans old enough to delete
   */
  public Maintenance(
      Project project, Lake lake, Supplier<Map<String, Set<Long>>> snapshotsInUse, Clock clock) {
    this.project = requireNonNull(project, "project is null");
    this.lake = requireNonNull(lake, "lake is null");
    this.snapshotsInUse = requireNonNull(snapshotsInUse, "snapshotsInUse is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Maintenance of a runtime's lake, keeping the snapshots its models diff from. The models' state
   * is read through the runtime's engine at the start of each {@link #run}: like any use of an
   * engine, that must not overlap another use of the same engine (a server runs maintenance between
   * passes, or passes its own {@code snapshotsInUse} to the constructor).
   */
  public static Maintenance of(ProjectRuntime runtime, Clock clock) {
    return new Maintenance(
        runtime.project(),
        runtime.lake(),
        () -> modelSnapshots(runtime.project(), runtime.engine()),
        clock);
  }

  /**
   * Per source, the clean-table snapshot ids the project's incremental models recorded in the
   * warehouse: where they will diff from next. Other models read whole tables.
   */
  public static Map<String, Set<Long>> modelSnapshots(Project project, Engine engine) {
    Map<String, Set<Long>> inUse = new HashMap<>();
    for (ModelDef model : project.models()) {
      if (model.materialization() != ModelRequest.Materialization.INCREMENTAL) {
        continue;
      }
      Optional<String> state = engine.state("model:" + model.name());
      if (state.isEmpty()) {
        continue;
      }
      PipelineRunner.ModelState recorded =
          StateStore.fromJson(state.get(), new TypeReference<PipelineRunner.ModelState>() {});
      recorded
          .snapshots()
          .forEach(
              (source, id) -> {
                if (id >= 0) {
                  inUse.computeIfAbsent(source, s -> new HashSet<>()).add(id);
                }
              });
    }
    return inUse;
  }

  /**
   * What maintenance did to one table, or would do in a dry run.
   *
   * @param table the table
   * @param filesBefore data files of the current snapshot before
   * @param bytesBefore their total size
   * @param filesAfter data files of the current snapshot after (same as before in a dry run)
   * @param bytesAfter their total size
   * @param rewrite the compaction; in a dry run, what it would remove
   * @param checkpointed whether a checkpoint snapshot was committed before expiring
   * @param expiry the snapshot expiry
   * @param orphans the orphan files removed
   */
  public record TableResult(
      TableId table,
      int filesBefore,
      long bytesBefore,
      int filesAfter,
      long bytesAfter,
      RewriteResult rewrite,
      boolean checkpointed,
      ExpireResult expiry,
      OrphanResult orphans) {
    public TableResult {
      requireNonNull(table, "table is null");
      requireNonNull(rewrite, "rewrite is null");
      requireNonNull(expiry, "expiry is null");
      requireNonNull(orphans, "orphans is null");
    }
  }

  /**
   * Maintains the tables of every source, or of {@code source} only; tables that do not exist yet
   * are skipped.
   *
   * @param settings what to compact, how long to keep snapshots and orphans
   * @param dryRun report what would be done, change nothing
   * @return one result per table, in source order, raw then clean then quarantine
   * @throws SluiceException (USER) naming the sources when {@code source} is not one
   */
  public List<TableResult> run(
      Project.MaintenanceConfig settings, Optional<String> source, boolean dryRun) {
    requireNonNull(settings, "settings is null");
    List<SourceDef> sources = sources(source);
    Map<String, Set<Long>> inUse = snapshotsInUse.get();
    List<TableResult> results = new ArrayList<>();
    for (SourceDef each : sources) {
      for (String namespace : List.of(LakeLayout.RAW, LakeLayout.CLEAN, LakeLayout.QUARANTINE)) {
        TableId id = new TableId(namespace, each.name());
        Optional<LakeTable> table = lake.load(id);
        if (table.isPresent()) {
          Set<Long> retain =
              namespace.equals(LakeLayout.CLEAN)
                  ? inUse.getOrDefault(each.name(), Set.of())
                  : Set.of();
          results.add(maintain(table.get(), settings, retain, dryRun));
        }
      }
    }
    return results;
  }

  private List<SourceDef> sources(Optional<String> source) {
    if (source.isEmpty()) {
      return project.sources();
    }
    return List.of(
        project
            .source(source.get())
            .orElseThrow(
                () ->
                    SluiceException.user(
                        "No source '%s' in %s%s",
                        source.get(),
                        project.directory(),
                        DidYouMean.hint(
                            source.get(),
                            project.sources().stream().map(SourceDef::name).toList()))));
  }

  private TableResult maintain(
      LakeTable table, Project.MaintenanceConfig settings, Set<Long> inUse, boolean dryRun) {
    List<DataFile> before = table.files();
    RewriteResult rewrite =
        dryRun
            ? table.planSmallFileRewrite(settings.targetFileSizeBytes(), settings.minFiles())
            : table.rewriteSmallFiles(settings.targetFileSizeBytes(), settings.minFiles());

    Instant now = clock.instant();
    Instant expireBefore = now.minus(settings.snapshotMaxAge());
    SnapshotRetention planned =
        new SnapshotRetention(expireBefore, settings.keepSnapshots(), inUse);
    ExpireResult expiry = table.expireSnapshots(planned, true);
    boolean checkpointed = false;
    if (!dryRun && expiry.snapshotsExpired() > 0) {
      Set<Long> retain = new HashSet<>(inUse);
      List<Snapshot> history = table.snapshots();
      if (needsCheckpoint(history, expiry.snapshotsExpired())) {
        long covered = history.get(history.size() - 1).sequence();
        table.append(List.of(), BatchHistory.of(history).checkpoint(covered));
        checkpointed = true;
        // The checkpoint folds the history up to `covered`; everything after it (the checkpoint,
        // and any batch committed meanwhile) must stay.
        table.refresh();
        table.snapshots().stream()
            .filter(snapshot -> snapshot.sequence() > covered)
            .findFirst()
            .ifPresent(snapshot -> retain.add(snapshot.id()));
      }
      expiry =
          table.expireSnapshots(
              new SnapshotRetention(expireBefore, settings.keepSnapshots(), retain), false);
    }
    OrphanResult orphans = table.removeOrphanFiles(now.minus(settings.orphanMinAge()), dryRun);
    table.refresh();
    List<DataFile> after = dryRun ? before : table.files();
    return new TableResult(
        table.id(),
        before.size(),
        bytes(before),
        after.size(),
        bytes(after),
        rewrite,
        checkpointed,
        expiry,
        orphans);
  }

  /**
   * Whether expiring the oldest {@code expiring} snapshots of {@code history} would lose
   * bookkeeping: a batch or a checkpoint that the checkpoint in force does not already fold.
   */
  private static boolean needsCheckpoint(List<Snapshot> history, int expiring) {
    long covered = 0;
    for (Snapshot snapshot : history) {
      String sequence = snapshot.summary().get(BatchHistory.CHECKPOINT_SEQUENCE);
      if (sequence != null) {
        covered = Math.max(covered, Long.parseLong(sequence));
      }
    }
    for (Snapshot snapshot : history.subList(0, Math.min(expiring, history.size()))) {
      Map<String, String> summary = snapshot.summary();
      boolean bookkeeping =
          summary.containsKey(PipelineRunner.BATCH_ID)
              || summary.containsKey(PipelineRunner.SPLITS)
              || summary.containsKey(BatchHistory.CHECKPOINT_SEQUENCE);
      if (bookkeeping && (snapshot.sequence() > covered || isCheckpointInForce(summary, covered))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isCheckpointInForce(Map<String, String> summary, long covered) {
    String sequence = summary.get(BatchHistory.CHECKPOINT_SEQUENCE);
    return sequence != null && Long.parseLong(sequence) == covered;
  }

  private static long bytes(List<DataFile> files) {
    return files.stream().mapToLong(DataFile::sizeBytes).sum();
  }
}
