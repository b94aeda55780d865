package io.sluice.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the clickstream as NDJSON files and a {@code manifest.properties} with what a correct
 * pipeline must produce from it.
 *
 * <pre>
 * Generate --out DIR --events N [--from F] [--population P] [--events-per-file K]
 *          [--seed S] [--defect-rate R] [--duplicate-rate R] [--prefix NAME]
 * </pre>
 *
 * Positions {@code F .. F+N-1} are written to {@code DIR/NAME-00000.ndjson}, ... ({@code K} per
 * file). The expected counts in the manifest are for all positions {@code 0 .. F+N-1}, i.e. for
 * this increment together with everything generated before it with the same seed and population.
 */
public final class Generate {
  /** What a generated data set holds, and what the workload must produce from it. */
  record Manifest(
      long events,
      long files,
      long bytes,
      long seed,
      double defectRate,
      double duplicateRate,
      long expectedRead,
      long expectedValid,
      long expectedQuarantined,
      long expectedGroups,
      BigDecimal expectedAmount) {

    void write(Path file) throws IOException {
      Properties p = new Properties();
      p.setProperty("events", Long.toString(events));
      p.setProperty("files", Long.toString(files));
      p.setProperty("bytes", Long.toString(bytes));
      p.setProperty("seed", Long.toString(seed));
      p.setProperty("defect-rate", Double.toString(defectRate));
      p.setProperty("duplicate-rate", Double.toString(duplicateRate));
      p.setProperty("expected.read", Long.toString(expectedRead));
      p.setProperty("expected.valid", Long.toString(expectedValid));
      p.setProperty("expected.quarantined", Long.toString(expectedQuarantined));
      p.setProperty("expected.groups", Long.toString(expectedGroups));
      p.setProperty("expected.amount", expectedAmount.toPlainString());
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(out, "sluice bench data set");
      }
    }

    static Manifest read(Path file) throws IOException {
      Properties p = new Properties();
      try (var in = Files.newInputStream(file)) {
        p.load(in);
      }
      return new Manifest(
          Long.parseLong(p.getProperty("events")),
          Long.parseLong(p.getProperty("files")),
          Long.parseLong(p.getProperty("bytes")),
          Long.parseLong(p.getProperty("seed")),
          Double.parseDouble(p.getProperty("defect-rate")),
          Double.parseDouble(p.getProperty("duplicate-rate")),
          Long.parseLong(p.getProperty("expected.read")),
          Long.parseLong(p.getProperty("expected.valid")),
          Long.parseLong(p.getProperty("expected.quarantined")),
          Long.parseLong(p.getProperty("expected.groups")),
          new BigDecimal(p.getProperty("expected.amount")));
    }

    Counts expected() {
      return new Counts(expectedValid, expectedQuarantined, expectedGroups, expectedAmount);
    }
  }

  private Generate() {}

  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    Path out = Path.of(a.value("--out", null));
    long events = Long.parseLong(a.value("--events", null));
    long from = Long.parseLong(a.value("--from", "0"));
    long population = Long.parseLong(a.value("--population", Long.toString(from + events)));
    long perFile = Long.parseLong(a.value("--events-per-file", "250000"));
    long seed = Long.parseLong(a.value("--seed", "42"));
    double defects = Double.parseDouble(a.value("--defect-rate", "0.02"));
    double duplicates = Double.parseDouble(a.value("--duplicate-rate", "0.01"));
    String prefix = a.value("--prefix", "events");
    a.done();
    Manifest manifest =
        generate(out, prefix, from, events, population, perFile, seed, defects, duplicates);
    System.out.printf(
        "generated %,d events in %d files (%,d bytes) in %s%n",
        manifest.events(), manifest.files(), manifest.bytes(), out);
  }

  static Manifest generate(
      Path out,
      String prefix,
      long from,
      long events,
      long population,
      long perFile,
      long seed,
      double defectRate,
      double duplicateRate)
      throws IOException, InterruptedException {
    Files.createDirectories(out);
    Clickstream stream = new Clickstream(seed, population, defectRate, duplicateRate);
    int files = (int) Math.max(1, (events + perFile - 1) / perFile);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Long>> written = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      long first = from + f * perFile;
      long last = Math.min(from + events, first + perFile);
      Path file = out.resolve(String.format("%s-%05d.ndjson", prefix, f));
      written.add(pool.submit(() -> writeFile(stream, file, first, last)));
    }
    Manifest truth = truth(stream, from + events);
    long bytes = 0;
    try {
      for (Future<Long> future : written) {
        bytes += future.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("Cannot write the data set in " + out, e.getCause());
    } finally {
      pool.shutdown();
    }
    Manifest manifest =
        new Manifest(
            events,
            files,
            bytes,
            seed,
            defectRate,
            duplicateRate,
            truth.expectedRead(),
            truth.expectedValid(),
            truth.expectedQuarantined(),
            truth.expectedGroups(),
            truth.expectedAmount());
    manifest.write(out.resolve("manifest.properties"));
    return manifest;
  }

  private static long writeFile(Clickstream stream, Path file, long first, long last) {
    StringBuilder line = new StringBuilder(512);
    byte[] bytes = new byte[1024];
    long size = 0;
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
      for (long position = first; position < last; position++) {
        line.setLength(0);
        Clickstream.render(stream.event(stream.source(position)), line);
        line.append('\n');
        int length = line.length();
        if (bytes.length < length) {
          bytes = new byte[length * 2];
        }
        for (int i = 0; i < length; i++) {
          bytes[i] = (byte) line.charAt(i); // ASCII only
        }
        out.write(bytes, 0, length);
        size += length;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    try {
      Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rename " + partial, e);
    }
    return size;
  }

  /**
   * What the workload must produce from positions {@code 0 .. total-1}, with Sluice's rule
   * semantics: a row with a defect is quarantined; among the rest, the first occurrence of an id
   * (by file, then line: position order) lands and every later one is quarantined as a duplicate.
   */
  static Manifest truth(Clickstream stream, long total) {
    BitSet landed = new BitSet();
    Set<Long> groups = new HashSet<>();
    long valid = 0;
    long cents = 0;
    for (long position = 0; position < total; position++) {
      long source = stream.source(position);
      Clickstream.Event e = stream.event(source);
      if (e.defect() != Clickstream.Defect.NONE || landed.get(Math.toIntExact(source))) {
        continue;
      }
      landed.set(Math.toIntExact(source));
      valid++;
      cents += e.amountCents();
      groups.add(
          (e.hour() * Clickstream.eventTypes() + e.type()) * Clickstream.countries() + e.country());
    }
    return new Manifest(
        total,
        0,
        0,
        0,
        0,
        0,
        total,
        valid,
        total - valid,
        groups.size(),
        BigDecimal.valueOf(cents, 2));
  }
}
