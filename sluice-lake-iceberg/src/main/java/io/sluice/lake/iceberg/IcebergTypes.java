package io.sluice.lake.iceberg;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.PartitionField.Transform;
import io.sluice.api.lake.TableId;
import io.sluice.api.type.Column;
import io.sluice.api.type.DataType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Maps Sluice's portable types, columns and partitioning to Iceberg's and back.
 *
 * <p>Partition values cross the SPI in Iceberg's internal representation, which is what {@link
 * PartitionData} stores and what manifests hold: day and hour transforms give {@code Integer} (days
 * or hours since the epoch); identity gives {@code String} (string), {@code Boolean}, {@code
 * Integer} (int), {@code Long} (bigint), {@code Double}, {@code BigDecimal} with the column's scale
 * (decimal), {@code Integer} days since 1970-01-01 (date) and {@code Long} microseconds since
 * 1970-01-01T00:00 (timestamp). On the way in, {@link LocalDate}, {@link LocalDateTime} and an
 * {@code Integer} for a bigint column are accepted as well and converted.
 */
final class IcebergTypes {
  private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

  private IcebergTypes() {}

  static Type toIceberg(DataType type) {
    return switch (type.kind()) {
      case STRING -> Types.StringType.get();
      case BOOLEAN -> Types.BooleanType.get();
      case INT -> Types.IntegerType.get();
      case BIGINT -> Types.LongType.get();
      case DOUBLE -> Types.DoubleType.get();
      case DECIMAL -> Types.DecimalType.of(type.precision(), type.scale());
      case DATE -> Types.DateType.get();
      case TIMESTAMP -> Types.TimestampType.withoutZone();
    };
  }

  /** The Sluice type of an Iceberg type, or empty when Sluice has no equivalent. */
  static Optional<DataType> toSluice(Type type) {
    return Optional.ofNullable(
        switch (type.typeId()) {
          case STRING -> DataType.STRING;
          case BOOLEAN -> DataType.BOOLEAN;
          case INTEGER -> DataType.INT;
          case LONG -> DataType.BIGINT;
          case DOUBLE -> DataType.DOUBLE;
          case DECIMAL -> {
            Types.DecimalType decimal = (Types.DecimalType) type;
            yield DataType.decimal(decimal.precision(), decimal.scale());
          }
          case DATE -> DataType.DATE;
          case TIMESTAMP ->
              ((Types.TimestampType) type).shouldAdjustToUTC() ? null : DataType.TIMESTAMP;
          default -> null;
        });
  }

  /** A schema for {@code columns}, all optional; the catalog assigns the final field ids. */
  static Schema schema(List<Column> columns) {
    List<Types.NestedField> fields = new ArrayList<>();
    for (Column column : columns) {
      fields.add(
          Types.NestedField.optional(fields.size() + 1, column.name(), toIceberg(column.type())));
    }
    return new Schema(fields);
  }

  /**
   * The columns of {@code schema}.
   *
   * @throws SluiceException (USER) for a column whose type Sluice does not support
   */
  static List<LakeColumn> columns(TableId table, Schema schema) {
    List<LakeColumn> columns = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      DataType type =
          toSluice(field.type())
              .orElseThrow(
                  () ->
                      SluiceException.user(
                          "Table %s: column '%s' has Iceberg type %s, which Sluice does not support"
                              + " (supported: %s)",
                          table, field.name(), field.type(), DataType.NAMES));
      columns.add(new LakeColumn(field.fieldId(), field.name(), type));
    }
    return List.copyOf(columns);
  }

  static PartitionSpec partitionSpec(Schema schema, List<PartitionField> partitioning) {
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (PartitionField field : partitioning) {
      switch (field.transform()) {
        case IDENTITY -> builder.identity(field.column());
        case DAY -> builder.day(field.column());
        case HOUR -> builder.hour(field.column());
      }
    }
    return builder.build();
  }

  /**
   * The partition fields of {@code spec}.
   *
   * @throws SluiceException (USER) for a transform Sluice does not support (bucket, truncate, ...)
   */
  static List<PartitionField> partitioning(TableId table, PartitionSpec spec) {
    List<PartitionField> fields = new ArrayList<>();
    for (org.apache.iceberg.PartitionField field : spec.fields()) {
      String column = spec.schema().findColumnName(field.sourceId());
      Transform transform =
          switch (field.transform().toString()) {
            case "identity" -> Transform.IDENTITY;
            case "day" -> Transform.DAY;
            case "hour" -> Transform.HOUR;
            default ->
                throw SluiceException.user(
                    "Table %s is partitioned by %s(%s), which Sluice does not support"
                        + " (supported: identity, day, hour)",
                    table, field.transform(), column);
          };
      fields.add(new PartitionField(column, transform));
    }
    return List.copyOf(fields);
  }

  /**
   * The partition tuple of a data file, from values in spec order (see the class comment for the
   * Java types).
   *
   * @throws SluiceException (INTERNAL) when the number or types of the values do not fit the spec
   */
  static PartitionData partitionData(
      TableId table, PartitionSpec spec, List<Object> values, String file) {
    List<org.apache.iceberg.PartitionField> fields = spec.fields();
    if (values.size() != fields.size()) {
      throw Failures.internal(
          "Cannot append %s to table %s: %d partition values given but the table has %d partition"
              + " fields %s",
          file, table, values.size(), fields.size(), fields);
    }
    PartitionData data = new PartitionData(spec.partitionType());
    for (int i = 0; i < fields.size(); i++) {
      org.apache.iceberg.PartitionField field = fields.get(i);
      Type resultType = field.transform().getResultType(spec.schema().findType(field.sourceId()));
      Object value = values.get(i);
      data.set(i, value == null ? null : toInternal(resultType, value, table, field, file));
    }
    return data;
  }

  /** The partition values of {@code partition} in spec order, as {@link #partitionData} takes. */
  static List<Object> partitionValues(PartitionSpec spec, StructLike partition) {
    List<Types.NestedField> fields = spec.partitionType().fields();
    List<Object> values = new ArrayList<>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      Type type = fields.get(i).type();
      Object value = partition.get(i, type.typeId().javaClass());
      // Manifests hand strings back as Avro's Utf8.
      values.add(value instanceof CharSequence chars ? chars.toString() : value);
    }
    return values;
  }

  private static Object toInternal(
      Type type,
      Object value,
      TableId table,
      org.apache.iceberg.PartitionField field,
      String file) {
    Object internal =
        switch (type.typeId()) {
          case STRING -> value instanceof CharSequence chars ? chars.toString() : null;
          case BOOLEAN -> value instanceof Boolean ? value : null;
          case INTEGER -> value instanceof Integer ? value : null;
          case LONG ->
              value instanceof Long
                  ? value
                  : value instanceof Integer integer ? Long.valueOf(integer.longValue()) : null;
          case DOUBLE -> value instanceof Double ? value : null;
          case DECIMAL ->
              value instanceof BigDecimal decimal
                  ? toScale(decimal, (Types.DecimalType) type, table, field, file)
                  : null;
          case DATE ->
              value instanceof Integer
                  ? value
                  : value instanceof LocalDate date ? Math.toIntExact(date.toEpochDay()) : null;
          case TIMESTAMP ->
              value instanceof Long
                  ? value
                  : value instanceof LocalDateTime timestamp
                      ? ChronoUnit.MICROS.between(EPOCH, timestamp)
                      : null;
          default -> null;
        };
    if (internal == null) {
      throw Failures.internal(
          "Cannot append %s to table %s: partition field %s is %s and needs a %s value, got %s (%s)",
          file,
          table,
          field,
          type,
          type.typeId().javaClass().getSimpleName(),
          value,
          value.getClass().getName());
    }
    return internal;
  }

  private static BigDecimal toScale(
      BigDecimal value,
      Types.DecimalType type,
      TableId table,
      org.apache.iceberg.PartitionField field,
      String file) {
    // Only trailing zeros may be added or removed: a value that needs rounding is not this
    // column's value.
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() <= type.scale()) {
      BigDecimal scaled = stripped.setScale(type.scale());
      if (scaled.precision() <= type.precision()) {
        return scaled;
      }
    }
    throw Failures.internal(
        "Cannot append %s to table %s: partition value %s of %s does not fit %s",
        file, table, value, field, type);
  }
}
