package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Runs the {@code sluice} command in a child JVM (to kill it for real), output to a log file. */
public final class ChildSluice {
  private ChildSluice() {}

  /** Starts {@code sluice ARGS} on this test's class path, appending its output to {@code log}. */
  public static Process start(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + childTemp(log));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /**
   * A temporary folder for a child JVM beside its log (in the test's own temporary folder, removed
   * with it). DuckDB's driver unpacks its 70 MB native library into the temporary folder at every
   * start and deletes it only at a normal exit: a child the test kills would leave one in /tmp each
   * time, and a few builds filled this machine's disk.
   */
  public static Path childTemp(Path log) throws IOException {
    return java.nio.file.Files.createDirectories(log.toAbsolutePath().resolveSibling("jvm-tmp"));
  }

  /**
   * Waits (two minutes at most) until the {@code sluice serve} in {@code server} answers {@code GET
   * /health} with 200 and a body {@code ready} accepts; returns that body. Fails when the process
   * ends first.
   */
  public static String awaitHealth(URI base, Process server, Predicate<String> ready)
      throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      assertThat(server.isAlive()).as("server alive").isTrue();
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200 && ready.test(health.body())) {
          return health.body();
        }
      } catch (IOException e) {
        // not listening yet
      }
      assertThat(System.nanoTime()).as("server healthy in time").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
