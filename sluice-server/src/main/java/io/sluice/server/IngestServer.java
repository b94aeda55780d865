package io.sluice.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.api.SluiceException;
import io.sluice.api.log.IngestLog;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server of {@code sluice serve}: the ingest API ({@code POST
 * /v1/streams/{stream}/records}), {@code GET /health}, {@code GET /metrics}, the query endpoint,
 * the orchestration API ({@link OrchestrationEndpoint}) and the API's OpenAPI description ({@code
 * GET /v1/openapi.yaml}). A push is answered only once its records are durable in the ingest log.
 *
 * <p>Slow clients cannot starve the others: request bodies are read as they arrive, without holding
 * a thread, and must arrive within {@link ServerSettings#bodyTimeout()}; one client address holds
 * at most {@link ServerSettings#maxConnectionsPerClient()} connections. Every error, also those
 * Jetty answers itself, is {@code {"error": reason}} JSON.
 */
public final class IngestServer implements AutoCloseable {
  private static final int MAX_THREADS = 64;
  private static final long STOP_TIMEOUT_MILLIS = 30_000;

  private static final int SHUTDOWN_RETRY_AFTER_SECONDS = 5;

  private final Server server;
  private final ServerConnector connector;

  /** What {@code /health} reports besides each stream's backlog. */
  @FunctionalInterface
  public interface Health {
    /**
     * Called from HTTP threads on each {@code /health} request.
     *
     * @param details whether the caller carries the health token: error details may be included;
     *     without it, only the status and counts (no message that could quote a record)
     * @return entries for {@code /health}; a {@code status} entry other than {@code ok} makes it
     *     answer 503
     */
    Map<String, Object> status(boolean details);
  }

  private final boolean https;

  private IngestServer(Server server, ServerConnector connector, boolean https) {
    this.server = server;
    this.connector = connector;
    this.https = https;
  }

  /**
   * Starts listening.
   *
   * @param status extra entries for {@code /health} (e.g. the processor's state); a {@code status}
   *     entry other than {@code ok} makes {@code /health} answer 503
   * @throws SluiceException (USER) when the address is in use or cannot be bound
   */
  public static IngestServer start(
      ServerSettings settings,
      IngestLog log,
      List<StreamEndpoint> streams,
      Supplier<Map<String, Object>> status) {
    return start(settings, log, streams, status, java.util.Optional.empty());
  }

  /**
   * Starts listening, with the warehouse query endpoint when {@code query} is present.
   *
   * @see #start(ServerSettings, IngestLog, List, Supplier)
   */
  public static IngestServer start(
      ServerSettings settings,
      IngestLog log,
      List<StreamEndpoint> streams,
      Supplier<Map<String, Object>> status,
      java.util.Optional<QueryEndpoint> query) {
    return start(settings, log, streams, status, query, java.util.Optional.empty());
  }

  /**
   * Starts listening, with {@code GET /metrics} when {@code metrics} is present.
   *
   * @param metrics the metrics registry of the process: the server adds its request and push meters
   *     to it (docs/metrics.md) and answers {@code GET /metrics} with its scrape
   * @see #start(ServerSettings, IngestLog, List, Supplier, java.util.Optional)
   */
  public static IngestServer start(
      ServerSettings settings,
      IngestLog log,
      List<StreamEndpoint> streams,
      Supplier<Map<String, Object>> status,
      java.util.Optional<QueryEndpoint> query,
      java.util.Optional<PrometheusMeterRegistry> metrics) {
    return start(settings, log, streams, details -> status.get(), Optional.empty(), query, metrics);
  }

  /**
   * Starts listening.
   *
   * @param health what {@code /health} reports; details only to callers carrying {@code
   *     healthToken}
   * @param healthToken the bearer token that unlocks {@code /health}'s details; empty: never shown
   * @param query the warehouse query endpoint, if any
   * @param metrics the metrics registry of the process: the server adds its request and push meters
   *     to it (docs/metrics.md) and answers {@code GET /metrics} with its scrape
   * @throws SluiceException (USER) when the address is in use or cannot be bound
   */
  public static IngestServer start(
      ServerSettings settings,
      IngestLog log,
      List<StreamEndpoint> streams,
      Health health,
      Optional<String> healthToken,
      Optional<QueryEndpoint> query,
      Optional<PrometheusMeterRegistry> metrics) {
    return start(settings, log, streams, health, healthToken, query, metrics, Optional.empty());
  }

  /**
   * Starts listening, with the orchestration API ({@code /v1/pipelines}, {@code /v1/runs}, {@code
   * /v1/schedules}, {@code /v1/backfills}) when {@code orchestration} is present.
   *
   * @param operatorToken the bearer token that unlocks {@code /health}'s details and the
   *     orchestration API; empty: details are never shown and the API refuses every request (403)
   * @see #start(ServerSettings, IngestLog, List, Health, Optional, Optional, Optional)
   */
  public static IngestServer start(
      ServerSettings settings,
      IngestLog log,
      List<StreamEndpoint> streams,
      Health health,
      Optional<String> operatorToken,
      Optional<QueryEndpoint> query,
      Optional<PrometheusMeterRegistry> metrics,
      Optional<OrchestrationEndpoint> orchestration) {
    return start(
        settings,
        log,
        streams,
        health,
        operatorToken,
        query,
        metrics,
        orchestration,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Starts listening, with the web console (pages under {@code /ui/}) when {@code console} is
   * present.
   *
   * @param viewerToken the bearer token that may read (pages, GETs of the APIs, read-only queries)
   *     but not act; empty: only the operator token gets in
   * @param tls HTTPS instead of HTTP, when present
   * @throws SluiceException (USER) when the key store cannot be read
   * @see #start(ServerSettings, IngestLog, List, Health, Optional, Optional, Optional, Optional)
   */
  public static IngestServer start(
      ServerSettings settings,
      IngestLog log,
      List<StreamEndpoint> streams,
      Health health,
      Optional<String> operatorToken,
      Optional<QueryEndpoint> query,
      Optional<PrometheusMeterRegistry> metrics,
      Optional<OrchestrationEndpoint> orchestration,
      Optional<String> viewerToken,
      Optional<WebConsole> console,
      Optional<TlsSettings> tls) {
    requireNonNull(settings, "settings is null");
    requireNonNull(tls, "tls is null");
    requireNonNull(viewerToken, "viewerToken is null");
    requireNonNull(console, "console is null");
    requireNonNull(log, "log is null");
    requireNonNull(health, "health is null");
    requireNonNull(operatorToken, "operatorToken is null");
    requireNonNull(log, "log is null");
    Map<String, StreamEndpoint> byName = new LinkedHashMap<>();
    for (StreamEndpoint stream : streams) {
      if (byName.put(stream.name(), stream) != null) {
        throw new IllegalArgumentException("stream " + stream.name() + " listed twice");
      }
    }
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
    threads.setName("sluice-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    ServerConnector connector =
        tls.isEmpty()
            ? new ServerConnector(server, new HttpConnectionFactory(http))
            : httpsConnector(server, http, tls.get());
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.addBean(new ClientConnectionLimit(settings.maxConnectionsPerClient()));
    server.addConnector(connector);
    JsonFactory json =
        JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    server.setErrorHandler(new JsonErrorHandler(json));
    GracefulHandler graceful =
        new GracefulHandler() {
          @Override
          protected void handleShutdownRejection(
              Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response
                .getHeaders()
                .put(HttpHeader.RETRY_AFTER, Integer.toString(SHUTDOWN_RETRY_AFTER_SECONDS));
            JsonErrorHandler.send(
                response,
                callback,
                503,
                IngestHandler.errorJson(json, "the server is stopping; retry shortly"));
          }
        };
    ServerMeters meters =
        metrics
            .map(registry -> ServerMeters.of(registry, byName.keySet()))
            .orElse(ServerMeters.NONE);
    graceful.setHandler(
        new IngestHandler(
            settings,
            log,
            byName,
            health,
            operatorToken,
            json,
            query,
            metrics,
            meters,
            orchestration,
            viewerToken,
            console));
    // Outside the graceful handler, so that the refusals while stopping are counted too.
    server.setHandler(meters.timed(graceful));
    server.setStopTimeout(STOP_TIMEOUT_MILLIS);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception stopFailure) {
        e.addSuppressed(stopFailure);
      }
      throw SluiceException.user(
          "Cannot listen on %s:%d (serve.host, serve.port): %s",
          settings.host(), settings.port(), e.getMessage());
    }
    return new IngestServer(server, connector, tls.isPresent());
  }

  private static ServerConnector httpsConnector(
      Server server, HttpConfiguration http, TlsSettings tls) {
    if (!java.nio.file.Files.isReadable(tls.keyStore())) {
      throw SluiceException.user(
          "Cannot serve HTTPS: the key store %s (serve.tls-key-store) cannot be read",
          tls.keyStore());
    }
    org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl =
        new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
    ssl.setKeyStorePath(tls.keyStore().toString());
    ssl.setKeyStorePassword(tls.password());
    String name = tls.keyStore().getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    ssl.setKeyStoreType(name.endsWith(".jks") ? "JKS" : "PKCS12");
    HttpConfiguration https = new HttpConfiguration(http);
    org.eclipse.jetty.server.SecureRequestCustomizer secure =
        new org.eclipse.jetty.server.SecureRequestCustomizer();
    // Clients reach a loopback or internal address whose name the certificate may not carry.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    return new ServerConnector(
        server,
        new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"),
        new HttpConnectionFactory(https));
  }

  /** The port the server listens on (the chosen one when configured as 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The server's base address, e.g. {@code http://127.0.0.1:8080}. */
  public URI uri() {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return URI.create(
        (https ? "https://" : "http://")
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + port());
  }

  /**
   * How many requests the handlers hold now: a test that stops the server with one in flight waits
   * until it is, since a request still being parsed does not hold the stop.
   */
  long requestsInFlight() {
    GracefulHandler graceful = server.getDescendant(GracefulHandler.class);
    return graceful == null ? 0 : graceful.getCurrentRequestCount();
  }

  /**
   * Stops accepting connections and waits (up to 30 s) for requests in flight to be answered, so
   * that every record a client was told is durable is in the log.
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw SluiceException.internal("Cannot stop the HTTP server: " + e.getMessage(), e);
    }
  }
}
