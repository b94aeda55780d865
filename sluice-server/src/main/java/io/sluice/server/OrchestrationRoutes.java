package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * Routes the orchestration API ({@link OrchestrationEndpoint}): checks the bearer token, the
 * method, the query parameters and the JSON body, calls the endpoint and renders its answer.
 */
final class OrchestrationRoutes {
  /** The largest request body the API reads (its bodies are a few selectors). */
  static final int MAX_BODY_BYTES = 64 * 1024;

  static final int DEFAULT_RUNS = 20;
  static final int MAX_RUNS = 1000;

  private static final Pattern RUN = Pattern.compile("/v1/runs/([^/]+)");
  private static final Pattern RUN_RETRY = Pattern.compile("/v1/runs/([^/]+)/retry");
  private static final Pattern SCHEDULE = Pattern.compile("/v1/schedules/([^/]+)/(pause|resume)");
  private static final Pattern BACKFILL = Pattern.compile("/v1/backfills/([^/]+)");
  private static final Pattern BACKFILL_CANCEL = Pattern.compile("/v1/backfills/([^/]+)/cancel");

  private final Optional<OrchestrationEndpoint> endpoint;
  private final Optional<String> token;
  private final JsonFactory json;

  /** An answer: its status, body, and the address of what a POST created (or null). */
  record Answer(int status, byte[] body, String location) {}

  /**
   * @param endpoint the API, when this server serves it
   * @param token the bearer token requests must carry; empty: the API refuses every request
   */
  OrchestrationRoutes(
      Optional<OrchestrationEndpoint> endpoint, Optional<String> token, JsonFactory json) {
    this.endpoint = endpoint;
    this.token = token;
    this.json = json;
  }

  /** Whether {@code path} belongs to the orchestration API. */
  static boolean handles(String path) {
    for (String root : List.of("/v1/pipelines", "/v1/runs", "/v1/schedules", "/v1/backfills")) {
      if (path.equals(root) || path.startsWith(root + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The route template of a path of the API, for the request metrics: ids and names in the path
   * become placeholders; a path that matches no route is {@code other}.
   */
  static String route(String path) {
    if (path.equals("/v1/pipelines")
        || path.equals("/v1/runs")
        || path.equals("/v1/schedules")
        || path.equals("/v1/backfills")) {
      return path;
    }
    if (RUN.matcher(path).matches()) {
      return "/v1/runs/{id}";
    }
    if (RUN_RETRY.matcher(path).matches()) {
      return "/v1/runs/{id}/retry";
    }
    Matcher schedule = SCHEDULE.matcher(path);
    if (schedule.matches()) {
      return "/v1/schedules/{schedule}/" + schedule.group(2);
    }
    if (BACKFILL_CANCEL.matcher(path).matches()) {
      return "/v1/backfills/{id}/cancel";
    }
    return BACKFILL.matcher(path).matches() ? "/v1/backfills/{id}" : "other";
  }

  /** The methods {@code path} takes, for a 405's Allow header. */
  static String allow(String path) {
    if (path.equals("/v1/runs")) {
      return "GET, POST";
    }
    if (path.equals("/v1/backfills")
        || RUN_RETRY.matcher(path).matches()
        || SCHEDULE.matcher(path).matches()
        || BACKFILL_CANCEL.matcher(path).matches()) {
      return "POST";
    }
    return "GET";
  }

  Answer handle(Request request, String path, Access access) throws HttpError {
    OrchestrationEndpoint api = authenticate(request, access);
    String method = request.getMethod();
    Matcher run = RUN.matcher(path);
    Matcher runRetry = RUN_RETRY.matcher(path);
    Matcher schedule = SCHEDULE.matcher(path);
    Matcher backfillCancel = BACKFILL_CANCEL.matcher(path);
    Matcher backfill = BACKFILL.matcher(path);
    try {
      if (path.equals("/v1/pipelines")) {
        require(request, "GET", path);
        parameters(request, Set.of());
        return ok(api.pipelines());
      } else if (path.equals("/v1/runs") && method.equals("POST")) {
        parameters(request, Set.of());
        Map<String, Object> body = object(request, true);
        fields(body, Set.of("select", "exclude", "full-refresh"));
        Map<String, Object> queued =
            api.trigger(
                new OrchestrationEndpoint.RunTrigger(
                    strings(body, "select"), strings(body, "exclude"), bool(body, "full-refresh")));
        return new Answer(202, render(queued), "/v1/runs/" + queued.get("id"));
      } else if (path.equals("/v1/runs")) {
        require(request, "GET", path);
        Fields query = parameters(request, Set.of("limit", "status", "trigger"));
        int limit = integer(query, "limit", DEFAULT_RUNS, 1, MAX_RUNS);
        return ok(
            api.runs(
                new OrchestrationEndpoint.RunQuery(
                    limit,
                    Optional.ofNullable(query.getValue("status")),
                    Optional.ofNullable(query.getValue("trigger")).orElse(""))));
      } else if (run.matches()) {
        require(request, "GET", path);
        parameters(request, Set.of());
        return ok(api.run(decode(run.group(1))));
      } else if (runRetry.matches()) {
        require(request, "POST", path);
        parameters(request, Set.of());
        Map<String, Object> queued = api.retry(decode(runRetry.group(1)));
        return new Answer(202, render(queued), "/v1/runs/" + queued.get("id"));
      } else if (path.equals("/v1/schedules")) {
        require(request, "GET", path);
        parameters(request, Set.of());
        return ok(api.schedules());
      } else if (schedule.matches()) {
        require(request, "POST", path);
        parameters(request, Set.of());
        return ok(api.pauseSchedule(decode(schedule.group(1)), schedule.group(2).equals("pause")));
      } else if (path.equals("/v1/backfills")) {
        require(request, "POST", path);
        parameters(request, Set.of());
        Map<String, Object> body = object(request, false);
        fields(body, Set.of("from", "to", "select", "exclude", "mode", "parallel", "dry-run"));
        String mode = text(body, "mode").orElse("missing");
        if (!Set.of("missing", "failed", "all").contains(mode)) {
          throw new HttpError(400, "'mode' must be missing, failed or all, not '" + mode + "'");
        }
        OrchestrationEndpoint.BackfillStart start =
            new OrchestrationEndpoint.BackfillStart(
                day(body, "from"),
                day(body, "to"),
                strings(body, "select"),
                strings(body, "exclude"),
                mode,
                (int) number(body, "parallel", 1, 1, 64),
                bool(body, "dry-run"));
        if (start.to().isBefore(start.from())) {
          throw new HttpError(
              400, "'to' (" + start.to() + ") is before 'from' (" + start.from() + ")");
        }
        Map<String, Object> started = api.startBackfill(start);
        return new Answer(202, render(started), "/v1/backfills/" + started.get("id"));
      } else if (backfillCancel.matches()) {
        require(request, "POST", path);
        parameters(request, Set.of());
        return ok(api.cancelBackfill(decode(backfillCancel.group(1))));
      } else if (backfill.matches()) {
        require(request, "GET", path);
        parameters(request, Set.of());
        return ok(api.backfill(decode(backfill.group(1))));
      }
    } catch (OrchestrationEndpoint.Refusal e) {
      throw new HttpError(e.status(), e.getMessage());
    } catch (SluiceException e) {
      if (e.category() == ErrorCategory.USER) {
        throw new HttpError(400, e.getMessage());
      }
      throw e;
    }
    throw new HttpError(
        404,
        "no endpoint at "
            + path
            + "; the orchestration API has /v1/pipelines, /v1/runs, /v1/runs/ID,"
            + " /v1/runs/ID/retry, /v1/schedules, /v1/schedules/NAME/pause|resume, /v1/backfills, /v1/backfills/ID"
            + " and /v1/backfills/ID/cancel");
  }

  /**
   * The endpoint, when the caller may do what it asks: reads need the viewer token at least,
   * anything else the operator token.
   */
  private OrchestrationEndpoint authenticate(Request request, Access access) throws HttpError {
    if (endpoint.isEmpty()) {
      throw new HttpError(404, "the orchestration API is not served here");
    }
    if (token.isEmpty()) {
      throw new HttpError(
          403,
          "the orchestration API is off: it needs a bearer token; set serve.query-token-env or"
              + " serve.query-token-file in sluice.yaml");
    }
    Access needed = request.getMethod().equals("GET") ? Access.VIEWER : Access.OPERATOR;
    if (access.allows(needed)) {
      return endpoint.get();
    }
    if (access == Access.VIEWER) {
      throw new HttpError(
          403,
          "the viewer token may only read; "
              + request.getMethod()
              + " "
              + Request.getPathInContext(request)
              + " needs the operator token (the serve query token)");
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null) {
      throw new HttpError(
          401, "the orchestration API needs the bearer token (the serve query token)");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new HttpError(401, "the Authorization header must be 'Bearer <token>'");
    }
    throw new HttpError(401, "the bearer token is not valid for the orchestration API");
  }

  private static void require(Request request, String method, String path) throws HttpError {
    if (!request.getMethod().equals(method)) {
      throw new HttpError(405, "use " + allow(path) + ", not " + request.getMethod());
    }
  }

  /** The query parameters, refusing any not in {@code known}. */
  private static Fields parameters(Request request, Set<String> known) throws HttpError {
    Fields fields = Request.extractQueryParameters(request);
    for (String name : fields.getNames()) {
      if (!known.contains(name)) {
        throw new HttpError(
            400,
            "unknown query parameter '"
                + name
                + "'"
                + (known.isEmpty()
                    ? "; this endpoint takes none"
                    : "; this endpoint takes "
                        + String.join(", ", new java.util.TreeSet<>(known))));
      }
    }
    return fields;
  }

  private static int integer(Fields query, String name, int otherwise, int min, int max)
      throws HttpError {
    String text = query.getValue(name);
    if (text == null) {
      return otherwise;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new HttpError(
        400, name + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, UTF_8);
  }

  /** The body as a JSON object; an empty body is an empty object when {@code emptyIsNone}. */
  private Map<String, Object> object(Request request, boolean emptyIsNone) throws HttpError {
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new HttpError(400, "the body could not be read: " + e.getMessage());
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new HttpError(413, "the body is more than " + MAX_BODY_BYTES + " bytes");
    }
    if (emptyIsNone && new String(bytes, UTF_8).isBlank()) {
      return Map.of();
    }
    Object value = JsonValues.read(json, bytes, bytes.length);
    if (!(value instanceof Map<?, ?> map)) {
      throw new HttpError(400, "the body must be a JSON object, not " + kind(value));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) map;
    return object;
  }

  private static void fields(Map<String, Object> body, Set<String> known) throws HttpError {
    for (String name : body.keySet()) {
      if (!known.contains(name)) {
        throw new HttpError(
            400,
            "unknown field '"
                + name
                + "'; the body takes "
                + String.join(", ", new java.util.TreeSet<>(known)));
      }
    }
  }

  private static List<String> strings(Map<String, Object> body, String name) throws HttpError {
    Object value = body.get(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String single) {
      return List.of(single);
    }
    if (value instanceof List<?> list) {
      List<String> strings = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof String text)) {
          throw new HttpError(
              400, "'" + name + "' must be an array of strings; it holds " + kind(item));
        }
        strings.add(text);
      }
      return strings;
    }
    throw new HttpError(400, "'" + name + "' must be an array of strings, not " + kind(value));
  }

  private static boolean bool(Map<String, Object> body, String name) throws HttpError {
    Object value = body.get(name);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean bool) {
      return bool;
    }
    throw new HttpError(400, "'" + name + "' must be true or false, not " + kind(value));
  }

  private static Optional<String> text(Map<String, Object> body, String name) throws HttpError {
    Object value = body.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    throw new HttpError(400, "'" + name + "' must be a string, not " + kind(value));
  }

  private static long number(
      Map<String, Object> body, String name, long otherwise, long min, long max) throws HttpError {
    Object value = body.get(name);
    if (value == null) {
      return otherwise;
    }
    if ((value instanceof Integer || value instanceof Long)
        && ((Number) value).longValue() >= min
        && ((Number) value).longValue() <= max) {
      return ((Number) value).longValue();
    }
    throw new HttpError(
        400,
        "'"
            + name
            + "' must be a whole number from "
            + min
            + " to "
            + max
            + ", not "
            + kind(value));
  }

  private static LocalDate day(Map<String, Object> body, String name) throws HttpError {
    String text =
        text(body, name)
            .orElseThrow(
                () -> new HttpError(400, "'" + name + "' is required: a day such as 2026-11-01"));
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new HttpError(
          400, "'" + name + "' must be a day such as 2026-11-01, not '" + text + "'");
    }
  }

  /** How a JSON value is named in messages: {@code a number (3)}, {@code a string ('x')}. */
  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      return "a string ('" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "')";
    }
    if (value instanceof Number number) {
      return "a number (" + number + ")";
    }
    if (value instanceof Boolean bool) {
      return bool.toString();
    }
    if (value instanceof List<?>) {
      return "an array";
    }
    return "an object";
  }

  private Answer ok(Object value) {
    return new Answer(200, render(value), null);
  }

  private byte[] render(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator generator = json.createGenerator(out)) {
      JsonValues.write(generator, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
