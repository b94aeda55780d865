package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bodies, content types and encodings thrown at the real server: it answers every request
 * with a status it documents and a JSON reason, stores exactly the records it says it accepted, and
 * keeps serving.
 */
class IngestApiFuzzTest {
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 401, 413, 415);
  private static Path directory;
  private static ServerFixture server;

  @BeforeContainer
  static void start() throws Exception {
    directory = Files.createTempDirectory("sluice-fuzz");
    server =
        new ServerFixture(
            directory, new ServerSettings("127.0.0.1", 0, 4096, 512, 50, 1L << 40, 64L << 20));
  }

  @AfterContainer
  static void stop() throws Exception {
    server.close();
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 300)
  void answersEveryBodyWithADocumentedStatusAndStoresWhatItAccepts(
      @ForAll("bodies") byte[] body,
      @ForAll("contentTypes") String contentType,
      @ForAll boolean gzip) {
    long before = server.count("clicks");
    byte[] sent = gzip ? ServerFixture.gzip(body) : body;
    HttpResponse<String> response =
        gzip
            ? server.post(
                "clicks",
                contentType,
                sent,
                "Content-Encoding",
                "gzip",
                "Authorization",
                "Bearer " + ServerFixture.TOKEN)
            : server.post(
                "clicks", contentType, sent, "Authorization", "Bearer " + ServerFixture.TOKEN);

    assertThat(DOCUMENTED).as(response.body()).contains(response.statusCode());
    long stored = server.count("clicks") - before;
    if (response.statusCode() == 200 || response.body().startsWith("{\"accepted\"")) {
      int accepted =
          Integer.parseInt(response.body().replaceAll("^\\{\"accepted\":(\\d+),.*", "$1"));
      assertThat(stored).isEqualTo(accepted);
      if (response.statusCode() != 200) {
        assertThat(accepted).isZero(); // 400: none of the records was accepted
      }
    } else {
      assertThat(response.body()).startsWith("{\"error\":\"").endsWith("\"}");
      assertThat(stored).isZero();
    }
    assertThat(server.post("clicks", "application/json", "{\"still\":\"up\"}").statusCode())
        .isEqualTo(200);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of(
        "application/json",
        "application/x-ndjson",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-ndjson; charset=iso-8859-1");
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<String> record =
        Arbitraries.oneOf(
            Arbitraries.of("{}", "{\"a\":1}", "{\"user\":{\"id\":\"u1\"},\"v\":[1,2]}", "[1]", "1"),
            Arbitraries.strings().ofMaxLength(40).map(s -> "{\"s\":\"" + s + "\"}"),
            Arbitraries.strings().ofMaxLength(20));
    Arbitrary<String> ndjson = record.list().ofMaxSize(60).map(l -> String.join("\n", l));
    Arbitrary<String> array = record.list().ofMaxSize(60).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<byte[]> text = Arbitraries.oneOf(ndjson, array).map(s -> s.getBytes(UTF_8));
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    Arbitrary<byte[]> spliced =
        Combinators.combine(text, noise)
            .as(
                (t, n) -> {
                  byte[] out = new byte[t.length + n.length];
                  System.arraycopy(t, 0, out, 0, t.length / 2);
                  System.arraycopy(n, 0, out, t.length / 2, n.length);
                  System.arraycopy(
                      t, t.length / 2, out, t.length / 2 + n.length, t.length - t.length / 2);
                  return out;
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, text),
        net.jqwik.api.Tuple.of(2, noise),
        net.jqwik.api.Tuple.of(2, spliced));
  }
}
