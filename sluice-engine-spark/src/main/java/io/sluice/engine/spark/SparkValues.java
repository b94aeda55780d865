package io.sluice.engine.spark;

import io.sluice.api.engine.QueryResult;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Query results with the Java value types the DuckDB engine's JDBC driver gives for the same SQL
 * types, so that callers (dashboards, tests, the REST API) see one shape whatever the engine:
 * {@code TIMESTAMP_NTZ} as {@link java.sql.Timestamp}, {@code TIMESTAMP} as {@link
 * java.time.OffsetDateTime} in UTC, {@code DATE} as {@link java.time.LocalDate}, arrays as lists
 * and structs and maps as maps.
 */
final class SparkValues {
  private SparkValues() {}

  static QueryResult result(Dataset<Row> rows, int maxRows) {
    StructField[] fields = rows.schema().fields();
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (StructField field : fields) {
      names.add(field.name());
      types.add(field.dataType().sql());
    }
    if (fields.length == 0) {
      return new QueryResult(names, types, List.of(), false);
    }
    List<Row> collected =
        maxRows == Integer.MAX_VALUE
            ? rows.collectAsList()
            : rows.limit(maxRows + 1).collectAsList();
    List<List<Object>> result = new ArrayList<>();
    for (int r = 0; r < Math.min(maxRows, collected.size()); r++) {
      Row row = collected.get(r);
      List<Object> values = new ArrayList<>(fields.length);
      for (int i = 0; i < fields.length; i++) {
        values.add(value(row.get(i)));
      }
      result.add(values);
    }
    return new QueryResult(names, types, result, collected.size() > maxRows);
  }

  static Object value(Object value) {
    if (value instanceof LocalDateTime local) {
      return java.sql.Timestamp.valueOf(local);
    }
    if (value instanceof Instant instant) {
      return instant.atOffset(ZoneOffset.UTC);
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      List<Object> list = new ArrayList<>();
      for (Object element : CollectionConverters.asJava(seq)) {
        list.add(value(element));
      }
      return list;
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      Map<Object, Object> result = new LinkedHashMap<>();
      CollectionConverters.asJava(map).forEach((k, v) -> result.put(value(k), value(v)));
      return result;
    }
    if (value instanceof Row struct) {
      Map<String, Object> result = new LinkedHashMap<>();
      StructField[] fields = struct.schema().fields();
      for (int i = 0; i < fields.length; i++) {
        result.put(fields[i].name(), value(struct.get(i)));
      }
      return result;
    }
    return value;
  }
}
