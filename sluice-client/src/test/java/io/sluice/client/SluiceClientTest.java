package io.sluice.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Plugins;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;
import io.sluice.api.log.LogRecord;
import io.sluice.server.IngestServer;
import io.sluice.server.ServerSettings;
import io.sluice.server.StreamEndpoint;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real ingest server and log on loopback. */
class SluiceClientTest {
  @TempDir Path dir;
  private IngestLog log;
  private IngestServer server;
  private final List<Duration> pauses = new ArrayList<>();

  private URI start(long maxBacklog) {
    log =
        Plugins.find(IngestLogFactory.class, IngestLogFactory::name, "local")
            .create(
                new IngestLogSettings(
                    dir, 1, 1 << 20, 1L << 30, Duration.ofDays(7), Clock.systemUTC()));
    server =
        IngestServer.start(
            new ServerSettings("127.0.0.1", 0, 1 << 20, 1024, 100, maxBacklog, 64L << 20),
            log,
            List.of(new StreamEndpoint("events", Optional.of("tok"), Optional.empty())),
            Map::of);
    return server.uri();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (log != null) {
      log.close();
    }
  }

  private SluiceClient.Builder client(URI uri) {
    return SluiceClient.builder(uri)
        .token("tok")
        .retries(4, Duration.ofMillis(100))
        .pause(pauses::add);
  }

  private List<String> stored() {
    return log.read("events", 0, 0, 100_000).stream()
        .map(LogRecord::payload)
        .map(bytes -> new String(bytes, UTF_8))
        .toList();
  }

  @Test
  void splitsRecordsIntoGzippedRequestsAndStoresThemInOrder() {
    URI uri = start(1_000_000);
    List<String> records = IntStream.range(0, 250).mapToObj(i -> "{\"id\":" + i + "}").toList();

    PushResult result = client(uri).maxPerRequest(100, 1 << 20).build().push("events", records);

    assertThat(result).isEqualTo(new PushResult(250, List.of(), 0));
    assertThat(stored()).isEqualTo(records);
  }

  @Test
  void reportsRefusedRecordsByTheirIndexInThePushedList() {
    URI uri = start(1_000_000);

    PushResult result =
        client(uri)
            .maxPerRequest(2, 1 << 20)
            .build()
            .push("events", List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":3}", "[4]", "{\"a\":5}"));

    assertThat(result.accepted()).isEqualTo(4);
    assertThat(result.failures())
        .containsExactly(new PushResult.Failure(3, "not a JSON object but an array"));
  }

  @Test
  void retriesWhileTheServerAnswers429AndHonoursRetryAfter() {
    URI uri = start(2);
    SluiceClient client =
        SluiceClient.builder(uri)
            .token("tok")
            .retries(4, Duration.ofMillis(100))
            .pause(
                duration -> {
                  pauses.add(duration);
                  log.release("events", 0, log.endOffset("events", 0)); // the processor caught up
                })
            .build();
    client.push("events", List.of("{}", "{}"));

    PushResult result = client.push("events", List.of("{\"late\":true}"));

    assertThat(result).isEqualTo(new PushResult(1, List.of(), 1));
    assertThat(pauses).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void failsAtOnceOnARefusalThatRetryingCannotFix() {
    URI uri = start(1_000_000);

    assertThatThrownBy(
            () -> SluiceClient.builder(uri).token("wrong").build().push("events", List.of("{}")))
        .isInstanceOf(SluiceClientException.class)
        .hasMessage(
            "The server refused the push (401): the bearer token is not valid for stream 'events'");
    assertThatThrownBy(() -> client(uri).build().push("nope", List.of("{}")))
        .hasMessage("The server refused the push (404): no stream named 'nope'");
    assertThat(pauses).isEmpty();
  }

  @Test
  void givesUpAfterItsAttemptsWhenTheServerIsDown() {
    URI uri = start(1_000_000);
    server.close();
    server = null;

    assertThatThrownBy(() -> client(uri).build().push("events", List.of("{}")))
        .isInstanceOf(SluiceClientException.class)
        .hasMessageStartingWith(
            "The push failed after 4 attempts; last: java.net.ConnectException");
    assertThat(pauses)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
  }
}
