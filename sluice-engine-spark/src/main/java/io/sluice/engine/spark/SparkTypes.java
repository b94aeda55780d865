package io.sluice.engine.spark;

import io.sluice.api.type.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Portable types as Spark types (the same as {@link SparkDialect#typeName}). */
final class SparkTypes {
  private SparkTypes() {}

  static org.apache.spark.sql.types.DataType of(DataType type) {
    return switch (type.kind()) {
      case STRING -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
      case INT -> DataTypes.IntegerType;
      case BIGINT -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case DECIMAL -> DataTypes.createDecimalType(type.precision(), type.scale());
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampNTZType;
    };
  }
}
