package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's meters: records counted per stream once per request, requests by route template
 * (never by a path the client chose), and {@code GET /metrics} from the registry's scrape.
 */
class ServerMetersTest {
  @TempDir Path dir;

  @Test
  void countsPushesAndRequestsByTemplateWithoutSeriesFromClientPaths() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ServerFixture fixture =
        new ServerFixture(
            dir,
            ServerFixture.settings(),
            details -> Map.of(),
            Optional.empty(),
            Optional.of(registry))) {
      assertThat(
              fixture
                  .post("clicks", "application/x-ndjson", "{\"a\":1}\nnot json\n{\"a\":2}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(fixture.post("no-such-stream-1", "application/x-ndjson", "{}").statusCode())
          .isEqualTo(404);
      assertThat(fixture.get("/no/such/path-2").statusCode()).isEqualTo(404);
      assertThat(fixture.get("/v1/runs/run-3").statusCode()).isEqualTo(404);
      assertThat(
              fixture
                  .send(
                      HttpRequest.newBuilder(fixture.uri().resolve("/health"))
                          .method("BREW", HttpRequest.BodyPublishers.noBody())
                          .build())
                  .statusCode())
          .isEqualTo(405);

      HttpResponse<String> scrape = fixture.get("/metrics");

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("content-type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");
      assertThat(scrape.body())
          .contains(
              "sluice_records_pushed_total{stream=\"clicks\"} 3.0\n",
              "sluice_records_accepted_total{stream=\"clicks\"} 2.0\n",
              "sluice_records_pushed_total{stream=\"open\"} 0.0\n")
          .doesNotContain("no-such-stream-1", "path-2", "run-3", "BREW");
      Set<String> routes = new TreeSet<>();
      for (Meter meter : registry.find("sluice.http.server.requests").meters()) {
        routes.add(
            meter.getId().getTag("route")
                + " "
                + meter.getId().getTag("method")
                + " "
                + meter.getId().getTag("status")
                + " "
                + ((Timer) meter).count());
      }
      assertThat(routes)
          .contains(
              "/v1/streams/{stream}/records POST 200 1",
              "/v1/streams/{stream}/records POST 404 1",
              "other GET 404 1",
              "/v1/runs/{id} GET 404 1",
              "/health other 405 1");
    }
  }

  @Test
  void routesBecomeTemplates() {
    assertThat(IngestHandler.route("/v1/streams/events/records"))
        .isEqualTo("/v1/streams/{stream}/records");
    assertThat(IngestHandler.route("/v1/schedules/nightly/pause"))
        .isEqualTo("/v1/schedules/{schedule}/pause");
    assertThat(IngestHandler.route("/v1/backfills/b-1/cancel"))
        .isEqualTo("/v1/backfills/{id}/cancel");
    assertThat(IngestHandler.route("/v1/backfills/b-1")).isEqualTo("/v1/backfills/{id}");
    assertThat(IngestHandler.route("/v1/streams/events/records/"))
        .isEqualTo("/v1/streams/{stream}/records");
    for (String other :
        new String[] {
          "/v1/streams//records",
          "/v1/streams/a/b/records",
          "/v1/streams/a",
          "/v1/streams/a/records/x"
        }) {
      assertThat(IngestHandler.route(other)).as(other).isEqualTo("other");
    }
    assertThat(IngestHandler.route("/v1/runs/r-1/retry")).isEqualTo("/v1/runs/{id}/retry");
    assertThat(IngestHandler.route("/v1/runs/a/b")).isEqualTo("other");
    assertThat(IngestHandler.route("/metrics")).isEqualTo("/metrics");
    assertThat(IngestHandler.route("/ui/runs/r-1")).isEqualTo("/ui/**");
    assertThat(IngestHandler.route("/uix")).isEqualTo("other");
  }

  @Test
  void answersOpenMetricsWhenAskedFor() {
    assertThat(
            IngestHandler.metricsType(
                "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"))
        .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(IngestHandler.metricsType(null))
        .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(IngestHandler.metricsType("*/*"))
        .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
  }
}
