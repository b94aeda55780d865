package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice serve} in-process: pushes over real HTTP land in the lake and the models. */
class ServeTest {
  @TempDir Path dir;

  @Test
  void pushedRecordsLandInTheLakeQuarantineAndModelsAndGracefulShutdownDrains() throws Exception {
    StreamProject.create(dir);
    HttpClient client = HttpClient.newHttpClient();
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {})) {
      assertThat(
              StreamProject.push(
                      client,
                      session.uri(),
                      StreamProject.event("e1", "ann", "10.50")
                          + "\n"
                          + StreamProject.event("e2", "bob", "2")
                          + "\n"
                          + StreamProject.event("e3", "ann", "\"lots\""))
                  .body())
          .isEqualTo("{\"accepted\":3,\"failed\":0,\"errors\":[]}");
      assertThat(
              StreamProject.push(
                      client,
                      session.uri(),
                      StreamProject.event("e4", "bob", "1.25") + "\nnot json")
                  .body())
          .startsWith("{\"accepted\":1,\"failed\":1,");
    }

    assertThat(StreamProject.query(dir, "SELECT id, \"user\", amount FROM lake.events ORDER BY id"))
        .containsExactly(
            List.of("e1", "ann", new BigDecimal("10.50")),
            List.of("e2", "bob", new BigDecimal("2.00")),
            List.of("e4", "bob", new BigDecimal("1.25")));
    assertThat(StreamProject.query(dir, "SELECT * FROM quarantine.events"))
        .singleElement()
        .asString()
        .contains("partition-0, 2, {\"id\":\"e3\"", "value is not a valid decimal(12,2)");
    assertThat(StreamProject.query(dir, "SELECT \"user\", events, amount FROM per_user ORDER BY 1"))
        .containsExactly(
            List.of("ann", 1L, new BigDecimal("10.50")),
            List.of("bob", 2L, new BigDecimal("3.25")));
  }

  @Test
  void maintainsTheLakeBetweenBatchesCompactingWhatEarlierBatchesLeft() throws Exception {
    StreamProject.create(dir);
    HttpClient client = HttpClient.newHttpClient();
    for (int batch = 0; batch < 3; batch++) {
      try (ServeSession session =
          ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), s -> {})) {
        StreamProject.push(client, session.uri(), StreamProject.event("e" + batch, "ann", "1.00"));
      }
    }
    assertThat(cleanFiles()).as("3 files, fewer than maintenance.min-files (5)").isEqualTo(3);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        Files.readString(dir.resolve("sluice.yaml")) + "maintenance:\n  min-files: 2\n");

    ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), s -> {});
    try {
      StreamProject.push(client, session.uri(), StreamProject.event("e3", "bob", "1.00"));
    } finally {
      session.close();
    }
    Map<String, Object> status = session.status();

    assertThat(status.get("maintenance").toString()).contains("runs=1", "last-error=null");
    // The 3 files became 1; the last batch's file is compacted with them or added after,
    // depending on whether it landed before the first maintenance.
    assertThat(cleanFiles()).isBetween(1L, 2L);
    assertThat(StreamProject.query(dir, "SELECT count(*) FROM lake.events").get(0))
        .containsExactly(4L);
  }

  private long cleanFiles() {
    try (var runtime = io.sluice.core.run.ProjectRuntime.open(ProjectLoader.load(dir), true)) {
      return runtime
          .lake()
          .load(new io.sluice.api.lake.TableId("clean", "events"))
          .orElseThrow()
          .files()
          .size();
    }
  }

  @Test
  void saysWhenItsPortIsTakenAndLeavesTheProjectUsable() throws Exception {
    StreamProject.create(dir);
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(
              () ->
                  ServeSession.start(
                      ProjectLoader.load(dir), Optional.of(port), Map.of(), summary -> {}))
          .hasMessageStartingWith(
              "Cannot listen on 127.0.0.1:" + port + " (serve.host, serve.port): ");
    }
    // The failed start closed the project: its log and warehouse open again.
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {})) {
      assertThat(session.waiting()).isZero();
    }
  }

  @Test
  void answersWarehouseQueriesWithTheQueryToken() throws Exception {
    StreamProject.create(dir);
    Files.writeString(dir.resolve("secrets/query.token"), "q-token\n");
    Files.writeString(
        dir.resolve("sluice.yaml"),
        Files.readString(dir.resolve("sluice.yaml"))
            .replace("serve:\n", "serve:\n  query-token-file: secrets/query.token\n"));
    HttpClient client = HttpClient.newHttpClient();
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), s -> {})) {
      java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> query =
          (token, sql) -> {
            try {
              java.net.http.HttpRequest.Builder request =
                  java.net.http.HttpRequest.newBuilder(
                          session.uri().resolve("/v1/query?max-rows=1"))
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofString(sql));
              if (token != null) {
                request.header("Authorization", "Bearer " + token);
              }
              return client.send(
                  request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };

      // Read from the snapshot the processor published; its time is given when it is older than
      // the warehouse.
      assertThat(query.apply("q-token", "SELECT 42 AS answer, 'x' AS t FROM range(3)").body())
          .matches(
              java.util.regex.Pattern.quote(
                      "{\"columns\":[\"answer\",\"t\"],\"types\":[\"INTEGER\",\"VARCHAR\"],"
                          + "\"rows\":[[42,\"x\"]],\"truncated\":true")
                  + "(,\"snapshot\":\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\")?}");
      assertThat(query.apply(null, "SELECT 1").statusCode()).isEqualTo(401);
      assertThat(query.apply("q-token", "SELECT * FROM nowhere"))
          .satisfies(
              r -> {
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(r.body()).contains("nowhere");
              });
    }
  }

  @Test
  void refusesToStartWithoutAStreamsToken() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        Files.readString(dir.resolve("sources/events.yaml"))
            .replace("token-file: secrets/events.token", "token-env: EVENTS_TOKEN"));

    assertThatThrownBy(
            () ->
                ServeSession.start(
                    ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {}))
        .hasMessage(
            "Source 'events': the environment variable EVENTS_TOKEN (stream.token-env, "
                + dir.resolve("sources/events.yaml")
                + ") is not set; it must hold the bearer token that pushes to the stream carry");
  }
}
