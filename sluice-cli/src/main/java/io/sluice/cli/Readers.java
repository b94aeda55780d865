package io.sluice.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** What the CLI says when a command reads a published snapshot of the warehouse. */
final class Readers {
  private Readers() {}

  /** Says on stderr which snapshot is read, when the warehouse was being written. */
  static void notice(PrintWriter err, Optional<Instant> snapshotTime) {
    snapshotTime.ifPresent(
        time -> {
          err.printf(
              "Reading the warehouse as published at %s: another process is writing it%n",
              time.truncatedTo(ChronoUnit.SECONDS));
          err.flush();
        });
  }
}
