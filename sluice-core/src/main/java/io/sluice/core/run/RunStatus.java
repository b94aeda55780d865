package io.sluice.core.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sluice.api.SluiceException;
import java.util.Arrays;

/** How a run ended. Written in the run history by its {@link #label()}. */
public enum RunStatus {
  /** Due, waiting for a slot (the schedule's max-concurrent) or for its retry time. */
  QUEUED("queued"),
  /** An attempt is running. */
  RUNNING("running"),
  /** Everything selected ran; no check, test or quality threshold failed. */
  OK("ok"),
  /** A dataset check or rule of severity {@code fail} failed: no model was rebuilt. */
  CHECKS_FAILED("checks-failed"),
  /** A model test of severity {@code error} failed or could not run. */
  TESTS_FAILED("tests-failed"),
  /** The run's quality score, or a source's, was below its threshold. */
  QUALITY_FAILED("quality-failed"),
  /** The run stopped on an error; its category says whether a retry may succeed. */
  FAILED("failed"),
  /** Stopped before it finished, by a user, a timeout or a shutdown. */
  CANCELLED("cancelled");

  private final String label;

  RunStatus(String label) {
    this.label = label;
  }

  /** As written in the run history and shown by the CLI: {@code ok}, {@code checks-failed}, ... */
  @JsonValue
  public String label() {
    return label;
  }

  /** Whether the run has ended (any status but queued and running). */
  public boolean finished() {
    return this != QUEUED && this != RUNNING;
  }

  /** Whether the run did everything it was asked, with no failed check, test or threshold. */
  public boolean succeeded() {
    return this == OK;
  }

  @JsonCreator
  public static RunStatus of(String label) {
    return Arrays.stream(values())
        .filter(s -> s.label.equals(label))
        .findFirst()
        .orElseThrow(
            () ->
                new SluiceException(
                    io.sluice.api.ErrorCategory.INTERNAL, "Unknown run status '" + label + "'"));
  }

  @Override
  public String toString() {
    return label;
  }
}
