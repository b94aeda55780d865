package io.sluice.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the HTTP server counts into the metrics registry of {@code sluice serve} (docs/metrics.md):
 * records pushed and accepted per stream, and every request's duration by route template, method
 * and status.
 *
 * <p>Both are counted once per request, never per record: the push path lands hundreds of thousands
 * of records a second. Label values come from fixed sets only (the declared streams, {@link
 * IngestHandler#route route templates}, a few methods), so no request can add a series.
 */
final class ServerMeters {
  /** Nothing is counted: a server without a registry (tests, embedding). */
  static final ServerMeters NONE = new ServerMeters(null, Set.of());

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  /** Bucket bounds of the request-duration histogram, from a health check to a slow query. */
  private static final Duration[] REQUEST_BUCKETS = MeterBuckets.latency();

  private final MeterRegistry registry;
  private final Map<String, StreamCounters> streams = new ConcurrentHashMap<>();
  private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();

  private record StreamCounters(Counter pushed, Counter accepted) {}

  private record RequestKey(String route, String method, int status) {}

  private ServerMeters(MeterRegistry registry, Collection<String> streamNames) {
    this.registry = registry;
    if (registry != null) {
      for (String stream : streamNames) {
        streams.put(
            stream,
            new StreamCounters(
                Counter.builder("sluice.records.pushed")
                    .description(
                        "Records in push requests whose body was read and parsed, per stream.")
                    .tag("stream", stream)
                    .register(registry),
                Counter.builder("sluice.records.accepted")
                    .description("Records made durable in the ingest log and acknowledged.")
                    .tag("stream", stream)
                    .register(registry)));
      }
    }
  }

  /** Meters in {@code registry} for the declared {@code streams}. */
  static ServerMeters of(MeterRegistry registry, Collection<String> streams) {
    return new ServerMeters(registry, streams);
  }

  /** Counts the records of one push request, once its body is parsed. */
  void pushed(String stream, int records) {
    StreamCounters counters = streams.get(stream);
    if (counters != null) {
      counters.pushed().increment(records);
    }
  }

  /** Counts the records of one push request made durable in the log. */
  void accepted(String stream, int records) {
    StreamCounters counters = streams.get(stream);
    if (counters != null && records > 0) {
      counters.accepted().increment(records);
    }
  }

  /**
   * {@code handler} with each request timed from its arrival to the end of its answer (a push's
   * body arrives and is made durable in between), by route template, method and status.
   */
  Handler timed(Handler handler) {
    if (registry == null) {
      return handler;
    }
    return new Handler.Wrapper(handler) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        long start = System.nanoTime();
        String route = IngestHandler.route(Request.getPathInContext(request));
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
        Callback timed =
            new Callback.Nested(callback) {
              @Override
              public void succeeded() {
                request(route, method, response.getStatus(), start);
                super.succeeded();
              }

              @Override
              public void failed(Throwable failure) {
                request(route, method, response.getStatus(), start);
                super.failed(failure);
              }
            };
        return super.handle(request, response, timed);
      }
    };
  }

  /**
   * Counts a request to {@code route} answered with {@code status}, which began at {@code
   * startNanos}.
   */
  void request(String route, String method, int status, long startNanos) {
    requests
        .computeIfAbsent(
            new RequestKey(route, method, status),
            key ->
                Timer.builder("sluice.http.server.requests")
                    .description("HTTP requests by route template, method and status.")
                    .tag("route", key.route())
                    .tag("method", key.method())
                    .tag("status", Integer.toString(key.status()))
                    .serviceLevelObjectives(REQUEST_BUCKETS)
                    .register(registry))
        .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
