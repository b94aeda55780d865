package io.sluice.cli.serve;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} reads a continuous source that is not pushed (a change stream, here the
 * test-only {@code changes} connector) by itself, every trigger interval: no push is needed to land
 * its changes, and a project with only such a source is served.
 */
class ServePollsChangeStreamsTest {
  @TempDir Path project;

  @Test
  void landsAChangeStreamsChangesWithoutAnyPush() throws Exception {
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(
        project.resolve("sluice.yaml"), "name: polled\nserve: {trigger-interval-ms: 100}\n");
    Files.writeString(
        project.resolve("sources/customers.yaml"),
        "connector: changes\n"
            + "changes: {path: changes.txt}\n"
            + "primary-key: [id]\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: name, type: string}\n"
            + "  - {name: tier, type: string}\n");
    Path changes = project.resolve("changes.txt");
    Files.writeString(changes, "", UTF_8);
    BlockingQueue<RunSummary.SourceRun> landed = new LinkedBlockingQueue<>();
    ServeSession session =
        ServeSession.start(
            ProjectLoader.load(project),
            Optional.of(0),
            Map.of(),
            summary ->
                summary.sources().stream().filter(s -> s.rowsRead() > 0).forEach(landed::add));
    try {
      assertThat(session.streams()).isEmpty();

      Files.writeString(changes, "+,1,ada,gold\n+,2,bo,silver\n", UTF_8, StandardOpenOption.APPEND);
      RunSummary.SourceRun first = landed.poll(60, TimeUnit.SECONDS);
      assertThat(first).as("a batch landed within 60 s").isNotNull();
      assertThat(first.source()).isEqualTo("customers");
      assertThat(first.rowsRead()).isEqualTo(2);

      Files.writeString(changes, "-,1\n", UTF_8, StandardOpenOption.APPEND);
      RunSummary.SourceRun second = landed.poll(60, TimeUnit.SECONDS);
      assertThat(second).as("the delete landed within 60 s").isNotNull();
      assertThat(second.rowsRead()).isEqualTo(1);
    } finally {
      session.close();
    }
  }
}
