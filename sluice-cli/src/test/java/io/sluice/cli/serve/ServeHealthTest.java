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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} of a running {@code sluice serve}: counts for anyone, details for the query
 * token, and never a record's value, the model's SQL or an absolute path.
 */
class ServeHealthTest {
  private static final String QUERY_TOKEN = "ops-query-token";
  private static final String SECRET = "alice.secret@example.com";

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void rowsLandedCountsTheLandedRowsNotTheRowsRead() throws Exception {
    StreamProject.create(dir);
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {})) {
      StreamProject.push(
          client,
          session.uri(),
          StreamProject.event("e1", "ann", "1")
              + "\n"
              + StreamProject.event("e2", "bob", "2")
              + "\n"
              + StreamProject.event("e3", "ann", "\"lots\""));

      String health = awaitHealth(session, null, body -> body.contains("\"rows-quarantined\":1"));

      assertThat(health).contains("\"rows-landed\":2,\"rows-quarantined\":1");
    }
  }

  @Test
  void aBatchFailingOnAUserErrorIsNotRetriedFastAndHealthSaysSo() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\nretries:\n  max-backoff: 7m\n");
    Files.writeString(
        dir.resolve("models/per_user.sql"),
        "{{ config(materialized='table') }}\n"
            + "SELECT CAST(\"user\" AS INTEGER) AS n FROM {{ source('events') }}\n");
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {})) {
      java.time.Instant pushed = java.time.Instant.now();
      StreamProject.push(client, session.uri(), StreamProject.event("e1", "ann", "1"));

      String health = awaitHealth(session, null, body -> body.contains("\"status\":\"failing\""));

      // A user error fails the same way every time: the next try is max-backoff away, not 50 ms.
      assertThat(health).contains("\"failures-in-a-row\":1,\"retryable\":false,\"retry-at\":\"");
      String retryAt = health.replaceAll(".*\"retry-at\":\"([^\"]+)\".*", "$1");
      assertThat(java.time.Instant.parse(retryAt))
          .isAfterOrEqualTo(pushed.plus(java.time.Duration.ofMinutes(7)));
      assertThat(
              StreamProject.push(client, session.uri(), StreamProject.event("e2", "bob", "2"))
                  .statusCode())
          .as("pushes are still accepted")
          .isEqualTo(200);
      assertThat(session.waiting()).as("and wait, not retried meanwhile").isEqualTo(1);
    }
  }

  @Test
  void aFailingBatchShowsOnlyItsStatusWithoutTheTokenAndARedactedErrorWithIt() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\n  query-token-env: QT\n");
    Files.writeString(
        dir.resolve("models/per_user.sql"),
        "{{ config(materialized='table') }}\n"
            + "SELECT CAST(\"user\" AS INTEGER) AS n FROM {{ source('events') }}\n");
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir), Optional.empty(), Map.of("QT", QUERY_TOKEN), summary -> {})) {
      StreamProject.push(client, session.uri(), StreamProject.event("e1", SECRET, "1"));

      String open = awaitHealth(session, null, body -> body.contains("\"status\":\"failing\""));
      assertThat(open).doesNotContain(SECRET, "last-error", "CAST", dir.toString());

      String detailed = awaitHealth(session, QUERY_TOKEN, body -> body.contains("last-error"));
      assertThat(detailed)
          .contains("\"category\":\"user\"", "per_user")
          .doesNotContain(SECRET, "alice", "CAST", "SELECT", dir.toString());

      HttpResponse<String> guessed = health(session, "guess");
      assertThat(guessed.statusCode()).isEqualTo(401);
      assertThat(guessed.body()).doesNotContain(SECRET, "per_user");
    }
  }

  private String awaitHealth(ServeSession session, String token, Predicate<String> until)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      String body = health(session, token).body();
      if (until.test(body)) {
        return body;
      }
      assertThat(System.nanoTime()).as("health in time: %s", body).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private HttpResponse<String> health(ServeSession session, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(session.uri().resolve("/health")).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
