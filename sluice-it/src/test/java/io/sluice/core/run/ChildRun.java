package io.sluice.core.run;

import io.sluice.api.SluiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One run of a project in a child JVM, so that a test can kill it for real (SIGKILL): {@link
 * EndToEnd#run} on the project folder given as the only argument. Exits 0 when the run succeeded, 1
 * when it finished with another status, 2 when it failed (its error printed).
 */
public final class ChildRun {
  private ChildRun() {}

  /** Runs the project folder {@code args[0]} once. */
  public static void main(String[] args) {
    int exit;
    try {
      RunSummary summary = EndToEnd.run(Path.of(args[0]));
      System.out.println("run " + summary.status().label());
      exit = summary.status().succeeded() ? 0 : 1;
    } catch (SluiceException e) {
      System.out.println("error: " + e.getMessage());
      exit = 2;
    }
    System.out.flush();
    System.exit(exit);
  }

  /**
   * Starts a run of {@code project} in a child JVM on this test's class path, appending its output
   * to {@code log}.
   */
  public static Process start(Path log, Path project) throws IOException {
    return new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // DuckDB's driver unpacks its 70 MB native library into the temporary folder at
                // every start and deletes it only at a normal exit: in the test's folder, a killed
                // child leaves nothing in /tmp.
                "-Djava.io.tmpdir="
                    + Files.createDirectories(log.toAbsolutePath().resolveSibling("jvm-tmp")),
                "-cp",
                System.getProperty("java.class.path"),
                ChildRun.class.getName(),
                project.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}
