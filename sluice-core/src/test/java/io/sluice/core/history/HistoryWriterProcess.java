package io.sluice.core.history;

import io.sluice.core.run.RunStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A process of its own that saves runs into a history file, for {@link
 * SqliteRunHistoryTest#processesWritingAtOnceLoseNoRun}: {@code <file> <prefix> <count>}.
 */
public final class HistoryWriterProcess {
  private HistoryWriterProcess() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    int count = Integer.parseInt(args[2]);
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    try (SqliteRunHistory history =
        SqliteRunHistory.open(file, Duration.ofDays(30), Clock.systemUTC())) {
      for (int i = 0; i < count; i++) {
        history.save(
            SqliteRunHistoryTest.run(
                args[1] + "-" + i, start.plusSeconds(i), RunStatus.OK, "manual"));
      }
    }
  }
}
