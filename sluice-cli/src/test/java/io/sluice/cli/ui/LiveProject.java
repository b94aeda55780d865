package io.sluice.cli.ui;

import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A project served by {@code sluice serve} in this process: one stream source ({@code events}) and
 * a dashboard ({@code live}) whose panels count its records, for the live refresh tests.
 */
final class LiveProject implements AutoCloseable {
  static final String STREAM_TOKEN = "events-token-for-tests";
  static final Map<String, String> ENV =
      Map.of(
          "LIVE_OPERATOR_TOKEN", ShopConsole.OPERATOR_TOKEN,
          "LIVE_VIEWER_TOKEN", ShopConsole.VIEWER_TOKEN,
          "LIVE_STREAM_TOKEN", STREAM_TOKEN);

  private final ServeSession session;
  private final HttpClient client = HttpClient.newHttpClient();

  private LiveProject(ServeSession session) {
    this.session = session;
  }

  /** Creates the project in {@code dir} and serves it on a free port. */
  static LiveProject serve(Path dir) {
    write(
        dir.resolve("sluice.yaml"),
        """
        name: live
        serve:
          port: 0
          trigger-interval-ms: 200
          query-token-env: LIVE_OPERATOR_TOKEN
          viewer-token-env: LIVE_VIEWER_TOKEN
        """);
    write(
        dir.resolve("sources/events.yaml"),
        """
        connector: stream
        stream:
          token-env: LIVE_STREAM_TOKEN
        event-time: ts
        columns:
          - name: id
            type: bigint
          - name: amount
            type: decimal(12,2)
          - name: ts
            type: timestamp
        """);
    write(
        dir.resolve("models/per_second.sql"),
        """
        {{ config(materialized='table') }}
        SELECT date_trunc('second', ts) AS second, count(*) AS records
        FROM {{ source('events') }}
        GROUP BY 1
        """);
    write(
        dir.resolve("dashboards/live.yaml"),
        """
        title: Live
        panels:
          - id: count
            title: Records landed
            type: stat
            sql: SELECT count(*) AS records FROM lake.events
          - id: rate
            title: Records per second
            type: line
            sql: SELECT second, records FROM per_second ORDER BY 1
            x: second
          - id: constant
            title: Not an input of any batch
            type: stat
            sql: SELECT 42 AS answer
        """);
    return new LiveProject(
        ServeSession.start(ProjectLoader.load(dir), Optional.of(0), ENV, summary -> {}, true));
  }

  URI uri() {
    return session.uri();
  }

  ServeSession session() {
    return session;
  }

  /** Pushes records {@code first} to {@code first + count - 1}, stamped now, in one request. */
  void push(long first, int count) {
    StringBuilder body = new StringBuilder(count * 64);
    String now = Instant.now().toString();
    for (long id = first; id < first + count; id++) {
      body.append("{\"id\":")
          .append(id)
          .append(",\"amount\":")
          .append(id % 100)
          .append(".5,\"ts\":\"")
          .append(now)
          .append("\"}\n");
    }
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri().resolve("/v1/streams/events/records"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/x-ndjson")
                  .header("Authorization", "Bearer " + STREAM_TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("push refused: " + response.statusCode() + " " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    session.close();
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
