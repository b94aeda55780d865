package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/query} of a running {@code sluice serve} cannot be turned against its host: each
 * attack of issue 14 is refused with a JSON error and micro-batches land after every one.
 */
class QueryEndpointSandboxTest {
  @TempDir Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void refusesEveryAttackAndKeepsLanding() throws Exception {
    StreamProject.create(dir);
    Files.writeString(dir.resolve("secrets/query.token"), "q-token\n");
    Files.writeString(
        dir.resolve("sluice.yaml"),
        Files.readString(dir.resolve("sluice.yaml"))
            .replace(
                "serve:\n",
                "serve:\n  query-token-file: secrets/query.token\n  query-timeout: 1s\n"
                    + "  query-max-mb: 1\n"));
    Path outside = dir.resolve("outside.csv");
    LinkedBlockingQueue<Long> landed = new LinkedBlockingQueue<>();
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir),
            Optional.empty(),
            Map.of("SECRET_OF_THE_HOST", "s3cr3t"),
            summary -> landed.add(summary.rowsRead()))) {
      List<String> attacks =
          List.of(
              "SELECT * FROM read_text('/etc/passwd')",
              "SELECT * FROM read_text('/proc/self/environ')",
              "SELECT * FROM '/etc/passwd'",
              "SELECT * FROM read_csv('" + dir.resolve("secrets/events.token") + "')",
              "COPY (SELECT 1) TO '" + outside + "'",
              "ATTACH '" + dir.resolve("other.duckdb") + "' AS other",
              "CREATE TABLE evil AS SELECT 1",
              "DROP TABLE per_user",
              "DROP VIEW lake.events",
              "CREATE OR REPLACE VIEW lake.events AS SELECT 1",
              "SET enable_external_access = false",
              "SET threads = 1",
              "INSTALL httpfs",
              "LOAD httpfs",
              "SELECT 1; DROP TABLE per_user");
      int pushed = 0;
      for (String attack : attacks) {
        HttpResponse<String> answer = query(session, attack, "");
        assertThat(answer.statusCode()).as(attack).isEqualTo(400);
        assertThat(answer.body()).as(attack).startsWith("{\"error\":\"").doesNotContain("root:");
        // A micro-batch still lands after each attack.
        pushed++;
        assertThat(
                StreamProject.push(
                        client,
                        session.uri(),
                        StreamProject.event("e" + pushed, "ann", Integer.toString(pushed)))
                    .statusCode())
            .isEqualTo(200);
        assertThat(landed.poll(60, TimeUnit.SECONDS)).as("a batch after " + attack).isEqualTo(1);
      }
      assertThat(query(session, "COPY (SELECT 1) TO 'x.csv'", "").body())
          .contains("COPY is refused");
      assertThat(query(session, "SELECT * FROM read_text('/proc/self/environ')", "").body())
          .contains("file system operations are disabled");
      assertThat(Files.exists(outside)).isFalse();
      assertThat(Files.exists(dir.resolve("other.duckdb"))).isFalse();

      // A result past serve.query-max-mb is refused, not an OutOfMemoryError.
      HttpResponse<String> huge =
          query(session, "SELECT repeat('x', 1000) AS x FROM range(300000)", "?max-rows=1000000");
      assertThat(huge.statusCode()).isEqualTo(413);
      assertThat(huge.body())
          .startsWith("{\"error\":\"The result is larger than 1048576 bytes")
          .contains("serve.query-max-mb");

      // A query slower than serve.query-timeout is stopped: 408, with the setting named.
      HttpResponse<String> slow =
          query(session, "SELECT count(*) FROM range(1000000) a, range(1000000) b", "");
      assertThat(slow.statusCode()).isEqualTo(408);
      assertThat(slow.body())
          .startsWith("{\"error\":\"The query ran longer than 1 s")
          .contains("serve.query-timeout");

      // Landing went on and the warehouse is intact, as the sandbox reads it.
      StreamProject.push(client, session.uri(), StreamProject.event("last", "bob", "5"));
      assertThat(landed.poll(60, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(session.query("SELECT count(*) AS users FROM per_user", 10).rows()).hasSize(1);
    }
    assertThat(StreamProject.query(dir, "SELECT count(*) FROM lake.events"))
        .containsExactly(List.of((long) 16));
    assertThat(StreamProject.query(dir, "SELECT \"user\", events FROM per_user ORDER BY 1"))
        .containsExactly(List.of("ann", 15L), List.of("bob", 1L));
  }

  private HttpResponse<String> query(ServeSession session, String sql, String parameters)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(session.uri().resolve("/v1/query" + parameters))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer q-token")
            .POST(HttpRequest.BodyPublishers.ofString(sql))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
