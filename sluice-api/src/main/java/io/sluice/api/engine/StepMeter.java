package io.sluice.api.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures one step of a run: wall time, the process's CPU time and its peak resident memory
 * between {@link #start()} and {@link #stop}. Steps may nest (a source's batch holds the engine's
 * stage, validate and write steps) and may run on several threads at once.
 *
 * <p>CPU time and memory come from Linux's {@code /proc/self}: the peak is the kernel's high-water
 * mark ({@code VmHWM}), which each start and stop reads and resets (writing {@code 5} to {@code
 * /proc/self/clear_refs}), folding the reading into every step still open, so that a step's peak is
 * the highest resident memory while it ran, its inner steps' included. Elsewhere those figures are
 * {@code -1}.
 */
public final class StepMeter {
  private static final Proc SELF = new Proc(Path.of("/proc/self"));

  /** Clock ticks per second of {@code /proc/self/stat}'s CPU times (USER_HZ, 100 on Linux). */
  private static final long TICK_NANOS = 10_000_000L;

  private final Proc proc;
  private final long startNanos;
  private final long startCpu;
  private long peak;

  private StepMeter(Proc proc) {
    this.proc = proc;
    this.startNanos = System.nanoTime();
    this.startCpu = proc.cpuNanos();
    synchronized (proc.open) {
      // The reading resets the high-water mark: the steps already open must see it too.
      this.peak = proc.foldPeak();
      proc.open.add(this);
    }
  }

  /** Starts measuring a step. */
  public static StepMeter start() {
    return new StepMeter(SELF);
  }

  /** Ends the step and returns its figures. */
  public StepTiming stop(String name, long rows, long bytesIn, long bytesOut) {
    long wall = System.nanoTime() - startNanos;
    long cpu = startCpu < 0 ? -1 : Math.max(0, proc.cpuNanos() - startCpu);
    long stepPeak;
    synchronized (proc.open) {
      proc.open.remove(this);
      stepPeak = Math.max(peak, proc.foldPeak());
    }
    return new StepTiming(name, wall, cpu, rows, bytesIn, bytesOut, stepPeak);
  }

  /** Ends the step with only its name and the rows it produced. */
  public StepTiming stop(String name, long rows) {
    return stop(name, rows, -1, -1);
  }

  /** The process's CPU time so far (user + system, all threads), or -1 when unknown. */
  public static long processCpuNanos() {
    return SELF.cpuNanos();
  }

  /**
   * A process's figures as Linux shows them in a {@code /proc/<pid>} folder, and the steps open on
   * it. Tests give a folder of their own to play the kernel.
   */
  static final class Proc {
    private final Path stat;
    private final Path status;
    private final Path clearRefs;
    private final List<StepMeter> open = new ArrayList<>();
    private volatile boolean available;

    Proc(Path folder) {
      this.stat = folder.resolve("stat");
      this.status = folder.resolve("status");
      this.clearRefs = folder.resolve("clear_refs");
      this.available = Files.isReadable(stat);
    }

    /** Starts measuring a step of this process. */
    StepMeter start() {
      return new StepMeter(this);
    }

    /** The process's CPU time so far (user + system, all threads), or -1 when unknown. */
    long cpuNanos() {
      if (!available) {
        return -1;
      }
      try {
        String line = Files.readString(stat, StandardCharsets.US_ASCII);
        // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
      } catch (IOException | RuntimeException e) {
        available = false;
        return -1;
      }
    }

    /**
     * Reads and resets the peak, folds it into every open step and returns it; -1 when unknown.
     * Called holding {@code open}'s lock.
     */
    private long foldPeak() {
      long now = readAndResetPeak();
      for (StepMeter step : open) {
        step.peak = Math.max(step.peak, now);
      }
      return now;
    }

    /** The peak resident memory since the last reset, then resets it; -1 when unknown. */
    private long readAndResetPeak() {
      if (!available) {
        return -1;
      }
      long peak = -1;
      try {
        for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
          if (line.startsWith("VmHWM:")) {
            peak = Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
            break;
          }
        }
      } catch (IOException | RuntimeException e) {
        return -1;
      }
      try {
        Files.writeString(clearRefs, "5");
      } catch (IOException | RuntimeException e) {
        // Not resettable here (an older kernel, a read-only /proc): the peak is then the
        // process's peak so far, an upper bound.
      }
      return peak;
    }
  }
}
