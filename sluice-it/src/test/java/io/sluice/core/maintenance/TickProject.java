package io.sluice.core.maintenance;

import io.sluice.api.engine.QueryResult;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A project of micro-batches: source {@code ticks} (CSV, partitioned by the hour of {@code ts}),
 * each batch one small file, and an incremental model {@code ticks_copy} over it.
 */
final class TickProject {
  private final Path dir;
  private int files;

  TickProject(Path dir, boolean withModel) {
    this.dir = dir;
    write("sluice.yaml", "name: ticks\n");
    write(
        "sources/ticks.yaml",
        """
        connector: files
        path: data/ticks/*.csv
        format: csv
        event-time: ts
        partition:
          granularity: hour
        columns:
          - name: id
            type: bigint
            checks: [not_null]
          - name: ts
            type: timestamp
          - name: value
            type: bigint
            checks:
              - range: {min: 0}
        """);
    if (withModel) {
      write(
          "models/ticks_copy.sql",
          """
          {{ config(materialized='incremental', unique_key='id') }}
          SELECT id, ts, value FROM {{ changes('ticks') }}
          """);
    }
  }

  Path dir() {
    return dir;
  }

  ProjectRuntime open() {
    return ProjectRuntime.open(ProjectLoader.load(dir), false);
  }

  /**
   * Drops the next file: {@code rows} rows stamped {@code at}, ids continuing from the last file;
   * every fifth file also has a row that fails the range check.
   */
  void drop(Instant at, int rows) {
    files++;
    StringBuilder csv = new StringBuilder("id,ts,value\n");
    for (int i = 0; i < rows; i++) {
      long id = files * 1_000L + i;
      csv.append(id).append(',').append(at).append(',').append(i).append('\n');
    }
    if (files % 5 == 0) {
      csv.append(files * 1_000L + 999).append(',').append(at).append(",-1\n");
    }
    write("data/ticks/ticks-%06d.csv".formatted(files), csv.toString());
  }

  static RunSummary run(ProjectRuntime runtime, Instant at) {
    return runtime.run(Clock.fixed(at, ZoneOffset.UTC), RunListener.NONE);
  }

  /** Every row of a lake table, read from the data files of its current snapshot, sorted. */
  static List<String> rows(ProjectRuntime runtime, String namespace) {
    LakeTable table = runtime.lake().load(new TableId(namespace, "ticks")).orElseThrow();
    List<DataFile> files = table.files();
    if (files.isEmpty()) {
      return List.of();
    }
    String list =
        files.stream().map(f -> "'" + f.path() + "'").collect(Collectors.joining(", ", "[", "]"));
    QueryResult result =
        runtime
            .engine()
            .query(
                "SELECT * FROM read_parquet(" + list + ", hive_partitioning = false) ORDER BY ALL",
                Integer.MAX_VALUE);
    List<String> rows = new ArrayList<>();
    result.rows().forEach(row -> rows.add(row.toString()));
    return rows;
  }

  static long scalar(ProjectRuntime runtime, String sql) {
    return ((Number) runtime.engine().query(sql, 1).rows().get(0).get(0)).longValue();
  }

  private void write(String relative, String content) {
    try {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }
}
