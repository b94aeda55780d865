package io.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.cli.ui.ShopConsole;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /metrics} of {@code sluice ui}, which has no processor: the datasets' figures come from
 * the lake's history, and a run asked for through the API adds its batches and step durations, as a
 * micro-batch does under {@code sluice serve}.
 */
class UiMetricsTest {
  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void theHistoryAndTheRunsAskedForThroughTheApiAreCounted() throws Exception {
    // The history is read in the background after the start.
    PrometheusText before = awaitMetrics(m -> m.families().containsKey("sluice_rows_read_total"));
    assertThat(before.value("sluice_rows_read_total", "dataset", "orders")).isPositive();
    double batches = before.value("sluice_batches_total", "dataset", "customers");
    double read = before.value("sluice_rows_read_total", "dataset", "customers");

    ShopGenerator.appendBatch(shop.project(), ShopGenerator.Options.defaults().withOrders(50), 1);
    HttpResponse<String> asked =
        send(
            HttpRequest.newBuilder(shop.uri().resolve("/v1/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"select\": [\"source:customers\"]}")));
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
    String id = JSON.readTree(asked.body()).get("id").asText();
    JsonNode run = awaitRun(id);
    // The generated batch's customers repeat ids, which the rules quarantine: the run may end
    // quality-failed, but its batch committed and counts.
    assertThat(run.get("status").asText()).as(run.toString()).isIn("ok", "quality-failed");
    long landed = run.get("rows-read").asLong();
    assertThat(landed).as(run.toString()).isPositive();

    PrometheusText after = PrometheusText.parse(metrics());
    assertThat(after.value("sluice_batches_total", "dataset", "customers")).isEqualTo(batches + 1);
    assertThat(after.value("sluice_rows_read_total", "dataset", "customers"))
        .isEqualTo(read + landed);
    assertThat(after.value("sluice_batch_duration_seconds_count", "dataset", "customers"))
        .isEqualTo(1);
    assertThat(after.value("sluice_step_duration_seconds_count", "step", "source customers"))
        .isEqualTo(1);
    // No processor: no micro-batch.
    assertThat(after.value("sluice_microbatches_total")).isZero();
  }

  @Test
  void queriesAreCountedPerEndpointAndOutcome() throws Exception {
    assertThat(query("/v1/query", "SELECT 1 AS one").statusCode()).isEqualTo(200);
    assertThat(query("/v1/query", "COPY (SELECT 1) TO 'x.csv'").statusCode()).isEqualTo(400);
    assertThat(query("/ui/api/sql", "SELECT range FROM range(3)").statusCode()).isEqualTo(200);

    PrometheusText metrics = PrometheusText.parse(metrics());
    assertThat(
            metrics.value("sluice_sql_queries_seconds_count", "endpoint", "http", "outcome", "ok"))
        .isEqualTo(1);
    assertThat(
            metrics.value(
                "sluice_sql_queries_seconds_count", "endpoint", "http", "outcome", "refused"))
        .isEqualTo(1);
    assertThat(metrics.value("sluice_sql_rows_total", "endpoint", "http")).isEqualTo(1);
    // The console's own pages query too; its SQL console's three rows are among them.
    assertThat(
            metrics.value(
                "sluice_sql_queries_seconds_count", "endpoint", "console", "outcome", "ok"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.value("sluice_sql_rows_total", "endpoint", "console"))
        .isGreaterThanOrEqualTo(3);
  }

  /** A query through {@code path}: its SQL as the body of /v1/query, as JSON for the console. */
  private HttpResponse<String> query(String path, String sql) throws Exception {
    String body =
        path.equals("/v1/query") ? sql : JSON.writeValueAsString(java.util.Map.of("sql", sql));
    return send(
        HttpRequest.newBuilder(shop.uri().resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.header("Authorization", "Bearer " + ShopConsole.OPERATOR_TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String metrics() throws Exception {
    HttpResponse<String> scrape = send(HttpRequest.newBuilder(shop.uri().resolve("/metrics")));
    assertThat(scrape.statusCode()).isEqualTo(200);
    return scrape.body();
  }

  /** Scrapes until {@code ready} holds, for at most {@link #WAIT}. */
  private PrometheusText awaitMetrics(Predicate<PrometheusText> ready) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    PrometheusText metrics = PrometheusText.parse(metrics());
    while (!ready.test(metrics) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      metrics = PrometheusText.parse(metrics());
    }
    assertThat(ready.test(metrics)).as("the metrics were ready within %s", WAIT).isTrue();
    return metrics;
  }

  private JsonNode awaitRun(String id) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      JsonNode run =
          JSON.readTree(send(HttpRequest.newBuilder(shop.uri().resolve("/v1/runs/" + id))).body());
      String status = run.get("status").asText();
      if (!status.equals("queued") && !status.equals("running")) {
        return run;
      }
      assertThat(System.nanoTime()).as("run %s ended within %s", id, WAIT).isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
