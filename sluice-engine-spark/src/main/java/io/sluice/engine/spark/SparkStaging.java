package io.sluice.engine.spark;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.source.RecordSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
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

  /**
   * Stages every split: NDJSON files are read by Spark in parallel, other splits are pushed by the
   * connector and collected in the driver (fine for what one batch of a pushed source holds; files
   * meant for scale are read natively).
   */
  static Dataset<Row> stage(SparkSession spark, IngestRequest request) {
    StructType schema = schema(request.fields());
    List<Row> pushed = new ArrayList<>();
    List<Dataset<Row>> parts = new ArrayList<>();
    List<SourceInput.SplitInput> splits = request.input().splits();
    for (int i = 0; i < splits.size(); i++) {
      SourceInput.SplitInput input = splits.get(i);
      if (readsNatively(input)) {
        parts.add(ndjson(spark, i, input.split().location(), request.fields()));
      } else if (input.nativeFormat().filter(f -> f.format().equals("parquet")).isPresent()) {
        // The files connector only offers Parquet natively; Spark's own Parquet staging (with
        // DuckDB's _record text) is not built.
        throw SluiceException.user(
            "Source '%s': file '%s' is Parquet, which the Spark engine cannot read yet (it reads"
                + " NDJSON natively, CSV and JSON through the connector). Run this project on"
                + " the duckdb engine (--engine duckdb); see docs/engines.md",
            request.source(), input.split().key());
      } else {
        request
            .input()
            .reader()
            .accept(input.split(), new CollectingSink(pushed, i, request.fields().size()));
      }
    }
    Dataset<Row> staged = spark.createDataFrame(pushed, schema);
    for (Dataset<Row> part : parts) {
      staged = staged.unionByName(part);
    }
    return staged;
  }

  private static boolean readsNatively(SourceInput.SplitInput input) {
    return input.nativeFormat().map(f -> f.format().equals("ndjson")).orElse(false);
  }

  /**
   * Reads an NDJSON file as the DuckDB engine does: lines split at LF and numbered from 1 (blank
   * lines counted, then dropped), fields extracted as text the way DuckDB's {@code
   * json_extract_string} gives it (strings unquoted, numbers and nested values as compact JSON), a
   * line that is not one JSON value is {@code not valid JSON}, and a valid non-object is named with
   * DuckDB's {@code json_type}.
   */
  private static Dataset<Row> ndjson(
      SparkSession spark, int split, String location, List<String> fields) {
    StructType lines =
        DataTypes.createStructType(
            List.of(
                DataTypes.createStructField("ln", DataTypes.LongType, false),
                DataTypes.createStructField("line", DataTypes.StringType, true)));
    JavaRDD<Row> numbered =
        spark
            .read()
            .option("lineSep", "\n")
            .text(location)
            .javaRDD()
            .zipWithIndex()
            .map(pair -> RowFactory.create(pair._2() + 1, pair._1().getString(0)));
    String view = "sluice_ndjson_" + split + "_" + System.nanoTime();
    spark.createDataFrame(numbered, lines).createOrReplaceTempView(view);
    String object = "startswith(trim(LEADING ' \t' FROM line), '{')";
    String trimmed = "trim(BOTH ' \t' FROM line)";
    // Each line is parsed twice, whatever the number of fields: once to check it is one JSON
    // value, once by from_json into a struct of strings shaped like the field paths (a string
    // field of from_json gives the same text as get_json_object, and both as DuckDB: strings
    // unquoted, numbers and nested values re-serialized compactly). A path that is also the
    // parent of another path is read with get_json_object instead.
    Map<String, Object> tree = new java.util.LinkedHashMap<>();
    List<String> conflicting = new ArrayList<>();
    for (String field : fields) {
      if (!insert(tree, field.split("\\."), 0)) {
        conflicting.add(field);
      }
    }
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(split)
            .append(" AS _split, ln AS _line, line AS _record, CASE WHEN NOT _valid")
            .append(" THEN 'not valid JSON' WHEN NOT _object")
            .append(" THEN concat('expected a JSON object, found ', ")
            .append(jsonType(trimmed))
            .append(") END AS _malformed, CAST(NULL AS STRING) AS _reject_rule");
    for (String field : fields) {
      String value =
          conflicting.contains(field)
              ? "get_json_object(line, " + literal(jsonPath(field)) + ")"
              : "_j."
                  + java.util.Arrays.stream(field.split("\\."))
                      .map(SparkStaging::quote)
                      .collect(java.util.stream.Collectors.joining("."));
      sql.append(", CASE WHEN _valid AND _object THEN ")
          .append(value)
          .append(" END AS ")
          .append(quote("s$" + field));
    }
    sql.append(" FROM (SELECT ln, line, coalesce(json_array_length(concat('[', line, ']')) = 1,")
        .append(" false) AS _valid, ")
        .append(object)
        .append(" AS _object")
        .append(tree.isEmpty() ? "" : ", from_json(line, " + literal(ddl(tree)) + ") AS _j")
        .append(" FROM ")
        .append(view)
        .append(" WHERE ")
        .append(trimmed)
        .append(" <> '')");
    Dataset<Row> result = spark.sql(sql.toString());
    // The plan keeps what it needs; the name is not used again.
    spark.catalog().dropTempView(view);
    return result;
  }

  /** Adds a path to the tree of keys; false when it clashes with a path already there. */
  @SuppressWarnings("unchecked")
  private static boolean insert(Map<String, Object> tree, String[] keys, int at) {
    Object node = tree.get(keys[at]);
    if (at == keys.length - 1) {
      if (node != null) {
        return false;
      }
      tree.put(keys[at], "STRING");
      return true;
    }
    if (node == null) {
      node = new java.util.LinkedHashMap<String, Object>();
      tree.put(keys[at], node);
    } else if (!(node instanceof Map)) {
      return false;
    }
    return insert((Map<String, Object>) node, keys, at + 1);
  }

  @SuppressWarnings("unchecked")
  private static String ddl(Map<String, Object> tree) {
    StringBuilder out = new StringBuilder("STRUCT<");
    boolean first = true;
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      out.append(first ? "" : ", ").append(quote(e.getKey())).append(": ");
      out.append(e.getValue() instanceof Map ? ddl((Map<String, Object>) e.getValue()) : "STRING");
      first = false;
    }
    return out.append('>').toString();
  }

  private static String quote(String identifier) {
    return '`' + identifier.replace("`", "``") + '`';
  }

  /** DuckDB's {@code json_type} of a valid JSON value that is not an object, lower case. */
  private static String jsonType(String value) {
    return "CASE WHEN startswith("
        + value
        + ", '[') THEN 'array' WHEN startswith("
        + value
        + ", '\"') THEN 'varchar' WHEN "
        + value
        + " IN ('true', 'false') THEN 'boolean' WHEN "
        + value
        + " = 'null' THEN 'null' WHEN "
        + value
        + " RLIKE '^-[0-9]+$' THEN 'bigint' WHEN "
        + value
        + " RLIKE '^[0-9]+$' THEN 'ubigint' ELSE 'double' END";
  }

  /** A JSONPath naming each dotted part as a key: {@code user.id} is {@code $['user']['id']}. */
  private static String jsonPath(String field) {
    StringBuilder path = new StringBuilder("$");
    for (String key : field.split("\\.")) {
      path.append("['").append(key).append("']");
    }
    return path.toString();
  }

  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
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
