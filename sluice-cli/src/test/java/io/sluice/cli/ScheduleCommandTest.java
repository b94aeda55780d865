package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice schedule}: the foreground scheduler of a batch project, bounded by --for. */
class ScheduleCommandTest {
  @TempDir Path project;

  @Test
  void aProjectWithoutSchedulesIsRefused() throws IOException {
    ShopOrchestration.copyWith(project, "");
    Sluice.Result result = sluice("schedule", "-p", project.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("Project 'shop' has no schedules: declare them under schedules: in ");
  }

  @Test
  void runsTheSchedulesForTheGivenTimeThenStopsAfterTheRunInProgress() throws IOException {
    ShopOrchestration.copyWith(project, "");
    ShopGenerator.generate(project, ShopGenerator.Options.defaults().withOrders(200));
    Files.writeString(
        project.resolve("sluice.yaml"),
        "\nschedules:\n  - name: every_second\n    interval: 1s\n",
        StandardOpenOption.APPEND);
    Sluice.Result result = sluice("schedule", "-p", project.toString(), "--for", "2s");
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("sluice schedule: project shop, 1 schedules, until ")
        .contains("  every_second: next at ")
        .containsPattern("schedule:every_second  run \\S+  ok")
        .endsWith("sluice schedule: stopped\n");
    assertThat(project.resolve(".sluice/scheduler/schedules.json")).exists();
    assertThat(project.resolve(".sluice/scheduler.lock")).exists();
  }

  @Test
  void aBadDurationIsAUserError() {
    ExampleProject.copyTo(project);
    Sluice.Result result = sluice("schedule", "-p", project.toString(), "--for", "soon");
    assertThat(result.exit()).isEqualTo(2);
  }
}
