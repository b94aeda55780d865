package io.sluice.cli;

import io.sluice.api.engine.StepTiming;
import io.sluice.core.run.RunSummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The table of a run's step timings ({@code sluice run --timings}, {@code sluice runs show
 * --timings}): a step's inner steps are indented under it; {@code -} where a figure is unknown.
 */
final class TimingsTable {
  /** The columns, in order. */
  static final List<String> HEADER =
      List.of(
          "step",
          "wall s",
          "CPU s",
          "CPU/wall",
          "rows",
          "rows/s",
          "MB in",
          "MB out",
          "MB/s",
          "peak RSS MiB");

  private TimingsTable() {}

  /** Prints {@code timings}, each line after {@code indent}; a note when there are none. */
  static void print(PrintWriter out, List<RunSummary.Timing> timings, String indent) {
    if (timings.isEmpty()) {
      out.println(
          indent + "(no step timings: the run measured none, or ran before they were kept)");
      out.flush();
      return;
    }
    TextTable table = new TextTable(HEADER).dashIsBlank();
    for (RunSummary.Timing timing : timings) {
      StepTiming step = timing.figures();
      double wall = step.wallNanos() / 1e9;
      table.add(
          List.of(
              "  ".repeat(timing.depth()) + step.name(),
              fixed(wall, 2),
              step.cpuNanos() < 0 ? "-" : fixed(step.cpuNanos() / 1e9, 2),
              step.cpuNanos() < 0 || step.wallNanos() <= 0
                  ? "-"
                  : fixed((double) step.cpuNanos() / step.wallNanos(), 2),
              step.rows() < 0 ? "-" : Format.count(step.rows()),
              step.rows() < 0 || wall <= 0 ? "-" : Format.count(Math.round(step.rows() / wall)),
              megabytes(step.bytesIn()),
              megabytes(step.bytesOut()),
              step.bytesIn() < 0 || wall <= 0 ? "-" : fixed(step.bytesIn() / 1e6 / wall, 1),
              step.peakRssBytes() < 0
                  ? "-"
                  : Format.count(Math.round(step.peakRssBytes() / (1024.0 * 1024.0)))));
    }
    java.io.StringWriter text = new java.io.StringWriter();
    table.print(new PrintWriter(text));
    text.toString().lines().forEach(line -> out.println(indent + line));
    out.flush();
  }

  private static String megabytes(long bytes) {
    return bytes < 0 ? "-" : fixed(bytes / 1e6, 1);
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
