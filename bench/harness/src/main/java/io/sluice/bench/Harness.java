package io.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The benchmark harness behind {@code bench/run}: generates the data sets, runs the workload on
 * each system in its own process k times, checks that every system produced the counts the
 * generator expects (and so the same counts), runs the incremental and cold-start cases, and prints
 * one table, which it also appends to {@code bench/results/<date>-<cores>cores.md}.
 */
public final class Harness {
  static final List<String> SPARK_JVM_OPTIONS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private static final String COUNTS_QUERY =
      "SELECT (SELECT count(*) FROM lake.events) AS valid,"
          + " (SELECT count(*) FROM quarantine.events) AS quarantined,"
          + " (SELECT count(*) FROM hourly) AS aggregate_rows,"
          + " (SELECT CAST(sum(amount) AS DECIMAL(38,2)) FROM hourly) AS amount";

  private final Path bench;
  private final Path work;
  private final Path sluiceJar;
  private final String harnessClasspath;
  private final String sparkClasspath;
  private final List<Long> sizes;
  private final int runs;
  private final List<String> systems;
  private final Path sluiceSparkJar;
  private final List<String> cases;
  private final int threads;
  private final long seed;
  private final double defectRate;
  private final double duplicateRate;
  private final long eventsPerFile;
  private final int coldOrders;
  private final boolean profile;
  private final String commandLine;
  private final List<String> cpuPrefix = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final StringBuilder report = new StringBuilder();

  private Harness(Args a) throws IOException {
    bench = Path.of(a.value("--bench-dir", null)).toAbsolutePath().normalize();
    work = bench.resolve("work");
    sluiceJar = work.resolve("sluice-cli/sluice.jar");
    sluiceSparkJar = work.resolve("sluice-spark/sluice-spark.jar");
    harnessClasspath = classpath(bench.resolve("harness"));
    sparkClasspath = classpath(bench.resolve("spark"));
    sizes =
        Arrays.stream(a.value("--size", "300000,3000000").split(","))
            .map(s -> Long.parseLong(s.strip().replace("_", "")))
            .toList();
    runs = Integer.parseInt(a.value("--runs", "3"));
    systems = List.of(a.value("--systems", "sluice,duckdb,spark").split(","));
    for (String s : systems) {
      if (!List.of("sluice", "sluice-spark", "duckdb", "spark").contains(s)) {
        throw new IllegalArgumentException(
            "unknown system '" + s + "' (sluice, sluice-spark, duckdb, spark)");
      }
    }
    cases = List.of(a.value("--cases", "full,incremental,coldstart").split(","));
    for (String c : cases) {
      if (!List.of("full", "incremental", "coldstart").contains(c)) {
        throw new IllegalArgumentException(
            "unknown case '" + c + "' (full, incremental, coldstart)");
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    threads = Integer.parseInt(a.value("--threads", Integer.toString(cores)));
    seed = Long.parseLong(a.value("--seed", "42"));
    defectRate = Double.parseDouble(a.value("--defect-rate", "0.02"));
    duplicateRate = Double.parseDouble(a.value("--duplicate-rate", "0.01"));
    eventsPerFile = Long.parseLong(a.value("--events-per-file", "250000"));
    coldOrders = Integer.parseInt(a.value("--cold-orders", "1000"));
    profile = a.flag("--profile");
    commandLine = a.value("--command-line", "bench/run");
    a.done();
    if (threads < cores && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      // Sluice has no thread setting a project can set; pinning every system to the same cores
      // keeps the comparison fair.
      cpuPrefix.addAll(List.of("taskset", "-c", "0-" + (threads - 1)));
    }
  }

  public static void main(String[] args) throws Exception {
    Harness harness = new Harness(new Args(args));
    int status = harness.run();
    System.exit(status);
  }

  private int run() throws Exception {
    snapshotSluice();
    if (systems.contains("sluice")) {
      Files.createDirectories(work.resolve("logs"));
      prepareSluiceLauncher();
    }
    String now =
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
    int cores = Runtime.getRuntime().availableProcessors();
    line("## " + now + " UTC, " + cores + " cores: `" + commandLine + "`");
    line("");
    line(machine());
    line("");
    if (!Measured.usesTimeCommand()) {
      line("(peak RSS read from /proc/<pid>/status VmHWM: /usr/bin/time is not installed)");
      line("");
    }
    Map<Long, Map<String, Stat>> full = new LinkedHashMap<>();
    if (cases.contains("full") || cases.contains("incremental")) {
      for (long size : sizes) {
        full.put(size, fullCase(size));
      }
      printFullTable(full);
    }
    Map<Long, Stat> incremental = new LinkedHashMap<>();
    if (cases.contains("incremental") && systems.contains("sluice")) {
      for (long size : sizes) {
        incremental.put(size, incrementalCase(size));
      }
      printIncrementalTable(full, incremental);
    }
    Stat[] cold = null;
    if (cases.contains("coldstart") && systems.contains("sluice")) {
      cold = coldStartCase();
      printColdTable(cold);
    }
    printTargets(full, incremental, cold);
    if (!problems.isEmpty()) {
      line("");
      line("**FAILED**:");
      for (String p : problems) {
        line("- " + p);
      }
    }
    Path results = bench.resolve("results/" + now.substring(0, 10) + "-" + cores + "cores.md");
    Files.createDirectories(results.getParent());
    if (!Files.exists(results)) {
      Files.writeString(
          results,
          "# Sluice benchmark results, "
              + now.substring(0, 10)
              + ", "
              + cores
              + " cores\n\nWritten by bench/run; see docs/performance.md for what each case"
              + " measures.\n\n",
          StandardCharsets.UTF_8);
    }
    Files.writeString(results, report + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    System.out.println();
    System.out.println("written to " + bench.getParent().relativize(results));
    if (!problems.isEmpty()) {
      System.err.println();
      System.err.println("BENCHMARK FAILED: " + String.join("; ", problems));
      return 1;
    }
    return 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Cases

  /** Wall times and peak RSS of the runs of one system on one case, and what it produced. */
  record Stat(List<Measured.Result> results, Counts counts, long events, long bytes) {
    double medianSeconds() {
      List<Long> walls = results.stream().map(Measured.Result::wallMillis).sorted().toList();
      int n = walls.size();
      return (n % 2 == 1 ? walls.get(n / 2) : (walls.get(n / 2 - 1) + walls.get(n / 2)) / 2.0)
          / 1000.0;
    }

    long peakRssKb() {
      return results.stream().mapToLong(Measured.Result::peakRssKb).max().orElse(0);
    }
  }

  private Map<String, Stat> fullCase(long size) throws Exception {
    Path dir = work.resolve("n" + size);
    Generate.Manifest manifest = data(dir.resolve("data"), "events", 0, size, size);
    List<Path> files = dataFiles(dir.resolve("data"));
    Map<String, Stat> stats = new LinkedHashMap<>();
    for (String system : systems) {
      List<Measured.Result> results = new ArrayList<>();
      Counts counts = null;
      for (int r = 1; r <= runs; r++) {
        progress("%s, %,d events, run %d of %d", system, size, r, runs);
        Path log = dir.resolve("logs/" + system + "-" + r + ".log");
        Measured.Result result;
        switch (system) {
          case "sluice" -> {
            Path project = dir.resolve("sluice");
            prepareSluiceProject(project, files);
            result =
                measure(
                    sluiceCommand(
                        List.of(), "run", "-p", project.toString(), "--progress", "never"),
                    dir,
                    log);
          }
          case "sluice-spark" -> {
            // The same project on the Spark engine (sluice-spark.jar, local[threads]).
            Path project = dir.resolve("sluice-spark");
            prepareSluiceProject(project, files);
            result = measure(sluiceSparkCommand("run", "-p", project.toString()), dir, log);
          }
          case "duckdb" -> {
            Path out = dir.resolve("duckdb-out");
            deleteTree(out);
            result =
                measure(
                    List.of(
                        "java",
                        "-cp",
                        harnessClasspath,
                        DuckDbJob.class.getName(),
                        "--script",
                        bench.resolve("duckdb/workload.sql").toString(),
                        "--data",
                        dir.resolve("data").toAbsolutePath() + "/*.ndjson",
                        "--out",
                        out.toString(),
                        "--threads",
                        Integer.toString(threads)),
                    dir,
                    log);
          }
          default -> {
            Path out = dir.resolve("spark-out");
            deleteTree(out);
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(SPARK_JVM_OPTIONS);
            command.addAll(
                List.of(
                    "-cp",
                    sparkClasspath,
                    "io.sluice.bench.spark.SparkJob",
                    "--data",
                    dir.resolve("data").toAbsolutePath() + "/*.ndjson",
                    "--out",
                    out.toString(),
                    "--threads",
                    Integer.toString(threads)));
            result = measure(command, dir, log);
          }
        }
        progress("  %.2f s, peak RSS %s", result.seconds(), mib(result.peakRssKb()));
        results.add(result);
      }
      counts =
          switch (system) {
            case "sluice" -> sluiceCounts(dir.resolve("sluice"), dir);
            case "sluice-spark" -> sluiceSparkCounts(dir.resolve("sluice-spark"), dir);
            case "duckdb" -> Outputs.count(dir.resolve("duckdb-out"));
            default -> Outputs.count(dir.resolve("spark-out"));
          };
      check(system + " on " + String.format("%,d", size) + " events", counts, manifest.expected());
      stats.put(system, new Stat(results, counts, size, manifest.bytes()));
    }
    if (profile && systems.contains("sluice")) {
      profileSluice(dir, files);
    }
    return stats;
  }

  private Stat incrementalCase(long size) throws Exception {
    Path dir = work.resolve("n" + size);
    Path project = dir.resolve("sluice");
    List<Path> base = dataFiles(dir.resolve("data"));
    long added = Math.max(1, size / 100);
    Generate.Manifest manifest = data(dir.resolve("incr"), "incr", size, added, size);
    List<Path> increment = dataFiles(dir.resolve("incr"));
    Path snapshot = dir.resolve("sluice-state-after-full-run");
    if (!Files.isDirectory(project.resolve(".sluice")) || !cases.contains("full")) {
      progress("sluice, %,d events: full run before the incremental case", size);
      prepareSluiceProject(project, base);
      Measured.Result first =
          measure(
              sluiceCommand(List.of(), "run", "-p", project.toString(), "--progress", "never"),
              dir,
              dir.resolve("logs/sluice-full-for-incremental.log"));
      progress("  %.2f s", first.seconds());
    }
    deleteTree(snapshot);
    copyTree(project.resolve(".sluice"), snapshot);
    List<Measured.Result> results = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      if (r > 1) {
        deleteTree(project.resolve(".sluice"));
        copyTree(snapshot, project.resolve(".sluice"));
      }
      linkData(project, increment);
      progress("sluice incremental, %,d + %,d events, run %d of %d", size, added, r, runs);
      Measured.Result result =
          measure(
              sluiceCommand(List.of(), "run", "-p", project.toString(), "--progress", "never"),
              dir,
              dir.resolve("logs/sluice-incremental-" + r + ".log"));
      progress("  %.2f s, peak RSS %s", result.seconds(), mib(result.peakRssKb()));
      results.add(result);
    }
    Counts counts = sluiceCounts(project, dir);
    if (profile) {
      deleteTree(project.resolve(".sluice"));
      copyTree(snapshot, project.resolve(".sluice"));
      Path out = dir.resolve("profile");
      Files.createDirectories(out);
      progress("sluice incremental, profiling one run with JFR and debug timings");
      Path jfr = out.resolve("sluice-incremental.jfr");
      measure(
          sluiceCommand(
              profileOptions(jfr), "run", "-p", project.toString(), "--progress", "never"),
          dir,
          out.resolve("sluice-incremental-debug.log"));
      Files.writeString(out.resolve("hot-methods-incremental.txt"), JfrTop.summarize(jfr, 40));
    }
    check(
        String.format("sluice incremental on %,d + %,d events", size, added),
        counts,
        manifest.expected());
    deleteTree(snapshot);
    return new Stat(results, counts, added, manifest.bytes());
  }

  /**
   * {@code sluice run} on the shop example with little data (fresh state), and once more (no-op).
   */
  private Stat[] coldStartCase() throws Exception {
    Path shop = work.resolve("shop");
    if (!Files.isDirectory(shop.resolve("data"))) {
      progress("generating the shop example's data (sluice demo --orders %d)", coldOrders);
      deleteTree(shop);
      Measured.Result demo =
          measure(
              sluiceCommand(
                  List.of(),
                  "demo",
                  "--dir",
                  shop.toString(),
                  "--orders",
                  Integer.toString(coldOrders),
                  "--progress",
                  "never"),
              work,
              work.resolve("logs/shop-demo.log"));
      if (demo.exitCode() != 0) {
        throw new IOException("sluice demo failed; see " + demo.log());
      }
    }
    Path project = work.resolve("coldstart");
    List<Measured.Result> fresh = new ArrayList<>();
    List<Measured.Result> noop = new ArrayList<>();
    long records = 0;
    long bytes = 0;
    try (Stream<Path> walk = Files.walk(shop.resolve("data"))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        bytes += Files.size(p);
        try (Stream<String> lines = Files.lines(p)) {
          records += lines.count();
        }
      }
    }
    for (int r = 1; r <= runs; r++) {
      deleteTree(project);
      Files.createDirectories(project);
      for (String part : List.of("sluice.yaml", "sources", "models", "data")) {
        copyTree(shop.resolve(part), project.resolve(part));
      }
      progress("sluice cold start on the shop example, run %d of %d", r, runs);
      Measured.Result first =
          measure(
              sluiceCommand(List.of(), "run", "-p", project.toString(), "--progress", "never"),
              work,
              work.resolve("logs/coldstart-" + r + ".log"));
      Measured.Result again =
          measure(
              sluiceCommand(List.of(), "run", "-p", project.toString(), "--progress", "never"),
              work,
              work.resolve("logs/coldstart-noop-" + r + ".log"));
      progress("  %.2f s; nothing new: %.2f s", first.seconds(), again.seconds());
      fresh.add(first);
      noop.add(again);
    }
    return new Stat[] {new Stat(fresh, null, records, bytes), new Stat(noop, null, 0, 0)};
  }

  private void profileSluice(Path dir, List<Path> files) throws Exception {
    Path out = dir.resolve("profile");
    Files.createDirectories(out);
    Path project = dir.resolve("sluice");
    prepareSluiceProject(project, files);
    progress("sluice, profiling one run with JFR and debug timings");
    Path jfr = out.resolve("sluice.jfr");
    Measured.Result result =
        measure(
            sluiceCommand(
                profileOptions(jfr), "run", "-p", project.toString(), "--progress", "never"),
            dir,
            out.resolve("sluice-debug.log"));
    Files.writeString(out.resolve("hot-methods.txt"), JfrTop.summarize(jfr, 40));
    progress(
        "  %.2f s; recording %s, debug log %s, hot methods %s",
        result.seconds(),
        bench.getParent().relativize(jfr),
        bench.getParent().relativize(result.log()),
        bench.getParent().relativize(out.resolve("hot-methods.txt")));
  }

  private static List<String> profileOptions(Path jfr) {
    return List.of(
        "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile",
        // Sluice's debug lines, each with its time (docs/cli.md, "Logs")
        "-Dsluice.log.level=debug");
  }

  // ---------------------------------------------------------------------------------------------
  // Tables

  private void printFullTable(Map<Long, Map<String, Stat>> full) {
    line("### Full run: validate, quarantine, dedupe, land by day/hour, hourly aggregate");
    line("");
    line(
        "| events | input | system | wall (median of "
            + runs
            + ") | runs | events/s | MB/s | peak RSS | wall vs Sluice | RSS vs Sluice |");
    line("| ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
    for (Map.Entry<Long, Map<String, Stat>> e : full.entrySet()) {
      Stat sluice = e.getValue().get("sluice");
      for (Map.Entry<String, Stat> s : e.getValue().entrySet()) {
        Stat stat = s.getValue();
        double t = stat.medianSeconds();
        line(
            String.format(
                Locale.ROOT,
                "| %,d | %s | %s | %.2f s | %s | %,.0f | %.1f | %s | %s | %s |",
                e.getKey(),
                megabytes(stat.bytes()),
                label(s.getKey()),
                t,
                stat.results().stream()
                    .map(r -> String.format(Locale.ROOT, "%.1f", r.seconds()))
                    .reduce((x, y) -> x + " / " + y)
                    .orElse(""),
                stat.events() / t,
                stat.bytes() / 1e6 / t,
                mib(stat.peakRssKb()),
                sluice == null ? "-" : ratio(t / sluice.medianSeconds()),
                sluice == null ? "-" : ratio((double) stat.peakRssKb() / sluice.peakRssKb())));
      }
    }
    line("");
    for (Map.Entry<Long, Map<String, Stat>> e : full.entrySet()) {
      Map<String, Stat> bySystem = e.getValue();
      boolean equal =
          bySystem.values().stream()
              .allMatch(s -> s.counts().sameAs(bySystem.values().iterator().next().counts()));
      line(
          String.format(
              Locale.ROOT,
              "Counts on %,d events: %s (%s).",
              e.getKey(),
              bySystem.values().iterator().next().counts(),
              equal
                  ? "equal for "
                      + String.join(", ", bySystem.keySet())
                      + ", and as the generator expects"
                  : "DIFFERENT: "
                      + bySystem.entrySet().stream()
                          .map(x -> x.getKey() + ": " + x.getValue().counts())
                          .reduce((x, y) -> x + "; " + y)
                          .orElse("")));
    }
    line("");
    double minLoad = Double.MAX_VALUE;
    double maxLoad = 0;
    for (Map<String, Stat> bySystem : full.values()) {
      for (Stat stat : bySystem.values()) {
        for (Measured.Result r : stat.results()) {
          minLoad = Math.min(minLoad, r.loadBefore());
          maxLoad = Math.max(maxLoad, r.loadBefore());
        }
      }
    }
    line(
        "Wall vs Sluice: the system's median wall time over Sluice's (above 1: slower than Sluice)."
            + " MB/s: input bytes (10^6) per second of wall time."
            + String.format(
                Locale.ROOT,
                " 1-minute load average before each run: %.2f to %.2f (the machine is shared;"
                    + " the previous run's own load decays over a minute).",
                minLoad,
                maxLoad));
    line("");
  }

  private void printIncrementalTable(
      Map<Long, Map<String, Stat>> full, Map<Long, Stat> incremental) {
    line("### Incremental: one more `sluice run` after a full run, with 1% new events");
    line("");
    line(
        "| events | full run (median) | new events | new input | incremental run (median of "
            + runs
            + ") | runs | peak RSS | cost vs full run |");
    line("| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
    for (Map.Entry<Long, Stat> e : incremental.entrySet()) {
      Stat fullRun = full.getOrDefault(e.getKey(), Map.of()).get("sluice");
      Stat inc = e.getValue();
      line(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %,d | %s | %.2f s | %s | %s | %s |",
              e.getKey(),
              fullRun == null ? "-" : String.format(Locale.ROOT, "%.2f s", fullRun.medianSeconds()),
              inc.events(),
              megabytes(inc.bytes()),
              inc.medianSeconds(),
              inc.results().stream()
                  .map(r -> String.format(Locale.ROOT, "%.1f", r.seconds()))
                  .reduce((x, y) -> x + " / " + y)
                  .orElse(""),
              mib(inc.peakRssKb()),
              fullRun == null
                  ? "-"
                  : String.format(
                      Locale.ROOT, "%.1f%%", 100 * inc.medianSeconds() / fullRun.medianSeconds())));
    }
    line("");
    for (Map.Entry<Long, Stat> e : incremental.entrySet()) {
      line(
          String.format(
              Locale.ROOT,
              "Counts after the incremental run on %,d + %,d events: %s (as the generator expects).",
              e.getKey(),
              e.getValue().events(),
              e.getValue().counts()));
    }
    line("");
  }

  private void printColdTable(Stat[] cold) {
    line(
        "### Cold start: `sluice run` on the shop example (`sluice demo --orders "
            + coldOrders
            + "` data)");
    line("");
    line("| case | records | input | wall (median of " + runs + ") | runs | peak RSS |");
    line("| --- | ---: | ---: | ---: | --- | ---: |");
    String[] names = {"first run (fresh state)", "second run (nothing new)"};
    for (int i = 0; i < cold.length; i++) {
      Stat s = cold[i];
      line(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %.2f s | %s | %s |",
              names[i],
              s.events(),
              megabytes(s.bytes()),
              s.medianSeconds(),
              s.results().stream()
                  .map(r -> String.format(Locale.ROOT, "%.2f", r.seconds()))
                  .reduce((x, y) -> x + " / " + y)
                  .orElse(""),
              mib(s.peakRssKb())));
    }
    line("");
  }

  /**
   * The targets of issue 17, for every size measured: Sluice at or below the plain DuckDB script's
   * wall time, peak RSS within 1.5 GB from 3M events up, an incremental run within 3% of the full
   * run, Sluice on Spark within 1.2x the plain Spark job, and the shop example's cold start within
   * 2 s (1 s with nothing new).
   */
  private void printTargets(
      Map<Long, Map<String, Stat>> full, Map<Long, Stat> incremental, Stat[] cold) {
    List<String> rows = new ArrayList<>();
    for (Map.Entry<Long, Map<String, Stat>> size : new TreeMap<>(full).entrySet()) {
      String events = String.format(Locale.ROOT, "%,d events", size.getKey());
      Map<String, Stat> at = size.getValue();
      Stat s = at.get("sluice");
      if (s != null && at.containsKey("duckdb")) {
        double t = s.medianSeconds();
        double d = at.get("duckdb").medianSeconds();
        rows.add(
            row(
                "Sluice vs the plain DuckDB script, " + events,
                "<= 1.0x",
                String.format(Locale.ROOT, "%.2fx (%.2f s vs %.2f s)", t / d, t, d),
                t <= d));
      }
      if (s != null && size.getKey() >= 3_000_000) {
        rows.add(
            row(
                "Sluice peak RSS, " + events,
                "<= 1.5 GB",
                mib(s.peakRssKb()),
                s.peakRssKb() * 1024L <= 1_500_000_000L));
      }
      Stat inc = incremental.get(size.getKey());
      if (s != null && inc != null) {
        double p = 100 * inc.medianSeconds() / s.medianSeconds();
        rows.add(
            row(
                "incremental run (+1%), " + events,
                "<= 3% of the full run",
                String.format(Locale.ROOT, "%.1f%% (%.2f s)", p, inc.medianSeconds()),
                p <= 3));
      }
      if (at.containsKey("sluice-spark") && at.containsKey("spark")) {
        double t = at.get("sluice-spark").medianSeconds();
        double j = at.get("spark").medianSeconds();
        rows.add(
            row(
                "Sluice on Spark vs the plain Spark job, " + events,
                "<= 1.2x",
                String.format(Locale.ROOT, "%.2fx (%.2f s vs %.2f s)", t / j, t, j),
                t <= 1.2 * j));
      }
    }
    if (cold != null) {
      double first = cold[0].medianSeconds();
      rows.add(
          row(
              "cold start, shop example, first run",
              "<= 2 s",
              String.format(Locale.ROOT, "%.2f s", first),
              first <= 2));
      if (cold.length > 1 && cold[1] != null) {
        double again = cold[1].medianSeconds();
        rows.add(
            row(
                "cold start, shop example, nothing new",
                "<= 1 s",
                String.format(Locale.ROOT, "%.2f s", again),
                again <= 1));
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    line("### Targets");
    line("");
    line("| target | goal | measured | met |");
    line("| --- | --- | ---: | --- |");
    rows.forEach(this::line);
    line("");
  }

  private static String row(String what, String goal, String measured, boolean met) {
    return "| " + what + " | " + goal + " | " + measured + " | " + (met ? "yes" : "**no**") + " |";
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Copies the built CLI (sluice-cli/target/sluice.jar and its lib/) to bench/work/sluice-cli, so
   * that every run of a benchmark uses the same build even if sluice-cli/target is rebuilt
   * meanwhile.
   */
  private void snapshotSluice() throws IOException {
    Path target = bench.getParent().resolve("sluice-cli/target");
    if (!Files.isRegularFile(target.resolve("sluice.jar"))) {
      throw new IOException(
          "No " + target.resolve("sluice.jar") + ": build Sluice first (./mvnw install)");
    }
    Path copy = sluiceJar.getParent();
    deleteTree(copy);
    Files.createDirectories(copy);
    Files.copy(target.resolve("sluice.jar"), sluiceJar);
    copyTree(target.resolve("lib"), copy.resolve("lib"));
    if (systems.contains("sluice-spark")) {
      Path spark = bench.getParent().resolve("sluice-spark/target");
      if (!Files.isRegularFile(spark.resolve("sluice-spark.jar"))) {
        throw new IOException(
            "No "
                + spark.resolve("sluice-spark.jar")
                + ": build it first (./mvnw package -DskipTests -pl sluice-spark -am)");
      }
      deleteTree(sluiceSparkJar.getParent());
      Files.createDirectories(sluiceSparkJar.getParent());
      Files.copy(spark.resolve("sluice-spark.jar"), sluiceSparkJar);
      copyTree(spark.resolve("lib"), sluiceSparkJar.getParent().resolve("lib"));
    }
  }

  private Generate.Manifest data(Path dir, String prefix, long from, long events, long population)
      throws Exception {
    Path manifestFile = dir.resolve("manifest.properties");
    if (Files.exists(manifestFile)) {
      Generate.Manifest m = Generate.Manifest.read(manifestFile);
      if (m.events() == events
          && m.seed() == seed
          && m.defectRate() == defectRate
          && m.duplicateRate() == duplicateRate) {
        return m;
      }
    }
    deleteTree(dir);
    progress("generating %,d events in %s", events, bench.getParent().relativize(dir));
    long start = System.nanoTime();
    Generate.Manifest m =
        Generate.generate(
            dir, prefix, from, events, population, eventsPerFile, seed, defectRate, duplicateRate);
    progress(
        "  %s in %d files, %.1f s",
        megabytes(m.bytes()), m.files(), (System.nanoTime() - start) / 1e9);
    return m;
  }

  private static List<Path> dataFiles(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".ndjson")).sorted().toList();
    }
  }

  /** A fresh copy of bench/project whose data/ holds links to the generated files. */
  private void prepareSluiceProject(Path project, List<Path> files) throws IOException {
    deleteTree(project);
    copyTree(bench.resolve("project"), project);
    linkData(project, files);
  }

  private static void linkData(Path project, List<Path> files) throws IOException {
    Path data = project.resolve("data");
    Files.createDirectories(data);
    for (Path file : files) {
      Path link = data.resolve(file.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, file.toAbsolutePath());
      }
    }
  }

  /**
   * The sluice command as users run it: the {@code ./sluice} launcher (its JVM options and its
   * class-data archive) on the copied CLI ({@code SLUICE_JAR}); {@code jvmOptions} after the
   * caller's {@code SLUICE_JAVA_OPTS}. Through {@code env}, which, like the launcher, replaces
   * itself by the next program: the measured process is the JVM.
   */
  private List<String> sluiceCommand(List<String> jvmOptions, String... args) {
    List<String> options = new ArrayList<>();
    String extra = System.getenv("SLUICE_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.strip().split("\\s+")));
    }
    options.addAll(jvmOptions);
    List<String> command =
        new ArrayList<>(
            List.of(
                "env",
                "SLUICE_JAR=" + sluiceJar,
                "SLUICE_JAVA_OPTS=" + String.join(" ", options),
                bench.getParent().resolve("sluice").toString()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Lets the launcher make the copied CLI's class-data archive (a training run of a few seconds)
   * before anything is timed, as it does on a user's first command after a build.
   */
  private void prepareSluiceLauncher() throws Exception {
    progress("preparing the sluice launcher's class-data archive for the copied CLI");
    Measured.Result result =
        measure(sluiceCommand(List.of(), "--version"), work, work.resolve("logs/sluice-cds.log"));
    if (result.exitCode() != 0) {
      throw new IOException("sluice --version failed; see " + result.log());
    }
  }

  /**
   * The sluice command on the Spark engine: Spark's Java 17 flags come from the jar's manifest, the
   * engine and master from the command line.
   */
  private List<String> sluiceSparkCommand(String... args) {
    List<String> command = new ArrayList<>(List.of("java", "-jar", sluiceSparkJar.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--engine", "spark", "--master", "local[" + threads + "]"));
    if (args[0].equals("run")) {
      command.addAll(List.of("--progress", "never"));
    }
    return command;
  }

  private Counts sluiceSparkCounts(Path project, Path dir) throws Exception {
    return sluiceCounts(
        sluiceSparkCommand("query", "-p", project.toString(), "--format", "csv", COUNTS_QUERY),
        dir);
  }

  private Counts sluiceCounts(Path project, Path dir) throws Exception {
    return sluiceCounts(
        sluiceCommand(
            List.of(), "query", "-p", project.toString(), "--format", "csv", COUNTS_QUERY),
        dir);
  }

  private Counts sluiceCounts(List<String> command, Path dir) throws Exception {
    Path log = dir.resolve("logs/sluice-query.log");
    Measured.Result result = Measured.run(command, dir, log, Map.of());
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (result.exitCode() != 0) {
      throw new IOException("sluice query failed (exit " + result.exitCode() + "):\n" + out);
    }
    return Outputs.parseSluiceCsv(out);
  }

  private Measured.Result measure(List<String> command, Path dir, Path log) throws Exception {
    List<String> full = new ArrayList<>(cpuPrefix);
    full.addAll(command);
    Measured.Result result = Measured.run(full, dir, log, Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
    if (result.exitCode() != 0) {
      String tail;
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      throw new IOException(
          "Command failed with exit code "
              + result.exitCode()
              + ": "
              + String.join(" ", command)
              + "\n(log: "
              + log
              + ")\n"
              + tail);
    }
    return result;
  }

  private void check(String what, Counts actual, Counts expected) {
    if (!actual.sameAs(expected)) {
      String problem = what + ": got " + actual + ", expected " + expected;
      problems.add(problem);
      System.err.println("COUNT MISMATCH: " + problem);
    }
  }

  private String machine() {
    String cpu = "";
    long memKb = 0;
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          memKb = Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave them out
    }
    String duckdb = "?";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery("SELECT version()")) {
      rs.next();
      duckdb = rs.getString(1);
    } catch (Exception e) {
      duckdb = "? (" + e.getMessage() + ")";
    }
    String spark =
        Arrays.stream(sparkClasspath.split(":"))
            .map(p -> Path.of(p).getFileName().toString())
            .filter(n -> n.startsWith("spark-sql_"))
            .map(n -> n.replaceAll("^spark-sql_[0-9.]+-|\\.jar$", ""))
            .findFirst()
            .orElse("?");
    return String.format(
        Locale.ROOT,
        "Machine: %d cores (%s), %.0f GiB memory; Java %s (%s); systems pinned to %d thread(s)."
            + " Sluice: the CLI as built in sluice-cli/target from %s, run through ./sluice (DuckDB engine, Iceberg lake). DuckDB %s"
            + " (the JDBC driver Sluice uses) for the plain script; Spark %s, local[%d]. Data:"
            + " seed %d, %.1f%% defects, %.1f%% duplicates, %,d events per file, warm page cache.",
        Runtime.getRuntime().availableProcessors(),
        cpu.isEmpty() ? "?" : cpu,
        memKb / 1024.0 / 1024.0,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        threads,
        build(),
        duckdb,
        spark,
        threads,
        seed,
        defectRate * 100,
        duplicateRate * 100,
        eventsPerFile);
  }

  /** The commit the product was built from, as far as git can tell (the build may be older). */
  private String build() {
    try {
      Process head =
          new ProcessBuilder("git", "log", "-1", "--format=%h (%cs)")
              .directory(bench.getParent().toFile())
              .redirectErrorStream(true)
              .start();
      String commit =
          new String(head.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      Process status =
          new ProcessBuilder("git", "status", "--porcelain", "--", ".", ":!bench", ":!docs")
              .directory(bench.getParent().toFile())
              .redirectErrorStream(true)
              .start();
      boolean dirty =
          !new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank();
      if (head.waitFor() != 0) {
        return "an unknown commit";
      }
      status.waitFor();
      return "commit " + commit + (dirty ? " with uncommitted changes" : "");
    } catch (IOException | InterruptedException e) {
      return "an unknown commit";
    }
  }

  private static String classpath(Path module) throws IOException {
    Path file = module.resolve("target/classpath.txt");
    if (!Files.exists(file)) {
      throw new IOException("No " + file + ": build the benchmarks first (bench/run does)");
    }
    return module.resolve("target/classes") + ":" + Files.readString(file).strip();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isSymbolicLink(p)) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(p));
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void line(String text) {
    report.append(text).append('\n');
    System.out.println(text);
  }

  private static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
  }

  private static String label(String system) {
    return switch (system) {
      case "sluice" -> "Sluice";
      case "sluice-spark" -> "Sluice on Spark";
      case "duckdb" -> "DuckDB script";
      default -> "Spark job";
    };
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2fx", r);
  }

  private static String mib(long kb) {
    return String.format(Locale.ROOT, "%,d MiB", kb / 1024);
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%,.0f MB", bytes / 1e6);
  }
}
