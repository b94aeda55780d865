package io.sluice.core.run;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.ProjectLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema drift on a stream source: three batches pushed into the ingest log, the second with a new
 * field, the third without {@code name} and with an {@code amount} that outgrows {@code int}. Each
 * batch is observed from the log records it lands, as JSON files are.
 */
class StreamSchemaDriftTest {
  @TempDir Path temp;
  private Path project;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
  }

  private void declare(String policy) throws Exception {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        connector: stream
        stream: {auth: none}
        schema-drift: {policy: %s}
        columns:
          - {name: id, type: bigint, checks: [not_null]}
          - {name: name}
          - {name: amount, type: int}
        """
            .formatted(policy));
  }

  /** Pushes each batch and runs once after it; the drift events of each run. */
  private List<List<String>> pushAndRun(String... batches) {
    List<List<String>> events = new ArrayList<>();
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(project), false)) {
      for (String batch : batches) {
        runtime
            .ingestLog()
            .append("orders", 0, batch.lines().map(line -> line.getBytes(UTF_8)).toList())
            .join();
        List<String> seen = new ArrayList<>();
        runtime.run(
            clock,
            new RunListener() {
              @Override
              public void schemaDrift(String source, SchemaDrift.Event event) {
                seen.add(event.describe());
              }
            });
        events.add(seen);
      }
    }
    return events;
  }

  private List<String> query(String sql) {
    return EndToEnd.queryRows(project, sql);
  }

  private static final String FIRST = "{\"id\":1,\"name\":\"Ann\",\"amount\":10}";
  private static final String SECOND =
      "{\"id\":2,\"name\":\"Bob\",\"amount\":20,\"country\":\"FR\"}";
  private static final String THIRD = "{\"id\":3,\"amount\":3000000000,\"country\":\"DE\"}";

  @Test
  void evolveAddsTheColumnAndWidensTheTypeFromWhatThePushedRecordsHold() throws Exception {
    declare("evolve");

    List<List<String>> events = pushAndRun(FIRST, SECOND, THIRD);

    assertThat(events.get(0)).isEmpty();
    assertThat(events.get(1))
        .containsExactly(
            "partition-0: new field 'country' (string) -> column added to the clean table as"
                + " string");
    assertThat(events.get(2))
        .containsExactlyInAnyOrder(
            "partition-0: field 'name' of column name is missing -> the column reads NULL",
            "partition-0: field 'amount' has bigint values, column amount is int -> column widened"
                + " to bigint");
    assertThat(query("SELECT id, name, amount, country FROM lake.orders ORDER BY id"))
        .containsExactly("1,Ann,10,", "2,Bob,20,FR", "3,,3000000000,DE");
  }

  @Test
  void quarantineSendsTheDriftedBatchToQuarantineWithItsReasons() throws Exception {
    declare("quarantine");

    List<List<String>> events = pushAndRun(FIRST, SECOND + "\n" + "{\"id\":4,\"name\":\"Eve\"}");

    assertThat(events.get(1)).hasSize(1);
    assertThat(query("SELECT id FROM lake.orders")).containsExactly("1");
    assertThat(
            query(
                "SELECT _file || '@' || _line || ':' || _rules FROM quarantine.orders ORDER BY 1"))
        .containsExactly("partition-0@1:schema_drift", "partition-0@2:schema_drift");
  }
}
