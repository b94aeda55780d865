package io.sluice.connect.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.zstd.ZstdOutputStream;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceConnector.Original;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code s3} connector against a real S3-compatible server (s3proxy) on loopback. */
class S3ConnectorTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static S3Server server;

  @TempDir Path project;
  private String bucket;
  private final List<SourceConnector> opened = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3Server();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void createBucket() {
    bucket = "sluice-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
  }

  @org.junit.jupiter.api.AfterEach
  void closeConnectors() {
    opened.forEach(SourceConnector::close);
  }

  /** One record or malformed input, as the sink got it. */
  record Event(long position, String original, List<String> values, String reason) {}

  static final class Sink implements RecordSink {
    final List<Event> events = new ArrayList<>();

    @Override
    public void record(long position, String original, String[] values) {
      events.add(new Event(position, original, Arrays.asList(values), null));
    }

    @Override
    public void malformed(long position, String original, String reason) {
      events.add(new Event(position, original, null, reason));
    }

    List<List<String>> values() {
      return events.stream().filter(e -> e.values() != null).map(Event::values).toList();
    }

    List<Event> malformed() {
      return events.stream().filter(e -> e.values() == null).toList();
    }
  }

  private Map<String, Object> s3(Object... keyValues) {
    Map<String, Object> s3 = new LinkedHashMap<>();
    s3.put("bucket", bucket);
    s3.put("endpoint", server.endpoint().toString());
    s3.put("path-style", true);
    s3.put("access-key-env", "TEST_S3_ACCESS");
    s3.put("secret-key-env", "TEST_S3_SECRET");
    for (int i = 0; i < keyValues.length; i += 2) {
      s3.put((String) keyValues[i], keyValues[i + 1]);
    }
    return s3;
  }

  private SourceConnector connector(Map<String, Object> s3, String... fields) {
    return connector(
        s3,
        Map.of("TEST_S3_ACCESS", S3Server.ACCESS_KEY, "TEST_S3_SECRET", S3Server.SECRET_KEY),
        fields);
  }

  private SourceConnector connector(
      Map<String, Object> s3, Map<String, String> environment, String... fields) {
    SourceConnector connector =
        new S3ConnectorFactory().create(context(Map.of("s3", s3), environment, fields));
    opened.add(connector);
    return connector;
  }

  private SourceContext context(
      Map<String, Object> options, Map<String, String> environment, String... fields) {
    return new SourceContext(
        "orders",
        project,
        options,
        Arrays.stream(fields).map(f -> new SourceField(f, f)).toList(),
        RecordTransform.IDENTITY,
        () -> {
          throw new IllegalStateException("no ingest log");
        },
        environment,
        project.resolve("sources/orders.yaml"),
        project.resolve(".sluice/connectors/orders"));
  }

  /** Plans, reads every split and returns the positions to commit, as a batch would. */
  private Map<String, String> readAll(
      SourceConnector connector, Map<String, String> committed, Sink sink) {
    SplitPlan plan = connector.plan(committed);
    Map<String, String> positions = new HashMap<>(committed);
    for (Split split : plan.splits()) {
      assertThat(connector.nativeFormat(split)).isEmpty();
      connector.read(split, sink);
      positions.put(split.key(), split.position());
    }
    connector.committed(positions);
    return positions;
  }

  @Test
  void factoryIsFoundByNameAndDeclaresItsCapabilities() {
    assertThat(ServiceLoader.load(io.sluice.api.source.ConnectorFactory.class).stream())
        .anyMatch(p -> p.get().name().equals("s3"));
    S3ConnectorFactory factory = new S3ConnectorFactory();
    assertThat(factory.options().keys()).extracting(k -> k.name()).containsExactly("s3");
    assertThat(factory.capabilities().positionKind().label()).isEqualTo("file set");
    assertThat(factory.capabilities().nativeFormats()).containsExactly("parquet");
  }

  @Test
  void plansOneSplitPerObjectUnderThePrefixReadsThemAndSkipsThemOnceCommitted() {
    server.put(bucket, "orders/a.csv", "id,amount\n1,9.5\n2,3\n");
    server.put(bucket, "orders/b.csv", "id,amount\n3,4\n");
    server.put(bucket, "orders/.hidden.csv", "id,amount\n99,9\n");
    server.put(bucket, "other/c.csv", "id,amount\n98,9\n");
    SourceConnector connector = connector(s3("prefix", "orders/", "format", "csv"), "id", "amount");

    SplitPlan plan = connector.plan(Map.of());
    assertThat(plan.splits())
        .extracting(Split::key)
        .containsExactly("s3://" + bucket + "/orders/a.csv", "s3://" + bucket + "/orders/b.csv");
    assertThat(plan.splits().get(0).position()).matches("20:[0-9a-f]{32}");
    assertThat(plan.splits().get(0).sizeBytes()).isEqualTo(20);

    Sink sink = new Sink();
    Map<String, String> committed = readAll(connector, Map.of(), sink);
    assertThat(sink.values())
        .containsExactly(List.of("1", "9.5"), List.of("2", "3"), List.of("3", "4"));
    assertThat(sink.events).extracting(Event::position).containsExactly(2L, 3L, 2L);

    assertThat(connector.plan(committed).splits()).isEmpty();
  }

  @Test
  void aNewObjectIsPickedUpByTheNextRun() {
    server.put(bucket, "in/a.ndjson", "{\"id\":1}\n");
    SourceConnector first = connector(s3("glob", "in/*.ndjson"), "id");
    Map<String, String> committed = readAll(first, Map.of(), new Sink());
    first.close();

    server.put(bucket, "in/b.ndjson", "{\"id\":2}\n");
    server.put(bucket, "in/b.csv", "id\n3\n");
    SourceConnector second = connector(s3("glob", "in/*.ndjson"), "id");
    Sink sink = new Sink();
    readAll(second, committed, sink);

    assertThat(sink.values()).containsExactly(List.of("2"));
  }

  @Test
  void aChangedObjectFailsTheRunByDefaultNamingItAndWhatChanged() {
    server.put(bucket, "a.csv", "id\n1\n");
    Map<String, String> committed =
        readAll(connector(s3("glob", "*.csv"), "id"), Map.of(), new Sink());
    server.put(bucket, "a.csv", "id\n1\n2\n");

    assertThatThrownBy(() -> connector(s3("glob", "*.csv"), "id").plan(committed))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining(
            "Source 'orders': an object that was already landed has changed since: 's3://"
                + bucket
                + "/a.csv' (size 5 → 7 bytes, ETag ")
        .hasMessageContaining("Set option 's3.on-change' to 'skip'")
        .extracting(e -> ((SluiceException) e).category())
        .isEqualTo(ErrorCategory.USER);
  }

  @Test
  void aChangedObjectIsLeftOutWithANoteUnderSkip() {
    server.put(bucket, "a.csv", "id\n1\n");
    Map<String, String> committed =
        readAll(connector(s3("glob", "*.csv", "on-change", "skip"), "id"), Map.of(), new Sink());
    server.put(bucket, "a.csv", "id\n7\n");

    SplitPlan plan = connector(s3("glob", "*.csv", "on-change", "skip"), "id").plan(committed);

    assertThat(plan.splits()).isEmpty();
    assertThat(plan.skipped())
        .singleElement()
        .asString()
        .contains("object 's3://" + bucket + "/a.csv' (ETag ")
        .contains("left out because on-change is 'skip'");
  }

  @Test
  void aChangedObjectIsReadAgainUnderAppend() {
    server.put(bucket, "a.csv", "id\n1\n");
    Map<String, String> committed =
        readAll(connector(s3("glob", "*.csv", "on-change", "append"), "id"), Map.of(), new Sink());
    server.put(bucket, "a.csv", "id\n1\n2\n");

    Sink sink = new Sink();
    Map<String, String> again =
        readAll(connector(s3("glob", "*.csv", "on-change", "append"), "id"), committed, sink);

    assertThat(sink.values()).containsExactly(List.of("1"), List.of("2"));
    assertThat(again.get("s3://" + bucket + "/a.csv"))
        .isNotEqualTo(committed.get("s3://" + bucket + "/a.csv"));
  }

  @Test
  void anObjectChangedBetweenPlanAndReadFailsTheReadRatherThanReadingOtherBytes() {
    server.put(bucket, "a.csv", "id\n1\n");
    SourceConnector connector = connector(s3("glob", "*.csv"), "id");
    Split split = connector.plan(Map.of()).splits().get(0);
    server.put(bucket, "a.csv", "id\n2\n");

    assertThatThrownBy(() -> connector.read(split, new Sink()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining(
            "object 's3://" + bucket + "/a.csv' changed after the batch was planned");
  }

  @Test
  void malformedRecordsAreQuarantinedWithTheObjectAndLine() {
    server.put(bucket, "a.ndjson", "{\"id\":1}\n{\"id\":\n{\"id\":3}\n");
    server.put(bucket, "b.csv", bytes("id,name\n1,a\n2,", 0xFF, "\n"));
    List<String> keys = new ArrayList<>();
    Sink json = new Sink();
    Sink csv = new Sink();

    SourceConnector jsonSource = connector(s3("glob", "*.ndjson"), "id");
    for (Split split : jsonSource.plan(Map.of()).splits()) {
      keys.add(split.key());
      jsonSource.read(split, json);
    }
    SourceConnector csvSource = connector(s3("glob", "*.csv"), "id", "name");
    for (Split split : csvSource.plan(Map.of()).splits()) {
      keys.add(split.key());
      csvSource.read(split, csv);
    }

    assertThat(keys).containsExactly("s3://" + bucket + "/a.ndjson", "s3://" + bucket + "/b.csv");
    assertThat(json.values()).containsExactly(List.of("1"), List.of("3"));
    assertThat(json.malformed())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.position()).isEqualTo(2);
              assertThat(e.original()).isEqualTo("{\"id\":");
            });
    assertThat(csv.malformed()).singleElement().extracting(Event::position).isEqualTo(3L);
  }

  @ParameterizedTest
  @ValueSource(strings = {".gz", ".zst"})
  void compressedObjectsOfEveryTextFormatReadLikeTheirText(String extension) {
    byte[] csv = bytes("id,name\n1,a\n2,", 0xFF, "\n3,c\n");
    byte[] ndjson = bytes("{\"id\":1,\"name\":\"a\"}\n{\"id\":\n{\"id\":3,\"name\":\"c\"}\n");
    byte[] array =
        bytes("[{\"id\":1,\"name\":\"a\"},\n {\"id\":,,2},\n {\"id\":3,\"name\":\"c\"}]");
    for (Map.Entry<String, byte[]> entry :
        Map.of(
                "orders.csv",
                csv,
                "orders.tsv",
                tsv(csv),
                "orders.ndjson",
                ndjson,
                "orders.json",
                array)
            .entrySet()) {
      server.put(bucket, "plain/" + entry.getKey(), entry.getValue());
      server.put(
          bucket, "packed/" + entry.getKey() + extension, compress(entry.getValue(), extension));
      Sink plain = new Sink();
      Sink packed = new Sink();

      readAll(connector(s3("glob", "plain/" + entry.getKey()), "id", "name"), Map.of(), plain);
      readAll(
          connector(s3("glob", "packed/" + entry.getKey() + extension), "id", "name"),
          Map.of(),
          packed);

      assertThat(plain.values()).as(entry.getKey()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(plain.malformed()).as(entry.getKey()).isNotEmpty();
      assertThat(packed.events).as(entry.getKey()).isEqualTo(plain.events);
    }
  }

  @Test
  void aTruncatedCompressedObjectFailsTheReadNamingIt() {
    byte[] whole = compress(bytes("id\n" + "1\n".repeat(50_000)), ".gz");
    server.put(bucket, "a.csv.gz", Arrays.copyOf(whole, whole.length / 2));
    SourceConnector connector = connector(s3("glob", "*.csv.gz"), "id");
    Split split = connector.plan(Map.of()).splits().get(0);

    assertThatThrownBy(() -> connector.read(split, new Sink()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("Source 'orders': cannot read object 's3://" + bucket + "/a.csv.gz'")
        .hasMessageContaining("gzip decompression failed: it ends inside the compressed data");
  }

  @Test
  void quarantinedCsvRecordsAreReadAgainAfterTheHeaderOfTheirObject() {
    server.put(bucket, "a.csv.zst", compress(bytes("name,id\nx,1\n"), ".zst"));
    SourceConnector connector = connector(s3("glob", "*.csv.zst"), "id", "name");
    Sink sink = new Sink();

    connector.reread("s3://" + bucket + "/a.csv.zst", List.of(new Original(5, "y,2", false)), sink);

    assertThat(sink.events).containsExactly(new Event(5, "y,2", List.of("2", "y"), null));
  }

  @Test
  void parquetObjectsAreOfferedToTheEngineAsLocalCopiesDeletedOnceCommitted() throws Exception {
    Path parquet = project.resolve("t.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT 1 AS id, 'a' AS name UNION ALL SELECT 2, 'b') TO '"
              + parquet
              + "' (FORMAT parquet)");
    }
    server.put(bucket, "t/x.parquet", Files.readAllBytes(parquet));
    SourceConnector connector = connector(s3("prefix", "t/", "format", "parquet"), "id", "name");
    Split split = connector.plan(Map.of()).splits().get(0);

    assertThat(connector.nativeFormat(split)).contains(new NativeFormat("parquet", Map.of()));
    Path copy = Path.of(split.location());
    assertThat(copy).startsWith(project.resolve(".sluice/connectors/orders"));
    assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(parquet));
    assertThat(connector.observe(split).orElseThrow())
        .extracting(ObservedField::path)
        .containsExactly("id", "name");

    connector.committed(Map.of(split.key(), split.position()));
    assertThat(copy).doesNotExist();
  }

  @Test
  void closeDeletesCopiesAndReleasesTheClientAndIsSafeTwice() throws Exception {
    server.put(bucket, "t/x.parquet", bytes("PAR1"));
    SourceConnector connector = connector(s3("prefix", "t/", "format", "parquet"), "id");
    Split split = connector.plan(Map.of()).splits().get(0);
    connector.nativeFormat(split);
    assertThat(Path.of(split.location())).exists();

    connector.close();
    connector.close();

    assertThat(Path.of(split.location())).doesNotExist();
    assertThat(((S3Connector) connector).isClosed()).isTrue();
    assertThatThrownBy(() -> connector.plan(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aMissingBucketIsAUserErrorNamingIt() {
    SourceConnector connector = connector(s3("bucket", "no-such-bucket", "format", "csv"), "id");

    assertThatThrownBy(() -> connector.plan(Map.of()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining(
            "Source 'orders': cannot list the objects under s3://no-such-bucket/: bucket"
                + " 'no-such-bucket' does not exist at "
                + server.endpoint())
        .extracting(e -> ((SluiceException) e).category())
        .isEqualTo(ErrorCategory.USER);
  }

  @Test
  void wrongCredentialsAreAUserErrorNamingWhereTheyComeFrom() {
    SourceConnector connector =
        connector(
            s3("format", "csv"),
            Map.of("TEST_S3_ACCESS", S3Server.ACCESS_KEY, "TEST_S3_SECRET", "wrong"),
            "id");

    assertThatThrownBy(() -> connector.plan(Map.of()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("Source 'orders': cannot list the objects under s3://" + bucket)
        .hasMessageContaining("access denied by " + server.endpoint())
        .hasMessageContaining("environment variables TEST_S3_ACCESS and TEST_S3_SECRET")
        .hasMessageNotContaining("wrong")
        .extracting(e -> ((SluiceException) e).category())
        .isEqualTo(ErrorCategory.USER);
  }

  @Test
  void anUnsetCredentialsVariableIsAUserErrorNamingIt() {
    assertThatThrownBy(() -> connector(s3("format", "csv"), Map.of("TEST_S3_ACCESS", "a"), "id"))
        .isInstanceOf(SluiceException.class)
        .hasMessage(
            "Source 'orders': option 's3.secret-key-env' names environment variable"
                + " TEST_S3_SECRET, which is not set");
  }

  @Test
  void anUnreachableEndpointIsAnExternalErrorNamingIt() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    SourceConnector connector =
        connector(s3("endpoint", "http://127.0.0.1:" + port, "format", "csv"), "id");

    assertThatThrownBy(() -> connector.plan(Map.of()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining(
            "Source 'orders': cannot list the objects under s3://"
                + bucket
                + "/: cannot reach http://127.0.0.1:"
                + port)
        .extracting(e -> ((SluiceException) e).category())
        .isEqualTo(ErrorCategory.EXTERNAL);
  }

  @Test
  void misspeltOptionsAreUserErrorsNamingThem() {
    assertThatThrownBy(() -> connector(s3("prefx", "a/", "format", "csv"), "id"))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("unknown option 's3.prefx' in 's3'");
    assertThatThrownBy(() -> connector(s3("glob", "*.txt"), "id"))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("cannot tell the format of '*.txt'");
  }

  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  private static byte[] tsv(byte[] csv) {
    byte[] copy = csv.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == ',') {
        copy[i] = '\t';
      }
    }
    return copy;
  }

  static byte[] compress(byte[] content, String extension) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out =
        extension.equals(".gz") ? new GZIPOutputStream(bytes) : new ZstdOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
