package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts in {@code sluice serve}: the continuous processor's micro-batches are observed as they
 * end; a quality drop over several batches posts one firing message and a recovery one resolved
 * message to a webhook on the loopback interface, and {@code /health} shows what fires.
 */
class ServeAlertsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private HttpServer receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  @Test
  void aQualityDropOverMicroBatchesFiresOnceAndARecoveryResolves() throws Exception {
    StreamProject.create(dir);
    Files.writeString(
        dir.resolve("sluice.yaml"),
        """
        name: live
        serve:
          port: 0
          trigger-interval-ms: 50
        alerts:
          channels:
            - {name: ops, url-env: HOOK_URL}
          rules:
            - {name: events_quality, kind: quality, target: events, threshold: 0.9,
               channels: [ops]}
        """);
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir), Optional.empty(), Map.of("HOOK_URL", url), s -> {})) {
      // One user: one partition, so that each push's records land in one micro-batch.
      push(
          session,
          StreamProject.event("e1", "ann", "1"),
          StreamProject.event("e2", "ann", "\"lots\""));
      JsonNode fired = JSON.readTree(received.poll(60, TimeUnit.SECONDS));
      assertThat(fired.get("state").asText()).isEqualTo("firing");
      assertThat(fired.get("target").asText()).isEqualTo("source:events");
      assertThat(fired.get("value").asDouble()).isEqualTo(0.5);

      // A second bad micro-batch: observed, and nothing is sent again.
      push(
          session,
          StreamProject.event("e3", "ann", "2"),
          StreamProject.event("e4", "ann", "\"many\""));
      await(session, status -> status.contains("rows-quarantined=2"));
      await(session, status -> status.contains("queued=0"));
      assertThat(received).isEmpty();
      assertThat(session.status().get("alerts").toString())
          .contains("status=ok")
          .contains("firing=[{rule=events_quality, target=source:events");

      push(session, StreamProject.event("e5", "ann", "3"), StreamProject.event("e6", "ann", "4"));
      JsonNode resolved = JSON.readTree(received.poll(60, TimeUnit.SECONDS));
      assertThat(resolved.get("state").asText()).isEqualTo("resolved");
      assertThat(resolved.get("value").asDouble()).isEqualTo(1.0);
      assertThat(session.status().get("alerts").toString()).contains("firing=[]");
    }
    assertThat(received).isEmpty();
  }

  private void push(ServeSession session, String... events) throws Exception {
    assertThat(StreamProject.push(client, session.uri(), String.join("\n", events)).statusCode())
        .isEqualTo(200);
  }

  private static void await(ServeSession session, Predicate<String> until) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      String status = session.status().toString();
      if (until.test(status)) {
        return;
      }
      assertThat(System.nanoTime()).as("in time: %s", status).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
