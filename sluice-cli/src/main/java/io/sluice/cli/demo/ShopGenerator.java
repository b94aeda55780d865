package io.sluice.cli.demo;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes the input data of the example shop project ({@code examples/shop}): orders as CSV, click
 * events as NDJSON with nested fields, customers as NDJSON in the CRM's field names, a known
 * fraction of records carrying exactly one injected defect each. Returns the {@link Truth}: what a
 * correct pipeline must land, quarantine and report.
 *
 * <p>Deterministic: the same {@link Options} give byte-identical files, on any machine.
 *
 * <p>Layout, relative to the project folder: {@code data/orders/orders-0001.csv} to {@code
 * orders-000N.csv} and {@code data/clicks/clicks-0001.ndjson} to {@code clicks-000N.ndjson} ({@code
 * N = files}, each covering the next {@code 7/N} days), and {@code
 * data/customers/customers-0001.json}. Later batches ({@link #appendBatch}) add one file per
 * source, numbered on ({@code orders-000(N+1).csv}, {@code customers-0002.json}), with data of the
 * next {@code 7/N} days.
 */
public final class ShopGenerator {
  public static final String ORDERS = "orders";
  public static final String CLICKS = "clicks";
  public static final String CUSTOMERS = "customers";

  private ShopGenerator() {}

  /**
   * What to generate.
   *
   * @param orders order records in the initial data; customers are about a tenth of that, click
   *     events five times as many
   * @param defectRate the fraction of records of each source that carry exactly one defect, 0..1
   *     (rounded to whole records per source and batch)
   * @param seed the random seed
   * @param files files per source for orders and clicks in the initial data (customers: one)
   * @param startDate the first day of data; the initial data covers {@value #DAYS} days
   * @param incidents the dataset incidents built into later batches, by batch number (1 for the
   *     first later batch); none by default
   */
  public record Options(
      int orders,
      double defectRate,
      long seed,
      int files,
      LocalDate startDate,
      SortedMap<Integer, Set<DatasetIncident>> incidents) {
    public static final int ORDERS_DEFAULT = 20_000;
    public static final double DEFECT_RATE_DEFAULT = 0.02;
    public static final long SEED_DEFAULT = 42;
    public static final int FILES_DEFAULT = 4;
    public static final LocalDate START_DATE_DEFAULT = LocalDate.of(2026, 11, 1);
    public static final int MAX_ORDERS = 2_000_000;
    public static final int MAX_FILES = 999;

    public Options {
      if (orders < 1 || orders > MAX_ORDERS) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT, "orders must be between 1 and %,d, found %,d", MAX_ORDERS, orders));
      }
      if (!(defectRate >= 0 && defectRate <= 1)) {
        throw new IllegalArgumentException(
            "defect rate must be between 0 and 1, found " + defectRate);
      }
      if (files < 1 || files > MAX_FILES) {
        throw new IllegalArgumentException(
            "files must be between 1 and " + MAX_FILES + ", found " + files);
      }
      requireNonNull(startDate, "startDate is null");
      SortedMap<Integer, Set<DatasetIncident>> copy = new TreeMap<>();
      requireNonNull(incidents, "incidents is null")
          .forEach(
              (batch, set) -> copy.put(batch, Collections.unmodifiableSet(EnumSet.copyOf(set))));
      incidents = Collections.unmodifiableSortedMap(copy);
      checkIncidents(incidents, files);
    }

    public Options(int orders, double defectRate, long seed, int files, LocalDate startDate) {
      this(orders, defectRate, seed, files, startDate, new TreeMap<>());
    }

    private static void checkIncidents(
        SortedMap<Integer, Set<DatasetIncident>> incidents, int files) {
      for (Map.Entry<Integer, Set<DatasetIncident>> entry : incidents.entrySet()) {
        int batch = entry.getKey();
        Set<DatasetIncident> set = entry.getValue();
        if (batch < 1) {
          throw new IllegalArgumentException(
              "dataset incidents go into later batches (1 or more), not batch " + batch);
        }
        if (set.isEmpty()) {
          throw new IllegalArgumentException("batch " + batch + " has an empty set of incidents");
        }
        if (set.contains(DatasetIncident.TRACKER_DOWN)
            && set.contains(DatasetIncident.GEO_OUTAGE)) {
          throw new IllegalArgumentException(
              "batch " + batch + ": GEO_OUTAGE needs clicks, but TRACKER_DOWN writes none");
        }
        if (set.contains(DatasetIncident.TRUNCATED_EXPORT)) {
          for (int earlier = batch - VOLUME_WINDOW; earlier < batch; earlier++) {
            if (earlier < 1
                || incidents
                    .getOrDefault(earlier, Set.of())
                    .contains(DatasetIncident.TRUNCATED_EXPORT)) {
              throw new IllegalArgumentException(
                  "batch "
                      + batch
                      + ": TRUNCATED_EXPORT needs the "
                      + VOLUME_WINDOW
                      + " later batches before it to be full exports (batch 4 at the earliest)");
            }
          }
        }
        if (set.contains(DatasetIncident.TRACKER_DOWN)
            && Duration.ofDays(DAYS).toMillis() / files < FRESHNESS_LAG.plusHours(2).toMillis()) {
          throw new IllegalArgumentException(
              "TRACKER_DOWN needs batches longer than the "
                  + FRESHNESS_LAG.toHours()
                  + "h freshness lag: files must be at most 4, found "
                  + files);
        }
      }
    }

    /** 20,000 orders, 2% defects, seed 42, 4 files, from 2026-11-01. */
    public static Options defaults() {
      return new Options(
          ORDERS_DEFAULT, DEFECT_RATE_DEFAULT, SEED_DEFAULT, FILES_DEFAULT, START_DATE_DEFAULT);
    }

    public Options withOrders(int value) {
      return new Options(value, defectRate, seed, files, startDate, incidents);
    }

    public Options withDefectRate(double value) {
      return new Options(orders, value, seed, files, startDate, incidents);
    }

    public Options withSeed(long value) {
      return new Options(orders, defectRate, value, files, startDate, incidents);
    }

    public Options withFiles(int value) {
      return new Options(orders, defectRate, seed, value, startDate, incidents);
    }

    public Options withStartDate(LocalDate value) {
      return new Options(orders, defectRate, seed, files, value, incidents);
    }

    /** These options with {@code incident} built into later batch {@code batch} (1 or more). */
    public Options withIncident(int batch, DatasetIncident incident) {
      SortedMap<Integer, Set<DatasetIncident>> more = new TreeMap<>(incidents);
      Set<DatasetIncident> set = EnumSet.of(incident);
      set.addAll(incidents.getOrDefault(batch, Set.of()));
      more.put(batch, set);
      return new Options(orders, defectRate, seed, files, startDate, more);
    }

    /** The incidents of later batch {@code batch}, empty for none. */
    public Set<DatasetIncident> incidentsOf(int batch) {
      return incidents.getOrDefault(batch, Set.of());
    }

    /** Customer records in the initial data. */
    public int customers() {
      return Math.max(1, Math.round(orders / 10f));
    }

    /** Click events in the initial data. */
    public int clicks() {
      return orders * 5;
    }
  }

  /** Days of data in the initial files. */
  public static final int DAYS = 7;

  /** The example's {@code orders.usual_volume} window: batches it compares with. */
  static final int VOLUME_WINDOW = 3;

  /** The example's {@code clicks.tracker_alive} max-lag. */
  static final Duration FRESHNESS_LAG = Duration.ofHours(36);

  /**
   * When the data of a batch ends (0 for the initial data): its records' times are before this, and
   * the next batch's start here. A run at this time (or shortly after) sees the batch as fresh.
   */
  public static Instant dataEnd(Options options, int batch) {
    Instant start = options.startDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    Duration span = Duration.ofDays(DAYS);
    // The same whole milliseconds as the batches' windows.
    long window = span.toMillis() / options.files();
    return start.plus(span).plusMillis(window * batch);
  }

  /**
   * Writes the initial data into {@code projectDir/data}.
   *
   * @throws SluiceException (USER) if a data folder of the project already has files
   */
  public static Truth generate(Path projectDir, Options options) {
    for (String source : List.of(ORDERS, CLICKS, CUSTOMERS)) {
      Path folder = projectDir.resolve("data").resolve(source);
      if (Files.isDirectory(folder)) {
        try (Stream<Path> entries = Files.list(folder)) {
          if (entries.findAny().isPresent()) {
            throw SluiceException.user(
                "Cannot generate demo data into %s: it already has files", folder);
          }
        } catch (IOException e) {
          throw SluiceException.external("Cannot list " + folder, e);
        }
      }
    }
    return write(projectDir, options, 0);
  }

  /**
   * Writes later data: one more file per source, following the initial data and the earlier later
   * batches in time and in ids (so that a {@code sluice run} after it is an incremental one). Batch
   * 1 writes {@code orders-000(files+1).csv}, {@code clicks-000(files+1).ndjson} and {@code
   * customers-0002.json}, each about one initial file's worth of records; its duplicates copy ids
   * of valid records of any earlier file.
   *
   * <p>The returned truth covers only the new files. It holds whether or not the earlier data was
   * landed first, because the new files sort after every earlier one.
   *
   * @param batch 1 for the first later batch, 2 for the next, ...
   * @throws SluiceException (USER) if a file of that batch already exists
   */
  public static Truth appendBatch(Path projectDir, Options options, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be 1 or more, found " + batch);
    }
    return write(projectDir, options, batch);
  }

  private static Truth write(Path projectDir, Options options, int batch) {
    // Earlier batches are generated again (and discarded) so that this one continues their ids,
    // times and random streams exactly.
    ShopWorld world = new ShopWorld(options);
    for (int earlier = 0; earlier < batch; earlier++) {
      world.nextBatch(path -> Writer.nullWriter());
    }
    try {
      return world.nextBatch(path -> create(projectDir, path));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof FileAlreadyExistsException exists) {
        throw SluiceException.user(
            "Cannot write demo data batch %d: %s already exists", batch, exists.getFile());
      }
      throw SluiceException.external(
          "Cannot write demo data into " + projectDir + ": " + e.getCause().getMessage(), e);
    }
  }

  private static Writer create(Path projectDir, String relativePath) {
    Path file = projectDir.resolve(relativePath);
    try {
      Files.createDirectories(file.getParent());
      return Files.newBufferedWriter(
          file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
