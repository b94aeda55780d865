package io.sluice.core.run;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.ProjectLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream's records landed by the engine from the connector's NDJSON copy of the log: every record
 * keeps its log offset as its position (clean and quarantine {@code _line}), a partition whose
 * records cannot stand one per line (a JSON array's element that spans lines) is read record by
 * record with its exact text, no copy is left behind, and a quarantine replay after a fix reads the
 * records again from the quarantined text at the same positions.
 */
class StreamNativeLandingTest {
  @TempDir Path temp;
  private Path project;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\nserve: {log: {partitions: 2}}\n");
    declare("[paid, shipped]");
  }

  private void declare(String statuses) throws Exception {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        connector: stream
        stream: {auth: none}
        columns:
          - {name: id, type: bigint, checks: [not_null]}
          - name: status
            checks:
              - accepted_values: %s
        """
            .formatted(statuses));
  }

  private static List<byte[]> records(String... records) {
    return java.util.Arrays.stream(records).map(r -> r.getBytes(UTF_8)).toList();
  }

  @Test
  void positionsAreLogOffsetsWhetherTheEngineOrTheConnectorReadsTheRecords() throws Exception {
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(project), false)) {
      runtime.ingestLog().append("orders", 0, records("{\"id\":1,\"status\":\"paid\"}")).join();
      runtime.run(clock, new RunListener() {});
      runtime
          .ingestLog()
          .append(
              "orders",
              0,
              records(
                  "{\"id\":2,\"status\":\"lost\"}",
                  "{\"id\":3,\"status\":\"shipped\"}",
                  "{\"id\":4, \"status\":\"lost\"}"))
          .join();
      runtime
          .ingestLog()
          .append(
              "orders",
              1,
              records("{\"id\":5,\"status\":\"paid\"}", "{\"id\":6,\r\n \"status\":\"lost\"}"))
          .join();
      runtime.run(clock, new RunListener() {});
    }

    assertThat(EndToEnd.queryRows(project, "SELECT id, _file, _line FROM lake.orders ORDER BY id"))
        .containsExactly("1,partition-0,0", "3,partition-0,2", "5,partition-1,0");
    assertThat(
            EndToEnd.queryRows(
                project,
                "SELECT _file, _line, _rules, replace(replace(_record, chr(13), '\\r'), chr(10),"
                    + " '\\n') FROM quarantine.orders ORDER BY _file, _line"))
        .containsExactly(
            "partition-0,1,accepted_values,\"{\"\"id\"\":2,\"\"status\"\":\"\"lost\"\"}\"",
            "partition-0,3,accepted_values,\"{\"\"id\"\":4, \"\"status\"\":\"\"lost\"\"}\"",
            "partition-1,1,accepted_values,\"{\"\"id\"\":6,\\r\\n \"\"status\"\":\"\"lost\"\"}\"");
    Path copies = project.resolve(".sluice/connectors/orders/tmp");
    if (Files.isDirectory(copies)) {
      assertThat(copies).isEmptyDirectory();
    }

    declare("[paid, shipped, lost]");
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(project), false)) {
      QuarantineReplay.Result replay = runtime.replay(clock, "orders", Optional.empty(), false);
      assertThat(replay.landed()).isEqualTo(3);
    }
    assertThat(EndToEnd.queryRows(project, "SELECT id, _file, _line FROM lake.orders ORDER BY id"))
        .containsExactly(
            "1,partition-0,0",
            "2,partition-0,1",
            "3,partition-0,2",
            "4,partition-0,3",
            "5,partition-1,0",
            "6,partition-1,1");
  }
}
