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
import java.nio.file.Path;
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

    assertThat(connector.nativeFormat()).contains(new NativeFormat("parquet", Map.of()));
    assertThat(connector.plan(Map.of()).splits())
        .extracting(Split::key)
        .containsExactly("lake/p1.parquet");
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
  void csvAndJsonAreReadByTheConnector() {
    assertThat(Sources.connector(project, Map.of("path", "a.csv"), "x").nativeFormat()).isEmpty();
    assertThat(Sources.connector(project, Map.of("path", "a.ndjson"), "x").nativeFormat())
        .isEmpty();
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
