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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real {@code sluice serve}: after pushes over HTTP, some of whose
 * records fail a rule and one of which is not JSON, the whole scrape parses as the Prometheus text
 * format (strictly, {@link PrometheusText}), its values are what landed, and every metric it has is
 * listed in docs/metrics.md.
 */
class ServeMetricsTest {
  private static final Path DOCS = Path.of("..", "docs", "metrics.md");

  /** Documented metrics that a scrape may lack: they depend on the GC, the system, a collection. */
  private static final Set<String> CONDITIONAL =
      Set.of(
          "sluice_jvm_gc_pause_seconds",
          "sluice_jvm_gc_pause_seconds_max",
          "sluice_jvm_gc_concurrent_phase_time_seconds",
          "sluice_jvm_gc_concurrent_phase_time_seconds_max",
          "sluice_system_load_average_1m",
          "sluice_process_cpu_seconds_total",
          // with the first query over the network (UiMetricsTest)
          "sluice_sql_queries_seconds",
          "sluice_sql_queries_seconds_max",
          "sluice_sql_rows_total");

  @TempDir Path dir;

  @Test
  void scrapeParsesAndCountsWhatWasPushedLandedAndQuarantined() throws Exception {
    StreamProject.create(dir);
    HttpClient client = HttpClient.newHttpClient();
    AtomicLong read = new AtomicLong();
    CountDownLatch landed = new CountDownLatch(1);
    try (ServeSession session =
        ServeSession.start(
            ProjectLoader.load(dir),
            Optional.empty(),
            Map.of(),
            summary -> {
              if (read.addAndGet(summary.rowsRead()) >= 5) {
                landed.countDown();
              }
            })) {
      String body =
          String.join(
              "\n",
              StreamProject.event("e1", "ann", "10.50"),
              StreamProject.event("e2", "bob", "2"),
              StreamProject.event("e3", "ann", "\"lots\""), // fails type(amount)
              "not json", // refused by the server: pushed, not accepted
              StreamProject.event("e4", "bob", "1.25"));
      assertThat(StreamProject.push(client, session.uri(), body).statusCode()).isEqualTo(200);
      String nullId = StreamProject.event("e5", "cy", "3").replace("\"e5\"", "null");
      assertThat(StreamProject.push(client, session.uri(), nullId).statusCode()).isEqualTo(200);
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(
                              session.uri().resolve("/v1/streams/no-such-stream/records"))
                          .POST(HttpRequest.BodyPublishers.ofString("{}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);
      assertThat(landed.await(60, TimeUnit.SECONDS)).isTrue();

      HttpResponse<String> scrape = get(client, session, Optional.empty());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("content-type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");
      PrometheusText metrics = PrometheusText.parse(scrape.body());
      assertThat(metrics.value("sluice_records_pushed_total", "stream", "events")).isEqualTo(6);
      assertThat(metrics.value("sluice_records_accepted_total", "stream", "events")).isEqualTo(5);
      assertThat(metrics.value("sluice_rows_read_total", "dataset", "events")).isEqualTo(5);
      assertThat(metrics.value("sluice_rows_valid_total", "dataset", "events")).isEqualTo(3);
      assertThat(metrics.value("sluice_rows_quarantined_total", "dataset", "events")).isEqualTo(2);
      assertThat(
              metrics.value(
                  "sluice_rule_failures_total", "dataset", "events", "rule", "type(amount)"))
          .isEqualTo(1);
      assertThat(
              metrics.value(
                  "sluice_rule_failures_total", "dataset", "events", "rule", "not_null(id)"))
          .isEqualTo(1);
      assertThat(metrics.value("sluice_quality_score", "dataset", "events")).isEqualTo(0.6);
      assertThat(metrics.value("sluice_min_quality_score", "dataset", "events")).isEqualTo(0);
      assertThat(metrics.value("sluice_last_batch_timestamp_seconds", "dataset", "events"))
          .isGreaterThan(1.7e9);
      assertThat(metrics.value("sluice_microbatch_rows_total")).isEqualTo(5);
      assertThat(metrics.value("sluice_batch_duration_seconds_count", "dataset", "events"))
          .isGreaterThanOrEqualTo(1);
      assertThat(metrics.family("sluice_batch_duration_seconds").type()).isEqualTo("histogram");
      assertThat(metrics.family("sluice_step_duration_seconds").type()).isEqualTo("histogram");
      assertThat(metrics.value("sluice_step_duration_seconds_count", "step", "source events"))
          .isGreaterThanOrEqualTo(1);
      assertThat(metrics.value("sluice_stream_backlog_records", "stream", "events"))
          .isBetween(0.0, 5.0);
      assertThat(metrics.value("sluice_stream_lag_seconds", "stream", "events"))
          .isGreaterThanOrEqualTo(0);
      assertThat(
              metrics.value(
                  "sluice_http_server_requests_seconds_count",
                  "route",
                  "/v1/streams/{stream}/records",
                  "method",
                  "POST",
                  "status",
                  "200"))
          .isEqualTo(2);
      assertThat(
              metrics.value(
                  "sluice_http_server_requests_seconds_count",
                  "route",
                  "/v1/streams/{stream}/records",
                  "status",
                  "404"))
          .isEqualTo(1);
      assertThat(scrape.body()).doesNotContain("no-such-stream");
      assertThat(metrics.family("sluice_jvm_memory_used_bytes").samples()).isNotEmpty();
      assertThat(metrics.family("sluice_jvm_threads_live_threads").samples()).isNotEmpty();
      assertThat(metrics.value("sluice_process_uptime_seconds")).isGreaterThan(0);

      assertThat(undocumented(metrics.families().keySet())).isEmpty();
      assertThat(metrics.value("sluice_system_cpus")).isPositive();
      promtoolAccepts(scrape.body());
      Set<String> gone = documented();
      gone.removeAll(metrics.families().keySet());
      assertThat(gone).as("documented, not served").isSubsetOf(CONDITIONAL);

      HttpResponse<String> openMetrics =
          get(client, session, Optional.of("application/openmetrics-text; version=1.0.0"));
      assertThat(openMetrics.headers().firstValue("content-type"))
          .contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(openMetrics.body()).endsWith("# EOF\n").contains("sluice_rows_valid_total");
    }
  }

  private static HttpResponse<String> get(
      HttpClient client, ServeSession session, Optional<String> accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(session.uri().resolve("/metrics")).timeout(Duration.ofSeconds(30));
    accept.ifPresent(type -> request.header("Accept", type));
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Where Prometheus's own {@code promtool} is installed (Debian's {@code prometheus}), it checks
   * the scrape too, with its linter (names, suffixes, HELP); elsewhere {@link PrometheusText}
   * alone.
   */
  private static void promtoolAccepts(String scrape) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      return;
    }
    Process check =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (var in = check.getOutputStream()) {
      in.write(scrape.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String output = new String(check.getInputStream().readAllBytes());
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as("promtool check metrics: " + output).isZero();
  }

  /** The families that docs/metrics.md does not list in a table row of its own. */
  static Set<String> undocumented(Set<String> families) throws Exception {
    Set<String> missing = new TreeSet<>(families);
    missing.removeAll(documented());
    return missing;
  }

  /** The families docs/metrics.md lists, each in a table row of its own. */
  static Set<String> documented() throws Exception {
    Set<String> documented = new TreeSet<>();
    Matcher row =
        Pattern.compile("(?m)^\\| `(sluice_[a-z0-9_]+)` \\|").matcher(Files.readString(DOCS));
    while (row.find()) {
      documented.add(row.group(1));
    }
    return documented;
  }
}
