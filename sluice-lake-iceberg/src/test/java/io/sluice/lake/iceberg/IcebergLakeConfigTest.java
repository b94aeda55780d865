package io.sluice.lake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.lake.LakeContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IcebergLakeConfigTest {
  private static final Path STATE = Path.of("/srv/shop/.sluice");

  @Test
  void defaultsToASqliteCatalogAndAWarehouseUnderTheStateDirectory() {
    IcebergLakeConfig config = IcebergLakeConfig.from(new LakeContext(STATE, Map.of()));

    assertThat(config.catalogUri()).isEqualTo("jdbc:sqlite:/srv/shop/.sluice/lake/catalog.db");
    assertThat(config.warehouse()).isEqualTo("/srv/shop/.sluice/lake/warehouse");
    assertThat(config.lakeDirectory()).isEqualTo(Path.of("/srv/shop/.sluice/lake"));
    assertThat(config.isSqlite()).isTrue();
    assertThat(config.sqliteFile()).contains(Path.of("/srv/shop/.sluice/lake/catalog.db"));
    assertThat(config.localWarehouse()).contains(Path.of("/srv/shop/.sluice/lake/warehouse"));
  }

  @Test
  void mapsEveryOption() {
    IcebergLakeConfig config =
        IcebergLakeConfig.from(
            new LakeContext(
                STATE,
                Map.of(
                    "catalog-uri", "jdbc:postgresql://db:5432/lake",
                    "warehouse", "s3a://bucket/lake")));

    assertThat(config.catalogUri()).isEqualTo("jdbc:postgresql://db:5432/lake");
    assertThat(config.warehouse()).isEqualTo("s3a://bucket/lake");
    assertThat(config.isSqlite()).isFalse();
    assertThat(config.sqliteFile()).isEmpty();
    assertThat(config.localWarehouse()).isEmpty();
    assertThat(IcebergLakeConfig.KEYS).containsExactly("catalog-uri", "warehouse");
  }

  @Test
  void findsTheSqliteFileInUriVariants() {
    assertThat(sqliteFile("jdbc:sqlite:/data/c.db?busy_timeout=1000")).isEqualTo("/data/c.db");
    assertThat(sqliteFile("jdbc:sqlite:file:/data/c.db")).isEqualTo("/data/c.db");
    assertThat(sqliteFile("jdbc:sqlite::memory:")).isEqualTo("none");
  }

  @Test
  void readsFileUrisAsLocalPaths() {
    assertThat(IcebergLakeConfig.localPath("file:///data/lake")).contains(Path.of("/data/lake"));
    assertThat(IcebergLakeConfig.localPath("/data/lake")).contains(Path.of("/data/lake"));
    assertThat(IcebergLakeConfig.localPath("s3://bucket/lake")).isEmpty();
  }

  @Test
  void reportsEveryInvalidOptionTogether() {
    LakeContext context =
        new LakeContext(
            STATE,
            Map.of("catalog_uri", "x", "warehouse", "relative/lake", "catalog-uri", "sqlite.db"));

    assertThatThrownBy(() -> IcebergLakeConfig.from(context))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("unknown option 'catalog_uri', did you mean 'catalog-uri'?")
        .hasMessageContaining("option 'catalog-uri' must be a JDBC URL")
        .hasMessageContaining("option 'warehouse' must be an absolute path or a URI");
  }

  @Test
  void suggestsNothingForAnOptionFarFromEveryKey() {
    assertThatThrownBy(
            () -> IcebergLakeConfig.from(new LakeContext(STATE, Map.of("compression", "zstd"))))
        .hasMessageContaining(
            "unknown option 'compression' (known options: catalog-uri, warehouse)");
  }

  private static String sqliteFile(String uri) {
    return IcebergLakeConfig.from(new LakeContext(STATE, Map.of("catalog-uri", uri)))
        .sqliteFile()
        .map(Path::toString)
        .orElse("none");
  }
}
