package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The declared policy for late events, applied by a run (and so by serve). */
class LateEventsTest {
  @TempDir Path temp;

  private Path project(String policy) throws Exception {
    Path project = temp.resolve(policy);
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: late\n");
    // An hour ago is on time within a day; 2020 is years late.
    String recent =
        Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    Files.writeString(
        project.resolve("data/events.ndjson"),
        "{\"id\":1,\"ts\":\"" + recent + "\"}\n{\"id\":2,\"ts\":\"2020-01-01T00:00:00Z\"}\n");
    Files.writeString(
        project.resolve("sources/events.yaml"),
        "path: data/events.ndjson\n"
            + "event-time: ts\n"
            + "late-events:\n"
            + "  allowed-lateness: 1d\n"
            + "  policy: "
            + policy
            + "\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: ts, type: timestamp}\n");
    assertThat(EndToEnd.run(project).status()).isEqualTo(RunStatus.OK);
    return project;
  }

  private static String query(Path project, String sql) {
    return EndToEnd.queryCsv(project, sql);
  }

  @Test
  void quarantinesEventsLaterThanAllowedUnderRuleLate() throws Exception {
    Path project = project("quarantine");

    assertThat(query(project, "SELECT id FROM lake.events")).isEqualTo("id\n1\n");
    assertThat(query(project, "SELECT _rules, _errors FROM quarantine.events"))
        .startsWith("_rules,_errors\nlate")
        .contains("event time is more than 1d before the batch was ingested")
        .contains("2020-01-01 00:00:00");
  }

  @Test
  void acceptsLateEventsIntoTheirOldPartitionsUnderAccept() throws Exception {
    Path project = project("accept");

    assertThat(query(project, "SELECT id FROM lake.events ORDER BY id")).isEqualTo("id\n1\n2\n");
    assertThat(query(project, "SELECT count(*) AS n FROM quarantine.events")).isEqualTo("n\n0\n");
  }
}
