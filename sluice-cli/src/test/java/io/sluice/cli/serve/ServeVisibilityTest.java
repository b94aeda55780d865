package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.ChildSluice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reader of {@code POST /v1/query} sees while {@code sluice serve} (a child JVM) lands
 * micro-batches, and across kills in the middle of a commit: in every answer each landed record is
 * there exactly once (never twice, as a half-committed batch plus its retry could make it), what
 * was visible stays visible (a later answer never has fewer records), and after the last restart
 * every acknowledged record becomes visible, once.
 *
 * <p>The kills aim at commits: the test watches the clean table's metadata folder and sends SIGKILL
 * as soon as a new manifest appears there, which an Iceberg commit writes before it swaps the
 * table's metadata.
 */
@Tag("integration")
class ServeVisibilityTest {
  private static final String QUERY_TOKEN = "query-token-1";
  private static final int CLIENTS = 2;
  private static final int RECORDS_PER_REQUEST = 40;
  private static final int KILLS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One client for every query: a client per query would leave its connections open. */
  private static final HttpClient QUERIES =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path temp;

  @Test
  void everyRecordIsVisibleOnceWhileBatchesCommitAndAfterKillsInACommit() throws Exception {
    Path project = StreamProject.create(temp.resolve("live"));
    Path config = project.resolve("sluice.yaml");
    Files.writeString(
        config,
        Files.readString(config)
            .replace("serve:\n", "serve:\n  query-token-file: secrets/query.token\n"));
    Files.writeString(project.resolve("secrets/query.token"), QUERY_TOKEN + "\n");
    Path manifests = project.resolve(".sluice/lake/warehouse/clean/events/metadata");

    int port = StreamProject.freePort();
    URI base = URI.create("http://127.0.0.1:" + port);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicLong answers = new AtomicLong();
    AtomicLong seen = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<String> lastFailure =
        new java.util.concurrent.atomic.AtomicReference<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS + 1);
    Process server = StreamProject.startServe(project, port, "start");
    ChildSluice.awaitHealth(base, server, body -> true);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        running.add(threads.submit(() -> push(base, client, stop, acknowledged)));
      }
      running.add(threads.submit(() -> watch(base, stop, violations, answers, seen, lastFailure)));
      for (int kill = 0; kill < KILLS; kill++) {
        StreamProject.awaitAcknowledged(acknowledged, acknowledged.size() + 200, server);
        // Readers see batches land before the next kill (else every life ends in its first commit).
        awaitVisible(seen, seen.get() + 1, server);
        Set<Path> before = manifests(manifests);
        awaitNewManifest(manifests, before, server);
        server.destroyForcibly();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        server = StreamProject.startServe(project, port, "restart-" + kill);
        ChildSluice.awaitHealth(base, server, body -> true);
      }
      StreamProject.awaitAcknowledged(acknowledged, acknowledged.size() + 200, server);
      stop.set(true);
      for (Future<?> future : running) {
        future.get(60, TimeUnit.SECONDS);
      }
      // Every acknowledged record becomes visible, once.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      Object counts = null;
      while (!(counts instanceof JsonNode answer
          && answer.path(1).asLong() >= acknowledged.size())) {
        assertThat(System.nanoTime())
            .as("all visible in time: %s\n%s", counts, StreamProject.serveLog(project))
            .isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(20);
        try {
          counts = counts(base);
        } catch (IllegalStateException e) {
          counts = e.getMessage();
        }
      }
      Set<String> visible = new java.util.HashSet<>();
      for (JsonNode row : query(base, "SELECT id FROM lake.events").path("rows")) {
        assertThat(visible.add(row.path(0).asText())).as("once: %s", row).isTrue();
      }
      Set<String> missing = new java.util.HashSet<>(acknowledged);
      missing.removeAll(visible);
      assertThat(missing).as("acknowledged records not visible").isEmpty();
    } finally {
      stop.set(true);
      threads.shutdownNow();
      server.destroy();
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("graceful stop").isTrue();
    }
    assertThat(violations).as(StreamProject.serveLog(project)).isEmpty();
    assertThat(answers.get())
        .as(
            "answers the watcher checked; its last failure: %s\n%s",
            lastFailure, StreamProject.serveLog(project))
        .isGreaterThan(20);
  }

  /** Pushes numbered records until stopped; an unanswered or refused request is not retried. */
  private static Void push(URI base, int client, AtomicBoolean stop, Set<String> acknowledged) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long sequence = 0;
    while (!stop.get()) {
      StringBuilder body = new StringBuilder();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < RECORDS_PER_REQUEST; i++) {
        String id = "c" + client + "-" + sequence++;
        ids.add(id);
        body.append(StreamProject.event(id, "user" + (sequence % 5), "1.00")).append('\n');
      }
      try {
        HttpResponse<String> response = StreamProject.push(http, base, body.toString());
        if (response.statusCode() == 200) {
          acknowledged.addAll(ids);
          pause(); // a steady trickle: the final check reads every record back
        } else {
          pause();
        }
      } catch (IOException e) {
        pause(); // the server is down
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /**
   * Queries the lake table over and over; notes an answer with a record twice, or with fewer
   * records than an earlier answer.
   */
  private static Void watch(
      URI base,
      AtomicBoolean stop,
      List<String> violations,
      AtomicLong answers,
      AtomicLong seen,
      java.util.concurrent.atomic.AtomicReference<String> lastFailure) {
    while (!stop.get()) {
      JsonNode counts;
      try {
        counts = counts(base);
      } catch (IOException | IllegalStateException e) {
        lastFailure.set(e.toString());
        pause(); // the server is down or starting
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      answers.incrementAndGet();
      long rows = counts.path(0).asLong();
      long distinct = counts.path(1).asLong();
      if (rows != distinct) {
        violations.add(rows + " rows but " + distinct + " distinct records: " + counts);
      }
      if (distinct < seen.get()) {
        violations.add(distinct + " records visible after " + seen.get() + " were");
      }
      seen.accumulateAndGet(distinct, Math::max);
      pause();
    }
    return null;
  }

  /** Rows and distinct ids of {@code lake.events}, through {@code POST /v1/query}. */
  private static JsonNode counts(URI base) throws IOException, InterruptedException {
    return query(base, "SELECT count(*), count(DISTINCT id) FROM lake.events").path("rows").path(0);
  }

  private static JsonNode query(URI base, String sql) throws IOException, InterruptedException {
    HttpResponse<String> answer =
        QUERIES.send(
            HttpRequest.newBuilder(base.resolve("/v1/query?max-rows=1000000"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + QUERY_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(answer.statusCode() + ": " + answer.body());
    }
    return JSON.readTree(answer.body());
  }

  private static Set<Path> manifests(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return Set.copyOf(files.filter(f -> f.toString().endsWith("-m0.avro")).toList());
    }
  }

  /** Waits (bounded) until a manifest that was not in {@code before} appears. */
  private static void awaitNewManifest(Path folder, Set<Path> before, Process server)
      throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (before.containsAll(manifests(folder))) {
      assertThat(server.isAlive()).as("server alive").isTrue();
      assertThat(System.nanoTime()).as("a commit in time").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static void awaitVisible(AtomicLong seen, long target, Process server) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (seen.get() < target) {
      assertThat(server.isAlive()).as("server alive").isTrue();
      assertThat(System.nanoTime()).as("records visible in time").isLessThan(deadline);
      pause();
    }
  }

  private static void pause() {
    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
  }
}
