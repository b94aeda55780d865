package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.api.lake.Snapshot;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a lake table's snapshot history says about the batches committed to it: the positions
 * consumed ({@code sluice.splits} of the clean table), which batches are committed, the next batch
 * id, the quarantined rows replays landed ({@link QuarantineReplay#RESOLVED}), and running totals.
 *
 * <p><b>Checkpoints.</b> Expiring snapshots would lose their summaries, so before it expires any,
 * maintenance commits a checkpoint: an empty snapshot whose summary folds every snapshot up to a
 * sequence number {@code S} ({@link #CHECKPOINT_SEQUENCE}) into cumulative values. The history is
 * read as the checkpoint covering the highest {@code S}, then every snapshot with a sequence number
 * above {@code S}, oldest first. A batch committed while the checkpoint is being written lands
 * above {@code S} and is read on top of it, whatever order the two commits end in; expiry keeps
 * every snapshot above {@code S}. Without a checkpoint, every snapshot is read, as before
 * checkpoints existed.
 */
public final class BatchHistory {
  /** The sequence number up to which a checkpoint folds the history (inclusive). */
  public static final String CHECKPOINT_SEQUENCE = "sluice.checkpoint.sequence";

  /** Cumulative positions (JSON map, split key to position) up to the checkpoint. */
  public static final String CHECKPOINT_SPLITS = "sluice.checkpoint.splits";

  /** The highest batch id committed up to the checkpoint; absent when there was none. */
  public static final String CHECKPOINT_BATCH_ID = "sluice.checkpoint.batch-id";

  /** Batches committed up to the checkpoint. */
  public static final String CHECKPOINT_BATCHES = "sluice.checkpoint.batches";

  public static final String CHECKPOINT_ROWS_READ = "sluice.checkpoint.rows-read";
  public static final String CHECKPOINT_ROWS_VALID = "sluice.checkpoint.rows-valid";
  public static final String CHECKPOINT_ROWS_QUARANTINED = "sluice.checkpoint.rows-quarantined";
  public static final String CHECKPOINT_ROWS_WARNED = "sluice.checkpoint.rows-warned";

  /** Every quarantined row replayed into the table up to the checkpoint (JSON array of keys). */
  public static final String CHECKPOINT_RESOLVED = "sluice.checkpoint.resolved";

  /** Failures per rule of every batch up to the checkpoint (JSON map, rule to count). */
  public static final String CHECKPOINT_FAILURES = "sluice.checkpoint.failures";

  /** Commit time (epoch millis) of the last batch up to the checkpoint. */
  public static final String CHECKPOINT_LAST_BATCH_AT = "sluice.checkpoint.last-batch-at";

  /** {@code sluice.operation} of a checkpoint snapshot. */
  public static final String CHECKPOINT_OPERATION = "checkpoint";

  private static final String OPERATION = "sluice.operation";

  private final Map<String, String> positions = new TreeMap<>();
  private final Set<String> batchIds = new HashSet<>();
  private final Set<String> resolved = new java.util.TreeSet<>();
  private long checkpointedBatch; // number of the highest batch id a checkpoint covers, 0: none
  private long lastBatch;
  private long batches;
  private long rowsRead;
  private long rowsValid;
  private long rowsWarned;
  private long rowsQuarantined;
  private Optional<Instant> lastBatchAt = Optional.empty();
  private final Map<String, Long> failuresByRule = new TreeMap<>();
  private final List<Batch> batchList = new java.util.ArrayList<>();
  private long checkpointedBatches;

  private BatchHistory() {}

  /**
   * One batch committed to a clean table, as its snapshot summary records it.
   *
   * @param batchId the batch id
   * @param replay whether it is a quarantine replay: then rows read are the rows replayed, valid
   *     the rows it landed and quarantined those still quarantined
   * @param ingestedAt when the batch started ({@code sluice.ingested-at}), if recorded
   * @param committedAt when its clean commit was made
   * @param rowsRead rows read
   * @param rowsValid rows landed in clean
   * @param rowsQuarantined rows landed in quarantine
   * @param failuresByRule failures per rule
   * @param rowsWarned rows landed that failed a rule of severity warn
   * @param drift the schema drift the batch showed ({@link PipelineRunner#SCHEMA_DRIFT}), if any
   */
  public record Batch(
      String batchId,
      boolean replay,
      Optional<Instant> ingestedAt,
      Instant committedAt,
      long rowsRead,
      long rowsValid,
      long rowsQuarantined,
      Map<String, Long> failuresByRule,
      long rowsWarned,
      List<SchemaDrift.Event> drift) {
    public Batch {
      requireNonNull(batchId, "batchId is null");
      requireNonNull(ingestedAt, "ingestedAt is null");
      requireNonNull(committedAt, "committedAt is null");
      failuresByRule = java.util.Collections.unmodifiableMap(new TreeMap<>(failuresByRule));
      drift = List.copyOf(drift);
    }

    /** A batch that showed no schema drift. */
    public Batch(
        String batchId,
        boolean replay,
        Optional<Instant> ingestedAt,
        Instant committedAt,
        long rowsRead,
        long rowsValid,
        long rowsQuarantined,
        Map<String, Long> failuresByRule,
        long rowsWarned) {
      this(
          batchId,
          replay,
          ingestedAt,
          committedAt,
          rowsRead,
          rowsValid,
          rowsQuarantined,
          failuresByRule,
          rowsWarned,
          List.of());
    }

    /** valid/read, 1.0 when nothing was read. */
    public double score() {
      return rowsRead == 0 ? 1.0 : (double) rowsValid / rowsRead;
    }

    /** (valid - warnWeight * warned) / read, 1.0 when nothing was read. */
    public double weightedScore(double warnWeight) {
      return rowsRead == 0 ? 1.0 : (rowsValid - warnWeight * rowsWarned) / rowsRead;
    }

    /** From its start to its clean commit, if its start is recorded. */
    public Optional<java.time.Duration> duration() {
      return ingestedAt.map(start -> java.time.Duration.between(start, committedAt));
    }
  }

  /** Reads {@code history} (a table's snapshots, oldest first). */
  public static BatchHistory of(List<Snapshot> history) {
    BatchHistory result = new BatchHistory();
    long covered = 0;
    Snapshot checkpoint = null;
    for (Snapshot snapshot : history) {
      String sequence = snapshot.summary().get(CHECKPOINT_SEQUENCE);
      if (sequence != null && Long.parseLong(sequence) >= covered) {
        covered = Long.parseLong(sequence);
        checkpoint = snapshot;
      }
    }
    if (checkpoint != null) {
      result.start(checkpoint.summary());
    }
    for (Snapshot snapshot : history) {
      if (snapshot.sequence() > covered) {
        result.add(snapshot);
      }
    }
    return result;
  }

  private void start(Map<String, String> checkpoint) {
    positions.putAll(
        StateStore.fromJson(
            checkpoint.getOrDefault(CHECKPOINT_SPLITS, "{}"),
            new TypeReference<Map<String, String>>() {}));
    String batchId = checkpoint.get(CHECKPOINT_BATCH_ID);
    if (batchId != null) {
      checkpointedBatch = number(batchId);
      lastBatch = checkpointedBatch;
    }
    String keys = checkpoint.get(CHECKPOINT_RESOLVED);
    if (keys != null) {
      resolved.addAll(StateStore.fromJson(keys, new TypeReference<List<String>>() {}));
    }
    batches = count(checkpoint, CHECKPOINT_BATCHES);
    checkpointedBatches = batches;
    String failures = checkpoint.get(CHECKPOINT_FAILURES);
    if (failures != null) {
      failuresByRule.putAll(
          StateStore.fromJson(failures, new TypeReference<Map<String, Long>>() {}));
    }
    rowsRead = count(checkpoint, CHECKPOINT_ROWS_READ);
    rowsValid = count(checkpoint, CHECKPOINT_ROWS_VALID);
    rowsQuarantined = count(checkpoint, CHECKPOINT_ROWS_QUARANTINED);
    rowsWarned = count(checkpoint, CHECKPOINT_ROWS_WARNED);
    lastBatchAt =
        Optional.ofNullable(checkpoint.get(CHECKPOINT_LAST_BATCH_AT))
            .map(millis -> Instant.ofEpochMilli(Long.parseLong(millis)));
  }

  private void add(Snapshot snapshot) {
    Map<String, String> summary = snapshot.summary();
    String batchId = summary.get(PipelineRunner.BATCH_ID);
    if (batchId != null) {
      batchIds.add(batchId);
      lastBatch = Math.max(lastBatch, number(batchId));
      batches++;
      rowsRead += count(summary, PipelineRunner.ROWS_READ);
      rowsValid += count(summary, PipelineRunner.ROWS_VALID);
      rowsQuarantined += count(summary, PipelineRunner.ROWS_QUARANTINED);
      rowsWarned += count(summary, PipelineRunner.ROWS_WARNED);
      // A replay reads nothing new: the rows it lands move from quarantined to valid.
      long landed = count(summary, QuarantineReplay.ROWS_LANDED);
      rowsValid += landed;
      rowsQuarantined -= landed;
      lastBatchAt = Optional.of(Instant.ofEpochMilli(snapshot.timestampMillis()));
      Map<String, Long> failures =
          summary.containsKey(PipelineRunner.FAILURES)
              ? StateStore.fromJson(
                  summary.get(PipelineRunner.FAILURES), new TypeReference<Map<String, Long>>() {})
              : Map.of();
      failures.forEach((rule, n) -> failuresByRule.merge(rule, n, Long::sum));
      boolean replay = summary.containsKey(QuarantineReplay.ROWS_REPLAYED);
      long replayed = count(summary, QuarantineReplay.ROWS_REPLAYED);
      batchList.add(
          new Batch(
              batchId,
              replay,
              Optional.ofNullable(summary.get(PipelineRunner.INGESTED_AT)).map(Instant::parse),
              Instant.ofEpochMilli(snapshot.timestampMillis()),
              replay ? replayed : count(summary, PipelineRunner.ROWS_READ),
              replay ? landed : count(summary, PipelineRunner.ROWS_VALID),
              replay ? replayed - landed : count(summary, PipelineRunner.ROWS_QUARANTINED),
              failures,
              count(summary, PipelineRunner.ROWS_WARNED),
              summary.containsKey(PipelineRunner.SCHEMA_DRIFT)
                  ? StateStore.fromJson(
                      summary.get(PipelineRunner.SCHEMA_DRIFT),
                      new TypeReference<List<SchemaDrift.Event>>() {})
                  : List.of()));
    }
    String keys = summary.get(QuarantineReplay.RESOLVED);
    if (keys != null) {
      resolved.addAll(StateStore.fromJson(keys, new TypeReference<List<String>>() {}));
    }
    String splits = summary.get(PipelineRunner.SPLITS);
    if (splits != null) {
      positions.putAll(StateStore.fromJson(splits, new TypeReference<Map<String, String>>() {}));
    }
  }

  private static long count(Map<String, String> summary, String key) {
    return Long.parseLong(summary.getOrDefault(key, "0"));
  }

  /** The number of a batch id {@code b-000042}. */
  private static long number(String batchId) {
    return Long.parseLong(batchId.substring(batchId.lastIndexOf('-') + 1));
  }

  /** The positions every committed batch consumed, later batches overriding earlier ones. */
  public Map<String, String> positions() {
    return Map.copyOf(positions);
  }

  /**
   * Whether batch {@code batchId} is committed to the table. Batch ids grow with every batch of a
   * source, so a batch at or below the highest one a checkpoint covers is committed.
   */
  public boolean contains(String batchId) {
    return batchIds.contains(batchId)
        || (checkpointedBatch > 0 && number(batchId) <= checkpointedBatch);
  }

  /**
   * The keys of the quarantined rows that replays landed in the table (see {@link
   * QuarantineReplay}), sorted.
   */
  public Set<String> resolved() {
    return java.util.Collections.unmodifiableSet(resolved);
  }

  /** The id for the next batch: one above the highest committed. */
  public String nextBatchId() {
    return String.format("b-%06d", lastBatch + 1);
  }

  public long batches() {
    return batches;
  }

  public long rowsRead() {
    return rowsRead;
  }

  public long rowsValid() {
    return rowsValid;
  }

  public long rowsQuarantined() {
    return rowsQuarantined;
  }

  /** Failures per rule over every batch, including those a checkpoint folded. */
  public Map<String, Long> failuresByRule() {
    return java.util.Collections.unmodifiableMap(failuresByRule);
  }

  /**
   * The batches committed since the last checkpoint, oldest first (a checkpoint folds the earlier
   * ones into the totals; {@link #checkpointedBatches} says how many).
   */
  public List<Batch> batchList() {
    return List.copyOf(batchList);
  }

  /** How many batches a checkpoint folded; their details are only in the totals. */
  public long checkpointedBatches() {
    return checkpointedBatches;
  }

  /** valid/read over every batch, 1.0 when nothing was read. */
  public double score() {
    return rowsRead == 0 ? 1.0 : (double) rowsValid / rowsRead;
  }

  /** Rows landed that failed a rule of severity warn, over every batch. */
  public long rowsWarned() {
    return rowsWarned;
  }

  /** (valid - warnWeight * warned) / read over every batch, 1.0 when nothing was read. */
  public double weightedScore(double warnWeight) {
    return rowsRead == 0 ? 1.0 : (rowsValid - warnWeight * rowsWarned) / rowsRead;
  }

  /** When the last batch was committed, if any was. */
  public Optional<Instant> lastBatchAt() {
    return lastBatchAt;
  }

  /**
   * The summary of a checkpoint snapshot that folds this history, read from snapshots up to and
   * including sequence number {@code upToSequence}.
   */
  public Map<String, String> checkpoint(long upToSequence) {
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(OPERATION, CHECKPOINT_OPERATION);
    summary.put(CHECKPOINT_SEQUENCE, Long.toString(upToSequence));
    summary.put(CHECKPOINT_SPLITS, StateStore.toJson(positions));
    if (lastBatch > 0) {
      summary.put(CHECKPOINT_BATCH_ID, String.format("b-%06d", lastBatch));
    }
    if (!resolved.isEmpty()) {
      summary.put(CHECKPOINT_RESOLVED, StateStore.toJson(resolved));
    }
    summary.put(CHECKPOINT_BATCHES, Long.toString(batches));
    summary.put(CHECKPOINT_ROWS_READ, Long.toString(rowsRead));
    summary.put(CHECKPOINT_ROWS_VALID, Long.toString(rowsValid));
    summary.put(CHECKPOINT_ROWS_QUARANTINED, Long.toString(rowsQuarantined));
    if (rowsWarned > 0) {
      summary.put(CHECKPOINT_ROWS_WARNED, Long.toString(rowsWarned));
    }
    if (!failuresByRule.isEmpty()) {
      summary.put(CHECKPOINT_FAILURES, StateStore.toJson(failuresByRule));
    }
    lastBatchAt.ifPresent(
        at -> summary.put(CHECKPOINT_LAST_BATCH_AT, Long.toString(at.toEpochMilli())));
    return summary;
  }
}
