package io.sluice.engine.spark;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.source.RecordSink;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The staging relation of a batch, as the DuckDB engine stages it: {@code _split} (index of the
 * split), {@code _line}, {@code _record}, {@code _malformed} (why the record could not be parsed),
 * {@code _reject_rule} and one text column {@code s$<field>} per field.
 */
final class SparkStaging {
  private SparkStaging() {}

  static StructType schema(List<String> fields) {
    List<StructField> columns = new ArrayList<>();
    columns.add(DataTypes.createStructField("_split", DataTypes.IntegerType, false));
    columns.add(DataTypes.createStructField("_line", DataTypes.LongType, false));
    columns.add(DataTypes.createStructField("_record", DataTypes.StringType, true));
    columns.add(DataTypes.createStructField("_malformed", DataTypes.StringType, true));
    columns.add(DataTypes.createStructField("_reject_rule", DataTypes.StringType, true));
    for (String field : fields) {
      columns.add(DataTypes.createStructField("s$" + field, DataTypes.StringType, true));
    }
    return DataTypes.createStructType(columns);
  }

  static Dataset<Row> stage(SparkSession spark, IngestRequest request) {
    StructType schema = schema(request.fields());
    List<Row> pushed = new ArrayList<>();
    List<SourceInput.SplitInput> splits = request.input().splits();
    for (int i = 0; i < splits.size(); i++) {
      request
          .input()
          .reader()
          .accept(splits.get(i).split(), new CollectingSink(pushed, i, request.fields().size()));
    }
    return spark.createDataFrame(pushed, schema);
  }

  /** Collects one split's records as staging rows. */
  private static final class CollectingSink implements RecordSink {
    private final List<Row> rows;
    private final int split;
    private final int fieldCount;

    CollectingSink(List<Row> rows, int split, int fieldCount) {
      this.rows = rows;
      this.split = split;
      this.fieldCount = fieldCount;
    }

    @Override
    public void record(long position, String original, String[] values) {
      if (values.length != fieldCount) {
        throw SluiceException.internal(
            "A connector gave " + values.length + " values for " + fieldCount + " fields", null);
      }
      Object[] row = new Object[5 + fieldCount];
      row[0] = split;
      row[1] = position;
      row[2] = original;
      System.arraycopy(values, 0, row, 5, fieldCount);
      rows.add(RowFactory.create(row));
    }

    @Override
    public void malformed(long position, String original, String reason) {
      rejected(position, original, null, reason);
    }

    @Override
    public void rejected(long position, String original, String rule, String reason) {
      Object[] row = new Object[5 + fieldCount];
      row[0] = split;
      row[1] = position;
      row[2] = original;
      row[3] = reason;
      row[4] = rule;
      rows.add(RowFactory.create(row));
    }
  }
}
