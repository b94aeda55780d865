package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.engine.QueryResult;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of backfills: a backfill of a week with {@code --parallel 2}, killed
 * (SIGKILL, in a child JVM) once some days are done and resumed, leaves every lake table and model
 * equal, row for row, to an uninterrupted backfill of the same week, with no duplicate.
 */
@Tag("integration")
class BackfillCrashTest {
  private static final int EVENTS_PER_DAY = 100;
  private static final String FROM = "2024-03-01";
  private static final String TO = "2024-03-07";

  /** Kills tried before giving up on catching the backfill midway (each attempt is a new round). */
  private static final int ATTEMPTS = 4;

  @TempDir Path temp;

  @Test
  void aBackfillKilledMidwayAndResumedEqualsAnUninterruptedOne() throws Exception {
    Path reference = fixedWeek("reference");
    Path crashed = fixedWeek("crashed");

    BackfillTest.ok(
        "backfill", "-p", reference.toString(), "--from", FROM, "--to", TO, "--parallel", "2");

    boolean killedMidway = false;
    for (int attempt = 0; attempt < ATTEMPTS && !killedMidway; attempt++) {
      killedMidway = killMidway(crashed, attempt == 0 ? "missing" : "all", attempt);
    }
    assertThat(killedMidway).as("a backfill was killed with some days done, others not").isTrue();
    Process resumed =
        ChildSluice.start(
            log(crashed, "resume"),
            "backfill",
            "-p",
            crashed.toString(),
            "--from",
            FROM,
            "--to",
            TO,
            "--parallel",
            "2",
            "--progress=never");
    assertThat(resumed.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(resumed.exitValue()).as(Files.readString(log(crashed, "resume"))).isZero();

    Map<String, List<List<Object>>> expected = dump(reference);
    Map<String, List<List<Object>>> actual = dump(crashed);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String relation : expected.keySet()) {
      assertThat(actual.get(relation)).as(relation).isEqualTo(expected.get(relation));
    }
    assertThat(BackfillTest.rows(crashed, "SELECT count(*) = count(DISTINCT id) FROM lake.events"))
        .containsExactly("true");
    assertThat(
            BackfillTest.rows(
                crashed,
                "SELECT count(*) = count(DISTINCT (_batch, _file, _line, md5(_record)))"
                    + " FROM sluice_quarantine.events"))
        .containsExactly("true");
    // The fix took effect: kind c landed, amounts above 300 left clean.
    assertThat(BackfillTest.rows(crashed, "SELECT count(*) > 0 FROM lake.events WHERE kind = 'c'"))
        .containsExactly("true");
    assertThat(BackfillTest.rows(crashed, "SELECT count(*) FROM lake.events WHERE amount > 300"))
        .containsExactly("0");
  }

  /**
   * A week landed under the strict rules, then the rules changed (kind c allowed, amount <= 300).
   */
  private Path fixedWeek(String name) throws Exception {
    Path project = BackfillWeek.create(temp.resolve(name), BackfillWeek.STRICT, EVENTS_PER_DAY);
    BackfillWeek.writeDays(project, "part-1", 0, 3, EVENTS_PER_DAY);
    BackfillTest.ok("run", "-p", project.toString(), "--progress=never");
    BackfillWeek.writeDays(project, "part-2", 4, 6, EVENTS_PER_DAY);
    BackfillTest.ok("run", "-p", project.toString(), "--progress=never");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED, 300);
    return project;
  }

  /**
   * Starts the backfill in a child JVM and kills it as soon as its record shows a step done while
   * others are not; returns whether that happened before the backfill finished by itself.
   */
  private boolean killMidway(Path project, String mode, int attempt) throws Exception {
    Path record = project.resolve(".sluice/backfills/bf-20240301-20240307.json");
    Process process =
        ChildSluice.start(
            log(project, "kill-" + attempt),
            "backfill",
            "-p",
            project.toString(),
            "--from",
            FROM,
            "--to",
            TO,
            "--parallel",
            "2",
            "--mode",
            mode,
            "--progress=never");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (process.isAlive() && System.nanoTime() < deadline) {
      String text = Files.exists(record) ? readQuietly(record) : "";
      long done = count(text, "\"status\":\"done\"");
      // Attempt k is round k + 1: the earlier ones finished by themselves.
      boolean thisRound = text.contains("\"round\":" + (attempt + 1) + ",");
      if (thisRound && done >= 1 && text.contains("\"status\":\"pending\"")) {
        process.destroyForcibly(); // SIGKILL
        process.waitFor(30, TimeUnit.SECONDS);
        return true;
      }
      Thread.onSpinWait();
    }
    process.waitFor(30, TimeUnit.SECONDS);
    return false;
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return ""; // being replaced: read it next time
    }
  }

  private static long count(String text, String needle) {
    long n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static Path log(Path project, String name) {
    return project.resolveSibling(project.getFileName() + "-" + name + ".log");
  }

  private static Map<String, List<List<Object>>> dump(Path dir) {
    Project project = ProjectLoader.load(dir);
    Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
      for (String relation :
          List.of(
              "lake.events",
              "quarantine.events",
              "sluice_quarantine.events",
              "raw.events",
              "daily")) {
        QueryResult result =
            runtime.engine().query("SELECT * FROM " + relation + " ORDER BY ALL", 1_000_000);
        assertThat(result.truncated()).isFalse();
        tables.put(relation, result.rows());
      }
    }
    return tables;
  }
}
