package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.api.log.IngestLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes requests and answers pushes; see {@link IngestServer}. */
final class IngestHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
  private static final Pattern RECORDS = Pattern.compile("/v1/streams/([^/]+)/records/?");
  private static final int FIRST_BUFFER = 64 * 1024;
  private static final int RETRY_AFTER_SECONDS = 1;
  private static final String OPENAPI_SERVER = "http://SLUICE_SERVER";

  private final ServerSettings settings;
  private final IngestLog log;
  private final Map<String, StreamEndpoint> streams;
  private final IngestServer.Health status;
  private final java.util.Optional<String> healthToken;
  private final JsonFactory json;
  private final InflightBudget budget;
  private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();
  private final byte[] openApi;
  private final java.util.Optional<QueryEndpoint> query;
  private final java.util.Optional<PrometheusMeterRegistry> metrics;
  private final ServerMeters meters;
  private final OrchestrationRoutes orchestration;
  private final java.util.Optional<String> viewerToken;
  private final java.util.Optional<WebConsole> console;

  IngestHandler(
      ServerSettings settings,
      IngestLog log,
      Map<String, StreamEndpoint> streams,
      IngestServer.Health status,
      java.util.Optional<String> healthToken,
      JsonFactory json,
      java.util.Optional<QueryEndpoint> query,
      java.util.Optional<PrometheusMeterRegistry> metrics,
      ServerMeters meters,
      java.util.Optional<OrchestrationEndpoint> orchestration,
      java.util.Optional<String> viewerToken,
      java.util.Optional<WebConsole> console) {
    this.settings = settings;
    this.viewerToken = viewerToken;
    this.console = console;
    this.log = log;
    this.streams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(streams));
    this.status = status;
    this.healthToken = healthToken;
    this.json = json;
    this.budget = new InflightBudget(settings.maxInflightBytes());
    this.query = query;
    this.metrics = metrics;
    this.meters = meters;
    this.orchestration = new OrchestrationRoutes(orchestration, healthToken, json);
    try (InputStream in = IngestHandler.class.getResourceAsStream("openapi.yaml")) {
      this.openApi = in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("openapi.yaml is missing from the server's jar", e);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    try {
      if (console.isPresent() && console.get().handles(path)) {
        console.get().handle(request, response, callback, access(request));
        return true;
      }
      if (console.isPresent() && path.equals("/")) {
        requireMethod(request, "GET");
        UnreadBodies.closeUnlessDone(request, response);
        response.getHeaders().put(HttpHeader.LOCATION, "/ui/");
        send(response, callback, 302, "text/plain; charset=utf-8", new byte[0]);
        return true;
      }
      if (path.equals("/health")) {
        requireMethod(request, "GET");
        health(request, response, callback);
      } else if (path.equals("/metrics")) {
        requireMethod(request, "GET");
        if (metrics.isEmpty()) {
          throw new HttpError(404, "no metrics are served here");
        }
        UnreadBodies.closeUnlessDone(request, response);
        String type = metricsType(request.getHeaders().get(HttpHeader.ACCEPT));
        send(response, callback, 200, type, metrics.get().scrape(type).getBytes(UTF_8));
      } else if (path.equals("/v1/query")) {
        requireMethod(request, "POST");
        query(request, response, callback);
      } else if (path.equals("/v1/openapi.yaml")) {
        requireMethod(request, "GET");
        UnreadBodies.closeUnlessDone(request, response);
        send(response, callback, 200, "application/yaml", openApi(request));
      } else if (OrchestrationRoutes.handles(path)) {
        OrchestrationRoutes.Answer answer = orchestration.handle(request, path, access(request));
        if (answer.location() != null) {
          response.getHeaders().put(HttpHeader.LOCATION, answer.location());
        }
        UnreadBodies.closeUnlessDone(request, response);
        send(response, callback, answer.status(), "application/json", answer.body());
      } else {
        Matcher records = RECORDS.matcher(path);
        if (!records.matches()) {
          throw new HttpError(
              404, "no endpoint at " + path + "; records are pushed to /v1/streams/STREAM/records");
        }
        requireMethod(request, "POST");
        push(records.group(1), request, response, callback);
      }
    } catch (HttpError e) {
      error(request, response, callback, e, false);
    } catch (RuntimeException e) {
      LOG.error("Request {} {} failed", request.getMethod(), path, e);
      error(request, response, callback, internalError(e), false);
    } catch (Exception e) {
      LOG.error("Request {} {} failed", request.getMethod(), path, e);
      error(
          request,
          response,
          callback,
          new HttpError(500, "internal error; see the server log"),
          false);
    }
    return true;
  }

  /**
   * The route template of {@code path}, for the request metrics: a path with a part the client
   * chooses (a stream, a run id) counts under its template, one that leads nowhere under {@code
   * other}, so that no request can add a series.
   */
  static String route(String path) {
    String streams = "/v1/streams/";
    if (path.startsWith(streams)) { // the push path first, and without a regex's garbage
      int slash = path.indexOf('/', streams.length());
      String rest = slash > streams.length() ? path.substring(slash) : "";
      return rest.equals("/records") || rest.equals("/records/")
          ? "/v1/streams/{stream}/records"
          : "other";
    }
    if (path.equals("/")
        || path.equals("/health")
        || path.equals("/metrics")
        || path.equals("/v1/query")
        || path.equals("/v1/openapi.yaml")) {
      return path;
    }
    if (path.equals("/ui") || path.startsWith("/ui/")) {
      return "/ui/**"; // the web console's pages, scripts and assets, together
    }
    return OrchestrationRoutes.handles(path) ? OrchestrationRoutes.route(path) : "other";
  }

  /**
   * The exposition format of a scrape: OpenMetrics when the client asks for it (Prometheus does),
   * else the Prometheus text format 0.0.4.
   */
  static String metricsType(String accept) {
    return accept != null && accept.contains("application/openmetrics-text")
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8";
  }

  /**
   * What the caller may do: from its bearer token, or else from the console's session cookie. A
   * request that would change something on the strength of the cookie alone must also carry {@link
   * WebConsole#CSRF_HEADER}, which another site's page cannot send.
   */
  Access access(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header != null) {
      return tokenAccess(
          header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "");
    }
    List<org.eclipse.jetty.http.HttpCookie> cookies = Request.getCookies(request);
    for (org.eclipse.jetty.http.HttpCookie cookie : cookies) {
      if (cookie.getName().equals(WebConsole.SESSION_COOKIE)) {
        Access access = tokenAccess(cookie.getValue());
        boolean reads = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        if (!reads && request.getHeaders().get(WebConsole.CSRF_HEADER) == null) {
          return Access.NONE;
        }
        return access;
      }
    }
    return Access.NONE;
  }

  private Access tokenAccess(String token) {
    byte[] given = token.getBytes(UTF_8);
    for (java.util.Optional<String> operator :
        List.of(healthToken, query.map(QueryEndpoint::token))) {
      if (operator.isPresent() && MessageDigest.isEqual(given, operator.get().getBytes(UTF_8))) {
        return Access.OPERATOR;
      }
    }
    if (viewerToken.isPresent()
        && MessageDigest.isEqual(given, viewerToken.get().getBytes(UTF_8))) {
      return Access.VIEWER;
    }
    return Access.NONE;
  }

  private static HttpError internalError(RuntimeException e) {
    return new HttpError(500, "internal error: " + e.getClass().getSimpleName());
  }

  /**
   * The OpenAPI description with its server URL set to the address and port the request reached
   * (the real listen port, also when it was chosen at start).
   */
  private byte[] openApi(Request request) {
    String host = Request.getLocalAddr(request);
    String base =
        "http://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + Request.getLocalPort(request);
    String yaml = new String(openApi, UTF_8);
    return yaml.replace(OPENAPI_SERVER, base).getBytes(UTF_8);
  }

  private static void requireMethod(Request request, String method) throws HttpError {
    if (!request.getMethod().equals(method)) {
      throw new HttpError(405, "use " + method + ", not " + request.getMethod());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pushes

  private void push(String name, Request request, Response response, Callback callback)
      throws HttpError {
    StreamEndpoint stream = streams.get(name);
    if (stream == null) {
      throw new HttpError(404, "no stream named '" + name + "'");
    }
    authenticate(stream, request);
    RecordBatch.Format format = format(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    boolean gzip = gzip(request.getHeaders().get(HttpHeader.CONTENT_ENCODING));
    long declared = request.getLength();
    if (declared > settings.maxBodyBytes()) {
      throw new HttpError(
          413,
          "the body is "
              + declared
              + " bytes, more than the limit of "
              + settings.maxBodyBytes()
              + " (serve.max-body-bytes)");
    }
    checkBacklog(name);
    Body raw = new Body(declared);
    new BodyRead(
            request,
            response,
            callback,
            raw,
            () -> {
              Body body = raw;
              try {
                if (gzip) {
                  body = new Body(inflatedSize(raw.bytes, raw.length));
                  body.read(gunzip(new java.io.ByteArrayInputStream(raw.bytes, 0, raw.length)));
                }
                RecordBatch batch =
                    RecordBatch.parse(
                        json,
                        body.bytes,
                        body.length,
                        format,
                        settings.maxRecordBytes(),
                        settings.maxRecordsPerRequest(),
                        stream.partitionKey().orElse(null));
                meters.pushed(name, batch.accepted() + batch.rejected().size());
                append(name, batch);
                meters.accepted(name, batch.accepted());
                int status = batch.accepted() == 0 ? 400 : 200;
                send(response, callback, status, "application/json", result(batch));
              } finally {
                if (body != raw) {
                  body.release();
                }
              }
            })
        .start();
  }

  /** What is done with a request body once it has arrived whole. */
  private interface BodyAction {
    void run() throws HttpError;
  }

  /**
   * Reads a request body without holding a thread while its bytes are on the way, within {@code
   * serve.body-timeout}: a body that has not arrived whole by then is answered 408 and its
   * connection closed, so slow clients cannot starve others of threads.
   */
  private final class BodyRead implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Body body;
    private final BodyAction then;
    private boolean finished; // guarded by this
    private org.eclipse.jetty.util.thread.Scheduler.Task deadline;

    BodyRead(Request request, Response response, Callback callback, Body body, BodyAction then) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.body = body;
      this.then = then;
    }

    void start() {
      deadline =
          request
              .getComponents()
              .getScheduler()
              .schedule(
                  this::expire,
                  settings.bodyTimeout().toMillis(),
                  java.util.concurrent.TimeUnit.MILLISECONDS);
      run();
    }

    @Override
    public void run() {
      HttpError refused = null;
      synchronized (this) {
        while (!finished) {
          Content.Chunk chunk = request.read();
          if (chunk == null) {
            request.demand(this);
            return;
          }
          if (Content.Chunk.isFailure(chunk)) {
            Throwable failure = chunk.getFailure();
            refused =
                failure instanceof java.util.concurrent.TimeoutException
                    ? timedOut()
                    : new HttpError(400, "the body could not be read: " + failure.getMessage());
            break;
          }
          try {
            body.append(chunk.getByteBuffer());
          } catch (HttpError e) {
            refused = e;
            break;
          } finally {
            chunk.release();
          }
          if (chunk.isLast()) {
            break;
          }
        }
        if (finished) {
          return; // the deadline answered
        }
        finished = true;
      }
      deadline.cancel();
      if (refused != null) {
        body.release();
        error(request, response, callback, refused, false);
        return;
      }
      try {
        then.run();
      } catch (HttpError e) {
        error(request, response, callback, e, true);
      } catch (RuntimeException e) {
        LOG.error("Request {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
        error(request, response, callback, internalError(e), true);
      } finally {
        body.release();
      }
    }

    private void expire() {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      body.release();
      error(request, response, callback, timedOut(), false);
    }

    private HttpError timedOut() {
      return new HttpError(
          408,
          "the body did not arrive within "
              + settings.bodyTimeout().toMillis()
              + " ms (serve.body-timeout); send it faster or in smaller requests");
    }
  }

  /**
   * The size a gzip body says it inflates to (the last member's trailer), so that the buffer is
   * sized once instead of doubled and copied; -1 when it is missing or beyond deflate's largest
   * ratio (1032:1), so that a small body cannot make the server reserve much for a false claim. A
   * wrong claim only costs the buffer growing as it would without one.
   */
  private static long inflatedSize(byte[] gzip, int length) {
    if (length < 18) {
      return -1;
    }
    long size =
        (gzip[length - 4] & 0xFFL)
            | (gzip[length - 3] & 0xFFL) << 8
            | (gzip[length - 2] & 0xFFL) << 16
            | (gzip[length - 1] & 0xFFL) << 24;
    return size <= 1032L * length ? size : -1;
  }

  private static InputStream gunzip(InputStream in) throws HttpError {
    try {
      return new GZIPInputStream(in, 16 * 1024);
    } catch (ZipException | java.io.EOFException e) {
      throw new HttpError(400, "the body is not valid gzip: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void authenticate(StreamEndpoint stream, Request request) throws HttpError {
    if (stream.token().isEmpty()) {
      return;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null) {
      throw new HttpError(401, "stream '" + stream.name() + "' needs a bearer token");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new HttpError(401, "the Authorization header must be 'Bearer <token>'");
    }
    if (!carries(header, stream.token().get())) {
      throw new HttpError(401, "the bearer token is not valid for stream '" + stream.name() + "'");
    }
  }

  /** Whether a {@code Bearer} Authorization header carries {@code token} (constant time). */
  private static boolean carries(String header, String token) {
    return header.regionMatches(true, 0, "Bearer ", 0, 7)
        && MessageDigest.isEqual(header.substring(7).trim().getBytes(UTF_8), token.getBytes(UTF_8));
  }

  private static RecordBatch.Format format(String contentType) throws HttpError {
    if (contentType == null) {
      throw new HttpError(
          415, "missing Content-Type: send application/json or application/x-ndjson");
    }
    String[] parts = contentType.split(";");
    String media = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
      if (parameter.startsWith("charset=")
          && !parameter.substring(8).replace("\"", "").equals("utf-8")) {
        throw new HttpError(415, "records must be UTF-8, not " + parameter.substring(8));
      }
    }
    switch (media) {
      case "application/json":
        return RecordBatch.Format.JSON;
      case "application/x-ndjson":
      case "application/ndjson":
      case "application/jsonl":
      case "application/x-jsonlines":
        return RecordBatch.Format.NDJSON;
      default:
        throw new HttpError(
            415,
            "unsupported Content-Type '"
                + media
                + "': send application/json (an array of objects) or application/x-ndjson");
    }
  }

  private static boolean gzip(String encoding) throws HttpError {
    if (encoding == null || encoding.equalsIgnoreCase("identity")) {
      return false;
    }
    if (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip")) {
      return true;
    }
    throw new HttpError(415, "unsupported Content-Encoding '" + encoding + "': use gzip or none");
  }

  private void checkBacklog(String stream) throws HttpError {
    long backlog = backlog(stream);
    if (backlog >= settings.maxBacklogRecords()) {
      throw new HttpError(
          429,
          "stream '"
              + stream
              + "' has "
              + backlog
              + " records waiting to be landed (serve.max-backlog-records is "
              + settings.maxBacklogRecords()
              + "); retry later",
          RETRY_AFTER_SECONDS);
    }
  }

  private long backlog(String stream) {
    long backlog = 0;
    for (int p = 0, n = log.partitions(stream); p < n; p++) {
      backlog += log.endOffset(stream, p) - log.releasedOffset(stream, p);
    }
    return backlog;
  }

  /** A request body read into memory against the in-flight budget. */
  private final class Body {
    byte[] bytes;
    int length;
    private long reserved;

    Body(long declared) throws HttpError {
      int first =
          (int) Math.min(declared >= 0 ? declared + 1 : FIRST_BUFFER, settings.maxBodyBytes() + 1L);
      reserve(first);
      bytes = new byte[Math.max(first, 1)];
    }

    void read(InputStream in) throws HttpError {
      try (in) {
        while (true) {
          if (length == bytes.length) {
            grow();
          }
          int n = in.read(bytes, length, bytes.length - length);
          if (n < 0) {
            return;
          }
          length += n;
        }
      } catch (ZipException | java.io.EOFException e) {
        throw new HttpError(400, "the body is not valid gzip: " + e.getMessage());
      } catch (IOException e) {
        throw new HttpError(400, "the body could not be read: " + e.getMessage());
      }
    }

    /** Appends bytes that arrived, growing the buffer within the limits. */
    void append(ByteBuffer chunk) throws HttpError {
      while (chunk.hasRemaining()) {
        if (length == bytes.length) {
          grow();
        }
        int n = Math.min(chunk.remaining(), bytes.length - length);
        chunk.get(bytes, length, n);
        length += n;
      }
    }

    private void grow() throws HttpError {
      if (length > settings.maxBodyBytes()) {
        throw new HttpError(
            413,
            "the body is more than "
                + settings.maxBodyBytes()
                + " bytes"
                + " (serve.max-body-bytes; after gzip decompression)");
      }
      int grown = (int) Math.min((long) bytes.length * 2, settings.maxBodyBytes() + 1L);
      reserve(grown - bytes.length);
      bytes = java.util.Arrays.copyOf(bytes, grown);
    }

    /**
     * Reserves twice the buffer: a margin for what else a request holds while it is parsed and
     * appended (the records themselves go to the log as slices of the buffer).
     */
    private synchronized void reserve(long bufferBytes) throws HttpError {
      if (!budget.tryReserve(2 * bufferBytes)) {
        throw new HttpError(
            503,
            "the server is receiving too much at once (serve.max-inflight-mb); retry shortly",
            RETRY_AFTER_SECONDS);
      }
      reserved += 2 * bufferBytes;
    }

    synchronized void release() {
      budget.release(reserved);
      reserved = 0;
    }
  }

  /**
   * Appends the accepted records, one append per partition, and waits until all are durable. The
   * records go to the log as slices of the request body, without a copy each.
   */
  private void append(String stream, RecordBatch batch) throws HttpError {
    int count = batch.accepted();
    if (count == 0) {
      return;
    }
    int partitions = log.partitions(stream);
    int turn =
        Math.floorMod(
            turns.computeIfAbsent(stream, s -> new AtomicInteger()).getAndIncrement(), partitions);
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    if (!keyed(batch)) {
      acks.add(log.append(stream, turn, batch.body(), batch.bounds(), count));
    } else {
      int[][] byPartition = new int[partitions][];
      int[] counts = new int[partitions];
      int[] bounds = batch.bounds();
      for (int i = 0; i < count; i++) {
        String key = batch.key(i);
        int p = key == null ? turn : Math.floorMod(spread(key), partitions);
        if (byPartition[p] == null) {
          byPartition[p] = new int[2 * count];
        }
        byPartition[p][2 * counts[p]] = bounds[2 * i];
        byPartition[p][2 * counts[p] + 1] = bounds[2 * i + 1];
        counts[p]++;
      }
      for (int p = 0; p < partitions; p++) {
        if (counts[p] > 0) {
          acks.add(log.append(stream, p, batch.body(), byPartition[p], counts[p]));
        }
      }
    }
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      LOG.error("Cannot make records of stream {} durable", stream, e.getCause());
      throw new HttpError(
          503,
          "the records could not be made durable ("
              + e.getCause().getMessage()
              + "); none is acknowledged, some may be stored: retry",
          RETRY_AFTER_SECONDS);
    }
  }

  /** Whether any accepted record has a partition key (else all go to this request's turn). */
  private static boolean keyed(RecordBatch batch) {
    for (int i = 0; i < batch.accepted(); i++) {
      if (batch.key(i) != null) {
        return true;
      }
    }
    return false;
  }

  /** Mixes a key's hash so that similar keys spread over partitions. */
  private static int spread(String key) {
    int h = key.hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private byte[] result(RecordBatch batch) {
    return render(
        generator -> {
          generator.writeStartObject();
          generator.writeNumberField("accepted", batch.accepted());
          generator.writeNumberField("failed", batch.rejected().size());
          generator.writeArrayFieldStart("errors");
          for (RecordBatch.Rejected rejected : batch.rejected()) {
            generator.writeStartObject();
            generator.writeNumberField("index", rejected.index());
            if (rejected.line() > 0) {
              generator.writeNumberField("line", rejected.line());
            }
            generator.writeStringField("reason", rejected.reason());
            generator.writeEndObject();
          }
          generator.writeEndArray();
          generator.writeEndObject();
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  private static final int DEFAULT_QUERY_ROWS = 10_000;
  private static final int MAX_QUERY_ROWS = 1_000_000;

  private void query(Request request, Response response, Callback callback) throws HttpError {
    if (query.isEmpty()) {
      throw new HttpError(
          404,
          "the query endpoint is off: set serve.query-token-env or serve.query-token-file in"
              + " sluice.yaml");
    }
    if (!access(request).allows(Access.VIEWER)) {
      throw new HttpError(401, "queries need the query (or viewer) bearer token");
    }
    int maxRows = DEFAULT_QUERY_ROWS;
    String limit = Request.extractQueryParameters(request).getValue("max-rows");
    if (limit != null) {
      try {
        maxRows = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        maxRows = -1;
      }
      if (maxRows < 1 || maxRows > MAX_QUERY_ROWS) {
        throw new HttpError(400, "max-rows must be between 1 and " + MAX_QUERY_ROWS);
      }
    }
    Body body = new Body(request.getLength());
    String sql;
    try {
      body.read(Content.Source.asInputStream(request));
      int bad = Utf8.firstInvalid(body.bytes, 0, body.length);
      if (bad >= 0) {
        throw new HttpError(400, "the query is not valid UTF-8 (at byte " + (bad + 1) + ")");
      }
      sql = new String(body.bytes, 0, body.length, UTF_8).trim();
    } finally {
      body.release();
    }
    if (sql.isEmpty()) {
      throw new HttpError(400, "the body must hold a SQL query");
    }
    int rowLimit = maxRows;
    byte[] answer;
    try (io.sluice.api.engine.WarehouseReader reader = query.get().readers().open();
        io.sluice.api.engine.QueryCursor cursor = reader.query(sql)) {
      // The reader's byte limit bounds what is rendered here; its timeout covers reading rows.
      answer =
          render(
              generator -> {
                generator.writeStartObject();
                generator.writeArrayFieldStart("columns");
                for (String column : cursor.columns()) {
                  generator.writeString(column);
                }
                generator.writeEndArray();
                generator.writeArrayFieldStart("types");
                for (String type : cursor.types()) {
                  generator.writeString(type);
                }
                generator.writeEndArray();
                generator.writeArrayFieldStart("rows");
                int rows = 0;
                boolean truncated = false;
                while (cursor.next()) {
                  if (rows == rowLimit) {
                    truncated = true;
                    break;
                  }
                  generator.writeStartArray();
                  for (Object value : cursor.row()) {
                    writeCell(generator, value);
                  }
                  generator.writeEndArray();
                  rows++;
                }
                generator.writeEndArray();
                generator.writeBooleanField("truncated", truncated);
                if (reader.snapshotTime().isPresent()) {
                  generator.writeStringField(
                      "snapshot",
                      reader
                          .snapshotTime()
                          .get()
                          .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                          .toString());
                }
                generator.writeEndObject();
              });
    } catch (io.sluice.api.engine.QueryLimitException e) {
      throw new HttpError(
          e.limit() == io.sluice.api.engine.QueryLimitException.Limit.TIMEOUT ? 408 : 413,
          e.limit() == io.sluice.api.engine.QueryLimitException.Limit.TIMEOUT
              ? e.getMessage() + " (serve.query-timeout in sluice.yaml)"
              : e.getMessage()
                  + " (serve.query-max-mb in sluice.yaml); add LIMIT or select fewer columns");
    } catch (io.sluice.api.SluiceException e) {
      if (e.category() == io.sluice.api.ErrorCategory.USER) {
        throw new HttpError(400, e.getMessage());
      }
      LOG.warn("A query could not be answered", e);
      throw new HttpError(503, "the warehouse cannot be read now; retry shortly", 1);
    }
    send(response, callback, 200, "application/json", answer);
  }

  private static void writeCell(JsonGenerator generator, Object value) throws IOException {
    if (value == null) {
      generator.writeNull();
    } else if (value instanceof java.math.BigDecimal decimal) {
      generator.writeNumber(decimal);
    } else if (value instanceof java.math.BigInteger integer) {
      generator.writeNumber(integer);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      generator.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      generator.writeNumber(((Number) value).doubleValue());
    } else if (value instanceof Boolean bool) {
      generator.writeBoolean(bool);
    } else {
      generator.writeString(value.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Health, errors, rendering

  /**
   * Up or down and counts for anyone; error details only for a caller carrying the health token
   * (the query token): they may name files and models of the project.
   */
  private void health(Request request, Response response, Callback callback) throws HttpError {
    boolean details = false;
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header != null) {
      if (healthToken.isEmpty() || !carries(header, healthToken.get())) {
        throw new HttpError(
            401,
            healthToken.isEmpty()
                ? "health details are off: they need the query token (serve.query-token-env or"
                    + " serve.query-token-file)"
                : "health details need the query bearer token");
      }
      details = true;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "ok");
    Map<String, Object> backlogs = new LinkedHashMap<>();
    for (String stream : streams.keySet()) {
      backlogs.put(stream, Map.of("backlog", backlog(stream)));
    }
    body.put("streams", backlogs);
    body.putAll(status.status(details));
    // Starting, the server already accepts pushes: up, though nothing lands yet.
    Object state = body.get("status");
    int code = "ok".equals(state) || "starting".equals(state) ? 200 : 503;
    UnreadBodies.closeUnlessDone(request, response);
    send(response, callback, code, "application/json", render(g -> JsonValues.write(g, body)));
  }

  /**
   * Answers a refusal as {@code {"error": reason}}. Unless {@code bodyRead}, the request's body is
   * not read: the answer goes out at once (a refused push costs no more than its headers) and the
   * connection is closed when the body has not arrived whole.
   */
  private void error(
      Request request, Response response, Callback callback, HttpError error, boolean bodyRead) {
    if (error.status() == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
    }
    if (error.status() == 405) {
      String path = Request.getPathInContext(request);
      response
          .getHeaders()
          .put(
              HttpHeader.ALLOW,
              OrchestrationRoutes.handles(path)
                  ? OrchestrationRoutes.allow(path)
                  : path.startsWith("/v1/streams/") || path.equals("/v1/query") ? "POST" : "GET");
    }
    if (!bodyRead) {
      UnreadBodies.closeUnlessDone(request, response);
    }
    if (error.retryAfterSeconds() > 0) {
      response
          .getHeaders()
          .put(HttpHeader.RETRY_AFTER, Integer.toString(error.retryAfterSeconds()));
    }
    send(
        response,
        callback,
        error.status(),
        "application/json",
        errorJson(json, error.getMessage()));
  }

  /** The documented error body, {@code {"error": reason}}. */
  static byte[] errorJson(JsonFactory json, String reason) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator generator = json.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField("error", reason);
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void send(
      Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private interface Writer {
    void write(JsonGenerator generator) throws IOException;
  }

  private byte[] render(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = json.createGenerator(out)) {
      writer.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
