package io.sluice.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run writes is an ordinary Iceberg lake: another program opens the catalog with the plain
 * Iceberg Java API and reads exactly the rows the warehouse shows.
 */
class LakeIsIcebergTest {
  @TempDir Path dir;

  @Test
  void cleanTablesReadWithTheIcebergApiHoldTheWarehouseRows() throws Exception {
    ExampleProject.copyTo(dir);
    ShopGenerator.generate(
        dir, ShopGenerator.Options.defaults().withOrders(1500).withDefectRate(0.05).withFiles(2));
    Project project = ProjectLoader.load(dir);
    List<List<Object>> expected;
    try (ProjectRuntime runtime = ProjectRuntime.open(project, false)) {
      runtime.run(Clock.systemUTC(), RunListener.NONE);
      expected =
          runtime
              .engine()
              .query(
                  "SELECT order_id, customer_id, ordered_at, amount, country, _file, _line"
                      + " FROM lake.orders ORDER BY order_id",
                  100_000)
              .rows();
    }
    assertThat(expected).hasSizeGreaterThan(1000);

    JdbcCatalog catalog = new JdbcCatalog();
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
    catalog.setConf(conf);
    catalog.initialize(
        "sluice",
        Map.of(
            CatalogProperties.URI,
            "jdbc:sqlite:" + dir.resolve(".sluice/lake/catalog.db"),
            CatalogProperties.WAREHOUSE_LOCATION,
            dir.resolve(".sluice/lake/warehouse").toString(),
            JdbcCatalog.PROPERTY_PREFIX + "schema-version",
            "V1"));
    try {
      Table table = catalog.loadTable(TableIdentifier.of("clean", "orders"));
      assertThat(table.spec().fields())
          .extracting(PartitionField::name)
          .containsExactly("ordered_at_day");
      assertThat(table.currentSnapshot().summary()).containsKey("sluice.splits");
      List<List<Object>> actual = new ArrayList<>();
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
        for (Record r : records) {
          actual.add(
              java.util.Arrays.asList(
                  r.getField("order_id"),
                  r.getField("customer_id"),
                  r.getField("ordered_at"),
                  r.getField("amount"),
                  r.getField("country"),
                  r.getField("_file"),
                  r.getField("_line")));
        }
      }
      actual.sort(java.util.Comparator.comparing(row -> (Long) row.get(0)));
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        List<Object> want = expected.get(i);
        List<Object> got = actual.get(i);
        assertThat(got.get(0)).isEqualTo(want.get(0));
        assertThat(got.get(1)).isEqualTo(want.get(1));
        assertThat((LocalDateTime) got.get(2))
            .isEqualTo(((java.sql.Timestamp) want.get(2)).toLocalDateTime());
        assertThat((BigDecimal) got.get(3)).isEqualByComparingTo((BigDecimal) want.get(3));
        assertThat(got.subList(4, 7)).isEqualTo(want.subList(4, 7));
      }
    } finally {
      catalog.close();
    }
  }
}
