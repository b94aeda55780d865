package io.sluice.connect.files;

import static io.sluice.connect.files.Sources.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.zstd.ZstdOutputStream;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceConnector.Original;
import io.sluice.api.source.Split;
import io.sluice.core.testing.CollectingSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compressed files ({@code .gz}, {@code .zst}) of every text format give exactly the records,
 * positions, originals and quarantine reasons of their decompressed text.
 */
class CompressedFilesTest {
  @TempDir Path project;

  /** A text format's file name and content, with a malformed record inside. */
  enum Text {
    CSV("orders.csv", bytes("id,name\n1,a\n2,", 0xFF, "\n3,\"c\nd\"\n4,e\n")),
    TSV("orders.tsv", bytes("id\tname\n1\ta\n2\t", 0xFF, "\n3\tc\n")),
    NDJSON(
        "orders.ndjson",
        bytes("{\"id\":1,\"name\":\"a\"}\n{\"id\":\n\n{\"id\":3,\"name\":\"c\"}\n")),
    JSON_ARRAY(
        "orders.json",
        bytes("[{\"id\":1,\"name\":\"a\"},\n {\"id\":,,2},\n {\"id\":3,\"name\":\"c\"}]\n"));

    final String file;
    final byte[] content;

    Text(String file, byte[] content) {
      this.file = file;
      this.content = content;
    }
  }

  static Stream<Arguments> formatsAndCompressions() {
    return Arrays.stream(Text.values())
        .flatMap(
            text ->
                Stream.of(Compression.GZIP, Compression.ZSTD)
                    .map(compression -> Arguments.of(text, compression)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("formatsAndCompressions")
  void compressedFileReadsLikeItsDecompressedText(Text text, Compression compression) {
    Sources.write(project, "plain/" + text.file, text.content);
    Sources.write(
        project,
        "packed/" + text.file + extension(compression),
        compress(text.content, compression));

    CollectingSink plain =
        Sources.readAll(
            Sources.connector(project, Map.of("path", "plain/" + text.file), "id", "name"));
    CollectingSink packed =
        Sources.readAll(
            Sources.connector(
                project,
                Map.of("path", "packed/" + text.file + extension(compression)),
                "id",
                "name"));

    assertThat(plain.records()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(plain.malformed()).isNotEmpty();
    assertThat(packed.events()).isEqualTo(plain.events());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("formatsAndCompressions")
  void compressedFileIsReadByTheConnectorWithNoTemporaryFileLeft(Text text, Compression compression)
      throws IOException {
    Sources.write(
        project, "data/" + text.file + extension(compression), compress(text.content, compression));
    SourceConnector connector =
        Sources.connector(
            project, Map.of("path", "data/" + text.file + extension(compression)), "id", "name");
    Split split = connector.plan(Map.of()).splits().get(0);

    assertThat(connector.nativeFormat(split)).isEmpty();
    connector.read(split, new CollectingSink());
    assertThat(connector.observe(split).orElseThrow())
        .extracting(ObservedField::path)
        .contains("id", "name");

    Path temp = project.resolve(".sluice/connectors/" + Sources.NAME + "/tmp");
    if (Files.isDirectory(temp)) {
      try (Stream<Path> left = Files.list(temp)) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void formatAndTabDelimiterAreToldByTheNameBeforeTheCompressionExtension() {
    Sources.write(project, "data/a.tsv.zst", compress(bytes("x\ty\n1\t2\n"), Compression.ZSTD));

    CollectingSink sink =
        Sources.readAll(Sources.connector(project, Map.of("path", "data/a.tsv.zst"), "y"));

    assertThat(sink.values()).containsExactly(List.of("2"));
    assertThat(sink.positions()).containsExactly(2L);
  }

  @Test
  void quarantinedCsvRecordsOfACompressedFileAreReadAgainAfterItsHeader() {
    Sources.write(project, "data/a.csv.gz", compress(bytes("name,id\nx,1\n"), Compression.GZIP));
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "data/*.csv.gz"), "id", "name");

    CollectingSink sink = new CollectingSink();
    connector.reread("data/a.csv.gz", List.of(new Original(7, "y,2", false)), sink);

    assertThat(sink.values()).containsExactly(List.of("2", "y"));
    assertThat(sink.positions()).containsExactly(7L);
  }

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of(Compression.GZIP, "truncated", "ends inside the compressed data"),
        Arguments.of(Compression.ZSTD, "truncated", "ends inside the compressed data"),
        Arguments.of(Compression.GZIP, "garbage", "is not valid gzip data"),
        Arguments.of(Compression.ZSTD, "garbage", "is not valid zstd data"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("corruptions")
  void corruptCompressedFileFailsTheReadNamingTheFile(
      Compression compression, String damage, String why) {
    byte[] whole = compress(bytes("id\n" + "1\n".repeat(50_000)), compression);
    byte[] broken =
        damage.equals("truncated") ? Arrays.copyOf(whole, whole.length / 2) : bytes("id\n1\n2\n");
    for (String format : List.of("csv", "json")) {
      String file = "data/" + format + "/a." + format + extension(compression);
      Sources.write(project, file, broken);
      SourceConnector connector = Sources.connector(project, Map.of("path", file), "id");
      Split split = connector.plan(Map.of()).splits().get(0);

      assertThatThrownBy(() -> connector.read(split, new CollectingSink()))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("Source 'orders': cannot read file '" + file + "'")
          .hasMessageContaining(compression.label() + " decompression failed")
          .hasMessageContaining(why)
          .extracting(e -> ((SluiceException) e).category())
          .isEqualTo(ErrorCategory.EXTERNAL);
    }
  }

  @Test
  void compressedParquetIsRefusedNamingTheFile() {
    Sources.write(project, "data/a.parquet.gz", bytes("PAR1"));
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "data/*", "format", "parquet"), "id");
    Split split = connector.plan(Map.of()).splits().get(0);

    assertThatThrownBy(() -> connector.nativeFormat(split))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("file 'data/a.parquet.gz' is a gzip-compressed Parquet file");
    assertThatThrownBy(() -> Sources.connector(project, Map.of("path", "data/a.parquet.gz"), "id"))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("cannot tell the format of 'data/a.parquet.gz'");
  }

  static String extension(Compression compression) {
    return compression == Compression.GZIP ? ".gz" : ".zst";
  }

  static byte[] compress(byte[] content, Compression compression) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out =
        compression == Compression.GZIP
            ? new GZIPOutputStream(bytes)
            : new ZstdOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
