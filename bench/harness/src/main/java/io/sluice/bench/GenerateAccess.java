package io.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The generator, for the JMH benchmarks: one file {@code events.ndjson} in {@code dir}. */
public final class GenerateAccess {
  private GenerateAccess() {}

  public static void generate(Path dir, int events) throws IOException, InterruptedException {
    Generate.generate(dir, "events", 0, events, events, events, 42, 0.02, 0.01);
    Files.move(
        dir.resolve("events-00000.ndjson"),
        dir.resolve("events.ndjson"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(dir.resolve("manifest.properties"));
  }
}
