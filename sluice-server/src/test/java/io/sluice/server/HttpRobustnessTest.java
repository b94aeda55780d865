package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP layer under clients that misbehave: slow bodies, too many connections, refused pushes
 * whose bodies are still on the way, requests Jetty refuses itself, and a server that stops.
 */
class HttpRobustnessTest {
  private static final Duration BODY_TIMEOUT = Duration.ofMillis(1500);
  private static final int SLOW_CLIENTS = 70; // more than the server's 64 threads

  @TempDir Path dir;

  @Test
  void slowBodiesNeitherStarveOtherPushesNorHealthAndTimeOutWith408() throws Exception {
    ServerSettings settings = ServerFixture.settings().withClientLimits(BODY_TIMEOUT, 200);
    try (ServerFixture server = new ServerFixture(dir, settings)) {
      List<RawHttp> slow = new ArrayList<>();
      try {
        for (int i = 0; i < SLOW_CLIENTS; i++) {
          RawHttp client = new RawHttp(server.uri(), 5_000);
          slow.add(client);
          assertThat(client.send(RawHttp.postHead("/v1/streams/open/records", 100) + "{")).isTrue();
        }
        for (int round = 0; round < 3; round++) {
          for (RawHttp client : slow) {
            client.send(" "); // a byte now and then: the idle timeout never fires
          }
          HttpResponse<String> push =
              server.send(
                  HttpRequest.newBuilder(server.uri().resolve("/v1/streams/open/records"))
                      .timeout(Duration.ofSeconds(2))
                      .header("Content-Type", "application/x-ndjson")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"round\":" + round + "}"))
                      .build());
          assertThat(push.statusCode()).as(push.body()).isEqualTo(200);
          HttpResponse<String> health =
              server.send(
                  HttpRequest.newBuilder(server.uri().resolve("/health"))
                      .timeout(Duration.ofSeconds(2))
                      .build());
          assertThat(health.statusCode()).isEqualTo(200);
        }
        for (RawHttp client : slow) {
          RawHttp.Reply reply = client.read();
          assertThat(reply.status()).isEqualTo(408);
          assertThat(reply.header("Content-Type")).isEqualTo("application/json");
          assertThat(reply.body())
              .isEqualTo(
                  "{\"error\":\"the body did not arrive within 1500 ms (serve.body-timeout); send"
                      + " it faster or in smaller requests\"}");
          assertThat(client.closedByServer()).isTrue();
        }
      } finally {
        slow.forEach(RawHttp::close);
      }
      assertThat(server.count("open")).isEqualTo(3);
    }
  }

  @Test
  void closesConnectionsOverTheLimitPerClientAddress() throws Exception {
    ServerSettings settings = ServerFixture.settings().withClientLimits(BODY_TIMEOUT, 3);
    try (ServerFixture server = new ServerFixture(dir, settings)) {
      List<RawHttp> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          RawHttp client = new RawHttp(server.uri(), 1_000);
          held.add(client);
          client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
          assertThat(client.read().status()).isEqualTo(200); // the server has seen it open
          client.send(RawHttp.postHead("/v1/streams/open/records", 100));
        }
        try (RawHttp extra = new RawHttp(server.uri(), 1_000)) {
          extra.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
          assertThat(extra.closedByServer()).as("the fourth connection is closed").isTrue();
        }
      } finally {
        held.forEach(RawHttp::close);
      }
      // Once the held connections are gone, the address may connect again.
      int status = 0;
      for (int attempt = 0; attempt < 200 && status != 200; attempt++) {
        try (RawHttp again = new RawHttp(server.uri(), 1_000)) {
          again.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
          status = again.read().status();
        } catch (java.io.IOException closedWhileOthersStillClose) {
          java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
      }
      assertThat(status).isEqualTo(200);
    }
  }

  @Test
  void refusesAPushWithABadTokenBeforeItsBodyArrives() throws Exception {
    try (ServerFixture server = new ServerFixture(dir, ServerFixture.settings());
        RawHttp client = new RawHttp(server.uri(), 5_000)) {
      client.send(
          RawHttp.postHead("/v1/streams/clicks/records", 4000, "Authorization: Bearer wrong")
              + "{\"n\":1}\n");

      RawHttp.Reply reply = client.read(); // 3,993 bytes of the body are still to come

      assertThat(reply.status()).isEqualTo(401);
      assertThat(reply.body())
          .isEqualTo("{\"error\":\"the bearer token is not valid for stream 'clicks'\"}");
      assertThat(reply.header("Connection")).isEqualTo("close");
    }
  }

  @Test
  void refusesAPushOverTheBacklogWith429BeforeItsBodyArrives() throws Exception {
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 4096, 512, 50, 2, 1L << 20);
    try (ServerFixture server = new ServerFixture(dir, settings)) {
      assertThat(server.post("open", "application/x-ndjson", "{}\n{}").statusCode()).isEqualTo(200);
      try (RawHttp client = new RawHttp(server.uri(), 5_000)) {
        client.send(RawHttp.postHead("/v1/streams/open/records", 4000) + "{\"n\":1}\n");

        RawHttp.Reply reply = client.read();

        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.header("Retry-After")).isEqualTo("1");
        assertThat(reply.header("Content-Type")).isEqualTo("application/json");
      }
      assertThat(server.count("open")).isEqualTo(2);
    }
  }

  @Test
  void answersJettysOwnErrorsAsDocumentedJson() throws Exception {
    try (ServerFixture server = new ServerFixture(dir, ServerFixture.settings())) {
      assertJsonError(server, "GARBAGE\r\n\r\n", 400);
      assertJsonError(
          server, "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414);
      assertJsonError(
          server,
          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
          431);
      assertJsonError(
          server, "POST /v1/streams/open/records HTTP/1.1\r\nContent-Length: 1\r\n\r\n{", 400);
      RawHttp.Reply method = exchange(server, "DELETE /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(method.status()).isEqualTo(405);
      assertThat(method.body()).isEqualTo("{\"error\":\"use GET, not DELETE\"}");
      RawHttp.Reply unknown = exchange(server, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.header("Content-Type")).isEqualTo("application/json");
    }
  }

  @Test
  void answersAFailureOutsideTheHandlersCareAsJson500WithoutItsMessage() throws Exception {
    IngestServer.Health failing =
        details -> {
          throw new AssertionError("secret detail of the failure");
        };
    try (ServerFixture server =
        new ServerFixture(dir, ServerFixture.settings(), failing, Optional.empty())) {
      RawHttp.Reply reply = exchange(server, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(reply.status()).isEqualTo(500);
      assertThat(reply.header("Content-Type")).isEqualTo("application/json");
      assertThat(reply.body()).isEqualTo("{\"error\":\"server error\"}");
    }
  }

  @Test
  void answers503WithRetryAfterWhileStopping() throws Exception {
    // A body timeout far longer than the test: the push in flight must hold the stop open until
    // the test sends the rest of its body, however slow a loaded machine makes the steps between.
    // (With a short one, the push timed out first, the stop ended and closed the kept-alive
    // connection before its request was complete: EOF instead of 503.)
    ServerSettings settings = ServerFixture.settings().withClientLimits(Duration.ofSeconds(60), 64);
    ServerFixture server = new ServerFixture(dir, settings);
    String rest = "\"pad\":\"" + "x".repeat(89) + "\"}\n";
    try (RawHttp inFlight = new RawHttp(server.uri(), 20_000);
        RawHttp keptAlive = new RawHttp(server.uri(), 20_000)) {
      keptAlive.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(keptAlive.read().status()).isEqualTo(200);
      // The answer is read before the server counts its request done.
      awaitRequestsInFlight(server, 0);
      inFlight.send(RawHttp.postHead("/v1/streams/open/records", 1 + rest.length()) + "{");
      // The push holds the stop open only once the handler has it; a head still being parsed
      // does not (the stop would then end at once and close both connections).
      awaitRequestsInFlight(server, 1);
      int port = server.uri().getPort();
      keptAlive.send("GET /health HTTP/1.1\r\nHost: x\r\n"); // the head is not complete yet
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
      boolean refusesConnections = false;
      for (int attempt = 0; attempt < 2_000 && !refusesConnections; attempt++) {
        try {
          new java.net.Socket("127.0.0.1", port).close();
          java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        } catch (java.io.IOException refused) {
          refusesConnections = true; // the stop has begun
        }
      }
      assertThat(refusesConnections).isTrue();
      keptAlive.send("\r\n");
      RawHttp.Reply refused = keptAlive.read();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.body()).isEqualTo("{\"error\":\"the server is stopping; retry shortly\"}");
      // The push in flight is answered, not dropped: the stop waited for it.
      inFlight.send(rest);
      assertThat(inFlight.read().status()).as("the push in flight is taken").isEqualTo(200);
      stopping.get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static void awaitRequestsInFlight(ServerFixture server, long count) {
    for (int attempt = 0; attempt < 2_000 && server.server.requestsInFlight() != count; attempt++) {
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
    assertThat(server.server.requestsInFlight()).as("requests at the handlers").isEqualTo(count);
  }

  @Test
  void healthGivesCountsToAnyoneAndDetailsOnlyWithTheToken() {
    IngestServer.Health health =
        details ->
            details
                ? Map.of("processor", Map.of("rows-landed", 3, "last-error", "the details"))
                : Map.of("processor", Map.of("rows-landed", 3));
    try (ServerFixture server =
        new ServerFixture(dir, ServerFixture.settings(), health, Optional.of("ops-token"))) {
      assertThat(server.get("/health").body())
          .doesNotContain("the details")
          .contains("rows-landed");
      HttpResponse<String> detailed =
          server.send(
              HttpRequest.newBuilder(server.uri().resolve("/health"))
                  .header("Authorization", "Bearer ops-token")
                  .build());
      assertThat(detailed.body()).contains("\"last-error\":\"the details\"");
      HttpResponse<String> wrong =
          server.send(
              HttpRequest.newBuilder(server.uri().resolve("/health"))
                  .header("Authorization", "Bearer guess")
                  .build());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).doesNotContain("the details");
    }
  }

  @Test
  void theOpenApiServerIsTheAddressActuallyListenedOn() {
    try (ServerFixture server = new ServerFixture(dir, ServerFixture.settings())) {
      Map<String, Object> document =
          new org.yaml.snakeyaml.Yaml().load(server.get("/v1/openapi.yaml").body());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> servers = (List<Map<String, Object>>) document.get("servers");
      assertThat(servers).hasSize(1);
      assertThat(servers.get(0).get("url")).isEqualTo(server.uri().toString());
      assertThat(server.uri().getPort()).isNotEqualTo(8080);
    }
  }

  private static void assertJsonError(ServerFixture server, String request, int status)
      throws Exception {
    RawHttp.Reply reply = exchange(server, request);
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.body()).startsWith("{\"error\":\"").endsWith("\"}").doesNotContain("<");
  }

  private static RawHttp.Reply exchange(ServerFixture server, String request) throws Exception {
    try (RawHttp client = new RawHttp(server.uri(), 5_000)) {
      client.send(request.getBytes(UTF_8));
      return client.read();
    }
  }
}
