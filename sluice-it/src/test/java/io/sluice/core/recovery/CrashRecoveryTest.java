package io.sluice.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.engine.QueryResult;
import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ChildRun;
import io.sluice.core.run.ProjectRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a run ({@link ChildRun}: SIGKILL, in a child JVM) at random moments, again and again, then
 * lets a run finish, and checks that every lake table and model equals what uninterrupted runs
 * give.
 */
@Tag("integration")
class CrashRecoveryTest {
  private static final int KILLS_PER_PHASE = 6;

  /**
   * Runs after a kill have less left to do, so some attempts finish before their kill time; that is
   * fine (they are uninterrupted runs), but the test means nothing unless some runs died.
   */
  private static final int MIN_KILLED = 3;

  @TempDir Path temp;

  @Test
  void runsKilledAtRandomMomentsEndWithTheTablesOfUninterruptedRuns() throws Exception {
    ShopGenerator.Options options =
        ShopGenerator.Options.defaults().withOrders(3000).withDefectRate(0.05).withFiles(4);
    Path reference = project("reference", options);
    Path crashed = project("crashed", options);

    long fullRunMillis = runToCompletion(reference);
    ShopGenerator.appendBatch(reference, options, 1);
    runToCompletion(reference);
    Map<String, List<List<Object>>> expected = dump(reference);

    SplittableRandom random = new SplittableRandom(20261124L);
    int killed = killRepeatedly(crashed, fullRunMillis, random);
    runToCompletion(crashed);
    ShopGenerator.appendBatch(crashed, options, 1);
    killed += killRepeatedly(crashed, fullRunMillis, random);
    runToCompletion(crashed);

    assertThat(killed).as("runs killed before they finished").isGreaterThanOrEqualTo(MIN_KILLED);
    Map<String, List<List<Object>>> actual = dump(crashed);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String table : expected.keySet()) {
      assertThat(actual.get(table)).as(table).isEqualTo(expected.get(table));
    }
  }

  private Path project(String name, ShopGenerator.Options options) {
    Path dir = temp.resolve(name);
    ExampleProject.copyTo(dir);
    ShopGenerator.generate(dir, options);
    return dir;
  }

  private int killRepeatedly(Path project, long fullRunMillis, SplittableRandom random)
      throws Exception {
    int killed = 0;
    for (int i = 0; i < KILLS_PER_PHASE; i++) {
      Process process = start(project, "kill-" + i);
      // Anywhere from JVM start-up to near the end of a full run.
      long delay = random.nextLong(150, Math.max(300, fullRunMillis * 8 / 10));
      if (!process.waitFor(delay, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        killed++;
      }
    }
    return killed;
  }

  private long runToCompletion(Path project) throws Exception {
    long start = System.nanoTime();
    Process process = start(project, "complete");
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("run finished").isTrue();
    int exit = process.exitValue();
    assertThat(exit)
        .as("exit code of a complete run; output:\n%s", Files.readString(log(project, "complete")))
        .isZero();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private Process start(Path project, String name) throws IOException {
    return ChildRun.start(log(project, name), project);
  }

  private Path log(Path project, String name) {
    return project.resolveSibling(project.getFileName() + "-" + name + ".log");
  }

  private static Map<String, List<List<Object>>> dump(Path dir) {
    Project project = ProjectLoader.load(dir);
    Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
    try (ProjectRuntime runtime = ProjectRuntime.open(project, true)) {
      List<String> relations = new ArrayList<>();
      for (var source : project.sources()) {
        relations.add("lake." + source.name());
        relations.add("quarantine." + source.name());
        relations.add("raw." + source.name());
      }
      for (var model : project.models()) {
        relations.add(model.name());
      }
      for (String relation : relations) {
        QueryResult result =
            runtime.engine().query("SELECT * FROM " + relation + " ORDER BY ALL", 1_000_000);
        assertThat(result.truncated()).isFalse();
        tables.put(relation, result.rows());
      }
    }
    return tables;
  }
}
