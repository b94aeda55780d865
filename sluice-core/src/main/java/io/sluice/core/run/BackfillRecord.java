package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The resumable record of one backfill, kept in {@code <state-dir>/backfills/<id>.json} (written
 * atomically after every step): what it covers, and the status of each of its steps.
 *
 * @param id the backfill's id (see {@link BackfillRequest#id()})
 * @param from first day (ISO date)
 * @param to last day (ISO date)
 * @param select the selectors it was started with
 * @param exclude the exclusions it was started with
 * @param round 1 for the first pass; {@code --mode all} starts the next round, which redoes every
 *     step (the lake's commits are marked with the round, so a step of a new round is never taken
 *     for one of an earlier round)
 * @param status {@code running}, {@code ok}, {@code failed} or {@code cancelled}; a backfill whose
 *     process died stays {@code running} until it is resumed
 * @param steps one per source partition (in day order), then one for the models
 * @param updatedAt when the record was last written (ISO-8601 UTC)
 */
public record BackfillRecord(
    String id,
    String from,
    String to,
    List<String> select,
    List<String> exclude,
    int round,
    String status,
    List<Step> steps,
    String updatedAt) {

  public static final String RUNNING = "running";
  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  public BackfillRecord {
    requireNonNull(id, "id is null");
    select = List.copyOf(select);
    exclude = List.copyOf(exclude);
    steps = List.copyOf(steps);
  }

  /** The step of {@code key}, if the record has it. */
  public java.util.Optional<Step> step(String key) {
    return steps.stream().filter(step -> step.key().equals(key)).findFirst();
  }

  /** How many steps are done. */
  public long done() {
    return steps.stream().filter(Step::done).count();
  }

  /**
   * One step: a day of a source, or the rebuild of the models.
   *
   * @param target the source's name, or {@link #MODELS}
   * @param partition the day (ISO date), or {@code ""} for the models
   * @param status {@code pending}, {@code done} or {@code failed}
   * @param attempts how many times it was started
   * @param error the last failure's message, {@code ""} when none
   * @param rowsRemoved clean rows the partition held before (models: 0)
   * @param rowsAdded clean rows it holds after (models: the models rebuilt)
   * @param rowsQuarantined rows of the partition that the current rules now quarantine
   * @param rowsResolved quarantined rows that now land in the partition
   */
  public record Step(
      String target,
      String partition,
      String status,
      int attempts,
      String error,
      long rowsRemoved,
      long rowsAdded,
      long rowsQuarantined,
      long rowsResolved) {
    /** The target of the step that rebuilds the selected models. */
    public static final String MODELS = "(models)";

    public static final String PENDING = "pending";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    public Step {
      requireNonNull(target, "target is null");
      requireNonNull(partition, "partition is null");
      requireNonNull(status, "status is null");
      error = error == null ? "" : error;
    }

    static Step pending(String target, String partition) {
      return new Step(target, partition, PENDING, 0, "", 0, 0, 0, 0);
    }

    /** {@code source/day}, or {@link #MODELS}. */
    public String key() {
      return partition.isEmpty() ? target : target + "/" + partition;
    }

    public boolean done() {
      return status.equals(DONE);
    }

    public boolean failed() {
      return status.equals(FAILED);
    }

    public boolean models() {
      return target.equals(MODELS);
    }
  }
}
