package io.sluice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * A project for backfill tests: source {@code events} (NDJSON, event time {@code ts}, partitioned
 * by day) holding a week of events from 2024-03-01 to 2024-03-07, landed in two batches, and a
 * model {@code daily} that counts them per day and kind. Events of kind {@code c} fail the status
 * rule until it is fixed.
 */
final class BackfillWeek {
  static final LocalDate FIRST_DAY = LocalDate.of(2024, 3, 1);
  static final int DAYS = 7;
  static final String STRICT = "[a, b]";
  static final String FIXED = "[a, b, c]";

  private BackfillWeek() {}

  /** Writes the project into {@code dir} with rule {@code kinds}; nothing has run yet. */
  static Path create(Path dir, String kinds, int eventsPerDay) throws IOException {
    Files.createDirectories(dir.resolve("sources"));
    Files.createDirectories(dir.resolve("models"));
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("sluice.yaml"), "name: week\n");
    writeSource(dir, kinds);
    Files.writeString(
        dir.resolve("models/daily.sql"),
        "{{ config(materialized='table') }}\n"
            + "SELECT CAST(ts AS DATE) AS day, kind, count(*) AS events, sum(amount) AS amount\n"
            + "FROM {{ source('events') }} GROUP BY 1, 2\n");
    return dir;
  }

  static void writeSource(Path dir, String kinds) throws IOException {
    writeSource(dir, kinds, Long.MAX_VALUE);
  }

  /** Writes the source with rule {@code kinds} and amounts from 0 to {@code maxAmount}. */
  static void writeSource(Path dir, String kinds, long maxAmount) throws IOException {
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        "path: data/*.ndjson\n"
            + "event-time: ts\n"
            + "columns:\n"
            + "  - {name: id, type: bigint, checks: [not_null, unique]}\n"
            + "  - {name: ts, type: timestamp}\n"
            + "  - {name: kind, type: string, checks: [{accepted_values: "
            + kinds
            + "}]}\n"
            + "  - {name: amount, type: bigint, checks: [{range: {min: 0"
            + (maxAmount == Long.MAX_VALUE ? "" : ", max: " + maxAmount)
            + "}}]}\n");
  }

  /**
   * Writes the events of days {@code [firstDay, lastDay]} (0-based) into {@code data/NAME.ndjson}:
   * every fifth event is of kind c, every eleventh has a negative amount.
   */
  static void writeDays(Path dir, String name, int firstDay, int lastDay, int eventsPerDay)
      throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int day = firstDay; day <= lastDay; day++) {
      for (int i = 0; i < eventsPerDay; i++) {
        long id = day * 10_000L + i;
        String kind = i % 5 == 4 ? "c" : (i % 2 == 0 ? "a" : "b");
        long amount = i % 11 == 10 ? -1 : i;
        lines.append(
            String.format(
                "{\"id\":%d,\"ts\":\"%sT%02d:%02d:00\",\"kind\":\"%s\",\"amount\":%d}%n",
                id, FIRST_DAY.plusDays(day), (i * 7) % 24, i % 60, kind, amount));
      }
    }
    Files.writeString(dir.resolve("data").resolve(name + ".ndjson"), lines.toString());
  }
}
