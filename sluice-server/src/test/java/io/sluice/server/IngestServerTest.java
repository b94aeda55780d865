package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest API over real HTTP on loopback, with a real ingest log behind it. */
class IngestServerTest {
  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";

  @TempDir Path dir;
  private ServerFixture server;

  @BeforeEach
  void start() {
    server = new ServerFixture(dir, ServerFixture.settings());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void acceptsAJsonArrayAndStoresEachRecordVerbatim() {
    HttpResponse<String> response =
        server.post(
            "clicks", JSON, "[{\"user\":{\"id\":7},\"n\":1}, {\"user\":{\"id\":7},\"n\":2}]");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"accepted\":2,\"failed\":0,\"errors\":[]}");
    assertThat(server.records("clicks").stream().flatMap(List::stream))
        .containsExactly("{\"user\":{\"id\":7},\"n\":1}", "{\"user\":{\"id\":7},\"n\":2}");
  }

  @Test
  void acceptsOneObjectAsOneRecord() {
    assertThat(server.post("clicks", JSON, " {\"n\":1} ").body())
        .isEqualTo("{\"accepted\":1,\"failed\":0,\"errors\":[]}");
  }

  @Test
  void keepsTheOrderOfRecordsWithTheSamePartitionKey() {
    for (int request = 0; request < 10; request++) {
      String body =
          IntStream.range(0, 6)
              .mapToObj(i -> "{\"user\":{\"id\":\"u" + (i % 3) + "\"},\"seq\":" + i + "}")
              .collect(Collectors.joining("\n"));
      assertThat(server.post("clicks", NDJSON, body).statusCode()).isEqualTo(200);
    }
    for (String user : List.of("u0", "u1", "u2")) {
      List<List<String>> holding =
          server.records("clicks").stream()
              .filter(partition -> partition.stream().anyMatch(r -> r.contains(user)))
              .toList();
      assertThat(holding).as("partitions holding %s", user).hasSize(1);
      List<String> seqs =
          holding.get(0).stream()
              .filter(r -> r.contains(user))
              .map(r -> r.substring(r.indexOf("\"seq\":") + 6, r.length() - 1))
              .toList();
      assertThat(seqs).hasSize(20);
      // Each request sent the user's two records in order, and requests went one after another.
      assertThat(seqs)
          .isEqualTo(
              IntStream.range(0, 10).boxed().flatMap(r -> seqs.subList(0, 2).stream()).toList());
    }
  }

  @Test
  void rejectsBadNdjsonLinesOneByOneAndStoresTheOthers() {
    byte[] body =
        bytes(
            "{\"n\":1}\n",
            "not json\n",
            "\n",
            "[1,2]\n",
            "{\"n\":\"",
            new byte[] {(byte) 0xC3, (byte) 0x28},
            "\"}\n",
            "{\"n\":2} trailing\n",
            "{\"n\":3}\r\n");

    HttpResponse<String> response =
        server.post("clicks", NDJSON, body, "Authorization", "Bearer " + ServerFixture.TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            "{\"accepted\":2,\"failed\":4,\"errors\":["
                + "{\"index\":1,\"line\":2,\"reason\":\"malformed JSON: Unrecognized token 'not':"
                + " was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                + " 'false') at line 1 column 1\"},"
                + "{\"index\":2,\"line\":4,\"reason\":\"not a JSON object but an array\"},"
                + "{\"index\":3,\"line\":5,\"reason\":\"invalid UTF-8 at byte 7 of the line\"},"
                + "{\"index\":4,\"line\":6,\"reason\":\"malformed JSON: Unrecognized token"
                + " 'trailing': was expecting (JSON String, Number, Array, Object or token 'null',"
                + " 'true' or 'false') at line 1 column 9\"}]}");
  }

  @Test
  void gzipBodiesAreDecompressed() {
    byte[] body = ServerFixture.gzip("{\"n\":1}\n{\"n\":2}\n".getBytes(UTF_8));

    HttpResponse<String> response =
        server.post(
            "clicks",
            NDJSON,
            body,
            "Content-Encoding",
            "gzip",
            "Authorization",
            "Bearer " + ServerFixture.TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.count("clicks")).isEqualTo(2);
  }

  @Test
  void refusesWhatItCannotReadWithTheReason() {
    assertError(
        server.post("clicks", "text/csv", "a,b"),
        415,
        "unsupported Content-Type 'text/csv': send application/json (an array of objects) or"
            + " application/x-ndjson");
    assertError(
        server.post("clicks", null, "x".getBytes(UTF_8), "Authorization", auth()),
        415,
        "missing Content-Type: send application/json or application/x-ndjson");
    assertError(
        server.post("clicks", "application/json; charset=latin1", "[]"),
        415,
        "records must be UTF-8, not latin1");
    assertError(
        server.post(
            "clicks",
            JSON,
            "[]".getBytes(UTF_8),
            "Content-Encoding",
            "br",
            "Authorization",
            auth()),
        415,
        "unsupported Content-Encoding 'br': use gzip or none");
    assertError(
        server.post("clicks", JSON, "[{\"n\":1}, {\"n\":"),
        400,
        "malformed JSON body: Unexpected end-of-input within/between Object entries at line 1"
            + " column 16");
    assertError(
        server.post("clicks", JSON, "\"just a string\""),
        400,
        "a JSON body must be an array of objects or one object, not a string (send NDJSON with"
            + " Content-Type: application/x-ndjson)");
    assertError(server.post("clicks", JSON, "[]"), 400, "the body holds no records");
    assertError(
        server.post("clicks", JSON, "[{\"a\":1}] {}"),
        400,
        "unexpected an object after the array at line 1 column 11");
    assertError(
        server.post("clicks", JSON, bytes("[{\"a\":\"", new byte[] {(byte) 0xFF}, "\"}]"), auth2()),
        400,
        "the body is not valid UTF-8 (at byte 8)");
    assertError(
        server.post(
            "clicks",
            NDJSON,
            "{\"n\":1}".getBytes(UTF_8),
            "Content-Encoding",
            "gzip",
            "Authorization",
            auth()),
        400,
        "the body is not valid gzip: Not in GZIP format");
    assertThat(server.count("clicks")).isZero();
  }

  @Test
  void enforcesItsLimitsWith413() {
    String big = "{\"pad\":\"" + "x".repeat(5000) + "\"}";
    assertError(
        server.post("clicks", JSON, big),
        413,
        "the body is 5010 bytes, more than the limit of 4096 (serve.max-body-bytes)");
    assertError(
        server.post("clicks", NDJSON, "{\"pad\":\"" + "x".repeat(600) + "\"}"),
        413,
        "record 0 is 610 bytes, more than the limit of 512 (serve.max-record-bytes)");
    assertError(
        server.post("clicks", NDJSON, "{}\n".repeat(51)),
        413,
        "the request holds more than 50 records (serve.max-records-per-request); split it");
    byte[] bomb = ServerFixture.gzip(("{}\n" + " ".repeat(100_000)).getBytes(UTF_8));
    assertError(
        server.post("clicks", NDJSON, bomb, "Content-Encoding", "gzip", "Authorization", auth()),
        413,
        "the body is more than 4096 bytes (serve.max-body-bytes; after gzip decompression)");
    assertThat(server.count("clicks")).isZero();
  }

  @Test
  void needsTheStreamsBearerToken() {
    HttpResponse<String> missing = server.post("clicks", JSON, "{}".getBytes(UTF_8));
    assertError(missing, 401, "stream 'clicks' needs a bearer token");
    assertThat(missing.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"sluice\"");
    assertError(
        server.post("clicks", JSON, "{}".getBytes(UTF_8), "Authorization", "Bearer wrong"),
        401,
        "the bearer token is not valid for stream 'clicks'");
    assertError(
        server.post("clicks", JSON, "{}".getBytes(UTF_8), "Authorization", "Basic dXNlcjpwdw=="),
        401,
        "the Authorization header must be 'Bearer <token>'");
    assertThat(server.post("open", JSON, "{\"n\":1}".getBytes(UTF_8)).statusCode()).isEqualTo(200);
    assertThat(server.count("clicks")).isZero();
  }

  @Test
  void answersUnknownStreamsPathsAndMethods() {
    assertError(server.post("nope", JSON, "{}"), 404, "no stream named 'nope'");
    assertError(
        server.get("/v2/things"),
        404,
        "no endpoint at /v2/things; records are pushed to /v1/streams/STREAM/records");
    assertError(
        server.send(
            java.net.http.HttpRequest.newBuilder(server.uri().resolve("/v1/query"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("SELECT 1"))
                .build()),
        404,
        "the query endpoint is off: set serve.query-token-env or serve.query-token-file in"
            + " sluice.yaml");
    HttpResponse<String> get = server.get("/v1/streams/clicks/records");
    assertError(get, 405, "use POST, not GET");
    assertThat(get.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void refusesPushesWith429WhileTheBacklogIsOverItsBound() {
    ServerFixture small =
        new ServerFixture(
            dir.resolve("small"), new ServerSettings("127.0.0.1", 0, 4096, 512, 50, 3, 1L << 20));
    try (small) {
      assertThat(small.post("clicks", NDJSON, "{}\n{}\n{}").statusCode()).isEqualTo(200);
      HttpResponse<String> refused = small.post("clicks", NDJSON, "{}");
      assertError(
          refused,
          429,
          "stream 'clicks' has 3 records waiting to be landed (serve.max-backlog-records is 3);"
              + " retry later");
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      for (int p = 0; p < small.log.partitions("clicks"); p++) {
        small.log.release("clicks", p, small.log.endOffset("clicks", p));
      }
      assertThat(small.post("clicks", NDJSON, "{}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void refusesWith503WhenBodiesInFlightWouldExceedTheMemoryBound() {
    ServerFixture tight =
        new ServerFixture(
            dir.resolve("tight"), new ServerSettings("127.0.0.1", 0, 4096, 512, 50, 1000, 1000));
    try (tight) {
      HttpResponse<String> refused = tight.post("clicks", JSON, "[" + "{},".repeat(200) + "{}]");
      assertError(
          refused,
          503,
          "the server is receiving too much at once (serve.max-inflight-mb); retry shortly");
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(tight.post("clicks", JSON, "[{}]").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void servesHealthWithBacklogsAndItsOpenApiDescription() {
    server.post("clicks", NDJSON, "{}\n{}");

    HttpResponse<String> health = server.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .isEqualTo(
            "{\"status\":\"ok\",\"streams\":{\"clicks\":{\"backlog\":2},\"open\":{\"backlog\":0}},"
                + "\"processor\":{\"batches\":0}}");

    HttpResponse<String> openApi = server.get("/v1/openapi.yaml");
    assertThat(openApi.statusCode()).isEqualTo(200);
    java.util.Map<String, Object> document = new org.yaml.snakeyaml.Yaml().load(openApi.body());
    assertThat(document).containsKeys("openapi", "paths", "components");
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> paths = (java.util.Map<String, Object>) document.get("paths");
    assertThat(paths).containsKeys("/v1/streams/{stream}/records", "/health");
  }

  private static String auth() {
    return "Bearer " + ServerFixture.TOKEN;
  }

  private static String[] auth2() {
    return new String[] {"Authorization", auth()};
  }

  private static void assertError(HttpResponse<String> response, int status, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.body()).isEqualTo("{\"error\":" + quoted(reason) + "}");
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object part : parts) {
      out.writeBytes(part instanceof String text ? text.getBytes(UTF_8) : (byte[]) part);
    }
    return out.toByteArray();
  }
}
