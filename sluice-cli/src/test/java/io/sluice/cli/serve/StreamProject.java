package io.sluice.cli.serve;

import io.sluice.api.engine.QueryResult;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A project with one stream source ({@code events}, token in a file) and a table model over it, for
 * {@code sluice serve} tests.
 */
final class StreamProject {
  static final String TOKEN = "events-token-1";

  private StreamProject() {}

  static Path create(Path dir) {
    write(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\n  log:\n    partitions: 2\n");
    write(dir.resolve("secrets/events.token"), TOKEN + "\n");
    write(
        dir.resolve("sources/events.yaml"),
        """
        connector: stream
        stream:
          token-file: secrets/events.token
          partition-key: user
        event-time: ts
        columns:
          - name: id
            type: string
            checks: [not_null, unique]
          - name: user
            type: string
          - name: amount
            type: decimal(12,2)
          - name: ts
            type: timestamp
        """);
    write(
        dir.resolve("models/per_user.sql"),
        """
        {{ config(materialized='table') }}
        SELECT "user", count(*) AS events, sum(amount) AS amount
        FROM {{ source('events') }}
        GROUP BY 1
        """);
    return dir;
  }

  /** An NDJSON event. */
  static String event(String id, String user, String amount) {
    return "{\"id\":\""
        + id
        + "\",\"user\":\""
        + user
        + "\",\"amount\":"
        + amount
        + ",\"ts\":\"2026-11-24T10:00:00Z\"}";
  }

  static HttpResponse<String> push(HttpClient client, URI base, String ndjson)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(base.resolve("/v1/streams/events/records"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-ndjson")
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(ndjson))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The rows of a query on the project's warehouse, opened read-only. */
  static List<List<Object>> query(Path dir, String sql) {
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(dir), true)) {
      QueryResult result = runtime.engine().query(sql, 10_000_000);
      return result.rows();
    }
  }

  /** A free port on loopback, for a child serve that must keep its port across restarts. */
  static int freePort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts {@code sluice serve} of {@code project} on {@code port} in a child JVM, its output
   * appended to {@code serve.log} beside the project after a line naming this start.
   */
  static Process startServe(Path project, int port, String name) throws IOException {
    Path log = project.resolveSibling("serve.log");
    Files.writeString(
        log,
        "---- " + name + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    return io.sluice.cli.ChildSluice.start(
        log, "serve", "--port=" + port, "-p", project.toString());
  }

  /** What every {@link #startServe} of {@code project} printed. */
  static String serveLog(Path project) throws IOException {
    return Files.readString(project.resolveSibling("serve.log"));
  }

  /**
   * Waits (two minutes at most) until {@code acknowledged} holds {@code target} records; fails when
   * the server ends first.
   */
  static void awaitAcknowledged(java.util.Set<String> acknowledged, long target, Process server) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (acknowledged.size() < target) {
      org.assertj.core.api.Assertions.assertThat(server.isAlive()).as("server alive").isTrue();
      org.assertj.core.api.Assertions.assertThat(System.nanoTime())
          .as("acknowledgements in time")
          .isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(
          java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
