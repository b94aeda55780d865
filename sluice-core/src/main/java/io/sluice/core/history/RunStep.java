package io.sluice.core.history;

import static java.util.Objects.requireNonNull;

import io.sluice.core.run.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One step of an attempt, as the run history keeps it for queries and as {@code sluice runs show}
 * and {@code GET /v1/runs/{id}} show it: a source's batch, a model's build or a model test.
 *
 * @param kind what the step was
 * @param name the source, model or test
 * @param status {@code ok}, {@code nothing-new} (a source without new input), {@code check-failed}
 *     (a source whose check of severity fail failed), {@code skipped} (a model whose inputs did not
 *     change), {@code pass}, {@code fail}, {@code warn} or {@code error} (a test)
 * @param millis how long it took (0 for a test: tests are not timed one by one)
 * @param rowsRead records read (a source), -1 otherwise
 * @param rowsLanded rows landed in clean (a source), rows in the relation after the build (a table
 *     model; -1 for a view), failing rows (a test)
 * @param rowsQuarantined rows quarantined (a source), -1 otherwise
 * @param qualityScore landed/read of a source that read rows
 * @param detail what else is worth a glance: the batch id and files, the materialization and
 *     action, a test's severity
 * @param error why the step failed (a test that could not run, a failed check), else empty
 */
public record RunStep(
    Kind kind,
    String name,
    String status,
    long millis,
    long rowsRead,
    long rowsLanded,
    long rowsQuarantined,
    OptionalDouble qualityScore,
    String detail,
    String error) {
  public RunStep {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    requireNonNull(status, "status is null");
    requireNonNull(qualityScore, "qualityScore is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(error, "error is null");
  }

  /** What a step was. */
  public enum Kind {
    SOURCE,
    MODEL,
    TEST;

    /** As stored and shown: {@code source}, {@code model}, {@code test}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  /** The steps of an attempt that ended with {@code summary}, in the order they ran. */
  public static List<RunStep> of(RunSummary summary) {
    List<RunStep> steps = new ArrayList<>();
    for (RunSummary.SourceRun source : summary.sources()) {
      String failedChecks =
          String.join(
              "; ",
              source.checks().stream()
                  .filter(c -> !c.passed() && c.severity().equals("fail"))
                  .map(c -> c.check() + ": " + c.message())
                  .toList());
      steps.add(
          new RunStep(
              Kind.SOURCE,
              source.source(),
              source.checkFailed()
                  ? "check-failed"
                  : source.batchId().isEmpty() ? "nothing-new" : "ok",
              source.millis(),
              source.rowsRead(),
              source.rowsValid(),
              source.rowsQuarantined(),
              source.rowsRead() == 0 ? OptionalDouble.empty() : OptionalDouble.of(source.score()),
              source.batchId().isEmpty()
                  ? ""
                  : "batch "
                      + source.batchId()
                      + ", "
                      + source.files()
                      + (source.files() == 1 ? " split" : " splits")
                      + (source.recovered() ? ", recovered" : ""),
              failedChecks));
    }
    for (RunSummary.ModelRun model : summary.models()) {
      steps.add(
          new RunStep(
              Kind.MODEL,
              model.model(),
              model.action().equals("skipped") ? "skipped" : "ok",
              model.millis(),
              -1,
              model.rows(),
              -1,
              OptionalDouble.empty(),
              model.materialization() + ", " + model.action(),
              ""));
    }
    for (RunSummary.TestRun test : summary.tests()) {
      String status =
          test.passed()
              ? "pass"
              : !test.error().isEmpty() ? "error" : test.failsRun() ? "fail" : "warn";
      steps.add(
          new RunStep(
              Kind.TEST,
              test.test(),
              status,
              0,
              -1,
              test.error().isEmpty() ? test.failures() : -1,
              -1,
              OptionalDouble.empty(),
              "severity " + test.severity(),
              test.error()));
    }
    return steps;
  }
}
