package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.ServeSession;
import io.sluice.core.history.RunHistories;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.history.RunRecorder;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestration API of a real {@code sluice serve}: runs asked for and the run history. */
class ServeRunsApiTest {
  private static final String TOKEN = "operator-token-7";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private HttpResponse<String> send(
      ServeSession session, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(session.uri().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The rows landed by the runs of a {@code GET /v1/runs} answer, together. */
  private static long landed(JsonNode runs) {
    long landed = 0;
    for (JsonNode run : runs) {
      landed += run.get("rows-landed").asLong();
    }
    return landed;
  }

  private JsonNode await(ServeSession session, String path, Predicate<JsonNode> until)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      HttpResponse<String> answer = send(session, "GET", path, TOKEN, null);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(answer.body());
      if (until.test(body)) {
        return body;
      }
      assertThat(System.nanoTime()).as("%s in time: %s", path, body).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Test
  void aRunAskedForIsQueuedRunOnTheServersRuntimeAndRecordedOnce() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\n  query-token-env: QT\n"
            + "schedules:\n  - name: nightly\n    cron: \"0 3 * * *\"\n");
    String runId;
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir), Optional.empty(), Map.of("QT", TOKEN), summary -> {})) {
      StreamProject.push(client, session.uri(), StreamProject.event("e1", "ann", "2.50"));
      // The micro-batch that landed it is in the history, once; the idle passes around it are
      // not. (A first pass that ran before the push, building the model from nothing, is recorded
      // too: it built something.)
      JsonNode served = await(session, "/v1/runs?trigger=serve", runs -> landed(runs) > 0);
      assertThat(landed(served)).isEqualTo(1);

      JsonNode pipelines = JSON.readTree(send(session, "GET", "/v1/pipelines", TOKEN, null).body());
      assertThat(pipelines.get("sources").get(0).get("name").asText()).isEqualTo("events");
      assertThat(pipelines.get("models").get(0).get("name").asText()).isEqualTo("per_user");

      HttpResponse<String> queued =
          send(
              session,
              "POST",
              "/v1/runs",
              TOKEN,
              "{\"select\": [\"per_user\"], \"full-refresh\": true}");
      assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
      runId = JSON.readTree(queued.body()).get("id").asText();
      assertThat(queued.headers().firstValue("Location")).contains("/v1/runs/" + runId);

      JsonNode run =
          await(
              session,
              "/v1/runs/" + runId,
              r -> !List.of("queued", "running").contains(r.get("status").asText()));
      assertThat(run.get("status").asText()).isEqualTo("ok");
      assertThat(run.get("trigger").asText()).isEqualTo("api");
      assertThat(run.get("full-refresh").asBoolean()).isTrue();
      JsonNode steps = run.get("attempts").get(0).get("steps");
      assertThat(steps).hasSize(1);
      assertThat(steps.get(0).get("name").asText()).isEqualTo("per_user");
      assertThat(steps.get(0).get("detail").asText()).isEqualTo("table, built");
      assertThat(run.get("attempts").get(0).get("log").asText())
          .contains("model per_user: built (table), 1 rows");
      JsonNode timings = run.get("attempts").get(0).get("timings");
      List<String> timed = new java.util.ArrayList<>();
      timings.forEach(t -> timed.add(t.get("depth").asInt() + " " + t.get("step").asText()));
      assertThat(timed).containsExactly("0 open lake", "0 views", "0 model per_user", "0 tests");
      JsonNode model = timings.get(2);
      assertThat(model.get("rows").asLong()).isEqualTo(1);
      assertThat(model.get("wall-nanos").asLong()).isNotNegative();
      assertThat(model.has("cpu-nanos")).isTrue();
      assertThat(model.get("bytes-in").isNull()).as("unknown figures are null").isTrue();

      HttpResponse<String> badSelector =
          send(session, "POST", "/v1/runs", TOKEN, "{\"select\": [\"per_usr\"]}");
      assertThat(badSelector.statusCode()).isEqualTo(400);
      assertThat(badSelector.body()).contains("per_usr");

      HttpResponse<String> unknown = send(session, "GET", "/v1/runs/nosuch", TOKEN, null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("No run 'nosuch'").contains(runId);

      HttpResponse<String> paused =
          send(session, "POST", "/v1/schedules/nightly/pause", TOKEN, null);
      assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
      assertThat(JSON.readTree(paused.body()).get("paused").asBoolean()).isTrue();
      assertThat(
              JSON.readTree(send(session, "GET", "/v1/schedules", TOKEN, null).body())
                  .get(0)
                  .get("paused")
                  .asBoolean())
          .isTrue();
      assertThat(send(session, "POST", "/v1/schedules/nightly/resume", TOKEN, null).statusCode())
          .isEqualTo(200);
      assertThat(send(session, "POST", "/v1/schedules/nighty/pause", TOKEN, null).body())
          .contains("did you mean 'nightly'");

      HttpResponse<String> plan =
          send(
              session,
              "POST",
              "/v1/backfills",
              TOKEN,
              "{\"from\": \"2026-11-24\", \"to\": \"2026-11-24\", \"dry-run\": true}");
      assertThat(plan.statusCode()).as(plan.body()).isEqualTo(202);
      assertThat(JSON.readTree(plan.body()).get("status").asText()).isEqualTo("dry-run");
      assertThat(JSON.readTree(plan.body()).get("plan").get("steps").get(0).get("target").asText())
          .isEqualTo("events");

      HttpResponse<String> backfill =
          send(
              session,
              "POST",
              "/v1/backfills",
              TOKEN,
              "{\"from\": \"2026-11-24\", \"to\": \"2026-11-24\"}");
      assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
      String backfillId = JSON.readTree(backfill.body()).get("id").asText();
      assertThat(backfill.headers().firstValue("Location")).contains("/v1/backfills/" + backfillId);
      JsonNode done =
          await(
              session,
              "/v1/backfills/" + backfillId,
              b -> !List.of("queued", "running").contains(b.get("status").asText()));
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("ok");
      assertThat(done.get("done").asLong()).isEqualTo(2); // the day of events, then the models
      assertThat(send(session, "GET", "/v1/backfills/bf-nosuch", TOKEN, null).statusCode())
          .isEqualTo(404);
      assertThat(
              send(session, "POST", "/v1/backfills/" + backfillId + "/cancel", TOKEN, null)
                  .statusCode())
          .as("a backfill that ended cannot be cancelled")
          .isEqualTo(409);
    }
    try (RunHistory history = RunHistories.open(ProjectLoader.load(dir))) {
      List<RunRecord> api = history.list(10, "api");
      assertThat(api).extracting(RunRecord::id).containsExactly(runId);
      assertThat(api.get(0).status()).isEqualTo(RunStatus.OK);
      assertThat(api.get(0).attempts()).hasSize(1);
      assertThat(history.list(10, "backfill:"))
          .as("the backfill's rebuild of the models")
          .singleElement()
          .satisfies(run -> assertThat(run.status()).isEqualTo(RunStatus.OK));
    }
  }

  @Test
  void aRunOfAModelWhoseSourceNeverLandedFailsWithAUserErrorThatSaysSo() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\n  query-token-env: QT\n");
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir), Optional.empty(), Map.of("QT", TOKEN), summary -> {}, false)) {
      // No processor (as under sluice ui): its first pass would make the source's tables.
      HttpResponse<String> asked =
          send(session, "POST", "/v1/runs", TOKEN, "{\"select\": [\"per_user\"]}");
      assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
      String id = JSON.readTree(asked.body()).get("id").asText();
      JsonNode run =
          await(
              session,
              "/v1/runs/" + id,
              r -> !List.of("queued", "running").contains(r.get("status").asText()));
      assertThat(run.get("status").asText()).isEqualTo("failed");
      JsonNode attempt = run.get("attempts").get(0);
      assertThat(attempt.get("error-category").asText()).isEqualTo("user");
      assertThat(run.get("error").asText())
          .contains("source 'events' has landed nothing yet")
          .contains("clean.events")
          .contains("land the source first")
          .doesNotContain("No value present");
    }
  }

  @Test
  void aFailedRunIsRetriedWithItsSelectionAndLinkedToIt() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: live\nserve:\n  port: 0\n  trigger-interval-ms: 50\n  query-token-env: QT\n");
    String failedId;
    try (RunHistory history = RunHistories.open(ProjectLoader.load(dir))) {
      RunRecord queued =
          new RunRecorder(history, java.time.Clock.systemUTC())
              .queued(
                  new RunRequest(List.of("per_user"), List.of(), true, Optional.empty(), "manual"));
      failedId = queued.id();
      history.save(
          queued.withStatus(RunStatus.FAILED, Optional.of(queued.createdAt().plusSeconds(1))));
    }
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir), Optional.empty(), Map.of("QT", TOKEN), summary -> {})) {
      // The model the failed run selected reads the source: something must have landed.
      StreamProject.push(client, session.uri(), StreamProject.event("e1", "ann", "2.50"));
      await(session, "/v1/runs?trigger=serve", runs -> landed(runs) > 0);
      HttpResponse<String> retried =
          send(session, "POST", "/v1/runs/" + failedId + "/retry", TOKEN, null);
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
      String retryId = JSON.readTree(retried.body()).get("id").asText();
      assertThat(retryId).isNotEqualTo(failedId);
      assertThat(retried.headers().firstValue("Location")).contains("/v1/runs/" + retryId);

      JsonNode run =
          await(
              session,
              "/v1/runs/" + retryId,
              r -> !List.of("queued", "running").contains(r.get("status").asText()));
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("ok");
      assertThat(run.get("trigger").asText()).isEqualTo("retry:" + failedId);
      assertThat(run.get("select")).extracting(JsonNode::asText).containsExactly("per_user");
      assertThat(run.get("full-refresh").asBoolean()).isTrue();
      JsonNode retries =
          JSON.readTree(
              send(session, "GET", "/v1/runs?trigger=retry:" + failedId, TOKEN, null).body());
      assertThat(retries).extracting(r -> r.get("id").asText()).containsExactly(retryId);

      HttpResponse<String> again =
          send(session, "POST", "/v1/runs/" + retryId + "/retry", TOKEN, null);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.body()).contains("run " + retryId + " is ok");
      HttpResponse<String> unknown = send(session, "POST", "/v1/runs/nosuch/retry", TOKEN, null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("No run 'nosuch'");
    }
  }

  @Test
  void withoutAQueryTokenTheApiAnswers403() throws Exception {
    StreamProject.create(dir);
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), summary -> {})) {
      HttpResponse<String> answer = send(session, "POST", "/v1/runs", "anything", "{}");
      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(answer.body()).contains("the orchestration API is off");
    }
  }
}
