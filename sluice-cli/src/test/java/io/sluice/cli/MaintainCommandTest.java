package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice maintain} compacts small files without changing rows or exactly-once runs. */
class MaintainCommandTest {
  @TempDir Path temp;

  private String query(Path dir, String sql) {
    Sluice.Result result = sluice("query", "-p", dir.toString(), "--format", "csv", sql);
    assertThat(result.exit()).as(result.err()).isZero();
    return result.out();
  }

  @Test
  void compactsTheFilesOfManySmallBatchesKeepingRowsAndLaterRunsExactlyOnce() throws IOException {
    Path dir = temp.resolve("p");
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    for (int batch = 2; batch <= 6; batch++) {
      writeBatch(dir, batch);
      Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");
      assertThat(run.exit()).as(run.err()).isZero();
    }
    String everything =
        "SELECT (SELECT count(*) FROM lake.events) AS clean,"
            + " (SELECT sum(event_id) FROM lake.events) AS ids,"
            + " (SELECT count(*) FROM quarantine.events) AS quarantined,"
            + " (SELECT count(*) FROM raw.events) AS raw";
    String before = query(dir, everything);

    Sluice.Result maintain = sluice("maintain", "-p", dir.toString(), "--min-files", "2");
    assertThat(maintain.exit()).as(maintain.err()).isZero();
    assertThat(maintain.out())
        .containsPattern("raw\\.events\\s+1\\s+5\\s+1\\s")
        // The first run also landed rows of another day: that partition keeps its one file.
        .containsPattern("clean\\.events\\s+1\\s+6\\s+2\\s")
        .containsPattern("quarantine\\.events\\s+1\\s+5\\s+1\\s");

    // A run refreshes the warehouse's views over the lake: same rows, nothing read again.
    Sluice.Result again = sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(again.out()).contains("0 rows read, 0 landed, 0 quarantined");
    assertThat(query(dir, everything)).isEqualTo(before);

    Sluice.Result nothingLeft = sluice("maintain", "-p", dir.toString(), "--min-files", "2");
    assertThat(nothingLeft.out()).containsPattern("clean\\.events\\s+0\\s+2\\s+2\\s");
  }

  @Test
  void expiresSnapshotsAfterADryRunWithoutLosingTheExactlyOnceBookkeeping() throws IOException {
    Path dir = temp.resolve("p");
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    for (int batch = 2; batch <= 5; batch++) {
      writeBatch(dir, batch);
      assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isZero();
    }
    String everything =
        "SELECT (SELECT count(*) FROM lake.events) AS clean,"
            + " (SELECT count(DISTINCT event_id) FROM lake.events) AS ids,"
            + " (SELECT max(_batch) FROM lake.events) AS last_batch,"
            + " (SELECT count(*) FROM raw.events) AS raw";
    String before = query(dir, everything);
    assertThat(before).contains("6,6,b-000004,12");
    String[] aggressive = {
      "maintain",
      "-p",
      dir.toString(),
      "--min-files",
      "2",
      "--keep-snapshots",
      "1",
      "--snapshot-max-age",
      "0s"
    };

    String[] dryRun =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(aggressive), java.util.stream.Stream.of("--dry-run"))
            .toArray(String[]::new);
    Sluice.Result planned = sluice(dryRun);
    assertThat(planned.exit()).as(planned.err()).isZero();
    assertThat(planned.out())
        .contains("Dry run: nothing was changed")
        .containsPattern(
            "clean\\.events: rewrite 4 small files \\(.*\\) in 1 partitions;"
                + " expire 3 snapshots");
    assertThat(sluice(dryRun).out()).isEqualTo(planned.out());

    Sluice.Result maintain = sluice(aggressive);
    assertThat(maintain.exit()).as(maintain.err()).isZero();
    // clean: 4 batch snapshots and the compaction expire, the checkpoint stays; the 4 files the
    // compaction replaced are deleted.
    assertThat(maintain.out())
        .containsPattern("clean\\.events\\s+1\\s+5\\s+2\\s.*\\s5\\s+1\\s+4 \\(");

    Sluice.Result again = sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(again.out()).contains("0 rows read, 0 landed, 0 quarantined");
    assertThat(query(dir, everything)).isEqualTo(before);
    writeBatch(dir, 6);
    assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isZero();
    assertThat(query(dir, everything))
        .isEqualTo(before.replace("6,6,b-000004,12", "7,7,b-000005,14"));
  }

  private static void writeBatch(Path dir, int batch) throws IOException {
    Files.writeString(
        dir.resolve("data/events/events-000" + batch + ".csv"),
        "event_id,occurred_at,kind,amount\n"
            + (batch * 10)
            + ",2026-11-02T10:00:00Z,signup,1\n"
            + (batch * 10 + 1)
            + ",2026-11-02T11:00:00Z,purchase,x\n",
        StandardCharsets.UTF_8);
  }

  @Test
  void unknownSourceAndBadOptionsAreUserErrors() {
    Path dir = temp.resolve("p");
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    Sluice.Result unknown = sluice("maintain", "-p", dir.toString(), "--source", "evnts");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("No source 'evnts'").contains("did you mean 'events'?");
    Sluice.Result bad = sluice("maintain", "-p", dir.toString(), "--min-files", "1");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--min-files must be at least 2, got 1");
    Sluice.Result age = sluice("maintain", "-p", dir.toString(), "--snapshot-max-age", "5x");
    assertThat(age.exit()).isEqualTo(2);
    assertThat(age.err())
        .contains("--snapshot-max-age: expected a duration such as 30s, 15m, 6h or 7d, found '5x'");
  }
}
