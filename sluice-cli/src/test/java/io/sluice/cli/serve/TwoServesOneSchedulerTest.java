package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.ChildSluice;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code sluice serve} processes (child JVMs) on one project with schedules: the first runs the
 * scheduler; the second cannot open the project (its warehouse is open for writing in the first)
 * and exits saying which process serves it and runs its scheduler. A {@code sluice schedule} on the
 * same project is refused the same way.
 */
@Tag("integration")
class TwoServesOneSchedulerTest {
  @TempDir Path temp;

  @Test
  void onlyOneSchedulerRunsAndTheOtherProcessSaysWhichOne() throws Exception {
    Path project = StreamProject.create(temp.resolve("live"));
    Files.writeString(
        project.resolve("sluice.yaml"),
        "schedules:\n  - name: hourly\n    cron: \"0 * * * *\"\n",
        StandardOpenOption.APPEND);
    URI first = URI.create("http://127.0.0.1:" + StreamProject.freePort());
    Process serving =
        ChildSluice.start(
            temp.resolve("first.log"),
            "serve",
            "--port=" + first.getPort(),
            "-p",
            project.toString());
    try {
      String health =
          ChildSluice.awaitHealth(first, serving, body -> body.contains("\"scheduler\""));
      assertThat(health).contains("\"scheduler\":{\"status\":\"running\",\"pid\":" + serving.pid());

      Process second =
          ChildSluice.start(
              temp.resolve("second.log"),
              "serve",
              "--port=" + StreamProject.freePort(),
              "-p",
              project.toString());
      assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("second serve ends").isTrue();
      String output = Files.readString(temp.resolve("second.log"));
      assertThat(second.exitValue()).as(output).isNotZero();
      assertThat(output)
          .contains(
              "Cannot serve project 'live': another sluice process serves it (the scheduler of"
                  + " this project runs in process "
                  + serving.pid()
                  + " on host ");

      Process schedule =
          ChildSluice.start(temp.resolve("schedule.log"), "schedule", "-p", project.toString());
      assertThat(schedule.waitFor(120, TimeUnit.SECONDS)).as("sluice schedule ends").isTrue();
      String scheduleOutput = Files.readString(temp.resolve("schedule.log"));
      assertThat(schedule.exitValue()).as(scheduleOutput).isNotZero();
      assertThat(scheduleOutput)
          .contains("the scheduler of this project runs in process " + serving.pid());

      assertThat(ChildSluice.awaitHealth(first, serving, body -> body.contains("\"scheduler\"")))
          .contains("\"scheduler\":{\"status\":\"running\"");
    } finally {
      serving.destroy();
      assertThat(serving.waitFor(60, TimeUnit.SECONDS)).as("graceful stop").isTrue();
    }
    assertThat(serving.exitValue()).as(Files.readString(temp.resolve("first.log"))).isZero();
  }
}
