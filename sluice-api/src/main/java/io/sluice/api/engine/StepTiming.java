package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

/**
 * What one step of a run cost: the figures {@code sluice run --timings} prints and the run history
 * keeps, so that users can see where time goes and size machines from measured throughput.
 *
 * <p>A value that could not be measured is {@code -1} (CPU time and peak memory on a system without
 * {@code /proc}, bytes a step does not know).
 *
 * @param name the step, e.g. {@code plan}, {@code stage}, {@code validate}, {@code write raw}
 * @param wallNanos elapsed time
 * @param cpuNanos CPU time of the whole process during the step (all threads, native ones too: an
 *     engine's worker threads count), so {@code cpuNanos / wallNanos} is the parallelism achieved
 * @param rows rows the step produced (or read, for a step that only reads)
 * @param bytesIn bytes the step read
 * @param bytesOut bytes the step wrote
 * @param peakRssBytes the process's peak resident memory when the step ended (its high-water mark
 *     since it started, see {@link StepMeter}): the step where it grows is the one that needed it
 */
public record StepTiming(
    String name,
    long wallNanos,
    long cpuNanos,
    long rows,
    long bytesIn,
    long bytesOut,
    long peakRssBytes) {
  public StepTiming {
    requireNonNull(name, "name is null");
  }

  /** This step under another name, e.g. prefixed with the source it belongs to. */
  public StepTiming named(String newName) {
    return new StepTiming(newName, wallNanos, cpuNanos, rows, bytesIn, bytesOut, peakRssBytes);
  }
}
