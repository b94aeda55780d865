package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local {@code .gz} and {@code .zst} files of the text formats, run end to end: the format is told
 * by the name before the compression extension, records land with the lines of the decompressed
 * text, malformed ones are quarantined at theirs, and a truncated archive stops the run naming it.
 */
class CompressedFilesTest {
  @TempDir Path temp;
  private Path project;

  @BeforeEach
  void createProject() throws IOException {
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
  }

  private void declare(String source, String path) throws IOException {
    Files.writeString(
        project.resolve("sources/" + source + ".yaml"),
        """
        path: %s
        columns:
          - {name: id, type: bigint}
          - {name: amount, type: int}
        """
            .formatted(path));
  }

  private Sluice.Result run() {
    return sluice("run", "-p", project.toString(), "--progress=never");
  }

  @Test
  void gzipCsvAndZstdNdjsonLandWithTheLinesOfTheirText() throws IOException {
    declare("orders", "data/*.csv.gz");
    declare("clicks", "data/*.ndjson.zst");
    Files.write(project.resolve("data/orders.csv.gz"), gzip("id,amount\n1,10\n2,oops\n3,30\n"));
    Files.write(
        project.resolve("data/clicks.ndjson.zst"),
        zstd("{\"id\":1,\"amount\":5}\n{\"id\":\n{\"id\":3,\"amount\":7}\n"));

    Sluice.Result validate = sluice("validate", "-p", project.toString());
    assertThat(validate.exit()).as(validate.out() + validate.err()).isZero();
    Sluice.Result result = run();

    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    assertThat(Sluice.queryRows(project, "SELECT id, amount, _line FROM lake.orders ORDER BY id"))
        .containsExactly("1,10,2", "3,30,4");
    assertThat(Sluice.queryRows(project, "SELECT _file, _line FROM quarantine.orders"))
        .containsExactly("data/orders.csv.gz,3");
    assertThat(Sluice.queryRows(project, "SELECT id, amount, _line FROM lake.clicks ORDER BY id"))
        .containsExactly("1,5,1", "3,7,3");
    assertThat(Sluice.queryRows(project, "SELECT _file, _line FROM quarantine.clicks"))
        .containsExactly("data/clicks.ndjson.zst,2");
  }

  @Test
  void aTruncatedArchiveStopsTheRunNamingTheFile() throws IOException {
    declare("orders", "data/*.csv.gz");
    byte[] whole = gzip("id,amount\n" + "1,10\n".repeat(20_000));
    Files.write(project.resolve("data/orders.csv.gz"), Arrays.copyOf(whole, whole.length / 2));

    Sluice.Result result = run();

    assertThat(result.exit()).isNotZero();
    assertThat(result.err())
        .contains("cannot read file 'data/orders.csv.gz'")
        .contains("gzip decompression failed: it ends inside the compressed data")
        .doesNotContain("Exception");
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static byte[] zstd(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new ZstdOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
