package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one run is asked to do: the input of {@link ProjectRuntime#run(RunRequest, java.time.Clock,
 * RunListener)}, whoever asks (the CLI, {@code sluice serve}, the scheduler, the REST API).
 *
 * @param select dbt-style selectors of the sources and models to run ({@code name}, {@code name+},
 *     {@code +name}, {@code tag:x}, {@code source:x}; see {@link
 *     io.sluice.core.project.Selection}); empty: the whole project
 * @param exclude selectors of what to leave out of {@code select}
 * @param fullRefresh rebuild the selected models whole, incremental ones included, even when their
 *     inputs did not change
 * @param window for a backfill: the event-time interval {@code [start, end)} of the partitions to
 *     reprocess; empty for a normal incremental run
 * @param trigger who asked, as recorded in the run history: {@code manual}, {@code serve}, {@code
 *     schedule:NAME}, {@code backfill:ID}, {@code api}
 */
public record RunRequest(
    List<String> select,
    List<String> exclude,
    boolean fullRefresh,
    Optional<Window> window,
    String trigger) {
  public RunRequest {
    select = List.copyOf(select);
    exclude = List.copyOf(exclude);
    requireNonNull(window, "window is null");
    requireNonNull(trigger, "trigger is null");
  }

  /** The whole project, incrementally: what {@code sluice run} without options does. */
  public static RunRequest all(String trigger) {
    return new RunRequest(List.of(), List.of(), false, Optional.empty(), trigger);
  }

  /** Whether this request runs the whole project (no selector, no exclusion). */
  public boolean selectsAll() {
    return select.isEmpty() && exclude.isEmpty();
  }

  /**
   * An event-time interval, start inclusive, end exclusive.
   *
   * @param start first instant in the interval
   * @param end first instant after it
   */
  public record Window(Instant start, Instant end) {
    public Window {
      requireNonNull(start, "start is null");
      requireNonNull(end, "end is null");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException(
            "window end " + end + " is not after its start " + start);
      }
    }
  }
}
