package io.sluice.core.run;

import java.util.List;
import java.util.Map;

/**
 * What one {@code sluice run} did.
 *
 * @param runId the run's id (start time based, sortable)
 * @param startedAt ISO-8601 start time
 * @param millis wall time
 * @param status how it ended
 * @param error the failure message when status is {@code failed}; otherwise the quality thresholds
 *     the run missed, one per line (also when failed tests or checks set the status), else empty
 * @param sources one entry per source processed
 * @param models one entry per model
 * @param tests one entry per model test
 * @param trigger who asked for it ({@link RunRequest#trigger()}); {@code manual} in older history
 * @param select the selectors it ran with ({@link RunRequest#select()}), empty for the whole
 *     project
 * @param errorCategory when status is {@code failed}: what kind of failure (whether a retry may
 *     succeed); else null
 * @param timings what each step of the run cost (wall and CPU time, rows, bytes, peak memory), in
 *     the order the steps started, each step followed by the steps inside it; empty in older run
 *     history
 */
public record RunSummary(
    String runId,
    String startedAt,
    long millis,
    RunStatus status,
    String error,
    List<SourceRun> sources,
    List<ModelRun> models,
    List<TestRun> tests,
    String trigger,
    List<String> select,
    io.sluice.api.ErrorCategory errorCategory,
    List<Timing> timings) {
  public RunSummary {
    trigger = trigger == null ? "manual" : trigger; // null in older run history
    select = select == null ? List.of() : List.copyOf(select);
    sources = List.copyOf(sources);
    models = List.copyOf(models);
    tests = List.copyOf(tests);
    timings = timings == null ? List.of() : List.copyOf(timings); // null in older run history
  }

  /** A summary without step timings (a backfill's, a test's). */
  public RunSummary(
      String runId,
      String startedAt,
      long millis,
      RunStatus status,
      String error,
      List<SourceRun> sources,
      List<ModelRun> models,
      List<TestRun> tests,
      String trigger,
      List<String> select,
      io.sluice.api.ErrorCategory errorCategory) {
    this(
        runId,
        startedAt,
        millis,
        status,
        error,
        sources,
        models,
        tests,
        trigger,
        select,
        errorCategory,
        List.of());
  }

  /** This summary under {@code id}: the id of the run in the run history. */
  public RunSummary withRunId(String id) {
    return new RunSummary(
        id,
        startedAt,
        millis,
        status,
        error,
        sources,
        models,
        tests,
        trigger,
        select,
        errorCategory,
        timings);
  }

  /**
   * This summary with {@code first} before its timings and {@code last} after them: the steps of
   * the run outside the pipeline (its start, opening the engine and the lake, closing them).
   */
  public RunSummary withTimings(List<Timing> first, List<Timing> last) {
    List<Timing> all = new java.util.ArrayList<>(first);
    all.addAll(timings);
    all.addAll(last);
    return new RunSummary(
        runId,
        startedAt,
        millis,
        status,
        error,
        sources,
        models,
        tests,
        trigger,
        select,
        errorCategory,
        all);
  }

  public long rowsRead() {
    return sources.stream().mapToLong(SourceRun::rowsRead).sum();
  }

  public long rowsValid() {
    return sources.stream().mapToLong(SourceRun::rowsValid).sum();
  }

  public long rowsQuarantined() {
    return sources.stream().mapToLong(SourceRun::rowsQuarantined).sum();
  }

  public long rowsWarned() {
    return sources.stream().mapToLong(SourceRun::rowsWarned).sum();
  }

  /**
   * (valid - warnWeight * warned) / read over the run: warned rows (landed, but failed a rule of
   * severity warn) count {@code warnWeight} of a quarantined row; 1.0 when nothing was read.
   */
  public double weightedScore(double warnWeight) {
    long read = rowsRead();
    return read == 0 ? 1.0 : (rowsValid() - warnWeight * rowsWarned()) / read;
  }

  /** valid/read over the run, 1.0 when nothing was read. */
  public double score() {
    long read = rowsRead();
    return read == 0 ? 1.0 : (double) rowsValid() / read;
  }

  /**
   * One source's batch.
   *
   * @param source source name
   * @param batchId batch id, empty when nothing was new
   * @param files splits consumed
   * @param bytes bytes of input
   * @param rowsRead records read
   * @param rowsValid rows landed in clean
   * @param rowsQuarantined rows landed in quarantine
   * @param failuresByRule failures per rule ({@code not_null(customer_id)})
   * @param skipped notes about input deliberately left out
   * @param recovered whether this batch finished one that an earlier run left incomplete
   * @param millis wall time
   * @param checks the source's dataset-level checks evaluated in this run, and one entry (kind
   *     {@code rule}) per row rule of severity warn or fail that some rows failed
   * @param rowsWarned rows landed in clean that failed a rule of severity warn
   * @param drift how the batch's input differed from the declared columns, and what was done
   */
  public record SourceRun(
      String source,
      String batchId,
      int files,
      long bytes,
      long rowsRead,
      long rowsValid,
      long rowsQuarantined,
      Map<String, Long> failuresByRule,
      List<String> skipped,
      boolean recovered,
      long millis,
      List<CheckRun> checks,
      long rowsWarned,
      List<SchemaDrift.Event> drift) {
    public SourceRun {
      failuresByRule =
          java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(failuresByRule));
      skipped = List.copyOf(skipped);
      checks = checks == null ? List.of() : List.copyOf(checks); // null in older run history
      drift = drift == null ? List.of() : List.copyOf(drift);
    }

    /** Whether a check of severity {@code fail} failed. */
    public boolean checkFailed() {
      return checks.stream().anyMatch(c -> !c.passed() && c.severity().equals("fail"));
    }

    public double score() {
      return rowsRead == 0 ? 1.0 : (double) rowsValid / rowsRead;
    }

    /** (valid - warnWeight * warned) / read, 1.0 when nothing was read. */
    public double weightedScore(double warnWeight) {
      return rowsRead == 0 ? 1.0 : (rowsValid - warnWeight * rowsWarned) / rowsRead;
    }
  }

  /**
   * One dataset-level check.
   *
   * @param check check name
   * @param kind freshness, volume, null-rate, distinct-count or assertion
   * @param severity {@code warn} or {@code fail}
   * @param passed whether it passed
   * @param message why it failed, else empty
   */
  public record CheckRun(
      String check, String kind, String severity, boolean passed, String message) {}

  /**
   * One model.
   *
   * @param model model name
   * @param materialization view, table or incremental
   * @param action {@code built}, {@code incremental}, {@code skipped} (inputs unchanged)
   * @param rows rows in the relation after the run (-1 for views)
   * @param millis wall time
   */
  public record ModelRun(
      String model, String materialization, String action, long rows, long millis) {}

  /**
   * One model test: a {@code schema.yml} test or a singular test ({@code tests/NAME.sql}).
   *
   * @param test display name: {@code unique(daily.day)}, or the singular test's file stem
   * @param failures failing rows (0 = passed)
   * @param error when the test could not run, else empty
   * @param severity {@code error} (a failure fails the run) or {@code warn} (it is only reported)
   */
  public record TestRun(String test, long failures, String error, String severity) {
    public TestRun {
      severity = severity == null ? "error" : severity; // null in older run history
    }

    public boolean passed() {
      return failures == 0 && error.isEmpty();
    }

    /**
     * Whether this test fails the run: it could not run, or it found failing rows and its severity
     * is {@code error}.
     */
    public boolean failsRun() {
      return !error.isEmpty() || (failures > 0 && !severity.equals("warn"));
    }
  }

  /**
   * What one step of the run cost.
   *
   * @param depth 0 for a step of the run (opening, a source's batch, the views, a model, the
   *     tests), 1 for a step inside it (a batch's plan, observe, ingest and commit), 2 for a step
   *     inside that (the engine's own steps of an ingest)
   * @param figures its name ({@code events: ingest}) and figures
   */
  public record Timing(int depth, io.sluice.api.engine.StepTiming figures) {
    public Timing {
      java.util.Objects.requireNonNull(figures, "figures is null");
    }
  }
}
