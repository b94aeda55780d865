package io.sluice.connect.s3;

import io.sluice.api.source.ConnectorFactory;
import io.sluice.core.testing.ConnectorContractTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The connector contract for the {@code s3} connector, against s3proxy on loopback: each call adds
 * one new gzip-compressed CSV object under {@code data/} of a bucket of its own per test, named so
 * that objects sort in the order they were added.
 */
class S3ConnectorContractTest extends ConnectorContractTest {
  private static S3Server server;
  private static int buckets;

  private String bucket;
  private int objects;

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
    bucket = "contract-" + ++buckets;
    server.createBucket(bucket);
  }

  @Override
  protected ConnectorFactory factory() {
    return new S3ConnectorFactory();
  }

  @Override
  protected String optionsYaml() {
    return """
        s3:
          bucket: %s
          endpoint: %s
          path-style: true
          access-key-env: CONTRACT_ACCESS_KEY
          secret-key-env: CONTRACT_SECRET_KEY
          glob: "data/*.csv.gz"
        """
        .formatted(bucket, server.endpoint());
  }

  @Override
  protected Map<String, String> environment() {
    return Map.of(
        "CONTRACT_ACCESS_KEY", S3Server.ACCESS_KEY, "CONTRACT_SECRET_KEY", S3Server.SECRET_KEY);
  }

  @Override
  protected void addRecords(int firstId, int count) {
    write(
        List.of("id", "name"), count, i -> List.of(String.valueOf(firstId + i), name(firstId + i)));
  }

  @Override
  protected Malformed addMalformed(int firstId) {
    String malformed = "\"unterminated,quote\"x,name";
    List<String> lines = new ArrayList<>();
    lines.add("id,name");
    lines.add(firstId + "," + name(firstId));
    long position = lines.size() + 1;
    lines.add(malformed);
    lines.add((firstId + 1) + "," + name(firstId + 1));
    return new Malformed(put(lines), position, malformed);
  }

  @Override
  protected void addRecordsWithExtraField(int firstId, int count) {
    write(
        List.of("id", "name", EXTRA_FIELD),
        count,
        i -> List.of(String.valueOf(firstId + i), name(firstId + i), "x-" + (firstId + i)));
  }

  @Override
  protected void addRecordsWithoutName(int firstId, int count) {
    write(List.of("id"), count, i -> List.of(String.valueOf(firstId + i)));
  }

  @Override
  protected boolean isSharedThread(Thread thread) {
    // s3proxy's Jetty (started before the connector) grows its pool as requests come.
    return thread.getName().startsWith("qtp") || thread.getName().contains("S3Proxy");
  }

  private void write(List<String> fields, int count, IntFunction<List<String>> values) {
    List<String> lines = new ArrayList<>();
    lines.add(String.join(",", fields));
    for (int i = 0; i < count; i++) {
      lines.add(String.join(",", values.apply(i)));
    }
    put(lines);
  }

  /** Puts a new object; returns its split key. */
  private String put(List<String> lines) {
    String key = String.format("data/part-%03d.csv.gz", objects++);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.put(bucket, key, bytes.toByteArray());
    return "s3://" + bucket + "/" + key;
  }
}
