package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.source.LineageDataset;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a jdbc source names what it reads in OpenLineage events: server, database, table. */
class JdbcLineageDatasetTest {
  private static LineageDataset named(String url, String relation, String value) {
    return new JdbcConnectorFactory()
        .lineageDataset(
            "orders", Path.of("/srv/shop"), Map.of("jdbc", Map.of("url", url, relation, value)))
        .orElseThrow();
  }

  @Test
  void namesTheServerAndTheDatabasesTableWithoutCredentials() {
    assertThat(
            named(
                "jdbc:postgresql://db.example.com:5432/shop?sslmode=require",
                "table",
                "sales.orders"))
        .isEqualTo(new LineageDataset("postgres://db.example.com:5432", "shop.sales.orders"));
    assertThat(named("jdbc:mariadb://app@db:3306/shop?user=app", "table", "orders"))
        .isEqualTo(new LineageDataset("mariadb://db:3306", "shop.orders"));
  }

  @Test
  void namesAQueryAfterItsSourceAndAFileDatabaseAfterItsPath() {
    assertThat(named("jdbc:postgresql://db/shop", "query", "SELECT 1"))
        .isEqualTo(new LineageDataset("postgres://db", "shop.query:orders"));
    assertThat(named("jdbc:sqlite:/data/shop.db", "table", "orders"))
        .isEqualTo(new LineageDataset("sqlite", "/data/shop.db.orders"));
  }
}
