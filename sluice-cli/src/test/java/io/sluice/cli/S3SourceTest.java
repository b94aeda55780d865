package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.connect.s3.S3Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project with a {@code connector: s3} source, run with {@code sluice} against an S3-compatible
 * server (s3proxy) on loopback, credentials from the AWS default chain (its system properties).
 */
class S3SourceTest {
  private static S3Server server;
  private static int buckets;

  @TempDir Path temp;
  private Path project;
  private String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3Server();
    System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
  }

  @AfterAll
  static void stopServer() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    server.close();
  }

  @BeforeEach
  void createProject() throws IOException {
    bucket = "shop-" + ++buckets;
    server.createBucket(bucket);
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
    declare("");
  }

  private void declare(String more) throws IOException {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        connector: s3
        s3:
          bucket: %s
          endpoint: %s
          path-style: true
          prefix: orders/
          format: csv
        %s
        columns:
          - {name: id, type: bigint}
          - {name: amount, type: int}
        """
            .formatted(bucket, server.endpoint(), more));
  }

  private Sluice.Result run() {
    return sluice("run", "-p", project.toString(), "--progress=never");
  }

  @Test
  void runLandsObjectsQuarantinesWithObjectAndLineAndPicksUpNewObjectsNextRun() {
    server.put(bucket, "orders/2025-01.csv.gz", gzip("id,amount\n1,10\n2,x\n3,30\n"));
    server.put(bucket, "orders/2025-02.csv", "id,amount\n4,40\n");
    server.put(bucket, "elsewhere/ignored.csv", "id,amount\n99,99\n");

    Sluice.Result validate = sluice("validate", "-p", project.toString());
    assertThat(validate.exit()).as(validate.out() + validate.err()).isZero();
    Sluice.Result first = run();
    assertThat(first.exit()).as(first.out() + first.err()).isZero();

    assertThat(
            Sluice.queryRows(
                project, "SELECT id, amount, _file, _line FROM lake.orders ORDER BY id"))
        .containsExactly(
            "1,10,s3://" + bucket + "/orders/2025-01.csv.gz,2",
            "3,30,s3://" + bucket + "/orders/2025-01.csv.gz,4",
            "4,40,s3://" + bucket + "/orders/2025-02.csv,2");
    assertThat(Sluice.queryRows(project, "SELECT _file, _line FROM quarantine.orders"))
        .containsExactly("s3://" + bucket + "/orders/2025-01.csv.gz,3");

    server.put(bucket, "orders/2025-03.csv", "id,amount\n5,50\n");
    Sluice.Result second = run();
    assertThat(second.exit()).as(second.out() + second.err()).isZero();
    assertThat(Sluice.queryRows(project, "SELECT id FROM lake.orders ORDER BY id"))
        .containsExactly("1", "3", "4", "5");
    assertThat(Sluice.queryRows(project, "SELECT count(*) FROM raw.orders")).containsExactly("5");
  }

  @Test
  void aChangedObjectStopsTheNextRunNamingItAndLandsAgainUnderAppend() throws IOException {
    server.put(bucket, "orders/a.csv", "id,amount\n1,10\n");
    assertThat(run().exit()).isZero();
    server.put(bucket, "orders/a.csv", "id,amount\n1,10\n2,20\n");

    Sluice.Result failed = run();
    assertThat(failed.exit()).isNotZero();
    assertThat(failed.err())
        .contains(
            "an object that was already landed has changed since: 's3://"
                + bucket
                + "/orders/a.csv' (size 15 → 20 bytes, ETag ")
        .doesNotContain("Exception");

    declare("  on-change: append");
    Sluice.Result appended = run();
    assertThat(appended.exit()).as(appended.out() + appended.err()).isZero();
    assertThat(Sluice.queryRows(project, "SELECT id FROM lake.orders ORDER BY id"))
        .containsExactly("1", "1", "2");
  }

  @Test
  void aChangedObjectFollowsTheProjectsDefaultOnChange() throws IOException {
    Files.writeString(project.resolve("sluice.yaml"), "name: p\ndefaults: {on-change: append}\n");
    server.put(bucket, "orders/a.csv", "id,amount\n1,10\n");
    assertThat(run().exit()).isZero();
    server.put(bucket, "orders/a.csv", "id,amount\n1,10\n2,20\n");

    Sluice.Result appended = run();

    assertThat(appended.exit()).as(appended.out() + appended.err()).isZero();
    assertThat(Sluice.queryRows(project, "SELECT id FROM lake.orders ORDER BY id"))
        .containsExactly("1", "1", "2");
  }

  @Test
  void parquetObjectsAreReadByTheEngineFromALocalCopy() throws Exception {
    Path parquet = temp.resolve("x.parquet");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT 7::BIGINT AS id, 70 AS amount UNION ALL SELECT 8, 80) TO '"
              + parquet
              + "' (FORMAT parquet)");
    }
    server.put(bucket, "orders/x.parquet", Files.readAllBytes(parquet));
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        Files.readString(project.resolve("sources/orders.yaml"))
            .replace("format: csv", "format: parquet"));

    Sluice.Result result = run();

    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    assertThat(Sluice.queryRows(project, "SELECT id, amount, _file FROM lake.orders ORDER BY id"))
        .containsExactly(
            "7,70,s3://" + bucket + "/orders/x.parquet",
            "8,80,s3://" + bucket + "/orders/x.parquet");
    try (var left = Files.walk(project.resolve(".sluice"))) {
      assertThat(
              left.filter(
                  p -> p.toString().endsWith(".parquet") && p.toString().contains("objects")))
          .isEmpty();
    }
  }

  @Test
  void validateNamesAMisspeltS3OptionWithItsLineAndADidYouMean() throws IOException {
    declare("  prefx: orders/2025-");

    Sluice.Result result = sluice("validate", "-p", project.toString());

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("sources/orders.yaml:8:3")
        .contains("prefx")
        .contains("prefix");
  }

  @Test
  void validateSaysWhenTheFormatCannotBeToldFromTheKeys() throws IOException {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        Files.readString(project.resolve("sources/orders.yaml")).replace("  format: csv\n", ""));

    Sluice.Result result = sluice("validate", "-p", project.toString());

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("sources/orders.yaml:6:11: cannot tell the format of the objects from 'orders/'")
        .contains("set s3.format to csv, json or parquet");
  }

  @Test
  void aMissingBucketStopsTheRunNamingIt() throws IOException {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        Files.readString(project.resolve("sources/orders.yaml"))
            .replace("bucket: " + bucket, "bucket: no-such-bucket"));

    Sluice.Result result = run();

    assertThat(result.exit()).isNotZero();
    assertThat(result.err())
        .contains("bucket 'no-such-bucket' does not exist at " + server.endpoint())
        .doesNotContain("Exception");
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
