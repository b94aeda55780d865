package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.ChildSluice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several HTTP clients push to {@code sluice serve} (a child JVM) while it is killed with SIGKILL
 * at random moments and restarted, again and again. Afterwards every acknowledged record is in the
 * lake and in the warehouse's model exactly once, and every unacknowledged one at most once.
 *
 * <p>Clients never resend a request: a request whose answer was lost may or may not have been
 * stored, and resending it would make a second, different record.
 */
@Tag("integration")
class ServeCrashTest {
  private static final int CLIENTS = 3;
  private static final int RECORDS_PER_REQUEST = 25;
  private static final int KILLS = 5;

  @TempDir Path temp;

  @Test
  void acknowledgedRecordsSurviveKillsExactlyOnce() throws Exception {
    Path project = StreamProject.create(temp.resolve("live"));
    int port = StreamProject.freePort();
    URI base = URI.create("http://127.0.0.1:" + port);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> sent = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    SplittableRandom random = new SplittableRandom(20261124L);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    Process server = StreamProject.startServe(project, port, "start");
    ChildSluice.awaitHealth(base, server, body -> true);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        running.add(clients.submit(() -> pushUntilStopped(base, client, stop, sent, acknowledged)));
      }
      int killed = 0;
      for (int kill = 0; kill < KILLS; kill++) {
        long before = acknowledged.size();
        // Let pushes and batches run for a random while, then kill in the middle of them.
        StreamProject.awaitAcknowledged(acknowledged, before + 50 + random.nextInt(400), server);
        server.destroyForcibly();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        killed++;
        server = StreamProject.startServe(project, port, "restart-" + kill);
        ChildSluice.awaitHealth(base, server, body -> true);
      }
      StreamProject.awaitAcknowledged(acknowledged, acknowledged.size() + 100, server);
      stop.set(true);
      for (Future<?> future : running) {
        future.get(60, TimeUnit.SECONDS);
      }
      assertThat(killed).isEqualTo(KILLS);
      awaitLanded(base, server);
    } finally {
      stop.set(true);
      clients.shutdownNow();
      server.destroy(); // SIGTERM: a graceful stop lands what waits
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("graceful stop").isTrue();
    }
    assertThat(server.exitValue()).as(StreamProject.serveLog(project)).isZero();

    Map<String, Long> landed = new HashMap<>();
    for (List<Object> row :
        StreamProject.query(project, "SELECT id, count(*) FROM lake.events GROUP BY id")) {
      landed.put((String) row.get(0), (Long) row.get(1));
    }
    assertThat(acknowledged).as("acknowledged records").hasSizeGreaterThan(KILLS * 50);
    for (String id : acknowledged) {
      assertThat(landed.get(id))
          .as("copies of acknowledged record %s in the lake", id)
          .isEqualTo(1L);
    }
    for (Map.Entry<String, Long> entry : landed.entrySet()) {
      assertThat(sent).contains(entry.getKey());
      assertThat(entry.getValue()).as("copies of %s", entry.getKey()).isEqualTo(1L);
    }
    long modelEvents =
        ((Number) StreamProject.query(project, "SELECT sum(events) FROM per_user").get(0).get(0))
            .longValue();
    assertThat(modelEvents).as("events counted by the model").isEqualTo(landed.size());
    assertThat(StreamProject.query(project, "SELECT count(*) FROM quarantine.events").get(0))
        .containsExactly(0L);
  }

  private static void pushUntilStopped(
      URI base, int client, AtomicBoolean stop, Set<String> sent, Set<String> acknowledged) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long sequence = 0;
    while (!stop.get()) {
      StringBuilder body = new StringBuilder();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < RECORDS_PER_REQUEST; i++) {
        String id = "c" + client + "-" + sequence++;
        ids.add(id);
        body.append(StreamProject.event(id, "user" + (sequence % 7), "1.00")).append('\n');
      }
      sent.addAll(ids);
      try {
        HttpResponse<String> response = StreamProject.push(http, base, body.toString());
        if (response.statusCode() == 200) {
          assertThat(response.body()).startsWith("{\"accepted\":" + RECORDS_PER_REQUEST + ",");
          acknowledged.addAll(ids);
        } else {
          waitBriefly(); // 429/503 while the processor catches up: these records are unacknowledged
        }
      } catch (IOException e) {
        waitBriefly(); // the server is down: these records are unacknowledged
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Backs off a client between failed pushes (a real client would too). */
  private static void waitBriefly() {
    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
  }

  /** Waits until /health reports no record waiting to be landed. */
  private static void awaitLanded(URI base, Process server) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      assertThat(server.isAlive()).as("server alive").isTrue();
      String health =
          http.send(
                  HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      if (health.contains("\"backlog\":0")) {
        return;
      }
      assertThat(System.nanoTime()).as("landed in time: %s", health).isLessThan(deadline);
      waitBriefly();
    }
  }
}
