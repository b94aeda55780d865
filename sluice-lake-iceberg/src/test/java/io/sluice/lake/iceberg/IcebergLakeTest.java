package io.sluice.lake.iceberg;

import static io.sluice.api.lake.PartitionField.Transform.DAY;
import static io.sluice.api.lake.PartitionField.Transform.HOUR;
import static io.sluice.api.lake.PartitionField.Transform.IDENTITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.Plugins;
import io.sluice.api.SluiceException;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.LakeContext;
import io.sluice.api.lake.LakeFactory;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.type.Column;
import io.sluice.api.type.DataType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;

class IcebergLakeTest extends LakeFixture {
  private static final TableId ORDERS = new TableId("raw", "orders");

  // Two string columns and one of every other type, so that a column swap cannot go unnoticed.
  private static final List<Column> ORDER_COLUMNS =
      List.of(
          new Column("id", DataType.BIGINT),
          new Column("customer", DataType.STRING),
          new Column("country", DataType.STRING),
          new Column("amount", DataType.decimal(12, 2)),
          new Column("quantity", DataType.INT),
          new Column("paid", DataType.BOOLEAN),
          new Column("score", DataType.DOUBLE),
          new Column("order_date", DataType.DATE),
          new Column("ordered_at", DataType.TIMESTAMP));

  private static final List<PartitionField> BY_DAY_AND_COUNTRY =
      List.of(new PartitionField("ordered_at", DAY), new PartitionField("country", IDENTITY));

  private static final TableSpec ORDERS_SPEC =
      new TableSpec(ORDERS, ORDER_COLUMNS, BY_DAY_AND_COUNTRY);

  private static final String ORDERS_SELECT =
      "SELECT id::BIGINT AS id, customer::VARCHAR AS customer, country::VARCHAR AS country,"
          + " amount::DECIMAL(12,2) AS amount, quantity::INTEGER AS quantity, paid::BOOLEAN AS paid,"
          + " score::DOUBLE AS score, order_date::DATE AS order_date,"
          + " ordered_at::TIMESTAMP AS ordered_at FROM (VALUES %s)"
          + " AS t(id, customer, country, amount, quantity, paid, score, order_date, ordered_at)";

  private static final int MARCH_1 = (int) LocalDate.of(2024, 3, 1).toEpochDay();
  private static final int MARCH_2 = (int) LocalDate.of(2024, 3, 2).toEpochDay();

  @Test
  void isFoundByNameThroughServiceLoader() {
    LakeFactory factory = Plugins.find(LakeFactory.class, LakeFactory::name, "iceberg");

    assertThat(factory).isInstanceOf(IcebergLakeFactory.class);
  }

  @Test
  void createsTheCatalogAndWarehouseUnderTheStateDirectory() {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);

    assertThat(state.resolve("lake/catalog.db")).isRegularFile();
    assertThat(iceberg(orders).location())
        .isEqualTo(state.resolve("lake/warehouse/raw/orders").toString());
    assertThat(TableUtil.formatVersion(iceberg(orders))).isEqualTo(2);
  }

  @Test
  void createsTableWithOptionalColumnsAndIcebergFieldIds() {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);

    assertThat(orders.id()).isEqualTo(ORDERS);
    assertThat(orders.columns())
        .containsExactly(
            new LakeColumn(1, "id", DataType.BIGINT),
            new LakeColumn(2, "customer", DataType.STRING),
            new LakeColumn(3, "country", DataType.STRING),
            new LakeColumn(4, "amount", DataType.decimal(12, 2)),
            new LakeColumn(5, "quantity", DataType.INT),
            new LakeColumn(6, "paid", DataType.BOOLEAN),
            new LakeColumn(7, "score", DataType.DOUBLE),
            new LakeColumn(8, "order_date", DataType.DATE),
            new LakeColumn(9, "ordered_at", DataType.TIMESTAMP));
    assertThat(orders.partitioning()).isEqualTo(BY_DAY_AND_COUNTRY);
    assertThat(iceberg(orders).schema().columns()).allMatch(field -> field.isOptional());
    assertThat(iceberg(orders).spec().fields())
        .extracting(field -> field.transform().toString())
        .containsExactly("day", "identity");
    assertThat(orders.currentSnapshot()).isEmpty();
    assertThat(orders.snapshots()).isEmpty();
    assertThat(orders.files()).isEmpty();
  }

  @Test
  void appendsDuckDbParquetFilesAndReadsBackExactValues() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    List<DataFile> files = writeOrderFiles(orders);

    orders.append(files, Map.of("sluice.batch", "1"));

    assertThat(rows(iceberg(orders), Expressions.alwaysTrue()))
        .containsExactly(
            row(
                1L,
                "alice",
                "NL",
                new BigDecimal("12.50"),
                3,
                true,
                0.5,
                LocalDate.of(2024, 3, 1),
                LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_000)),
            row(
                2L,
                "bob",
                "NL",
                null,
                null,
                null,
                null,
                null,
                LocalDateTime.of(2024, 3, 1, 23, 59, 59, 999_999_000)),
            row(
                3L,
                "carol",
                "DE",
                new BigDecimal("-0.01"),
                -7,
                false,
                -1.25e300,
                LocalDate.of(1969, 12, 31),
                LocalDateTime.of(2024, 3, 1, 0, 0)),
            row(
                4L,
                "dave",
                "NL",
                new BigDecimal("9999999999.99"),
                2147483647,
                true,
                0.0,
                LocalDate.of(2024, 2, 29),
                LocalDateTime.of(2024, 3, 2, 8, 0)));
  }

  @Test
  void listsCommittedFilesWithPartitionValuesInSpecOrder() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    List<DataFile> files = writeOrderFiles(orders);

    orders.append(files, Map.of());

    assertThat(orders.files()).containsExactlyInAnyOrderElementsOf(files);
    assertThat(orders.files())
        .extracting(DataFile::partition)
        .containsExactlyInAnyOrder(
            List.of(MARCH_1, "NL"), List.of(MARCH_1, "DE"), List.of(MARCH_2, "NL"));
  }

  @Test
  void partitionFiltersPlanOnlyTheMatchingFiles() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    // Without column metrics only the partition values can prune files.
    iceberg(orders)
        .updateProperties()
        .set(TableProperties.DEFAULT_WRITE_METRICS_MODE, "none")
        .commit();
    List<DataFile> files = writeOrderFiles(orders);
    orders.append(files, Map.of());
    Table table = iceberg(orders);

    assertThat(plannedFiles(table, Expressions.alwaysTrue())).hasSize(3);
    assertThat(plannedFiles(table, Expressions.equal("country", "DE")))
        .containsExactly(files.get(1).path());
    assertThat(
            plannedFiles(
                table, Expressions.greaterThanOrEqual("ordered_at", "2024-03-02T00:00:00")))
        .containsExactly(files.get(2).path());
    assertThat(
            plannedFiles(
                table,
                Expressions.and(
                    Expressions.equal("country", "NL"),
                    Expressions.lessThan("ordered_at", "2024-03-02T00:00:00"))))
        .containsExactly(files.get(0).path());
    assertThat(rows(table, Expressions.equal("country", "DE")))
        .extracting(row -> row.get(1))
        .containsExactly("carol");
  }

  @Test
  void commitsTheSummaryWithTheFilesInOneSnapshot() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    List<DataFile> files = writeOrderFiles(orders);

    Snapshot snapshot =
        orders.append(
            files, Map.of("sluice.batch", "42", "sluice.position.orders", "{\"offset\":17}"));

    assertThat(snapshot.sequence()).isEqualTo(1);
    assertThat(snapshot.summary())
        .containsEntry("sluice.batch", "42")
        .containsEntry("sluice.position.orders", "{\"offset\":17}")
        .containsEntry("added-data-files", "3")
        .containsEntry("added-records", "4");
    assertThat(orders.currentSnapshot()).contains(snapshot);
    assertThat(orders.snapshots()).containsExactly(snapshot);
    assertThat(iceberg(orders).currentSnapshot().operation()).isEqualTo("append");
  }

  @Test
  void appendingNoFilesStillCommitsASnapshotWithTheSummary() {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);

    Snapshot snapshot = orders.append(List.of(), Map.of("sluice.batch", "7"));

    assertThat(snapshot.summary()).containsEntry("sluice.batch", "7");
    assertThat(snapshot.summary()).containsEntry("total-records", "0");
    assertThat(orders.currentSnapshot()).contains(snapshot);
    assertThat(orders.files()).isEmpty();
  }

  @Test
  void listsSnapshotsOldestFirstWithIncreasingSequenceNumbers() {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);

    Snapshot first = orders.append(List.of(), Map.of("sluice.batch", "1"));
    Snapshot second = orders.append(List.of(), Map.of("sluice.batch", "2"));
    Snapshot third = orders.append(List.of(), Map.of("sluice.batch", "3"));

    assertThat(orders.snapshots()).containsExactly(first, second, third);
    assertThat(orders.snapshots()).extracting(Snapshot::sequence).containsExactly(1L, 2L, 3L);
    assertThat(third.timestampMillis()).isGreaterThanOrEqualTo(first.timestampMillis());
  }

  @Test
  void listsTheFilesAddedSinceASnapshot() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    assertThat(orders.filesAddedSince(Optional.empty())).isEmpty();
    List<DataFile> files = writeOrderFiles(orders);

    Snapshot first = orders.append(files.subList(0, 1), Map.of());
    Snapshot second = orders.append(files.subList(1, 3), Map.of());
    Snapshot empty = orders.append(List.of(), Map.of());

    assertThat(orders.filesAddedSince(Optional.empty())).containsExactlyInAnyOrderElementsOf(files);
    assertThat(orders.filesAddedSince(Optional.of(first.id())))
        .containsExactlyInAnyOrderElementsOf(files.subList(1, 3));
    assertThat(orders.filesAddedSince(Optional.of(second.id()))).isEmpty();
    assertThat(orders.filesAddedSince(Optional.of(empty.id()))).isEmpty();
  }

  @Test
  void rejectsFilesAddedSinceASnapshotOutsideTheHistory() {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    orders.append(List.of(), Map.of());

    assertThatThrownBy(() -> orders.filesAddedSince(Optional.of(12345L)))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("raw.orders")
        .hasMessageContaining("since snapshot 12345: that snapshot is not in the table's history");
  }

  @Test
  void createOrLoadLoadsAnExistingTableWithTheSameSpec() throws Exception {
    LakeTable created = lake.createOrLoad(ORDERS_SPEC);
    Snapshot snapshot = created.append(writeOrderFiles(created), Map.of("sluice.batch", "1"));

    LakeTable loaded = lake.createOrLoad(ORDERS_SPEC);

    assertThat(loaded.columns()).isEqualTo(created.columns());
    assertThat(loaded.partitioning()).isEqualTo(created.partitioning());
    assertThat(loaded.currentSnapshot()).contains(snapshot);
  }

  @Test
  void createOrLoadRejectsAnExistingTableWithOtherColumns() {
    lake.createOrLoad(ORDERS_SPEC);
    List<Column> changed = new ArrayList<>(ORDER_COLUMNS);
    changed.set(3, new Column("amount", DataType.decimal(10, 2)));
    changed.add(new Column("discount", DataType.DOUBLE));
    changed.remove(6);

    assertThatThrownBy(() -> lake.createOrLoad(new TableSpec(ORDERS, changed, BY_DAY_AND_COUNTRY)))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("Table raw.orders already exists with a different shape")
        .hasMessageContaining("column 'amount' is decimal(12,2), not decimal(10,2)")
        .hasMessageContaining("column 'discount' (double) is missing")
        .hasMessageContaining("column 'score' (double) is not in the spec");
  }

  @Test
  void createOrLoadRejectsAnExistingTableWithOtherPartitioning() {
    lake.createOrLoad(ORDERS_SPEC);

    assertThatThrownBy(
            () ->
                lake.createOrLoad(
                    new TableSpec(
                        ORDERS, ORDER_COLUMNS, List.of(new PartitionField("ordered_at", HOUR)))))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("raw.orders")
        .hasMessageContaining(
            "partitioned by [day(ordered_at), identity(country)], not [hour(ordered_at)]");
  }

  @Test
  void rejectsDayAndHourOfTheSameColumnNamingTheTable() {
    TableSpec spec =
        new TableSpec(
            ORDERS,
            ORDER_COLUMNS,
            List.of(new PartitionField("ordered_at", DAY), new PartitionField("ordered_at", HOUR)));

    assertThatThrownBy(() -> lake.createOrLoad(spec))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("Cannot create table raw.orders with partitioning")
        .hasMessageContaining("[day(ordered_at), hour(ordered_at)]");
    assertThat(lake.load(ORDERS)).isEmpty();
  }

  @Test
  void rejectsPartitioningThatDoesNotFitTheColumns() {
    assertThatThrownBy(
            () ->
                lake.createOrLoad(
                    new TableSpec(
                        ORDERS, ORDER_COLUMNS, List.of(new PartitionField("country", DAY)))))
        .hasMessageContaining("cannot partition by day of column 'country' of type string");
    assertThatThrownBy(
            () ->
                lake.createOrLoad(
                    new TableSpec(
                        ORDERS, ORDER_COLUMNS, List.of(new PartitionField("order_date", HOUR)))))
        .hasMessageContaining("cannot partition by hour of column 'order_date' of type date");
    assertThatThrownBy(
            () ->
                lake.createOrLoad(
                    new TableSpec(
                        ORDERS, ORDER_COLUMNS, List.of(new PartitionField("region", IDENTITY)))))
        .hasMessageContaining("partition column 'region' is not a column");
  }

  @Test
  void rejectsColumnsDeclaredTwice() {
    TableSpec spec =
        new TableSpec(
            ORDERS,
            List.of(new Column("id", DataType.BIGINT), new Column("ID", DataType.STRING)),
            List.of());

    assertThatThrownBy(() -> lake.createOrLoad(spec))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("column 'ID' is declared twice");
  }

  @Test
  void loadsAndListsExistingTablesOnly() {
    lake.createOrLoad(spec(new TableId("raw", "shipments")));
    lake.createOrLoad(spec(new TableId("raw", "customers")));
    lake.createOrLoad(spec(new TableId("clean", "customers")));

    assertThat(lake.list("raw"))
        .containsExactly(new TableId("raw", "customers"), new TableId("raw", "shipments"));
    assertThat(lake.list("clean")).containsExactly(new TableId("clean", "customers"));
    assertThat(lake.list("marts")).isEmpty();
    assertThat(lake.load(new TableId("raw", "customers"))).isPresent();
    assertThat(lake.load(new TableId("raw", "returns"))).isEmpty();
    assertThat(lake.load(new TableId("marts", "customers"))).isEmpty();
  }

  @Test
  void reopenedLakeSeesTheCommittedState() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    List<DataFile> files = writeOrderFiles(orders);
    Snapshot first = orders.append(files.subList(0, 2), Map.of("sluice.batch", "1"));
    Snapshot second = orders.append(files.subList(2, 3), Map.of("sluice.batch", "2"));
    List<List<Object>> rows = rows(iceberg(orders), Expressions.alwaysTrue());
    lake.close();

    lake = new IcebergLakeFactory().create(new LakeContext(state, Map.of()));
    LakeTable reopened = lake.load(ORDERS).orElseThrow();

    assertThat(reopened.columns()).isEqualTo(orders.columns());
    assertThat(reopened.partitioning()).isEqualTo(BY_DAY_AND_COUNTRY);
    assertThat(reopened.snapshots()).containsExactly(first, second);
    assertThat(reopened.currentSnapshot().orElseThrow().summary())
        .containsEntry("sluice.batch", "2");
    assertThat(reopened.files()).containsExactlyInAnyOrderElementsOf(files);
    assertThat(reopened.filesAddedSince(Optional.of(first.id()))).containsExactly(files.get(2));
    assertThat(rows(iceberg(reopened), Expressions.alwaysTrue())).isEqualTo(rows);
  }

  @Test
  void handlesSeeOtherCommitsAfterRefresh() {
    LakeTable writer = lake.createOrLoad(ORDERS_SPEC);
    LakeTable reader = lake.load(ORDERS).orElseThrow();

    Snapshot snapshot = writer.append(List.of(), Map.of("sluice.batch", "1"));

    assertThat(reader.currentSnapshot()).isEmpty();
    reader.refresh();
    assertThat(reader.currentSnapshot()).contains(snapshot);
  }

  @Test
  void partitionValuesRoundTripWithTheirJavaTypes() throws Exception {
    TableId events = new TableId("raw", "events");
    List<Column> columns =
        List.of(
            new Column("name", DataType.STRING),
            new Column("flag", DataType.BOOLEAN),
            new Column("n", DataType.INT),
            new Column("big", DataType.BIGINT),
            new Column("price", DataType.decimal(10, 3)),
            new Column("day", DataType.DATE),
            new Column("seen", DataType.TIMESTAMP),
            new Column("happened", DataType.TIMESTAMP));
    List<PartitionField> partitioning =
        List.of(
            new PartitionField("name", IDENTITY),
            new PartitionField("flag", IDENTITY),
            new PartitionField("n", IDENTITY),
            new PartitionField("big", IDENTITY),
            new PartitionField("price", IDENTITY),
            new PartitionField("day", IDENTITY),
            new PartitionField("seen", IDENTITY),
            new PartitionField("happened", HOUR));
    LakeTable table = lake.createOrLoad(new TableSpec(events, columns, partitioning));
    Path directory = table.newDataDirectory("batch-1");
    String select =
        "SELECT %s::VARCHAR AS name, true AS flag, 7::INTEGER AS n, 8::BIGINT AS big,"
            + " 1.5::DECIMAL(10,3) AS price, DATE '2024-03-01' AS day,"
            + " TIMESTAMP '2024-03-01 12:34:56.789' AS seen, TIMESTAMP '2024-03-01 05:59:59' AS happened";
    LocalDateTime seen = LocalDateTime.of(2024, 3, 1, 12, 34, 56, 789_000_000);
    long seenMicros = ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), seen);
    int hour =
        (int) (LocalDateTime.of(2024, 3, 1, 5, 0).toEpochSecond(java.time.ZoneOffset.UTC) / 3600);
    List<Object> internal =
        Arrays.asList("a", true, 7, 8L, new BigDecimal("1.500"), MARCH_1, seenMicros, hour);
    // The same values as Java time values, a bigint given as Integer and a null name.
    List<Object> convenient =
        Arrays.asList(
            null, true, 7, 8, new BigDecimal("1.5"), LocalDate.of(2024, 3, 1), seen, hour);

    DataFile first =
        duckDb.write(
            directory.resolve("a.parquet"), select.formatted("'a'"), table.columns(), internal);
    DataFile second =
        duckDb.write(
            directory.resolve("null.parquet"),
            select.formatted("NULL"),
            table.columns(),
            convenient);
    table.append(List.of(first, second), Map.of());
    lake.close();
    lake = openLake();

    List<DataFile> files = lake.load(events).orElseThrow().files();

    assertThat(files)
        .extracting(DataFile::partition)
        .containsExactlyInAnyOrder(
            internal,
            Arrays.asList(null, true, 7, 8L, new BigDecimal("1.500"), MARCH_1, seenMicros, hour));
    List<Object> typed =
        files.stream()
            .filter(file -> file.partition().get(0) != null)
            .findFirst()
            .orElseThrow()
            .partition();
    assertThat(typed)
        .extracting(value -> (Object) value.getClass())
        .containsExactly(
            String.class,
            Boolean.class,
            Integer.class,
            Long.class,
            BigDecimal.class,
            Integer.class,
            Long.class,
            Integer.class);
  }

  @Test
  void duckDbWritesPlainTimestampsWithoutUtcAdjustment() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    DataFile file = writeOrderFiles(orders).get(0);

    MessageType schema;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.path()), new Configuration()))) {
      schema = reader.getFooter().getFileMetaData().getSchema();
    }

    TimestampLogicalTypeAnnotation timestamp =
        (TimestampLogicalTypeAnnotation) schema.getType("ordered_at").getLogicalTypeAnnotation();
    assertThat(timestamp.isAdjustedToUTC()).isFalse();
    assertThat(timestamp.getUnit())
        .isEqualTo(org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MICROS);
    assertThat(schema.getType("ordered_at").getId().intValue()).isEqualTo(9);
  }

  @Test
  void rejectsTimestampsWithTimeZoneForATimestampColumn() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    String select =
        ORDERS_SELECT
            .formatted(
                "(1, 'alice', 'NL', 1, 1, true, 1, DATE '2024-03-01', TIMESTAMP '2024-03-01 10:00:00')")
            .replace("ordered_at::TIMESTAMP AS", "(ordered_at::TIMESTAMP)::TIMESTAMPTZ AS");
    DataFile file =
        duckDb.write(
            orders.newDataDirectory("b").resolve("tz.parquet"),
            select,
            orders.columns(),
            List.of(MARCH_1, "NL"));

    assertThatThrownBy(() -> orders.append(List.of(file), Map.of()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.INTERNAL))
        .hasMessageContaining(
            "column 'ordered_at' is timestamptz in the file but timestamp in the table");
  }

  @Test
  void rejectsParquetFilesWithoutFieldIds() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    DataFile file =
        duckDb.writeWithoutFieldIds(
            orders.newDataDirectory("b").resolve("no-ids.parquet"),
            ORDERS_SELECT.formatted(
                "(1, 'alice', 'NL', 1, 1, true, 1, DATE '2024-03-01', TIMESTAMP '2024-03-01 10:00:00')"),
            List.of(MARCH_1, "NL"));

    assertThatThrownBy(() -> orders.append(List.of(file), Map.of()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.INTERNAL))
        .hasMessageContaining("raw.orders")
        .hasMessageContaining("column 'id' has no Parquet field id");
  }

  @Test
  void rejectsParquetFilesWithSwappedFieldIds() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    List<LakeColumn> swapped = new ArrayList<>(orders.columns());
    swapped.set(1, new LakeColumn(3, "customer", DataType.STRING));
    swapped.set(2, new LakeColumn(2, "country", DataType.STRING));
    DataFile file =
        duckDb.write(
            orders.newDataDirectory("b").resolve("swapped.parquet"),
            ORDERS_SELECT.formatted(
                "(1, 'alice', 'NL', 1, 1, true, 1, DATE '2024-03-01', TIMESTAMP '2024-03-01 10:00:00')"),
            swapped,
            List.of(MARCH_1, "NL"));

    assertThatThrownBy(() -> orders.append(List.of(file), Map.of()))
        .hasMessageContaining("column 'customer' carries field id 3");
  }

  @Test
  void rejectsAFileWhoseDescriptionDoesNotMatchIt() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    DataFile file = writeOrderFiles(orders).get(0);

    assertThatThrownBy(
            () ->
                orders.append(
                    List.of(new DataFile(file.path(), file.partition(), 3, file.sizeBytes())),
                    Map.of()))
        .hasMessageContaining("is described with 3 records but holds 2");
    assertThatThrownBy(
            () ->
                orders.append(
                    List.of(new DataFile(file.path(), file.partition(), 2, file.sizeBytes() + 1)),
                    Map.of()))
        .hasMessageContaining("bytes but has " + file.sizeBytes());
    assertThatThrownBy(
            () ->
                orders.append(
                    List.of(new DataFile(file.path() + ".gone", file.partition(), 2, 1)), Map.of()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.EXTERNAL))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> orders.append(List.of(file, file), Map.of()))
        .hasMessageContaining("is listed twice");
  }

  @Test
  void rejectsPartitionValuesThatContradictTheData() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    DataFile file = writeOrderFiles(orders).get(0);

    assertThatThrownBy(
            () ->
                orders.append(
                    List.of(new DataFile(file.path(), List.of(MARCH_2, "NL"), 2, file.sizeBytes())),
                    Map.of()))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.INTERNAL))
        .hasMessageContaining(
            "its partition value for ordered_at_day is "
                + MARCH_2
                + " but its values of column"
                + " 'ordered_at' give "
                + MARCH_1
                + " to "
                + MARCH_1);
    assertThatThrownBy(
            () ->
                orders.append(
                    List.of(
                        new DataFile(
                            file.path(), List.of("2024-03-01", "NL"), 2, file.sizeBytes())),
                    Map.of()))
        .hasMessageContaining("partition field")
        .hasMessageContaining("needs a Integer value, got 2024-03-01 (java.lang.String)");
    assertThatThrownBy(
            () ->
                orders.append(
                    List.of(new DataFile(file.path(), List.of(MARCH_1), 2, file.sizeBytes())),
                    Map.of()))
        .hasMessageContaining("1 partition values given but the table has 2 partition fields");
  }

  @Test
  void appendsNothingWhenOneFileIsRejected() throws Exception {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);
    List<DataFile> files = writeOrderFiles(orders);
    DataFile withoutIds =
        duckDb.writeWithoutFieldIds(
            orders.newDataDirectory("b").resolve("no-ids.parquet"),
            ORDERS_SELECT.formatted(
                "(9, 'zoe', 'NL', 1, 1, true, 1, DATE '2024-03-01', TIMESTAMP '2024-03-01 10:00:00')"),
            List.of(MARCH_1, "NL"));

    assertThatThrownBy(
            () ->
                orders.append(
                    List.of(files.get(0), files.get(1), withoutIds), Map.of("sluice.batch", "1")))
        .isInstanceOf(SluiceException.class);

    orders.refresh();
    assertThat(orders.currentSnapshot()).isEmpty();
    assertThat(orders.files()).isEmpty();
  }

  @Test
  void rejectsSummaryKeysThatIcebergWrites() {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);

    assertThatThrownBy(() -> orders.append(List.of(), Map.of("added-records", "5")))
        .hasMessageContaining("summary key 'added-records' is written by Iceberg itself");
    assertThat(orders.currentSnapshot()).isEmpty();
  }

  @Test
  void createsAFreshDataDirectoryInsideTheTable() throws IOException {
    LakeTable orders = lake.createOrLoad(ORDERS_SPEC);

    Path first = orders.newDataDirectory("batch-7");
    Path second = orders.newDataDirectory("batch-7");

    Path data = state.resolve("lake/warehouse/raw/orders/data");
    assertThat(first).isDirectory().hasParent(data);
    assertThat(first.getFileName().toString()).startsWith("batch-7-");
    assertThat(second).isDirectory().isNotEqualTo(first);
    try (Stream<Path> entries = Files.list(first)) {
      assertThat(entries).isEmpty();
    }
    assertThatThrownBy(() -> orders.newDataDirectory("../escape"))
        .hasMessageContaining("Invalid data directory tag '../escape'");
  }

  @Test
  void concurrentAppendsThroughSeparateHandlesAllCommit() throws Exception {
    lake.createOrLoad(ORDERS_SPEC);
    int threads = 4;
    int appendsPerThread = 5;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        LakeTable handle = lake.load(ORDERS).orElseThrow();
        String writer = "w" + t;
        Callable<Void> appends =
            () -> {
              start.await();
              for (int i = 0; i < appendsPerThread; i++) {
                handle.append(List.of(), Map.of("sluice.writer", writer, "sluice.seq", "" + i));
              }
              return null;
            };
        results.add(executor.submit(appends));
      }
      start.countDown();
      for (Future<Void> result : results) {
        result.get();
      }
    } finally {
      executor.shutdownNow();
    }

    List<Snapshot> snapshots = lake.load(ORDERS).orElseThrow().snapshots();
    assertThat(snapshots).hasSize(threads * appendsPerThread);
    assertThat(snapshots).extracting(Snapshot::sequence).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void honoursTheCatalogUriAndWarehouseOptions() {
    Path elsewhere = state.resolve("elsewhere");
    Map<String, String> options =
        Map.of(
            "catalog-uri",
            "jdbc:sqlite:" + elsewhere.resolve("db/catalog.db"),
            "warehouse",
            elsewhere.resolve("tables").toString());

    try (Lake custom =
        new IcebergLakeFactory().create(new LakeContext(state.resolve("other-state"), options))) {
      LakeTable orders = custom.createOrLoad(ORDERS_SPEC);

      assertThat(elsewhere.resolve("db/catalog.db")).isRegularFile();
      assertThat(iceberg(orders).location())
          .isEqualTo(elsewhere.resolve("tables/raw/orders").toString());
    }
    assertThat(state.resolve("other-state")).doesNotExist();
  }

  @Test
  void rejectsUnknownOptionsWithASuggestion() {
    LakeContext context = new LakeContext(state, Map.of("warehous", "/tmp/x"));

    assertThatThrownBy(() -> new IcebergLakeFactory().create(context))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("unknown option 'warehous', did you mean 'warehouse'?");
  }

  @Test
  void failsAfterClose() {
    lake.close();
    lake.close();

    assertThatThrownBy(() -> lake.createOrLoad(ORDERS_SPEC)).hasMessageContaining("is closed");
  }

  private List<DataFile> writeOrderFiles(LakeTable orders) throws Exception {
    Path directory = orders.newDataDirectory("batch-1");
    List<LakeColumn> columns = orders.columns();
    DataFile nl1 =
        duckDb.write(
            directory.resolve("nl-1.parquet"),
            ORDERS_SELECT.formatted(
                "(1, 'alice', 'NL', 12.50, 3, true, 0.5, DATE '2024-03-01',"
                    + " TIMESTAMP '2024-03-01 10:15:30.123456'),"
                    + " (2, 'bob', 'NL', NULL, NULL, NULL, NULL, NULL,"
                    + " TIMESTAMP '2024-03-01 23:59:59.999999')"),
            columns,
            List.of(MARCH_1, "NL"));
    DataFile de1 =
        duckDb.write(
            directory.resolve("de-1.parquet"),
            ORDERS_SELECT.formatted(
                "(3, 'carol', 'DE', -0.01, -7, false, -1.25e300, DATE '1969-12-31',"
                    + " TIMESTAMP '2024-03-01 00:00:00')"),
            columns,
            List.of(MARCH_1, "DE"));
    DataFile nl2 =
        duckDb.write(
            directory.resolve("nl-2.parquet"),
            ORDERS_SELECT.formatted(
                "(4, 'dave', 'NL', 9999999999.99, 2147483647, true, 0.0, DATE '2024-02-29',"
                    + " TIMESTAMP '2024-03-02 08:00:00')"),
            columns,
            List.of(MARCH_2, "NL"));
    return List.of(nl1, de1, nl2);
  }

  private static TableSpec spec(TableId id) {
    return new TableSpec(id, List.of(new Column("id", DataType.BIGINT)), List.of());
  }

  private static Table iceberg(LakeTable table) {
    return ((IcebergLakeTable) table).icebergTable();
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  private static List<List<Object>> rows(Table table, Expression filter) throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).where(filter).build()) {
      for (Record record : records) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < record.size(); i++) {
          row.add(record.get(i));
        }
        rows.add(row);
      }
    }
    rows.sort(Comparator.comparing(row -> (Long) row.get(0)));
    return rows;
  }

  private static List<String> plannedFiles(Table table, Expression filter) throws IOException {
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().filter(filter).planFiles()) {
      tasks.forEach(task -> files.add(task.file().location()));
    }
    return files;
  }
}
