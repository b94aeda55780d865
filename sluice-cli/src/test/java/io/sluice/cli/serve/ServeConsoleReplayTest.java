package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's quarantine browser and replay under a real {@code sluice serve} whose processor
 * lands micro-batches meanwhile: records are read through the sandboxed readers, the replay runs
 * between batches on the serve's runtime, and the processor goes on afterwards.
 */
class ServeConsoleReplayTest {
  private static final String OPERATOR = "operator-token-9";
  private static final String VIEWER = "viewer-token-9";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private JsonNode call(ServeSession session, String method, String path, String token, String body)
      throws Exception {
    HttpResponse<String> answer =
        client.send(
            HttpRequest.newBuilder(session.uri().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private JsonNode await(ServeSession session, String path, Predicate<JsonNode> until)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      JsonNode body = call(session, "GET", path, VIEWER, null);
      if (until.test(body)) {
        return body;
      }
      assertThat(System.nanoTime()).as("%s in time: %s", path, body).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private static long landed(ServeSession session) {
    return ((Number) session.query("SELECT count(*) FROM lake.events", 1).rows().get(0).get(0))
        .longValue();
  }

  @Test
  void replaysFromTheConsoleBetweenMicroBatchesAndTheProcessorGoesOn() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\n  query-token-env: QT\n"
            + "  viewer-token-env: VT\n");
    Path source = dir.resolve("sources/events.yaml");
    String declared = "    type: decimal(12,2)\n";
    Files.writeString(
        source,
        Files.readString(source)
            .replace(declared, declared + "    checks:\n      - range: {min: 0, max: 100}\n"));
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir),
            Optional.empty(),
            Map.of("QT", OPERATOR, "VT", VIEWER),
            summary -> {})) {
      StreamProject.push(
          client,
          session.uri(),
          StreamProject.event("e1", "ann", "2.50")
              + "\n"
              + StreamProject.event("e2", "bob", "250.00")
              + "\n");
      JsonNode quarantined =
          await(
              session,
              "/ui/api/quarantine?source=events&rule=range",
              page -> page.path("total").asLong() == 1);
      JsonNode record = quarantined.path("records").get(0);
      assertThat(record.path("record").asText()).contains("\"e2\"");
      assertThat(record.path("reasons").get(0).path("rule").asText()).isEqualTo("range(amount)");

      // The fix, in the source's file; the processor keeps the definition it started with.
      Files.writeString(source, Files.readString(source).replace("max: 100}", "max: 1000}"));
      JsonNode dryRun =
          call(
              session,
              "POST",
              "/ui/api/quarantine/replay",
              OPERATOR,
              "{\"source\": \"events\", \"rule\": \"range(amount)\", \"dry-run\": true}");
      assertThat(dryRun.path("resolved").asLong()).isEqualTo(1);
      assertThat(dryRun.path("batch-id").isNull()).isTrue();
      JsonNode replay =
          call(
              session,
              "POST",
              "/ui/api/quarantine/replay",
              OPERATOR,
              "{\"source\": \"events\", \"rule\": \"range(amount)\"}");
      assertThat(replay.path("replayed").asLong()).isEqualTo(1);
      assertThat(replay.path("resolved").asLong()).isEqualTo(1);
      assertThat(replay.path("still-failing").asLong()).isZero();
      String replayBatch = replay.path("batch-id").asText();
      assertThat(replayBatch).startsWith("b-");
      // Published at once: the next read of the quarantine no longer has it.
      assertThat(
              call(session, "GET", "/ui/api/quarantine?source=events", VIEWER, null)
                  .path("total")
                  .asLong())
          .isZero();

      StreamProject.push(client, session.uri(), StreamProject.event("e3", "cy", "3.00") + "\n");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (landed(session) < 3) {
        assertThat(System.nanoTime()).as("e3 lands after the replay").isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      assertThat(landed(session)).isEqualTo(3); // e1, e2 replayed, e3: each once
      HttpResponse<String> quality =
          client.send(
              HttpRequest.newBuilder(session.uri().resolve("/ui/quality?source=events"))
                  .header("Authorization", "Bearer " + VIEWER)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(quality.statusCode()).isEqualTo(200);
      assertThat(quality.body()).contains(replayBatch + " (replay)", "0 quarantined now");
    }
  }
}
