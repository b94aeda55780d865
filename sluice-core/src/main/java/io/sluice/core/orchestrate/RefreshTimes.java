package io.sluice.core.orchestrate;

import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.PipelineRunner;
import io.sluice.core.run.ProjectRuntime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** When sources and models were last refreshed: what a freshness SLA's age is measured from. */
public interface RefreshTimes {
  /**
   * When the last batch of {@code source} landed: the {@code sluice.ingested-at} of its clean
   * table's last batch (quarantine replays aside), else that batch's commit time; empty when none
   * has landed.
   */
  Optional<Instant> lastLanded(String source);

  /**
   * When {@code model} was last built (a skipped model, whose inputs did not change, keeps its last
   * build's time); empty when it was never built, or last built before build times were recorded.
   */
  Optional<Instant> lastBuilt(String model);

  /**
   * Reads the refresh times from an open runtime: sources from the lake, models from the states the
   * engine keeps in the warehouse. A model's state is read while no pass uses the engine ({@link
   * ProjectRuntime#runExclusively}): {@link #lastBuilt} waits for a pass in progress.
   */
  static RefreshTimes of(ProjectRuntime runtime) {
    return new RefreshTimes() {
      @Override
      public Optional<Instant> lastLanded(String source) {
        List<io.sluice.api.lake.Snapshot> snapshots =
            runtime
                .lake()
                .load(new TableId(LakeLayout.CLEAN, source))
                .map(LakeTable::snapshots)
                .orElse(List.of());
        BatchHistory history = BatchHistory.of(snapshots);
        List<BatchHistory.Batch> batches = history.batchList();
        for (int i = batches.size() - 1; i >= 0; i--) {
          BatchHistory.Batch batch = batches.get(i);
          if (!batch.replay()) {
            return Optional.of(batch.ingestedAt().orElse(batch.committedAt()));
          }
        }
        // Only a checkpoint (maintenance folded the batches) or nothing at all.
        return history.lastBatchAt();
      }

      @Override
      public Optional<Instant> lastBuilt(String model) {
        return runtime
            .runExclusively(() -> runtime.engine().state(PipelineRunner.stateKey(model)))
            .map(PipelineRunner.ModelState::parse)
            .flatMap(PipelineRunner.ModelState::lastBuilt);
      }
    };
  }
}
