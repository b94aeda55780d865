package io.sluice.bench.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The benchmark workload as a plain Spark job in {@code local[N]}: read the NDJSON files with every
 * field as text, validate with the same four rules (and the same semantics) as the Sluice project
 * in bench/project, quarantine with reasons, dedupe on the event id (the first occurrence by file and
 * line among rows that pass every other rule lands), write the good rows as Parquet partitioned by
 * event day and hour, and the hourly aggregate by event type and country.
 *
 * <pre>
 * SparkJob --data GLOB[,GLOB...] --out DIR [--threads N]
 * </pre>
 */
public final class SparkJob {
  private static final String[] FIELDS = {
    "event_id", "user_id", "session_id", "event_type", "url", "amount", "currency", "ts", "device",
    "country", "user_agent"
  };
  private static final Object[] EVENT_TYPES = {
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "remove_from_cart",
    "checkout",
    "purchase",
    "login"
  };

  private SparkJob() {}

  public static void main(String[] args) {
    String data = null;
    String out = null;
    int threads = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--data" -> data = args[i + 1];
        case "--out" -> out = args[i + 1];
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (data == null || out == null) {
      throw new IllegalArgumentException("usage: SparkJob --data GLOB[,GLOB...] --out DIR");
    }
    long start = System.nanoTime();
    SparkSession spark =
        SparkSession.builder()
            .appName("sluice-bench")
            .master("local[" + threads + "]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            // The default of 200 shuffle partitions is sized for clusters; AQE does not coalesce
            // them under the persisted plan, and each of the 200 tasks would write its own small
            // file. A few partitions per core is the usual setting for local[N].
            .config("spark.sql.shuffle.partitions", Integer.toString(4 * threads))
            .getOrCreate();
    log("session", start);
    try {
      run(spark, Arrays.asList(data.split(",")), out);
    } finally {
      spark.stop();
    }
    log("total", start);
  }

  static void run(SparkSession spark, List<String> data, String out) {
    List<StructField> fields = new ArrayList<>();
    for (String name : FIELDS) {
      fields.add(DataTypes.createStructField(name, DataTypes.StringType, true));
    }
    // The position of a line: its file, the start of the file block its task read, and its order
    // in that task's output (monotonically_increasing_id grows along a task's rows).
    Dataset<Row> events =
        spark
            .read()
            .schema(new StructType(fields.toArray(StructField[]::new)))
            .json(data.toArray(String[]::new))
            .select(
                col("*"),
                col("_metadata.file_path").as("_file"),
                col("_metadata.file_block_start").as("_block"),
                monotonically_increasing_id().as("_pos"));

    Dataset<Row> typed =
        events
            .withColumn("amount_value", expr("try_cast(trim(amount) AS DECIMAL(12,2))"))
            .withColumn("event_time", expr("try_cast(trim(ts) AS TIMESTAMP)"));

    Column present = trim(col("ts")).notEqual(lit(""));
    Column reasons =
        array(
            when(col("event_id").isNull(), lit("not_null(event_id)")),
            when(
                col("amount_value").isNull().and(trim(col("amount")).notEqual(lit(""))),
                lit("type(amount)")),
            when(col("amount_value").lt(lit(0)), lit("range(amount)")),
            when(col("event_time").isNull().and(present), lit("type(ts)")),
            when(col("ts").isNull().or(trim(col("ts")).equalTo(lit(""))), lit("not_null(ts)")),
            when(
                col("event_type").isin(EVENT_TYPES).unary_$bang(),
                lit("accepted_values(event_type)")));
    Dataset<Row> checked =
        typed
            .withColumn("_all", reasons)
            .withColumn("reasons", expr("filter(_all, r -> r IS NOT NULL)"))
            .drop("_all");

    Column ok = size(col("reasons")).equalTo(lit(0));
    Dataset<Row> deduped =
        checked
            .withColumn(
                "reasons",
                when(
                        ok.and(col("event_id").isNotNull())
                            .and(
                                row_number()
                                    .over(
                                        Window.partitionBy(ok, col("event_id"))
                                            .orderBy(col("_file"), col("_block"), col("_pos")))
                                    .gt(lit(1))),
                        concat(col("reasons"), array(lit("unique(event_id)"))))
                    .otherwise(col("reasons")))
            .persist(StorageLevel.MEMORY_AND_DISK());

    long start = System.nanoTime();
    deduped
        .where(size(col("reasons")).gt(lit(0)))
        .select(
            col("_file").as("file"),
            col("event_id"),
            col("user_id"),
            col("session_id"),
            col("event_type"),
            col("url"),
            col("amount"),
            col("currency"),
            col("ts"),
            col("device"),
            col("country"),
            col("user_agent"),
            concat_ws(",", col("reasons")).as("reasons"))
        .write()
        .option("compression", "zstd")
        .parquet(out + "/quarantine");
    log("read, validate, dedupe, write quarantine", start);

    Dataset<Row> good = deduped.where(size(col("reasons")).equalTo(lit(0)));
    start = System.nanoTime();
    good.select(
            col("event_id"),
            col("user_id"),
            col("session_id"),
            col("event_type"),
            col("url"),
            col("amount_value").as("amount"),
            col("currency"),
            col("event_time").as("ts"),
            col("device"),
            col("country"),
            col("user_agent"),
            to_date(col("event_time")).as("event_day"),
            hour(col("event_time")).as("event_hour"))
        // One task per (day, hour), so one file per partition folder: without it every task writes
        // a file into every hour it holds (~170 x tasks small files, each created through a forked
        // chmod by Hadoop's local file system), which takes minutes even at 300k events.
        .repartition(col("event_day"), col("event_hour"))
        .write()
        .option("compression", "zstd")
        .partitionBy("event_day", "event_hour")
        .parquet(out + "/clean");
    log("write clean", start);

    start = System.nanoTime();
    good.groupBy(
            date_trunc("hour", col("event_time")).as("event_hour"),
            col("event_type"),
            col("country"))
        .agg(count(lit(1)).as("events"), sum(col("amount_value")).as("amount"))
        .write()
        .option("compression", "zstd")
        .parquet(out + "/hourly");
    log("write hourly", start);
  }

  private static void log(String step, long start) {
    System.err.printf("spark: %6d ms  %s%n", (System.nanoTime() - start) / 1_000_000, step);
  }
}
