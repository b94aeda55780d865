package io.sluice.api.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures one step of a run: wall time, the process's CPU time between {@link #start()} and {@link
 * #stop}, and the process's peak resident memory when the step ended. Steps may nest (a source's
 * batch holds the engine's stage, validate and write steps) and may run on several threads at once.
 *
 * <p>CPU time and memory come from Linux's {@code /proc/self}; elsewhere those figures are {@code
 * -1}. The peak is the kernel's high-water mark since the process started ({@code VmHWM}), so it
 * never falls from one step to the next: the step where it grows is the one that needed the memory.
 * It is deliberately never reset ({@code /proc/self/clear_refs} could give each step its own peak):
 * a reset also lowers the peak the kernel reports for the whole process when it exits ({@code
 * getrusage}, {@code time -v}), which benchmarks and supervisors read.
 */
public final class StepMeter {
  private static final Proc SELF = new Proc(Path.of("/proc/self"));

  /** Clock ticks per second of {@code /proc/self/stat}'s CPU times (USER_HZ, 100 on Linux). */
  private static final long TICK_NANOS = 10_000_000L;

  private final Proc proc;
  private final long startNanos;
  private final long startCpu;

  private StepMeter(Proc proc) {
    this.proc = proc;
    this.startNanos = System.nanoTime();
    this.startCpu = proc.cpuNanos();
  }

  /** Starts measuring a step. */
  public static StepMeter start() {
    return new StepMeter(SELF);
  }

  /** Ends the step and returns its figures. */
  public StepTiming stop(String name, long rows, long bytesIn, long bytesOut) {
    long wall = System.nanoTime() - startNanos;
    long cpu = startCpu < 0 ? -1 : Math.max(0, proc.cpuNanos() - startCpu);
    return new StepTiming(name, wall, cpu, rows, bytesIn, bytesOut, proc.peakRssBytes());
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
   * A process's figures as Linux shows them in a {@code /proc/<pid>} folder. Tests give a folder of
   * their own to play the kernel.
   */
  static final class Proc {
    private final Path stat;
    private final Path status;
    private volatile boolean available;

    Proc(Path folder) {
      this.stat = folder.resolve("stat");
      this.status = folder.resolve("status");
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

    /** The process's peak resident memory since it started ({@code VmHWM}), or -1 when unknown. */
    long peakRssBytes() {
      if (!available) {
        return -1;
      }
      try {
        for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
          }
        }
        return -1;
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }
  }
}
