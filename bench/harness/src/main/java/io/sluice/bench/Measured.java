package io.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a command as its own process and measures its wall time (from the harness's clock) and its
 * peak resident set size: from {@code /usr/bin/time -v} when it is installed (Debian: {@code
 * apt-get install time}), otherwise by polling {@code VmHWM} in {@code /proc/<pid>/status} every 20
 * ms (which misses nothing, since VmHWM is the kernel's own high-water mark, but needs the process
 * to still exist when read: the last reading before exit is kept).
 */
final class Measured {
  private static final Path TIME = Path.of("/usr/bin/time");

  /**
   * @param loadBefore the 1-minute load average just before the start (the machine is shared: a
   *     load above 0 means something else was running)
   */
  record Result(long wallMillis, long peakRssKb, int exitCode, Path log, double loadBefore) {
    double seconds() {
      return wallMillis / 1000.0;
    }
  }

  private Measured() {}

  static boolean usesTimeCommand() {
    return Files.isExecutable(TIME);
  }

  /** Runs {@code command} in {@code dir}, with stdout and stderr to {@code log}. */
  static Result run(List<String> command, Path dir, Path log, Map<String, String> env)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    Path timeFile = log.resolveSibling(log.getFileName() + ".time");
    List<String> full = new ArrayList<>();
    boolean time = usesTimeCommand();
    if (time) {
      full.addAll(List.of(TIME.toString(), "-v", "-o", timeFile.toString()));
    }
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    double load = loadAverage();
    long start = System.nanoTime();
    Process process = builder.start();
    long peak = 0;
    if (!time) {
      while (process.isAlive()) {
        peak = Math.max(peak, vmHwm(process.pid()));
        Thread.sleep(20);
      }
    }
    int exit = process.waitFor();
    long wall = (System.nanoTime() - start) / 1_000_000;
    if (time) {
      peak = maxRss(timeFile);
    }
    return new Result(wall, peak, exit, log, load);
  }

  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long vmHwm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process has just exited; the previous reading stands.
    }
    return 0;
  }

  private static long maxRss(Path timeFile) throws IOException {
    for (String line : Files.readAllLines(timeFile, StandardCharsets.UTF_8)) {
      String t = line.strip();
      if (t.startsWith("Maximum resident set size (kbytes):")) {
        return Long.parseLong(t.substring(t.indexOf(':') + 1).strip());
      }
    }
    throw new IOException("No 'Maximum resident set size' in " + timeFile);
  }
}
