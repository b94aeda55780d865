package io.sluice.lake.iceberg;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.TableId;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Turns Parquet files that an engine wrote into Iceberg data files, checking them against the table
 * first. A file is committed once and read for years, so every mismatch that would later surface as
 * silently wrong results is rejected here: a column without a field id (readers would match columns
 * by position and swap them), an id that names another column, a type that readers cannot read as
 * the table's type, a wrong record count or size, and partition values that the file's own column
 * bounds contradict (partition pruning would skip its rows).
 */
final class ParquetDataFiles {
  private ParquetDataFiles() {}

  private static final org.apache.parquet.ParquetReadOptions READ_OPTIONS =
      org.apache.parquet.ParquetReadOptions.builder(
              new org.apache.parquet.conf.PlainParquetConfiguration())
          .build();

  /**
   * The Iceberg data file for {@code file}, with metrics from its footer. Safe to call for several
   * files of one table at once once the table's metadata is current (reading {@code metricsConfig}
   * from it refreshes it).
   *
   * @param metricsConfig the table's metrics configuration, read once for all the files of a commit
   * @throws SluiceException EXTERNAL when the file cannot be read, INTERNAL when it does not match
   *     the table or its description
   */
  static DataFile toIceberg(
      TableId id,
      Table table,
      MetricsConfig metricsConfig,
      java.util.function.Supplier<Configuration> conf,
      io.sluice.api.lake.DataFile file) {
    String location = location(file.path());
    PartitionSpec spec = table.spec();
    PartitionData partition = IcebergTypes.partitionData(id, spec, file.partition(), location);

    ParquetMetadata footer;
    long length;
    try {
      // Local files are read without Hadoop: building read options from a Hadoop configuration
      // re-parsed Hadoop's default XML resources on every file (a sixth of a micro-batch).
      java.util.Optional<java.nio.file.Path> local = IcebergLakeConfig.localPath(file.path());
      org.apache.parquet.io.InputFile input =
          local.isPresent()
              ? new org.apache.parquet.io.LocalInputFile(local.get())
              : HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(location), conf.get());
      length = input.getLength();
      try (ParquetFileReader reader = ParquetFileReader.open(input, READ_OPTIONS)) {
        footer = reader.getFooter();
      }
    } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
      throw SluiceException.external(
          "Cannot append to table %s: data file %s does not exist".formatted(id, location), e);
    } catch (IOException | RuntimeException e) {
      throw SluiceException.external(
          "Cannot append to table %s: cannot read the Parquet footer of %s: %s"
              .formatted(id, location, e.getMessage()),
          e);
    }

    Schema schema = table.schema();
    checkColumns(id, schema, footer.getFileMetaData().getSchema(), location);
    Metrics metrics = ParquetUtil.footerMetrics(footer, Stream.empty(), metricsConfig);
    if (metrics.recordCount() != file.recordCount()) {
      throw Failures.internal(
          "Cannot append %s to table %s: it is described with %d records but holds %d",
          location, id, file.recordCount(), metrics.recordCount());
    }
    if (length != file.sizeBytes()) {
      throw Failures.internal(
          "Cannot append %s to table %s: it is described with %d bytes but has %d",
          location, id, file.sizeBytes(), length);
    }
    checkPartition(id, spec, partition, metrics, location);

    DataFiles.Builder builder =
        DataFiles.builder(spec)
            .withPath(location)
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(length)
            .withMetrics(metrics)
            .withSplitOffsets(ParquetUtil.getSplitOffsets(footer));
    if (spec.isPartitioned()) {
      builder.withPartition(partition);
    }
    return builder.build();
  }

  /**
   * The location to record for {@code path}: an absolute, normalised local path (which every engine
   * can open as it is), or the URI unchanged when it names another file system.
   */
  static String location(String path) {
    return IcebergLakeConfig.localPath(path)
        .map(local -> local.toAbsolutePath().normalize().toString())
        .orElse(path);
  }

  private static void checkColumns(TableId id, Schema schema, MessageType file, String location) {
    Set<Integer> seen = new HashSet<>();
    for (org.apache.parquet.schema.Type column : file.getFields()) {
      if (column.getId() == null) {
        throw Failures.internal(
            "Cannot append %s to table %s: column '%s' has no Parquet field id; data files must"
                + " carry the table's field ids (%s), without them readers match columns by"
                + " position",
            location, id, column.getName(), fieldIds(schema));
      }
      int fieldId = column.getId().intValue();
      Types.NestedField field = schema.findField(fieldId);
      if (field == null || !field.name().equals(column.getName()) || !seen.add(fieldId)) {
        throw Failures.internal(
            "Cannot append %s to table %s: column '%s' carries field id %d, but the table's field"
                + " ids are %s",
            location, id, column.getName(), fieldId, fieldIds(schema));
      }
    }
    for (Types.NestedField column : ParquetSchemaUtil.convert(file).columns()) {
      Type fileType = column.type();
      Type tableType = schema.findType(column.fieldId());
      boolean readable =
          fileType.equals(tableType)
              || (fileType.isPrimitiveType()
                  && tableType.isPrimitiveType()
                  && TypeUtil.isPromotionAllowed(fileType, tableType.asPrimitiveType()));
      if (!readable) {
        throw Failures.internal(
            "Cannot append %s to table %s: column '%s' is %s in the file but %s in the table",
            location, id, column.name(), fileType, tableType);
      }
    }
  }

  private static String fieldIds(Schema schema) {
    return schema.columns().stream()
        .map(field -> field.name() + "=" + field.fieldId())
        .collect(Collectors.joining(", "));
  }

  /**
   * Checks that every row's partition, as far as the column bounds tell, is {@code partition}.
   * String bounds are skipped: they are truncated, so they cannot prove a mismatch cheaply.
   */
  private static void checkPartition(
      TableId id, PartitionSpec spec, PartitionData partition, Metrics metrics, String location) {
    for (int i = 0; i < spec.fields().size(); i++) {
      PartitionField field = spec.fields().get(i);
      Type sourceType = spec.schema().findType(field.sourceId());
      Type resultType = field.transform().getResultType(sourceType);
      Object expected = partition.get(i, resultType.typeId().javaClass());
      Long values = get(metrics.valueCounts(), field.sourceId());
      Long nulls = get(metrics.nullValueCounts(), field.sourceId());
      if (values == null || nulls == null || values == 0) {
        continue;
      }
      if (expected == null ? nulls < values : nulls > 0) {
        throw Failures.internal(
            "Cannot append %s to table %s: its partition value for %s is %s but %d of its %d"
                + " values of column '%s' are null",
            location,
            id,
            field.name(),
            expected,
            nulls,
            values,
            spec.schema().findColumnName(field.sourceId()));
      }
      ByteBuffer lower = get(metrics.lowerBounds(), field.sourceId());
      ByteBuffer upper = get(metrics.upperBounds(), field.sourceId());
      boolean comparable =
          sourceType.typeId() != Type.TypeID.STRING && sourceType.typeId() != Type.TypeID.DOUBLE;
      if (expected == null || lower == null || upper == null || !comparable) {
        continue;
      }
      Object first =
          transform(field.transform(), sourceType, Conversions.fromByteBuffer(sourceType, lower));
      Object last =
          transform(field.transform(), sourceType, Conversions.fromByteBuffer(sourceType, upper));
      if (!same(expected, first) || !same(expected, last)) {
        throw Failures.internal(
            "Cannot append %s to table %s: its partition value for %s is %s but its values of"
                + " column '%s' give %s to %s",
            location,
            id,
            field.name(),
            expected,
            spec.schema().findColumnName(field.sourceId()),
            first,
            last);
      }
    }
  }

  private static <V> V get(Map<Integer, V> map, int fieldId) {
    return map == null ? null : map.get(fieldId);
  }

  @SuppressWarnings("unchecked") // the spec binds the transform to this source type
  private static Object transform(Transform<?, ?> transform, Type sourceType, Object value) {
    return ((Transform<Object, Object>) transform).bind(sourceType).apply(value);
  }

  private static boolean same(Object expected, Object actual) {
    if (expected instanceof BigDecimal decimal && actual instanceof BigDecimal other) {
      return decimal.compareTo(other) == 0;
    }
    return Objects.equals(expected, actual);
  }
}
