package io.sluice.cli;

import io.sluice.api.engine.ModelRequest;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A second process that holds a project's warehouse as {@code sluice run} or {@code serve} do
 * ({@code write PROJECT}: it writes a table {@code being_written} and publishes nothing), or as an
 * older reader did, open read-only ({@code read FILE}), until its standard input closes. Prints
 * {@code holding} once it holds it.
 */
public final class HoldWarehouse {
  private HoldWarehouse() {}

  @SuppressWarnings("try") // the read-only connection is held, not used
  public static void main(String[] args) throws IOException, SQLException {
    if (args[0].equals("write")) {
      try (ProjectRuntime runtime =
          ProjectRuntime.open(ProjectLoader.load(Path.of(args[1])), false)) {
        // Written and not yet published, as in the middle of a run.
        runtime
            .engine()
            .materialize(
                new ModelRequest(
                    "being_written",
                    "SELECT 1 AS x",
                    ModelRequest.Materialization.TABLE,
                    java.util.List.of(),
                    false,
                    "model:being_written",
                    "{}"));
        hold();
      }
    } else {
      Properties properties = new Properties();
      properties.setProperty("duckdb.read_only", "true");
      try (Connection connection =
          DriverManager.getConnection("jdbc:duckdb:" + args[1], properties)) {
        hold();
      }
    }
  }

  private static void hold() throws IOException {
    System.out.println("holding");
    System.out.flush();
    while (System.in.read() >= 0) {
      // Until the test closes our standard input.
    }
  }

  /** Starts the holder and returns once it holds the warehouse. */
  static Process start(String mode, Path target) throws IOException {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + ChildSluice.childTemp(target),
                "-cp",
                System.getProperty("java.class.path"),
                HoldWarehouse.class.getName(),
                mode,
                target.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    String line = lines.readLine();
    if (!"holding".equals(line)) {
      process.destroyForcibly();
      throw new IllegalStateException("the warehouse holder did not start: " + line);
    }
    return process;
  }

  /** Lets the holder release the warehouse and exit. */
  static void stop(Process process) throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the warehouse holder did not stop");
    }
  }
}
