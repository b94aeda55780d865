package io.sluice.core.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.sluice.api.SluiceException;
import io.sluice.core.history.InMemoryRunHistory;
import io.sluice.core.history.RunHistories;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.orchestrate.RetryPolicy;
import io.sluice.core.orchestrate.RunExecutor;
import io.sluice.core.project.Orchestration;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectException;
import io.sluice.core.project.TestProject;
import io.sluice.core.run.EndToEnd;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunStatus;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenLineage events of real runs (DuckDB, Iceberg, files on disk) through the file and the
 * HTTP transport, every one checked against the OpenLineage JSON Schema.
 */
class OpenLineageEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private TestProject shop(String lineage) {
    return new TestProject(dir)
        .file("sluice.yaml", "name: shop\n" + lineage)
        .file(
            "sources/orders.yaml",
            "description: Orders from the web shop\n"
                + "path: data/orders.csv\n"
                + "columns:\n"
                + "  - name: id\n    type: int\n"
                + "  - name: email\n")
        .file("data/orders.csv", "id,email\n1,a@example.com\n2,b@example.com\n")
        .file("models/emails.sql", "SELECT id, email FROM {{ source('orders') }}\n");
  }

  @Test
  void aRunSendsStartAndCompleteWithItsDatasetsAndTheirSchemas() throws IOException {
    shop("lineage:\n  transport: file\n").load();

    EndToEnd.run(dir);

    List<JsonNode> events = events(dir.resolve(".sluice/lineage.jsonl"));
    assertThat(events)
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "COMPLETE");
    String sluiceRun = onlyRun().id();
    for (JsonNode event : events) {
      assertThat(event.at("/run/runId").asText())
          .isEqualTo(LineageEvents.runId("shop", sluiceRun, 1).toString());
      assertThat(event.at("/run/facets/sluice/runId").asText()).isEqualTo(sluiceRun);
      assertThat(event.at("/job/namespace").asText()).isEqualTo("shop");
      assertThat(event.at("/job/name").asText()).isEqualTo("shop");
      assertThat(event.at("/job/facets/jobType/processingType").asText()).isEqualTo("BATCH");
    }
    JsonNode complete = events.get(1);
    JsonNode input =
        dataset(complete.get("inputs"), "file", dir.resolve("data/orders.csv").toString());
    assertThat(fields(input)).containsExactly("id:int", "email:string");
    assertThat(input.at("/facets/documentation/description").asText())
        .isEqualTo("Orders from the web shop");
    String lake = "sluice-lake://" + dir.resolve(".sluice");
    JsonNode clean = dataset(complete.get("outputs"), lake, "clean.orders");
    assertThat(fields(clean)).startsWith("id:int", "email:string");
    assertThat(clean.at("/outputFacets/outputStatistics/rowCount").asLong()).isEqualTo(2);
    assertThat(
            dataset(complete.get("outputs"), lake, "raw.orders")
                .at("/outputFacets/outputStatistics/rowCount")
                .asLong())
        .isEqualTo(2);
    assertThat(
            dataset(complete.get("outputs"), lake, "quarantine.orders")
                .at("/outputFacets/outputStatistics/rowCount")
                .asLong())
        .isZero();
    String warehouse = "duckdb://" + dir.resolve(".sluice/warehouse.duckdb");
    JsonNode model = dataset(complete.get("outputs"), warehouse, "emails");
    // the model's columns as the warehouse has them, in its own type names
    assertThat(fields(model))
        .extracting(f -> f.substring(0, f.indexOf(':')))
        .containsExactly("id", "email");
    assertThat(fields(model))
        .allSatisfy(f -> assertThat(f.substring(f.indexOf(':') + 1)).isNotBlank());
    // the model reads the clean table: the lineage graph goes file -> clean.orders -> emails
    dataset(complete.get("inputs"), lake, "clean.orders");
    assertThat(events.get(0).get("outputs").findValues("outputStatistics")).isEmpty();
  }

  @Test
  void aFailedRunSendsFailWithItsErrorAndCategory() throws IOException {
    shop("lineage:\n  transport: file\n  path: out/events.jsonl\n  namespace: analytics\n")
        .file(
            "models/emails.sql",
            "{{ config(materialized='table') }}\n"
                + "SELECT CAST(email AS INTEGER) AS n FROM {{ source('orders') }}\n")
        .load();

    assertThatThrownBy(() -> EndToEnd.run(dir)).isInstanceOf(SluiceException.class);

    List<JsonNode> events = events(dir.resolve("out/events.jsonl"));
    assertThat(events)
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "FAIL");
    JsonNode fail = events.get(1);
    assertThat(fail.at("/job/namespace").asText()).isEqualTo("analytics");
    assertThat(fail.at("/run/facets/errorMessage/message").asText())
        .contains("emails")
        .isEqualTo(onlyRun().attempts().get(0).error());
    assertThat(fail.at("/run/facets/errorMessage/programmingLanguage").asText()).isEqualTo("JAVA");
    assertThat(fail.at("/run/facets/sluice/status").asText()).isEqualTo("failed");
    assertThat(fail.at("/run/facets/sluice/errorCategory").asText())
        .isEqualTo(onlyRun().attempts().get(0).errorCategory().orElseThrow().name().toLowerCase());
  }

  @Test
  void eachAttemptOfARetriedRunIsARunOfItsOwn() throws IOException {
    Project project = shop("lineage:\n  transport: file\n").load();
    List<Integer> calls = new ArrayList<>();
    try (RunHistory history = RunHistories.open(project)) {
      RunExecutor executor = new RunExecutor(history, Clock.systemUTC(), wait -> {});
      RunRecord run =
          executor.run(
              new RunRequest(
                  List.of("orders"), List.of(), false, Optional.empty(), "schedule:hourly"),
              Instant.parse("2026-12-03T10:00:00Z"),
              new RetryPolicy(Orchestration.Retries.DEFAULT, new Random(1)),
              Optional.empty(),
              request -> {
                calls.add(calls.size());
                if (calls.size() == 1) {
                  throw SluiceException.external("the warehouse is locked", null);
                }
                return new RunSummary(
                    "x",
                    "2026-12-03T10:00:00Z",
                    1,
                    RunStatus.OK,
                    "",
                    List.of(),
                    List.of(),
                    List.of(),
                    request.trigger(),
                    request.select(),
                    null);
              });
      assertThat(run.status()).isEqualTo(RunStatus.OK);
    }

    List<JsonNode> events = events(dir.resolve(".sluice/lineage.jsonl"));
    assertThat(events)
        .extracting(
            e -> e.get("eventType").asText() + " " + e.at("/run/facets/sluice/attempt").asInt())
        .containsExactly("START 1", "FAIL 1", "START 2", "COMPLETE 2");
    assertThat(events.get(0).at("/run/runId").asText())
        .isNotEqualTo(events.get(2).at("/run/runId").asText());
    assertThat(events.get(1).at("/run/facets/sluice/errorCategory").asText()).isEqualTo("external");
    assertThat(events.get(1).at("/run/facets/errorMessage/message").asText())
        .isEqualTo("the warehouse is locked");
    assertThat(events.get(0).at("/job/name").asText()).isEqualTo("shop:orders");
    assertThat(events.get(0).at("/run/facets/nominalTime/nominalStartTime").asText())
        .isEqualTo("2026-12-03T10:00:00Z");
  }

  @Test
  void aCancelledAttemptSendsAbort() throws Exception {
    Project project = shop("lineage:\n  transport: file\n").load();
    CountDownLatch running = new CountDownLatch(1);
    try (RunHistory history = RunHistories.open(project)) {
      RunExecutor executor = new RunExecutor(history, Clock.systemUTC(), wait -> {});
      RunRecord queued = executor.queue(RunRequest.all("api"), Instant.now());
      Thread canceller =
          new Thread(
              () -> {
                try {
                  if (running.await(1, TimeUnit.MINUTES)) {
                    executor.cancel(queued.id());
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      canceller.start();
      RunRecord run =
          executor.execute(
              queued,
              new RetryPolicy(Orchestration.Retries.DEFAULT, new Random(1)),
              Optional.empty(),
              request -> {
                running.countDown();
                try {
                  new CountDownLatch(1).await(1, TimeUnit.MINUTES); // until cancelled
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                throw SluiceException.external("stopped", null);
              });
      canceller.join();
      assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    }

    List<JsonNode> events = events(dir.resolve(".sluice/lineage.jsonl"));
    assertThat(events)
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "ABORT");
    assertThat(events.get(1).at("/run/facets/errorMessage/message").asText())
        .isEqualTo("Cancelled");
    assertThat(events.get(1).at("/run/facets/sluice/status").asText()).isEqualTo("cancelled");
  }

  @Test
  void serveMicroBatchesAreAStreamingJobAndIdleOnesSendNothing() throws IOException {
    Project project = shop("lineage:\n  transport: file\n").load();
    try (ProjectRuntime runtime = ProjectRuntime.open(project, false)) {
      runtime.run(Clock.systemUTC(), RunListener.NONE);
      runtime.run(Clock.systemUTC(), RunListener.NONE); // nothing new: not recorded, no events
    }

    List<JsonNode> events = events(dir.resolve(".sluice/lineage.jsonl"));
    assertThat(events)
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "COMPLETE");
    assertThat(events.get(0).at("/job/name").asText()).isEqualTo("shop.serve");
    assertThat(events.get(0).at("/job/facets/jobType/processingType").asText())
        .isEqualTo("STREAMING");
    assertThat(Instant.parse(events.get(0).get("eventTime").asText()))
        .isBeforeOrEqualTo(Instant.parse(events.get(1).get("eventTime").asText()));
  }

  @Test
  void postsEachEventToAnHttpEndpointWithItsApiKey() throws IOException {
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/lineage",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          exchange.sendResponseHeaders(201, -1);
          exchange.close();
        });
    server.start();
    try {
      Project project =
          shop("lineage:\n  transport: http\n  url: http://127.0.0.1:"
                  + server.getAddress().getPort()
                  + "/api/v1/lineage\n  timeout: 2s\n  api-key-env: LINEAGE_KEY\n")
              .load();
      long sent = Lineage.sentEvents();
      try (RunHistory history =
              Lineage.observe(project, new InMemoryRunHistory(), Map.of("LINEAGE_KEY", "s3cret"));
          ProjectRuntime runtime = ProjectRuntime.open(project, false)) {
        new io.sluice.core.history.RunRecorder(history, Clock.systemUTC())
            .record(
                RunRequest.all("api"),
                RunListener.NONE,
                listener -> runtime.run(RunRequest.all("api"), Clock.systemUTC(), listener));
      }
      assertThat(bodies).hasSize(2);
      assertThat(Lineage.sentEvents() - sent).isGreaterThanOrEqualTo(2);
      for (String body : bodies) {
        assertThat(OpenLineageSchema.problems(body)).isEmpty();
      }
      assertThat(bodies)
          .extracting(b -> JSON.readTree(b).get("eventType").asText())
          .containsExactly("START", "COMPLETE");
      assertThat(authorizations).containsOnly("Bearer s3cret");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anEndpointThatFailsIsDownOrHangsNeverFailsTheRunButIsCounted() throws IOException {
    HttpServer failing =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    failing.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body = "lineage store unavailable".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    failing.start();
    int downPort;
    try (ServerSocket down = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      downPort = down.getLocalPort(); // closed below: nothing listens there any more
    }
    // listens, never accepts: connections wait in the backlog until the timeout
    try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      for (String url :
          List.of(
              "http://127.0.0.1:" + failing.getAddress().getPort() + "/api/v1/lineage",
              "http://127.0.0.1:" + downPort + "/api/v1/lineage",
              "http://127.0.0.1:" + hanging.getLocalPort() + "/api/v1/lineage")) {
        shop("lineage:\n  transport: http\n  url: " + url + "\n  timeout: 1s\n").load();
        long failed = Lineage.failedEvents();

        RunSummary summary = EndToEnd.run(dir);

        assertThat(summary.status()).isEqualTo(RunStatus.OK);
        assertThat(Lineage.failedEvents() - failed).as(url).isGreaterThanOrEqualTo(2);
      }
    } finally {
      failing.stop(0);
    }
  }

  @Test
  void theLineageSectionIsStrict() {
    assertThatThrownBy(() -> shop("lineage:\n  transport: http\n").load())
        .isInstanceOf(ProjectException.class)
        .hasMessageContaining("sluice.yaml:")
        .hasMessageContaining("lineage: transport http needs a url");
    assertThatThrownBy(
            () ->
                shop("lineage:\n  transport: file\n  url: http://localhost:5000/api/v1/lineage\n")
                    .load())
        .isInstanceOf(ProjectException.class)
        .hasMessageContaining("sluice.yaml:4")
        .hasMessageContaining("url is for transport: http");
    assertThatThrownBy(
            () -> shop("lineage:\n  transport: http\n  url: ftp://example.com/x\n").load())
        .hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(() -> shop("lineage:\n  transport: kafka\n").load())
        .hasMessageContaining("kafka");
    assertThatThrownBy(() -> shop("lineage:\n  transprt: file\n").load())
        .hasMessageContaining("transport");
  }

  private RunRecord onlyRun() {
    try (RunHistory history = RunHistories.open(new TestProject(dir).load())) {
      List<RunRecord> runs = history.list(10, "");
      assertThat(runs).hasSize(1);
      return runs.get(0);
    }
  }

  /** The events of {@code file}, each checked against the OpenLineage schema. */
  private static List<JsonNode> events(Path file) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      assertThat(OpenLineageSchema.problems(line)).as(line).isEmpty();
      events.add(JSON.readTree(line));
    }
    return events;
  }

  private static JsonNode dataset(JsonNode datasets, String namespace, String name) {
    return StreamSupport.stream(datasets.spliterator(), false)
        .filter(
            d ->
                d.get("namespace").asText().equals(namespace)
                    && d.get("name").asText().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no dataset " + namespace + " " + name + " in " + datasets));
  }

  private static List<String> fields(JsonNode dataset) {
    return StreamSupport.stream(dataset.at("/facets/schema/fields").spliterator(), false)
        .map(f -> f.get("name").asText() + ":" + f.get("type").asText())
        .toList();
  }
}
