package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice runs list|show|logs} and the readers of the run history. */
class RunsCommandTest {
  @TempDir Path temp;

  private Path project() {
    Path dir = temp.resolve("p");
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    return dir;
  }

  private static String onlyRunId(Path dir) throws Exception {
    Sluice.Result list = sluice("runs", "list", "-p", dir.toString(), "--format", "json");
    assertThat(list.exit()).as(list.err()).isZero();
    JsonNode runs = new ObjectMapper().readTree(list.out());
    assertThat(runs).hasSize(1);
    return runs.get(0).get("id").asText();
  }

  @Test
  void aRunIsRecordedWithItsStepsAndLogAndShownByRunsAndStatus() throws Exception {
    Path dir = project();
    Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(run.exit()).as(run.err()).isZero();
    String id = onlyRunId(dir);
    assertThat(id).matches("\\d{8}-\\d{6}-[0-9a-f]{4}");

    Sluice.Result list = sluice("runs", "list", "-p", dir.toString());
    assertThat(list.out())
        .containsPattern("run +created +trigger +status +attempts")
        .containsPattern(id + " +\\S+ \\S+ +manual +ok +1 +\\S+s +4 +2 +2 +50.00%");

    Sluice.Result show = sluice("runs", "show", "-p", dir.toString(), id);
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("run " + id + ": ok")
        .containsPattern("trigger +manual")
        .containsPattern("select +the whole project")
        .contains("attempt 1: ok")
        .containsPattern("source +events +ok +\\S+s +4 +2 +2 +50.00% +batch")
        .containsPattern("model +daily_events +ok .* table, built")
        .containsPattern("test +\\S+ +pass");

    JsonNode json =
        new ObjectMapper()
            .readTree(sluice("runs", "show", "-p", dir.toString(), "-f", "json", id).out());
    assertThat(json.get("attempts").get(0).get("steps").get(0).get("rows-quarantined").asLong())
        .isEqualTo(2);

    Sluice.Result logs = sluice("runs", "logs", "-p", dir.toString(), id.substring(0, 15));
    assertThat(logs.exit()).as(logs.err()).isZero();
    assertThat(logs.out())
        .contains("== run " + id + ", attempt 1 (ok) ==")
        .containsPattern(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} source events: batch \\S+, 4 read, 2 landed")
        .contains("model daily_events: built (table)")
        .contains("run ok in");

    Sluice.Result status = sluice("status", "-p", dir.toString());
    assertThat(status.out()).contains("Last runs").containsPattern(id + " .* manual +ok ");
  }

  @Test
  void aFailedRunIsRecordedAndFiltersFindIt() throws Exception {
    Path dir = project();
    Sluice.Result bad = sluice("run", "-p", dir.toString(), "--progress=never", "-s", "nosuch");
    assertThat(bad.exit()).isEqualTo(2);
    sluice("run", "-p", dir.toString(), "--progress=never");

    Sluice.Result failed = sluice("runs", "list", "-p", dir.toString(), "--status", "failed");
    assertThat(failed.out()).contains(" failed ").contains("nosuch");
    assertThat(failed.out().strip().lines()).hasSize(3);
    assertThat(sluice("runs", "list", "-p", dir.toString(), "--trigger", "serve").out())
        .contains("(no run matches --status/--trigger)");
    assertThat(sluice("runs", "list", "-p", dir.toString(), "-n", "1").out().lines())
        .hasSize(3)
        .anyMatch(line -> line.contains(" ok "));

    Sluice.Result wrongStatus = sluice("runs", "list", "-p", dir.toString(), "--status", "done");
    assertThat(wrongStatus.exit()).isEqualTo(2);
    assertThat(wrongStatus.err()).contains("--status done is not a run status; use one of");

    String failedId =
        new ObjectMapper()
            .readTree(
                sluice("runs", "list", "-p", dir.toString(), "--status", "failed", "-f", "json")
                    .out())
            .get(0)
            .get("id")
            .asText();
    Sluice.Result show = sluice("runs", "show", "-p", dir.toString(), failedId);
    assertThat(show.out()).contains("attempt 1: failed").contains("error (user, not retried):");
  }

  @Test
  void anUnknownRunIdNamesTheClosestAndTheLatestRuns() throws Exception {
    Path dir = project();
    sluice("run", "-p", dir.toString(), "--progress=never");
    String id = onlyRunId(dir);
    String typo = id.substring(0, id.length() - 1) + (id.endsWith("0") ? "1" : "0");

    Sluice.Result show = sluice("runs", "show", "-p", dir.toString(), typo);
    assertThat(show.exit()).isEqualTo(2);
    assertThat(show.err())
        .contains("No run '" + typo + "' in the run history (did you mean '" + id + "'?)")
        .contains("the latest: " + id);
    assertThat(sluice("runs", "logs", "-p", dir.toString(), "nope").err())
        .contains("No run 'nope'");
  }

  @Test
  void theRunsJsonlOfAnEarlierVersionIsImportedOnce() throws Exception {
    Path dir = project();
    Instant started = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    Files.createDirectories(dir.resolve(".sluice"));
    Files.writeString(
        dir.resolve(".sluice/runs.jsonl"),
        "{\"runId\":\"%s\",\"startedAt\":\"%s\",\"millis\":1200,\"status\":\"ok\",\"error\":\"\",\"sources\":[],\"models\":[],\"tests\":[]}\n"
            .formatted(started, started));

    Sluice.Result status = sluice("status", "-p", dir.toString());
    assertThat(status.exit()).as(status.err()).isZero();
    String id = onlyRunId(dir);
    assertThat(id).endsWith("-000j");
    assertThat(status.out()).contains(id);
    assertThat(dir.resolve(".sluice/runs.jsonl")).doesNotExist();
    assertThat(dir.resolve(".sluice/runs.jsonl.imported")).exists();

    sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(sluice("runs", "list", "-p", dir.toString()).out().lines()).hasSize(4);
  }
}
