package io.sluice.cli;

import io.sluice.cli.demo.ExampleProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shop example with the schedules, retries, SLAs and history settings a test needs. */
final class ShopOrchestration {
  private ShopOrchestration() {}

  /**
   * Copies the shop example to {@code project} and replaces everything from its {@code schedules:}
   * on (its schedules, retries, freshness SLAs and history settings) with {@code yaml}.
   */
  static void copyWith(Path project, String yaml) throws IOException {
    ExampleProject.copyTo(project);
    Path file = project.resolve("sluice.yaml");
    String text = Files.readString(file);
    int orchestration = text.indexOf("\nschedules:");
    Files.writeString(
        file, (orchestration < 0 ? text : text.substring(0, orchestration + 1)) + yaml);
  }
}
