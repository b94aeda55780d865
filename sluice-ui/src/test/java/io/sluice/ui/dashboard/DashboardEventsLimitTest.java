package io.sluice.ui.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.project.DashboardDef;
import io.sluice.core.project.Location;
import io.sluice.core.run.ContinuousProcessor;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DashboardEvents} on a real Jetty server: the bound on open streams, a stream freed when
 * its client goes away, events only for the panels that read what changed, and a clean end on
 * close. Waits are bounded (the HTTP client's timeout, a deadline for the count of streams).
 */
class DashboardEventsLimitTest {
  private static final DashboardDef DASHBOARD =
      new DashboardDef(
          "live",
          Location.of(Path.of("dashboards/live.yaml")),
          "Live",
          "",
          Duration.ofDays(1),
          List.of(),
          List.of(
              panel("orders", Optional.of(Set.of("lake.orders"))),
              panel("clicks", Optional.of(Set.of("lake.clicks")))));

  private DashboardEvents events;
  private Server server;
  private URI uri;
  private final HttpClient client = HttpClient.newHttpClient();

  private static DashboardDef.Panel panel(String id, Optional<Set<String>> inputs) {
    return new DashboardDef.Panel(
        id,
        Location.of(Path.of("dashboards/live.yaml")),
        id,
        "",
        "stat",
        "SELECT 1",
        Optional.empty(),
        Optional.empty(),
        List.of(),
        6,
        "",
        OptionalInt.empty(),
        List.of(),
        100,
        inputs);
  }

  @BeforeEach
  void start() throws Exception {
    events = new DashboardEvents(1, true);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            if (!events.open(DASHBOARD, request, response, callback)) {
              response.setStatus(503);
              callback.succeeded();
            }
            return true;
          }
        });
    server.start();
    uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @AfterEach
  void stop() throws Exception {
    events.close();
    server.stop();
  }

  private HttpResponse<InputStream> open() throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private static String nextEvent(BufferedReader reader) throws Exception {
    StringBuilder event = new StringBuilder();
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.isEmpty()) {
        if (event.indexOf("event: ") >= 0) {
          return event.toString();
        }
        event.setLength(0);
      } else {
        event.append(line).append('\n');
      }
    }
    return event.length() == 0 ? null : event.toString();
  }

  private void awaitStreams(int count) throws InterruptedException {
    assertThat(events.awaitStreams(count, Duration.ofSeconds(30)))
        .as("%d streams open (now %d)", count, events.streams())
        .isTrue();
  }

  @Test
  void boundsTheStreamsTellsOnlyTheChangedPanelsAndEndsCleanly() throws Exception {
    HttpResponse<InputStream> first = open();
    assertThat(first.statusCode()).isEqualTo(200);
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
    assertThat(nextEvent(reader)).contains("event: hello", "\"live\":true");

    HttpResponse<InputStream> second = open();
    assertThat(second.statusCode()).isEqualTo(503);
    second.body().close();

    Instant at = Instant.parse("2026-12-03T12:00:00Z");
    events.publish(new ContinuousProcessor.Publication(1, at, at, Set.of("raw.other")));
    events.publish(new ContinuousProcessor.Publication(2, at, at, Set.of("lake.clicks")));
    String change = nextEvent(reader);
    // publication 1 changed nothing the dashboard reads: not told
    assertThat(change).contains("event: change", "id: 2", "\"panels\":[\"clicks\"]");
    assertThat(events.sequence()).isEqualTo(2);

    events.close();
    assertThat(nextEvent(reader)).contains("event: bye");
    assertThat(reader.readLine()).isNull();
    awaitStreams(0);
    assertThat(open().statusCode()).isEqualTo(503); // closed: no new streams
  }

  @Test
  void freesTheStreamOfAClientThatWentAway() throws Exception {
    HttpResponse<InputStream> first = open();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
    assertThat(nextEvent(reader)).contains("event: hello");
    first.body().close(); // the client goes away
    // the server notices at its next write at the latest
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Instant at = Instant.parse("2026-12-03T12:00:00Z");
    long seq = 0;
    do {
      events.publish(new ContinuousProcessor.Publication(++seq, at, at, Set.of("lake.orders")));
    } while (!events.awaitStreams(0, Duration.ofMillis(10)) && System.nanoTime() < deadline);
    awaitStreams(0);
    HttpResponse<InputStream> again = open();
    assertThat(again.statusCode()).isEqualTo(200);
    again.body().close();
  }
}
