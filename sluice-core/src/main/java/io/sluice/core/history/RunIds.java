package io.sluice.core.history;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Run ids: the creation time in UTC to the second and a short suffix, e.g. {@code
 * 20261203-034933-7f3a}: short enough to type, sorted like the runs' creation, unique in a project
 * (4 hexadecimal digits for a new run, counting up from a random start in each process, so that
 * runs one process creates in the same second never share an id and two processes rarely do; the
 * time's milliseconds and {@code j} for a run imported from the {@code runs.jsonl} of earlier
 * versions, so that importing twice is harmless).
 */
public final class RunIds {
  private static final DateTimeFormatter SECOND =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private static final java.util.concurrent.atomic.AtomicInteger SUFFIX =
      new java.util.concurrent.atomic.AtomicInteger(ThreadLocalRandom.current().nextInt(0x10000));

  private RunIds() {}

  /** A new id for a run created at {@code createdAt}. */
  public static String next(Instant createdAt) {
    return SECOND.format(createdAt)
        + "-"
        + String.format("%04x", SUFFIX.getAndIncrement() & 0xffff);
  }

  /** The id of a run of the old {@code runs.jsonl} that started at {@code startedAt}. */
  static String imported(Instant startedAt) {
    return SECOND.format(startedAt)
        + "-"
        + String.format("%03d", startedAt.toEpochMilli() % 1000)
        + "j";
  }
}
