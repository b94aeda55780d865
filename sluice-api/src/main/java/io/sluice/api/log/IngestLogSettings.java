package io.sluice.api.log;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What a log is created with.
 *
 * @param directory where a local log keeps its files (a remote log may keep offsets cache there)
 * @param partitions the number of partitions of every stream, at least 1
 * @param segmentBytes a segment file is closed and a new one started once it reaches this size
 * @param retentionBytes released records are deleted while a partition is larger than this
 * @param retentionAge released records older than this are deleted
 * @param clock the time source for retention by age
 */
public record IngestLogSettings(
    Path directory,
    int partitions,
    long segmentBytes,
    long retentionBytes,
    Duration retentionAge,
    Clock clock) {
  public IngestLogSettings {
    requireNonNull(directory, "directory is null");
    requireNonNull(retentionAge, "retentionAge is null");
    requireNonNull(clock, "clock is null");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (segmentBytes < 64) {
      throw new IllegalArgumentException("segmentBytes must be at least 64: " + segmentBytes);
    }
    if (retentionBytes < 0) {
      throw new IllegalArgumentException("retentionBytes is negative: " + retentionBytes);
    }
    if (retentionAge.isNegative()) {
      throw new IllegalArgumentException("retentionAge is negative: " + retentionAge);
    }
  }

  /** Defaults: 4 partitions, 64 MiB segments, 1 GiB and 7 days of released records kept. */
  public static IngestLogSettings defaults(Path directory) {
    return new IngestLogSettings(
        directory, 4, 64L << 20, 1L << 30, Duration.ofDays(7), Clock.systemUTC());
  }
}
