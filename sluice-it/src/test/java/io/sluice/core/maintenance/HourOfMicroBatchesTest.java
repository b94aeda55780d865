package io.sluice.core.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.Maintenance;
import io.sluice.core.run.PipelineRunner;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of lake maintenance: an hour of micro-batches, one every 5 seconds of an
 * injected clock (720 appends), to a table partitioned by hour, with maintenance run on its
 * schedule (every 2 minutes of the clock, i.e. every 24 batches). The data files per partition stay
 * bounded, every maintenance leaves exactly the same rows, and the exactly-once bookkeeping
 * survives every checkpoint and expiry.
 *
 * <p>A real {@code sluice run} pass takes 0.3 to 0.9 s on the 2-core build machine, too slow for
 * 720 of them in a unit test. So the first and the last batch are real runs of a real project, and
 * the 719 in between are appended to {@code clean.ticks} through the lake SPI exactly as the runner
 * commits them: a Parquet file written by the project's DuckDB engine with the table's field ids,
 * and a summary with the batch id and the consumed positions.
 */
class HourOfMicroBatchesTest {
  private static final Duration BATCH_EVERY = Duration.ofSeconds(15);
  private static final int BATCHES =
      (int) (Duration.ofHours(1).toSeconds() / BATCH_EVERY.toSeconds());
  private static final int ROWS_PER_BATCH = 3;

  private static final Project.MaintenanceConfig SETTINGS =
      new Project.MaintenanceConfig(
          128, 5, 10, Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofMinutes(5));
  private static final int BATCHES_PER_MAINTENANCE =
      (int) (SETTINGS.interval().toSeconds() / BATCH_EVERY.toSeconds());

  /** Right after a maintenance: one compacted file, or fewer small files than min-files. */
  private static final int MAX_FILES_PER_PARTITION_AFTER_MAINTENANCE = SETTINGS.minFiles() - 1;

  /**
   * The bound: between two maintenances each batch adds one file to one partition, on top of what
   * the last maintenance left there (at most min-files - 1). So a partition never holds more than
   * 24 files (4 + 20 batches per interval), against 120 without maintenance (half the hour's
   * batches land in each of the two hour partitions).
   */
  private static final int MAX_FILES_PER_PARTITION =
      MAX_FILES_PER_PARTITION_AFTER_MAINTENANCE + BATCHES_PER_MAINTENANCE;

  @TempDir Path dir;

  @Test
  void filesPerPartitionStayBoundedAndEveryMaintenanceKeepsTheRows() {
    TickProject project = new TickProject(dir, false);
    // Iceberg stamps snapshots and the file system stamps files with the wall clock: the injected
    // clock must run ahead of it for their ages to be meaningful. Half past the next hour is
    // ahead at any time of day (half past the current hour is behind in an hour's second half,
    // when nothing would be old enough to expire).
    TickProject.MutableClock clock =
        new TickProject.MutableClock(
            Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(90)));
    try (ProjectRuntime runtime = project.open()) {
      clock.advance(BATCH_EVERY);
      project.drop(clock.instant(), ROWS_PER_BATCH);
      assertThat(TickProject.run(runtime, clock.instant()).sources())
          .singleElement()
          .satisfies(s -> assertThat(s.batchId()).isEqualTo("b-000001"));
      LakeTable clean = table(runtime);

      Instant nextMaintenance = clock.instant().plus(SETTINGS.interval());
      int maintenances = 0;
      int maxFilesPerPartition = 0;
      int maxSnapshotsAfterMaintenance = 0;
      Map<List<Object>, Integer> lastCounts = Map.of();
      for (int batch = 2; batch <= BATCHES; batch++) {
        clock.advance(BATCH_EVERY);
        append(runtime, clean, batch, clock.instant());

        if (!clock.instant().isBefore(nextMaintenance)) {
          maxFilesPerPartition = Math.max(maxFilesPerPartition, max(filesPerPartition(clean)));
          List<String> before = TickProject.rows(runtime, "clean");

          List<Maintenance.TableResult> results =
              Maintenance.of(runtime, clock).run(SETTINGS, Optional.empty(), false);

          maintenances++;
          assertThat(results).hasSize(3);
          clean.refresh();
          assertThat(TickProject.rows(runtime, "clean"))
              .as("rows after maintenance %d", maintenances)
              .isEqualTo(before);
          lastCounts = filesPerPartition(clean);
          assertThat(max(lastCounts))
              .as("files per partition after maintenance %d", maintenances)
              .isLessThanOrEqualTo(MAX_FILES_PER_PARTITION_AFTER_MAINTENANCE);
          maxSnapshotsAfterMaintenance =
              Math.max(maxSnapshotsAfterMaintenance, clean.snapshots().size());
          nextMaintenance = nextMaintenance.plus(SETTINGS.interval());
        }
      }

      // Batch 1 starts the schedule, so the hour ends 15 seconds short of a 12th maintenance.
      assertThat(maintenances).isEqualTo((BATCHES - 1) / BATCHES_PER_MAINTENANCE);
      assertThat(maxFilesPerPartition).isLessThanOrEqualTo(MAX_FILES_PER_PARTITION);
      // The hour turned half-way: two hour partitions, each compacted to one file.
      assertThat(lastCounts.values()).containsExactly(1, 1);
      // keep-snapshots, plus the checkpoint kept with everything after it.
      assertThat(maxSnapshotsAfterMaintenance).isLessThanOrEqualTo(SETTINGS.keepSnapshots() + 1);
      System.out.printf(
          "%d batches, %d maintenances: at most %d data files per partition, %d right after a"
              + " maintenance, %d snapshots in clean after a maintenance, %d Parquet files on"
              + " disk at the end%n",
          BATCHES,
          maintenances,
          maxFilesPerPartition,
          max(lastCounts),
          maxSnapshotsAfterMaintenance,
          parquetFiles());

      // Exactly once across every checkpoint and expiry: every batch and position is still known.
      BatchHistory history = BatchHistory.of(clean.snapshots());
      assertThat(history.batches()).isEqualTo(BATCHES);
      assertThat(history.positions()).hasSize(BATCHES);
      assertThat(history.nextBatchId()).isEqualTo("b-%06d".formatted(BATCHES + 1));
      RunSummary again = TickProject.run(runtime, clock.instant());
      assertThat(again.rowsRead()).isZero();
      clock.advance(BATCH_EVERY);
      project.drop(clock.instant(), ROWS_PER_BATCH);
      RunSummary last = TickProject.run(runtime, clock.instant());
      assertThat(last.sources())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.batchId()).isEqualTo("b-%06d".formatted(BATCHES + 1));
                assertThat(s.rowsRead()).isEqualTo(ROWS_PER_BATCH);
              });
      long rows = (long) (BATCHES + 1) * ROWS_PER_BATCH;
      assertThat(TickProject.scalar(runtime, "SELECT count(*) FROM lake.ticks")).isEqualTo(rows);
      assertThat(TickProject.scalar(runtime, "SELECT count(DISTINCT id) FROM lake.ticks"))
          .isEqualTo(rows);
    }
  }

  /** Commits batch {@code batch} as the runner would: its file and its bookkeeping together. */
  private static void append(ProjectRuntime runtime, LakeTable clean, int batch, Instant at) {
    String batchId = "b-%06d".formatted(batch);
    Path file = clean.newDataDirectory(batchId).resolve("part-0.parquet");
    String ts = LocalDateTime.ofInstant(at, ZoneOffset.UTC).toString();
    String rows =
        java.util.stream.IntStream.range(0, ROWS_PER_BATCH)
            .mapToObj(
                i ->
                    "(%d, TIMESTAMP '%s', %d, '%s', 'synthetic-%d', %d)"
                        .formatted(1_000_000L + batch * 1_000L + i, ts, i, batchId, batch, i + 2))
            .collect(Collectors.joining(", "));
    String fieldIds =
        clean.columns().stream()
            .map(c -> c.name() + ": " + c.fieldId())
            .collect(Collectors.joining(", ", "{", "}"));
    String columns =
        clean.columns().stream().map(LakeColumn::name).collect(Collectors.joining(", "));
    runtime
        .engine()
        .query(
            "COPY (SELECT * FROM (VALUES "
                + rows
                + ") AS t("
                + columns
                + ")) TO '"
                + file
                + "' (FORMAT parquet, FIELD_IDS "
                + fieldIds
                + ")",
            1);
    int hour = (int) (at.getEpochSecond() / 3600);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(PipelineRunner.BATCH_ID, batchId);
    summary.put(PipelineRunner.INGESTED_AT, at.toString());
    summary.put(PipelineRunner.ROWS_READ, Integer.toString(ROWS_PER_BATCH));
    summary.put(PipelineRunner.ROWS_VALID, Integer.toString(ROWS_PER_BATCH));
    summary.put(PipelineRunner.ROWS_QUARANTINED, "0");
    summary.put(PipelineRunner.SPLITS, "{\"synthetic-%d\":\"%d\"}".formatted(batch, batch));
    clean.append(
        List.of(new DataFile(file.toString(), List.of(hour), ROWS_PER_BATCH, size)), summary);
  }

  private static LakeTable table(ProjectRuntime runtime) {
    return runtime.lake().load(new TableId("clean", "ticks")).orElseThrow();
  }

  private static Map<List<Object>, Integer> filesPerPartition(LakeTable table) {
    Map<List<Object>, Integer> counts = new HashMap<>();
    for (DataFile file : table.files()) {
      counts.merge(file.partition(), 1, Integer::sum);
    }
    return counts;
  }

  private static int max(Map<List<Object>, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  private long parquetFiles() {
    try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve(".sluice"))) {
      return files.filter(f -> f.toString().endsWith(".parquet")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
