package io.sluice.cli.ui;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may do what in the console and the APIs, over real HTTP: tokens, roles, cookie, CSRF. */
class ConsoleAccessTest {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass();
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(shop.uri().resolve(path));
  }

  @Test
  void pagesSendAVisitorWithoutATokenToTheLoginAndKeepWhereHeWasGoing() throws Exception {
    HttpResponse<String> page = send(at("/ui/"));
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/ui/login?next=%2Fui%2F");
    assertThat(send(at("/")).headers().firstValue("Location")).hasValue("/ui/");
  }

  @Test
  void theLoginNeverRedirectsElsewhere() throws Exception {
    HttpResponse<String> login =
        send(
            at("/ui/login?next=//evil.example/x")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + ShopConsole.VIEWER_TOKEN)));
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/ui/");
  }

  @Test
  void pagesCarryAPolicyThatAllowsOnlyThisServersScripts() throws Exception {
    HttpResponse<String> page =
        send(at("/ui/").header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(page.body()).doesNotContain("<script>").contains("/ui/static/uplot.js");
  }

  @Test
  void assetsComeFromTheJarWithoutAToken() throws Exception {
    assertThat(send(at("/ui/static/console.js")).statusCode()).isEqualTo(200);
    HttpResponse<String> chart = send(at("/ui/static/uplot.js"));
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.body()).contains("uPlot");
    assertThat(send(at("/ui/static/..%2F..%2Fsluice.yaml")).statusCode()).isIn(400, 404);
    assertThat(send(at("/ui/static/nothing.js")).statusCode()).isEqualTo(404);
  }

  @Test
  void theViewerMayReadTheApiButNotAct() throws Exception {
    String viewer = "Bearer " + ShopConsole.VIEWER_TOKEN;
    assertThat(send(at("/v1/runs").header("Authorization", viewer)).statusCode()).isEqualTo(200);
    HttpResponse<String> trigger =
        send(
            at("/v1/runs")
                .header("Authorization", viewer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(trigger.statusCode()).isEqualTo(403);
    assertThat(trigger.body()).contains("needs the operator token");
  }

  @Test
  void theCookieActsOnlyWithTheConsolesHeaderSoAnotherSitesFormCannot() throws Exception {
    String cookie = "sluice_token=" + ShopConsole.OPERATOR_TOKEN;
    HttpRequest.Builder forged =
        at("/v1/schedules/hourly/pause")
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.noBody());
    assertThat(send(forged).statusCode()).isEqualTo(401);
    assertThat(send(at("/v1/schedules").header("Cookie", cookie)).statusCode()).isEqualTo(200);
    HttpResponse<String> console =
        send(
            at("/v1/schedules/hourly/resume")
                .header("Cookie", cookie)
                .header("X-Sluice-Console", "1")
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(console.statusCode()).as(console.body()).isEqualTo(200);
  }

  @Test
  void readersSeeWhatARunAskedForThroughTheApiLandedThoughNoProcessorPublishes() throws Exception {
    String operator = "Bearer " + ShopConsole.OPERATOR_TOKEN;
    String count = "SELECT count(*) FROM lake.orders";
    long before = firstCell(count);
    io.sluice.cli.demo.ShopGenerator.appendBatch(
        shop.project(), io.sluice.cli.demo.ShopGenerator.Options.defaults().withOrders(200), 1);
    HttpResponse<String> queued =
        send(
            at("/v1/runs")
                .header("Authorization", operator)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"select\": [\"source:orders\"]}")));
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    String id = JSON.readTree(queued.body()).get("id").asText();
    String status = "queued";
    for (int attempt = 0;
        attempt < 600 && List.of("queued", "running").contains(status);
        attempt++) {
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
      status =
          JSON.readTree(send(at("/v1/runs/" + id).header("Authorization", operator)).body())
              .get("status")
              .asText();
    }
    assertThat(status).isIn("ok", "quality-failed"); // a batch of the demo may fall below 0.9
    assertThat(firstCell(count)).isGreaterThan(before);
  }

  private long firstCell(String sql) throws Exception {
    HttpResponse<String> answer =
        send(
            at("/v1/query")
                .header("Authorization", "Bearer " + ShopConsole.VIEWER_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(sql)));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body()).get("rows").get(0).get(0).asLong();
  }

  @Test
  void sluiceUiKeepsServingUntilClosed() throws Exception {
    java.util.concurrent.CompletableFuture<Void> stopped =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                shop.session().awaitStopped();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    for (int i = 0; i < 3; i++) {
      assertThat(send(at("/health")).statusCode()).isEqualTo(200);
    }
    assertThat(stopped).as("sluice ui must serve until it is stopped").isNotDone();
  }

  @Test
  void aWrongTokenIsNoAccess() throws Exception {
    assertThat(send(at("/v1/runs").header("Authorization", "Bearer nope")).statusCode())
        .isEqualTo(401);
    assertThat(send(at("/ui/").header("Cookie", "sluice_token=nope")).statusCode()).isEqualTo(303);
  }

  @Test
  void aParameterAPageDoesNotTakeIsRefusedByName() throws Exception {
    String viewer = "Bearer " + ShopConsole.VIEWER_TOKEN;
    HttpResponse<String> typo = send(at("/ui/runs?stauts=failed").header("Authorization", viewer));
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(typo.body())
        .contains("unknown parameter &#39;stauts&#39; for /ui/runs")
        .contains("did you mean &#39;status&#39;?")
        .contains("it takes: backfill, limit, status, trigger");
    HttpResponse<String> none = send(at("/ui/lake?table=x").header("Authorization", viewer));
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("it takes none");
    HttpResponse<String> endpoint =
        send(
            at("/ui/api/dashboards/sales/panels/revenue_total?rnage=7d")
                .header("Authorization", viewer));
    assertThat(endpoint.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(endpoint.body()).path("error").asText())
        .contains("unknown parameter 'rnage'")
        .contains("did you mean 'range'?");
    // A variable the dashboard does not have, or a value its variable does not have, is named.
    HttpResponse<String> noVariable =
        send(
            at("/ui/api/dashboards/sales/panels/revenue_total?var.segmnet=retail")
                .header("Authorization", viewer));
    assertThat(noVariable.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noVariable.body()).path("error").asText())
        .contains("dashboard 'sales' has no variable 'segmnet'")
        .contains("did you mean 'segment'?");
    assertThat(
            send(at("/ui/dashboards/sales?var.segmnet=retail").header("Authorization", viewer))
                .body())
        .contains("has no variable &#39;segmnet&#39;");
    HttpResponse<String> noValue =
        send(at("/ui/dashboards/sales?var.segment=nosuch").header("Authorization", viewer));
    assertThat(noValue.statusCode()).isEqualTo(400);
    assertThat(noValue.body()).contains("&#39;nosuch&#39; is not a value of variable");
    // What a page takes still works, prefixes included.
    assertThat(
            send(at("/ui/runs?status=failed&limit=10").header("Authorization", viewer))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            send(at("/ui/dashboards/sales?range=7d&var.segment=").header("Authorization", viewer))
                .statusCode())
        .isEqualTo(200);
  }

  /**
   * A refusal sent before the request's body was read must not leave the client a connection the
   * server then closes: a client that reuses it reads no answer at all ("header parser received no
   * bytes", as CI saw once). Either the connection serves the next request, or the refusal says
   * {@code Connection: close}.
   */
  @Test
  void aRefusalBeforeTheBodyNeverLeavesAConnectionThatAnswersNothing() throws Exception {
    String body = "{\"sql\":\"SELECT 1\"}";
    String head =
        "POST /ui/api/sql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sluice-Console: 1\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n";
    // The body has not come yet when the 401 goes out: the answer must close the connection.
    try (Socket socket = rawSocket()) {
      write(socket, head);
      String answer = readHead(socket);
      assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("connection: close");
    }
    // The body came whole with its head: either it is discarded and the connection goes on, or
    // the answer says close.
    try (Socket socket = rawSocket()) {
      write(socket, head + body);
      String answer = readHead(socket);
      assertThat(answer).startsWith("HTTP/1.1 401");
      if (!answer.toLowerCase(Locale.ROOT).contains("connection: close")) {
        skipBody(socket, answer);
        write(socket, "GET /ui/login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(readHead(socket)).startsWith("HTTP/1.1 200");
      }
    }
  }

  private static Socket rawSocket() throws IOException {
    Socket socket = new Socket("127.0.0.1", shop.uri().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(UTF_8));
    socket.getOutputStream().flush();
  }

  /** The status line and headers of the next answer, up to the blank line. */
  private static String readHead(Socket socket) throws IOException {
    StringBuilder head = new StringBuilder();
    InputStream in = socket.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed the connection without an answer");
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static void skipBody(Socket socket, String head) throws IOException {
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    assertThat(length.find()).as("a Content-Length in %s", head).isTrue();
    socket.getInputStream().readNBytes(Integer.parseInt(length.group(1)));
  }
}
