package io.sluice.core.run;

import io.sluice.api.engine.Engine;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one source's dataset holds now, as {@code sluice status}, the REST API and the web UI show
 * it: derived once here, from the lake's batch history and the warehouse, so that no caller derives
 * it again.
 *
 * @param source the source's name
 * @param batches batches landed
 * @param rowsRead rows read over every batch
 * @param rowsValid rows landed in clean
 * @param rowsQuarantined rows quarantined
 * @param score valid / read over every batch; empty when nothing was read
 * @param lastBatchScore the score of the last batch that read rows (replays aside), if any
 * @param minScore the {@code min-score} that applies to it (0: none)
 * @param lastLanded when its last batch landed, if one did
 * @param latestEvent its greatest event time in the warehouse (when it has an event-time column and
 *     landed rows), as the engine returned it
 * @param history its batch history, for callers that show more
 */
public record DatasetStatus(
    String source,
    long batches,
    long rowsRead,
    long rowsValid,
    long rowsQuarantined,
    OptionalDouble score,
    OptionalDouble lastBatchScore,
    double minScore,
    Optional<Instant> lastLanded,
    Optional<Object> latestEvent,
    BatchHistory history) {

  /** Every source's dataset, in project order. */
  public static List<DatasetStatus> of(ProjectRuntime runtime) {
    List<DatasetStatus> all = new ArrayList<>();
    for (SourceDef source : runtime.project().sources()) {
      all.add(of(runtime, source));
    }
    return all;
  }

  /** One source's dataset. */
  public static DatasetStatus of(ProjectRuntime runtime, SourceDef source) {
    Project project = runtime.project();
    Optional<LakeTable> clean = runtime.lake().load(new TableId(LakeLayout.CLEAN, source.name()));
    BatchHistory history = BatchHistory.of(clean.map(LakeTable::snapshots).orElse(List.of()));
    long read = history.rowsRead();
    return new DatasetStatus(
        source.name(),
        history.batches(),
        read,
        history.rowsValid(),
        history.rowsQuarantined(),
        read == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) history.rowsValid() / read),
        lastBatchScore(history),
        project.quality().minScore(source.name()),
        history.lastBatchAt(),
        clean.isPresent() ? latestEvent(runtime.engine(), source, history) : Optional.empty(),
        history);
  }

  /** The dataset's latest event time, when it has an event-time column and landed rows. */
  private static Optional<Object> latestEvent(
      Engine engine, SourceDef source, BatchHistory history) {
    if (source.eventTime().isEmpty() || history.rowsValid() == 0) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        engine
            .query(
                "SELECT max("
                    + engine.dialect().quote(source.eventTime().get())
                    + ") FROM "
                    + LakeLayout.LAKE_SCHEMA
                    + "."
                    + engine.dialect().quote(source.name()),
                1)
            .rows()
            .get(0)
            .get(0));
  }

  /** The score of the dataset's last batch that read rows (replays aside). */
  private static OptionalDouble lastBatchScore(BatchHistory history) {
    List<BatchHistory.Batch> batches = history.batchList();
    for (int i = batches.size() - 1; i >= 0; i--) {
      BatchHistory.Batch batch = batches.get(i);
      if (!batch.replay() && batch.rowsRead() > 0) {
        return OptionalDouble.of(batch.score());
      }
    }
    return OptionalDouble.empty();
  }
}
