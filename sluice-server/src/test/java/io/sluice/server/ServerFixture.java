package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.api.Plugins;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;
import io.sluice.api.log.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** A real ingest server on loopback over a real ingest log, and an HTTP client for it. */
final class ServerFixture implements AutoCloseable {
  static final String TOKEN = "s3cret-token";

  final IngestLog log;
  final IngestServer server;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ServerFixture(Path directory, ServerSettings settings) {
    this(
        directory,
        settings,
        details -> Map.of("processor", Map.of("batches", 0)),
        java.util.Optional.empty());
  }

  /** A server whose {@code /health} reports {@code health}, with details for {@code token}. */
  ServerFixture(
      Path directory,
      ServerSettings settings,
      IngestServer.Health health,
      java.util.Optional<String> healthToken) {
    this(directory, settings, health, healthToken, java.util.Optional.empty());
  }

  /** A server that counts into {@code metrics} and serves its scrape at {@code /metrics}. */
  ServerFixture(
      Path directory,
      ServerSettings settings,
      IngestServer.Health health,
      java.util.Optional<String> healthToken,
      java.util.Optional<io.micrometer.prometheusmetrics.PrometheusMeterRegistry> metrics) {
    log =
        Plugins.find(IngestLogFactory.class, IngestLogFactory::name, "local")
            .create(
                new IngestLogSettings(
                    directory, 2, 1 << 20, 1L << 30, Duration.ofDays(7), Clock.systemUTC()));
    server =
        IngestServer.start(
            settings,
            log,
            List.of(
                new StreamEndpoint(
                    "clicks", java.util.Optional.of(TOKEN), java.util.Optional.of("user.id")),
                new StreamEndpoint("open", java.util.Optional.empty(), java.util.Optional.empty())),
            health,
            healthToken,
            java.util.Optional.empty(),
            metrics);
  }

  /** Limits small enough to reach in a test. */
  static ServerSettings settings() {
    return new ServerSettings("127.0.0.1", 0, 4096, 512, 50, 1_000, 1L << 20);
  }

  HttpResponse<String> post(String stream, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri().resolve("/v1/streams/" + stream + "/records"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  HttpResponse<String> post(String stream, String contentType, String body) {
    return post(stream, contentType, body.getBytes(UTF_8), "Authorization", "Bearer " + TOKEN);
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every record of a stream, partition by partition. */
  List<List<String>> records(String stream) {
    List<List<String>> partitions = new ArrayList<>();
    for (int p = 0; p < log.partitions(stream); p++) {
      List<String> records = new ArrayList<>();
      for (LogRecord record : log.read(stream, p, log.startOffset(stream, p), 100_000)) {
        records.add(new String(record.payload(), UTF_8));
      }
      partitions.add(records);
    }
    return partitions;
  }

  long count(String stream) {
    return records(stream).stream().mapToLong(List::size).sum();
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  URI uri() {
    return server.uri();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      log.close();
    }
  }
}
