package io.sluice.engine.spark;

import io.sluice.api.SluiceException;
import io.sluice.config.DidYouMean;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Starts (or joins) the process's Spark session. A JVM has one {@code SparkContext}; every engine
 * gets its own {@link SparkSession#newSession() session} on it, so SQL settings and temporary views
 * do not leak between engines, but the catalog (databases and persistent views) is shared.
 */
final class SparkSessions {
  static final String MASTER = "master";
  static final String MASTER_DEFAULT = "local[2]";
  private static final List<String> OPTIONS = List.of(MASTER, "spark.<key>");

  private SparkSessions() {}

  /**
   * The settings every Sluice session runs with; {@code spark.*} engine options may override the
   * ones that are not part of the SQL contract.
   */
  static Map<String, String> settings(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!key.equals(MASTER) && !key.startsWith("spark.")) {
        throw SluiceException.user(
            "Unknown Spark engine option '%s' in engine-options%s (known: %s)",
            key, DidYouMean.hint(key, List.of(MASTER)), String.join(", ", OPTIONS));
      }
    }
    // Under spark-submit the master comes from the command line (a system property).
    String master =
        options.getOrDefault(MASTER, System.getProperty("spark.master", MASTER_DEFAULT));
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.app.name", "sluice");
    settings.put("spark.ui.enabled", "false");
    settings.put("spark.ui.showConsoleProgress", "false");
    settings.put("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions(master)));
    // Process-wide settings, so not under one project's folder: Spark creates (empty) database
    // folders there; every table Sluice reads or writes has an explicit location.
    settings.put(
        "spark.sql.warehouse.dir",
        Path.of(System.getProperty("java.io.tmpdir"), "sluice-spark-catalog").toString());
    settings.put("spark.sql.parquet.compression.codec", "zstd");
    // Local files without a forked chmod per written file and without .crc files beside them.
    settings.put("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());
    settings.put("spark.hadoop.fs.file.impl.disable.cache", "true");
    if (master.startsWith("local")) {
      // A lake table of more than 32 files is otherwise listed by a Spark job (seconds) instead of
      // by the driver (milliseconds, when the files are on this machine).
      settings.put("spark.sql.sources.parallelPartitionDiscovery.threshold", "1000000");
    }
    settings.putAll(options);
    settings.remove(MASTER);
    settings.put("spark.master", master);
    // The SQL contract (SparkDialect, rules, value types): not overridable.
    settings.put("spark.sql.session.timeZone", "UTC");
    settings.put("spark.sql.ansi.enabled", "true");
    // "name" is an identifier, as in DuckDB and standard SQL: models can quote portably.
    settings.put("spark.sql.ansi.doubleQuotedIdentifiers", "true");
    settings.put("spark.sql.datetime.java8API.enabled", "true");
    settings.put("spark.sql.catalogImplementation", "in-memory");
    // Iceberg readers match columns by field id; Spark writes them from column metadata.
    settings.put("spark.sql.parquet.fieldId.write.enabled", "true");
    settings.put("spark.sql.parquet.fieldId.read.enabled", "true");
    settings.put("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    settings.put("spark.sql.parquet.writeLegacyFormat", "false");
    settings.put("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false");
    return settings;
  }

  /** Few shuffle partitions for a local master (Spark's 200 would dwarf a batch). */
  private static int shufflePartitions(String master) {
    java.util.regex.Matcher local =
        java.util.regex.Pattern.compile("local\\[(\\d+)").matcher(master);
    if (local.lookingAt()) {
      return Math.max(1, Integer.parseInt(local.group(1)));
    }
    if (master.equals("local")) {
      return 1;
    }
    return master.startsWith("local")
        ? Runtime.getRuntime().availableProcessors()
        : 2 * Runtime.getRuntime().availableProcessors();
  }

  /** A new session on the process's Spark context, started with {@code settings} if needed. */
  static SparkSession open(Map<String, String> settings) {
    // One of Spark's Java 17 flags that can still be given once the JVM runs (before Netty loads);
    // the --add-opens ones come from the launcher (java -jar sluice-spark.jar reads them from its
    // manifest) or spark-submit.
    if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
      System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    }
    SparkSession.Builder builder = SparkSession.builder();
    settings.forEach(builder::config);
    SparkSession base = builder.getOrCreate();
    SparkSession session = base.newSession();
    settings.forEach(
        (key, value) -> {
          if (session.conf().isModifiable(key)) {
            session.conf().set(key, value);
          }
        });
    return session;
  }
}
