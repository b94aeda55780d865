package io.sluice.ui;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.config.DidYouMean;
import io.sluice.server.Access;
import io.sluice.server.UnreadBodies;
import io.sluice.server.WebConsole;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: pages under {@code /ui/} rendered on the server from the project's runtime, its
 * JSON endpoints under {@code /ui/api/}, its static assets (own scripts and styles, and the chart
 * library from its webjar) under {@code /ui/static/}, and the login that keeps a token in an
 * HTTP-only cookie. Nothing is loaded from elsewhere: the pages' Content-Security-Policy allows
 * only this server.
 */
public final class Console implements WebConsole {
  private static final Logger LOG = LoggerFactory.getLogger(Console.class);
  private static final int MAX_BODY_BYTES = 1 << 20;
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final Map<String, String> ASSETS =
      Map.of(
          "uplot.js", UPLOT + "uPlot.iife.min.js",
          "uplot.css", UPLOT + "uPlot.min.css");
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action"
          + " 'self'";

  private final ConsoleContext context;
  private final List<Page> pages;
  private final List<Endpoint> endpoints;
  private final ObjectMapper json =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /**
   * @param pages the pages, in the order the navigation lists them
   * @param endpoints the JSON endpoints the pages' scripts call
   */
  public Console(ConsoleContext context, List<Page> pages, List<Endpoint> endpoints) {
    this.context = requireNonNull(context, "context is null");
    this.pages = List.copyOf(pages);
    this.endpoints = List.copyOf(endpoints);
  }

  /** The console with every page and endpoint Sluice has. */
  public static Console standard(ConsoleContext context) {
    return new Console(context, Pages.all(), Pages.endpoints());
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/ui") || path.startsWith("/ui/");
  }

  @Override
  public void handle(Request request, Response response, Callback callback, Access access)
      throws Exception {
    String path = Request.getPathInContext(request);
    try {
      if (path.equals("/ui")) {
        redirect(response, callback, "/ui/");
      } else if (path.startsWith("/ui/static/")) {
        asset(request, response, callback, path.substring("/ui/static/".length()));
      } else if (path.equals("/ui/login")) {
        login(request, response, callback);
      } else if (path.equals("/ui/logout")) {
        response
            .getHeaders()
            .add(
                HttpHeader.SET_COOKIE,
                SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        redirect(response, callback, "/ui/login");
      } else if (path.startsWith("/ui/api/")) {
        endpoint(request, response, callback, access, path);
      } else {
        page(request, response, callback, access, path);
      }
    } catch (PageException e) {
      // A refusal may come before the body was read (a POST to a page, a 401 on an endpoint).
      UnreadBodies.closeUnlessDone(request, response);
      if (path.startsWith("/ui/api/")) {
        sendJson(response, callback, e.status(), Map.of("error", e.getMessage()));
      } else {
        sendPage(response, callback, e.status(), layout("Error", access, path, errorBody(e)));
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Pages

  private void page(
      Request request, Response response, Callback callback, Access access, String path)
      throws Exception {
    if (!request.getMethod().equals("GET")) {
      throw new PageException(405, "pages take GET only, not " + request.getMethod());
    }
    Match<Page> match = match(pages, path, Page::path);
    if (match == null) {
      throw PageException.notFound("There is no page at " + path + ".");
    }
    if (!access.allows(match.item().needs())) {
      if (access == Access.NONE) {
        redirect(response, callback, "/ui/login?next=" + java.net.URLEncoder.encode(path, UTF_8));
        return;
      }
      throw new PageException(403, "This page needs the operator token.");
    }
    Html body = new Html();
    match
        .item()
        .render(
            request(request, access, match.tail(), new byte[0], match.item().parameters()), body);
    sendPage(response, callback, 200, layout(match.item().title(), access, path, body.toString()));
  }

  private String layout(String title, Access access, String path, String content) {
    Html html = new Html();
    html.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .element("title", title + " · " + context.project().name() + " · Sluice")
        .raw("<link rel=\"stylesheet\" href=\"/ui/static/console.css\">")
        .raw("<link rel=\"stylesheet\" href=\"/ui/static/uplot.css\">")
        .raw("<script src=\"/ui/static/uplot.js\" defer></script>")
        .raw("<script src=\"/ui/static/console.js\" defer></script>")
        .raw("</head><body ")
        .raw(Html.attribute("data-access", access.name().toLowerCase(java.util.Locale.ROOT)))
        .raw("><header><a class=\"brand\" href=\"/ui/\">Sluice</a>")
        .element("span", "class=\"project\"", context.project().name())
        .raw("<nav>");
    if (access != Access.NONE) {
      for (Page page : pages) {
        if (page.listed() && access.allows(page.needs())) {
          boolean here =
              page.path().equals("/ui/")
                  ? path.equals("/ui/")
                  : path.equals(page.path()) || path.startsWith(page.path() + "/");
          html.element(
              "a",
              Html.attribute("href", page.path()) + (here ? " class=\"here\"" : ""),
              page.title());
        }
      }
    }
    html.raw("</nav>");
    if (access != Access.NONE) {
      html.raw("<span class=\"who\">")
          .text(access == Access.OPERATOR ? "operator" : "viewer (read-only)")
          .raw(" · <a href=\"/ui/logout\">sign out</a></span>");
    }
    html.raw("</header><main>").element("h1", title).raw(content).raw("</main></body></html>");
    return html.toString();
  }

  private static String errorBody(PageException e) {
    return new Html().element("p", "class=\"error\"", e.getMessage()).toString();
  }

  // -----------------------------------------------------------------------------------------------
  // Login

  private void login(Request request, Response response, Callback callback) throws IOException {
    Map<String, String> query = parameters(request);
    String next = query.getOrDefault("next", "/ui/");
    if (!next.startsWith("/ui/") || next.startsWith("//")) {
      next = "/ui/"; // never an address elsewhere: no open redirect
    }
    if (request.getMethod().equals("POST")) {
      Map<String, String> form = form(body(request));
      String token = form.getOrDefault("token", "");
      Access granted = token.isEmpty() ? Access.NONE : context.tokens().apply(token);
      if (granted != Access.NONE) {
        boolean secure = request.isSecure();
        response
            .getHeaders()
            .add(
                HttpHeader.SET_COOKIE,
                SESSION_COOKIE
                    + "="
                    + token
                    + "; Path=/; HttpOnly; SameSite=Strict"
                    + (secure ? "; Secure" : ""));
        redirect(response, callback, next);
        return;
      }
      sendPage(
          response,
          callback,
          401,
          layout("Sign in", Access.NONE, "/ui/login", loginForm(next, true)));
      return;
    }
    if (!request.getMethod().equals("GET")) {
      throw new PageException(405, "the login takes GET and POST only");
    }
    sendPage(
        response,
        callback,
        200,
        layout("Sign in", Access.NONE, "/ui/login", loginForm(next, false)));
  }

  private String loginForm(String next, boolean refused) {
    Html html = new Html();
    if (refused) {
      html.element("p", "class=\"error\" id=\"login-error\"", "That token is not valid here.");
    }
    html.raw("<form method=\"post\" class=\"login\" action=\"/ui/login?next=")
        .text(java.net.URLEncoder.encode(next, UTF_8))
        .raw(
            "\"><label>Token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\" required autofocus></label>")
        .raw("<button type=\"submit\" id=\"sign-in\">Sign in</button></form>")
        .element(
            "p",
            "class=\"hint\"",
            "The viewer token (serve.viewer-token-env in sluice.yaml) shows everything; the operator"
                + " token (serve.query-token-env) can also trigger runs, backfill, pause schedules"
                + " and replay quarantined records.");
    return html.toString();
  }

  // -----------------------------------------------------------------------------------------------
  // JSON endpoints

  private void endpoint(
      Request request, Response response, Callback callback, Access access, String path)
      throws Exception {
    List<Endpoint> here = new ArrayList<>();
    Match<Endpoint> match = null;
    for (Endpoint endpoint : endpoints) {
      Match<Endpoint> candidate = match(List.of(endpoint), path, Endpoint::path);
      if (candidate != null) {
        here.add(endpoint);
        if (endpoint.method().equals(request.getMethod())) {
          match = candidate;
        }
      }
    }
    if (here.isEmpty()) {
      throw PageException.notFound("no endpoint at " + path);
    }
    if (match == null) {
      throw new PageException(
          405,
          "use "
              + String.join(", ", here.stream().map(Endpoint::method).distinct().toList())
              + ", not "
              + request.getMethod());
    }
    Endpoint endpoint = match.item();
    if (!access.allows(endpoint.needs())) {
      throw new PageException(
          access == Access.NONE ? 401 : 403,
          access == Access.NONE
              ? "sign in first: this needs the viewer or operator token"
              : "this needs the operator token; the viewer token may only read");
    }
    Set<String> accepted = endpoint.parameters();
    if (endpoint instanceof EventStream stream) {
      stream.open(
          request(request, access, match.tail(), new byte[0], accepted),
          request,
          response,
          callback);
      return;
    }
    byte[] body = request.getMethod().equals("GET") ? new byte[0] : body(request);
    Object answer = endpoint.answer(request(request, access, match.tail(), body, accepted));
    sendJson(response, callback, 200, answer);
  }

  // -----------------------------------------------------------------------------------------------
  // Assets

  private void asset(Request request, Response response, Callback callback, String name)
      throws IOException {
    String resource = ASSETS.get(name);
    if (resource == null) {
      if (!name.matches("[a-z0-9-]+\\.(js|css|svg)")) {
        throw PageException.notFound("no asset " + name);
      }
      resource = "io/sluice/ui/static/" + name;
    }
    byte[] bytes;
    try (InputStream in = Console.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw PageException.notFound("no asset " + name);
      }
      bytes = in.readAllBytes();
    }
    String type =
        name.endsWith(".js")
            ? "text/javascript; charset=utf-8"
            : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=300");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    send(response, callback, 200, type, bytes);
  }

  // -----------------------------------------------------------------------------------------------
  // Plumbing

  private record Match<T>(T item, String tail) {}

  /** The item whose path is {@code path} or a prefix of it at a slash, the longest first. */
  private static <T> Match<T> match(
      List<T> items, String path, java.util.function.Function<T, String> pathOf) {
    List<T> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingInt((T item) -> pathOf.apply(item).length()).reversed());
    for (T item : sorted) {
      String root = pathOf.apply(item);
      if (path.equals(root)) {
        return new Match<>(item, "");
      }
      String prefix = root.endsWith("/") ? root : root + "/";
      if (!root.equals("/ui/") && path.startsWith(prefix)) {
        return new Match<>(item, URLDecoder.decode(path.substring(prefix.length()), UTF_8));
      }
    }
    return null;
  }

  /**
   * The request for a page or an endpoint that takes the query parameters {@code accepted}.
   *
   * @throws PageException (400) naming a parameter it does not take
   */
  private PageRequest request(
      Request request, Access access, String tail, byte[] body, Set<String> accepted) {
    Map<String, String> parameters = parameters(request);
    for (String name : parameters.keySet()) {
      if (!takes(accepted, name)) {
        List<String> names = accepted.stream().sorted().toList();
        throw PageException.badRequest(
            "unknown parameter '"
                + name
                + "' for "
                + Request.getPathInContext(request)
                + DidYouMean.hint(name, names)
                + (names.isEmpty()
                    ? "; it takes none"
                    : "; it takes: " + String.join(", ", names)));
      }
    }
    return new PageRequest(context, access, tail, parameters, body);
  }

  private static boolean takes(Set<String> accepted, String name) {
    if (accepted.contains(name)) {
      return true;
    }
    for (String pattern : accepted) {
      if (pattern.endsWith("*") && name.startsWith(pattern.substring(0, pattern.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> parameters(Request request) {
    Map<String, String> parameters = new LinkedHashMap<>();
    Fields fields = Request.extractQueryParameters(request);
    for (String name : fields.getNames()) {
      parameters.put(name, fields.getValue(name));
    }
    return parameters;
  }

  private static Map<String, String> form(byte[] body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : new String(body, UTF_8).split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        form.putIfAbsent(
            URLDecoder.decode(pair.substring(0, equals), UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), UTF_8));
      }
    }
    return form;
  }

  private static byte[] body(Request request) throws IOException {
    long length = request.getLength();
    if (length > MAX_BODY_BYTES) {
      throw new PageException(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new PageException(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
      }
      return bytes;
    }
  }

  private static void redirect(Response response, Callback callback, String location) {
    response.getHeaders().put(HttpHeader.LOCATION, location);
    send(response, callback, 303, "text/plain; charset=utf-8", new byte[0]);
  }

  private static void sendPage(Response response, Callback callback, int status, String html) {
    response.getHeaders().put("Content-Security-Policy", CSP);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    send(response, callback, status, "text/html; charset=utf-8", html.getBytes(UTF_8));
  }

  private void sendJson(Response response, Callback callback, int status, Object value) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(value);
    } catch (IOException e) {
      LOG.error("Cannot render a console answer as JSON", e);
      bytes = "{\"error\":\"internal error; see the server log\"}".getBytes(UTF_8);
      status = 500;
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    send(response, callback, status, "application/json", bytes);
  }

  private static void send(
      Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** For tests: the page at {@code path}, if any. */
  Optional<Page> page(String path) {
    Match<Page> match = match(pages, path, Page::path);
    return match == null ? Optional.empty() : Optional.of(match.item());
  }
}
