package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards' Server-Sent Events over a real HTTP connection to {@code sluice serve}: a push
 * that lands is announced as a {@code change} naming exactly the panels that read what it changed,
 * with the publication's sequence and instants; the panel's data then covers it; the stream ends
 * cleanly ({@code bye}, then the end of the response) when the server stops. Waits are bounded by
 * the HTTP client's timeout.
 */
class DashboardEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path scratch;

  @Test
  void announcesEachPublicationToTheOpenPageAndEndsTheStreamWhenTheServerStops() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    LiveProject live = LiveProject.serve(scratch.resolve("live"));
    List<String> lines = new ArrayList<>();
    try {
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(live.uri().resolve("/ui/api/dashboard-events/live"))
                  .header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
      BufferedReader events =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
      assertThat(next(events, lines)).isEqualTo("hello");

      live.push(0, 10);
      String event = next(events, lines);
      // the first batch may land in two (a pass was due): wait for the one that covers all ten
      JsonNode change = JSON.readTree(data(lines));
      assertThat(event).isEqualTo("change");
      assertThat(change.get("seq").asLong()).isPositive();
      assertThat(change.get("publishedAt").asLong())
          .isGreaterThanOrEqualTo(change.get("landedAt").asLong());
      List<String> panels = new ArrayList<>();
      change.get("panels").forEach(p -> panels.add(p.asText()));
      assertThat(panels).containsExactly("count", "rate");

      HttpResponse<String> data =
          client.send(
              HttpRequest.newBuilder(live.uri().resolve("/ui/api/dashboards/live/panels/count"))
                  .header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode rows = JSON.readTree(data.body());
      assertThat(rows.get("seq").asLong()).isGreaterThanOrEqualTo(change.get("seq").asLong());
      assertThat(rows.get("rows").get(0).get(0).asLong()).isPositive();

      live.close();
      String last;
      do {
        last = next(events, lines);
      } while (last.equals("change"));
      assertThat(last).isEqualTo("bye");
      assertThat(events.readLine()).isNull(); // the response ended
    } finally {
      live.close();
    }
  }

  @Test
  void refusesAVisitorWithoutATokenAndAnUnknownDashboard() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    try (LiveProject live = LiveProject.serve(scratch.resolve("live"))) {
      HttpResponse<String> anonymous =
          client.send(
              HttpRequest.newBuilder(live.uri().resolve("/ui/api/dashboard-events/live")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      HttpResponse<String> unknown =
          client.send(
              HttpRequest.newBuilder(live.uri().resolve("/ui/api/dashboard-events/nope"))
                  .header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN)
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("no dashboard 'nope'");
    }
  }

  @Test
  void aRunAskedForThroughTheApiIsAnnouncedUnderSluiceUiToo() throws Exception {
    // sluice ui has no processor: its dashboards are live through the runs it makes.
    HttpClient client = HttpClient.newHttpClient();
    Path project = scratch.resolve("shop");
    ShopConsole.prepare(project, 200);
    List<String> lines = new ArrayList<>();
    try (ShopConsole shop = ShopConsole.serve(project)) {
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(shop.uri().resolve("/ui/api/dashboard-events/sales"))
                  .header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      BufferedReader events =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
      assertThat(next(events, lines)).isEqualTo("hello");
      assertThat(JSON.readTree(data(lines)).get("live").asBoolean()).isTrue();

      HttpResponse<String> asked =
          client.send(
              HttpRequest.newBuilder(shop.uri().resolve("/v1/runs"))
                  .header("Authorization", "Bearer " + ShopConsole.OPERATOR_TOKEN)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"select\": [\"orders_enriched\"], \"full-refresh\": true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);

      assertThat(next(events, lines)).isEqualTo("change");
      JsonNode change = JSON.readTree(data(lines));
      assertThat(change.get("seq").asLong()).isEqualTo(1);
      List<String> panels = new ArrayList<>();
      change.get("panels").forEach(p -> panels.add(p.asText()));
      // Every panel of the sales dashboard reads orders_enriched, or a model built on it.
      assertThat(panels).contains("revenue_total", "orders_by_status", "funnel");
      response.body().close();
    }
  }

  /** Reads up to the end of the next event (comments skipped); returns its name. */
  private static String next(BufferedReader events, List<String> lines) throws Exception {
    lines.clear();
    String name = null;
    for (String line = events.readLine(); line != null; line = events.readLine()) {
      if (line.isEmpty()) {
        if (name != null) {
          return name;
        }
        lines.clear();
        continue;
      }
      lines.add(line);
      if (line.startsWith("event: ")) {
        name = line.substring("event: ".length());
      }
    }
    throw new AssertionError("the stream ended; read " + lines);
  }

  private static String data(List<String> lines) {
    return lines.stream()
        .filter(l -> l.startsWith("data: "))
        .map(l -> l.substring("data: ".length()))
        .findFirst()
        .orElseThrow();
  }
}
