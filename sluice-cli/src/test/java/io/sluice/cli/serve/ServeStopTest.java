package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.ChildSluice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice serve} in a child JVM stopped with SIGTERM: a clean stop exits 0. */
class ServeStopTest {
  @TempDir Path temp;

  @Test
  void aGracefulStopBySigtermExitsZeroAndKeepsEveryAcknowledgedRecord() throws Exception {
    Path project = StreamProject.create(temp.resolve("live"));
    Path log = temp.resolve("serve.log");
    int port = StreamProject.freePort();
    URI base = URI.create("http://127.0.0.1:" + port);
    Process server = ChildSluice.start(log, "serve", "--port=" + port, "-p", project.toString());
    HttpClient http = HttpClient.newHttpClient();
    try {
      awaitHealthy(http, base, server, log);
      StringBuilder events = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        events.append(StreamProject.event("e" + i, "user" + (i % 3), "1.00")).append('\n');
      }
      HttpResponse<String> push = StreamProject.push(http, base, events.toString());
      assertThat(push.body()).isEqualTo("{\"accepted\":20,\"failed\":0,\"errors\":[]}");
    } finally {
      server.destroy(); // SIGTERM
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
    }

    assertThat(server.exitValue()).as(Files.readString(log)).isZero();
    assertThat(Files.readString(log)).contains("sluice serve: stopped;");
    // Acknowledged records are landed, or wait in the log and land at the next start.
    Process restart = ChildSluice.start(log, "serve", "--port=" + port, "-p", project.toString());
    try {
      awaitHealthy(http, base, restart, log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!health(http, base).contains("\"backlog\":0")) {
        assertThat(System.nanoTime()).as("landed in time").isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    } finally {
      restart.destroy();
      assertThat(restart.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(restart.exitValue()).isZero();
    assertThat(StreamProject.query(project, "SELECT count(DISTINCT id) FROM lake.events").get(0))
        .containsExactly(20L);
  }

  private static void awaitHealthy(HttpClient http, URI base, Process server, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      assertThat(server.isAlive()).as("server alive: %s", Files.readString(log)).isTrue();
      try {
        if (health(http, base).startsWith("{\"status\":\"ok\"")) {
          return;
        }
      } catch (IOException notListeningYet) {
        // starting
      }
      assertThat(System.nanoTime()).as("healthy in time").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static String health(HttpClient http, URI base) throws Exception {
    return http.send(
            HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
