package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.Plugins;
import io.sluice.api.SluiceException;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.Split;
import io.sluice.core.testing.CollectingSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesConnectorFactoryTest {
  @TempDir Path project;

  @Test
  void isFoundByServiceLoaderUnderTheNameFiles() {
    ConnectorFactory factory =
        Plugins.find(ConnectorFactory.class, ConnectorFactory::name, "files");

    assertThat(factory).isInstanceOf(FilesConnectorFactory.class);
    assertThat(factory.name()).isEqualTo("files");
  }

  @Test
  void parquetIsReadNativelyByTheEngine() {
    Sources.write(project, "lake/p1.parquet", new byte[] {'P', 'A', 'R', '1'});
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "lake/*.parquet"), "amount");

    List<Split> splits = connector.plan(Map.of()).splits();
    assertThat(splits).extracting(Split::key).containsExactly("lake/p1.parquet");
    assertThat(connector.nativeFormat(splits.get(0)))
        .contains(new NativeFormat("parquet", Map.of()));
  }

  @Test
  void readingParquetRecordByRecordIsAnInternalError() {
    Sources.write(project, "lake/p1.parquet", new byte[] {'P', 'A', 'R', '1'});
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "lake/*.parquet"), "amount");
    Split split = connector.plan(Map.of()).splits().get(0);

    assertThatThrownBy(() -> connector.read(split, new CollectingSink()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.INTERNAL))
        .hasMessageContaining("engine must read parquet natively");
  }

  @Test
  void csvIsReadByTheConnector() {
    Sources.write(project, "a.csv", "x\n1\n".getBytes(StandardCharsets.UTF_8));
    SourceConnector connector = Sources.connector(project, Map.of("path", "a.csv"), "x");
    assertThat(connector.nativeFormat(connector.plan(Map.of()).splits().get(0))).isEmpty();
  }

  @Test
  void cleanNdjsonIsOfferedToTheEngine() {
    Sources.write(
        project,
        "a.ndjson",
        "{\"x\": \"h\u00e9llo \u20ac \ud83d\ude00\"}\n\n  {\"x\": 2}\n[1]\n{broken\n"
            .getBytes(StandardCharsets.UTF_8));
    SourceConnector connector = Sources.connector(project, Map.of("path", "a.ndjson"), "x");
    assertThat(connector.nativeFormat(connector.plan(Map.of()).splits().get(0)))
        .contains(new NativeFormat("ndjson", Map.of()));
  }

  @Test
  void ndjsonTheEngineCouldMisreadIsReadByTheConnector() {
    Map<String, byte[]> files =
        Map.of(
            "array.json", "[{\"x\": 1}]".getBytes(StandardCharsets.UTF_8),
            "crlf.ndjson", "{\"x\": 1}\r\n".getBytes(StandardCharsets.UTF_8),
            "control.ndjson", "{\"x\": \"a\u001fb\"}\n".getBytes(StandardCharsets.UTF_8),
            "latin1.ndjson", new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xE9, '"', '}'},
            "cut.ndjson", new byte[] {'{', '}', '\n', (byte) 0xE2, (byte) 0x82},
            "bom.ndjson", "\ufeff{\"x\": 1}".getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Sources.write(project, "j/" + file.getKey(), file.getValue());
    }
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "j/*", "format", "json"), "x");
    for (Split split : connector.plan(Map.of()).splits()) {
      assertThat(connector.nativeFormat(split)).as(split.key()).isEmpty();
    }
  }

  @Test
  void ndjsonWithNumericPathSegmentsIsReadByTheConnector() {
    Sources.write(project, "a.ndjson", "{\"items\": [1]}\n".getBytes(StandardCharsets.UTF_8));
    SourceConnector connector = Sources.connector(project, Map.of("path", "a.ndjson"), "items.0");
    assertThat(connector.nativeFormat(connector.plan(Map.of()).splits().get(0))).isEmpty();
  }

  @Test
  void invalidGlobIsAUserErrorAtCreation() {
    assertThatThrownBy(() -> Sources.connector(project, Map.of("path", "data/{a,b.csv"), "x"))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("option 'path' is not a valid glob: '{' is not closed");
  }

  @Test
  void headerlessCsvFieldPathMustBeAColumnNumber() {
    assertThatThrownBy(
            () ->
                Sources.connector(
                    project, Map.of("path", "a.csv", "csv", Map.of("header", false)), "amount"))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("field 'amount' has path 'amount'")
        .hasMessageContaining("'column1'");
  }
}
