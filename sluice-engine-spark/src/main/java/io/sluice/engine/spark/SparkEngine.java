package io.sluice.engine.spark;

import static java.util.stream.Collectors.joining;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.CompiledRule;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.EngineContext;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.IngestResult;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.MappedColumn;
import io.sluice.api.engine.ModelRequest;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.engine.SqlDialect;
import io.sluice.api.engine.StepMeter;
import io.sluice.api.engine.StepTiming;
import io.sluice.api.engine.TableTarget;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.source.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark engine. Ingest builds one Spark SQL plan per batch (stage, map, validate) and writes
 * Parquet files with Iceberg field ids into the lake's target folders, exactly as the DuckDB engine
 * does, so the core commits them the same way and either engine continues a lake the other wrote.
 * The warehouse is a folder of Parquet tables described by a manifest ({@link Warehouse}); lake
 * tables and models are persistent views in Spark's in-memory catalog, which is why one Spark
 * engine at a time may be open in a JVM.
 */
final class SparkEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(SparkEngine.class);
  private static final String PARTITION_ID = "__sluice_partition";
  private static final String FIELD_ID = "parquet.field.id";

  /** Fewer rows than this are written as one file. */
  private static final long PARALLEL_WRITE_ROWS = 100_000;

  /** The keys of the batch's counts among the failure counts (no rule key starts with NUL). */
  private static final String READ = "\u0000read";

  private static final String VALID = "\u0000valid";
  private static final String WARNED = "\u0000warned";

  private static final String FILES_DATABASE = "sluice_files";
  private static final String FAILURE_TYPE =
      "STRUCT<rule: STRING, `column`: STRING, message: STRING, value: STRING>";
  private static final AtomicReference<SparkEngine> OPEN = new AtomicReference<>();

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final boolean readOnly;
  private final SparkDialect dialect = new SparkDialect();
  private final AtomicLong tempCounter = new AtomicLong();

  private SparkEngine(SparkSession spark, Warehouse warehouse, boolean readOnly) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.readOnly = readOnly;
  }

  static SparkEngine open(EngineContext context) {
    Path scratch = context.stateDirectory().resolve("tmp").toAbsolutePath();
    Map<String, String> settings = SparkSessions.settings(context.options());
    Warehouse warehouse = Warehouse.open(Path.of(context.warehouse()).toAbsolutePath());
    SparkSession spark;
    try {
      Files.createDirectories(scratch);
      spark = SparkSessions.open(settings);
    } catch (IOException e) {
      throw SluiceException.external("Cannot create " + scratch, e);
    } catch (Exception e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL, "Cannot start Spark (" + e.getMessage() + ")", e);
    }
    SparkEngine engine = new SparkEngine(spark, warehouse, context.readOnly());
    if (!OPEN.compareAndSet(null, engine)) {
      throw SluiceException.user(
          "Another Spark engine is open in this process (warehouse %s); Spark's catalog holds one"
              + " warehouse at a time",
          OPEN.get().warehouse.directory());
    }
    try {
      engine.restore();
    } catch (Exception e) {
      OPEN.compareAndSet(engine, null);
      throw e;
    }
    return engine;
  }

  @Override
  public SqlDialect dialect() {
    return dialect;
  }

  // ---------------------------------------------------------------------------------------------
  // Ingest

  @Override
  public IngestResult ingest(IngestRequest request) {
    if (request.merge().isPresent()) {
      throw SluiceException.user(
          "Source '%s' declares a primary-key, and the spark engine does not merge batches on a"
              + " primary key yet (only duckdb does; see docs/primary-keys.md): nothing of batch %s"
              + " landed. Run the project with engine duckdb, or remove primary-key to append.",
          request.source(), request.batchId());
    }
    String suffix = Long.toString(tempCounter.incrementAndGet());
    String stageView = "sluice_stage_" + suffix;
    String mappedView = "sluice_mapped_" + suffix;
    List<String> views = new ArrayList<>(List.of(stageView, mappedView));
    List<Dataset<Row>> cached = new ArrayList<>();
    List<StepTiming> steps = new ArrayList<>();
    try {
      StepMeter meter = StepMeter.start();
      SparkStaging.Staged staged = SparkStaging.stage(spark, request);
      staged.rows().createOrReplaceTempView(stageView);
      steps.add(meter.stop("stage", -1, staged.bytes(), -1));
      String fileOf =
          "element_at(array("
              + request.input().splits().stream()
                  .map(SourceInput.SplitInput::split)
                  .map(Split::key)
                  .map(dialect::literal)
                  .collect(joining(", "))
              + "), _split + 1)";
      // Only the checked rows are kept (they carry what raw needs too): the staging rows are read
      // once. A unique rule then finds its duplicates on a narrow projection of them.
      meter = StepMeter.start();
      String checkedView = "sluice_checked_" + suffix;
      views.add(checkedView);
      Dataset<Row> checked =
          spark
              .sql(checkedSql(stageView, staged.rows().schema(), request))
              .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(checked);
      checked.createOrReplaceTempView(checkedView);
      String last = checkedView;
      int step = 0;
      for (CompiledRule rule : request.rules()) {
        if (rule.kind() == CompiledRule.Kind.UNIQUE) {
          last = uniqueStep(request, rule, last, suffix + "_" + step++, views, cached);
        }
      }
      spark.table(last).createOrReplaceTempView(mappedView);
      long read = 0;
      long valid = 0;
      long warned = 0;
      Map<String, Long> failures = new LinkedHashMap<>();
      for (Row row : spark.sql(countsSql(mappedView)).collectAsList()) {
        String key = row.getString(0);
        switch (key) {
          case READ -> read = row.getLong(1);
          case VALID -> valid = row.getLong(1);
          case WARNED -> warned = row.getLong(1);
          default -> failures.put(key, row.getLong(1));
        }
      }
      steps.add(meter.stop("validate", read));
      LOG.debug(
          "{} ms: staged and checked {}", steps.get(1).wallNanos() / 1_000_000, request.source());
      String batch = dialect.literal(request.batchId());
      String prefix = "SELECT " + batch + " AS _batch, " + fileOf + " AS _file, ";
      meter = StepMeter.start();
      List<DataFile> raw = write(spark.sql(prefix + "* FROM " + mappedView), request.raw(), read);
      steps.add(meter.stop("write raw", read, -1, bytes(raw)));
      meter = StepMeter.start();
      List<DataFile> clean =
          write(
              spark.sql(prefix + "* FROM " + mappedView + " WHERE size(_fails) = 0"),
              request.clean(),
              valid);
      steps.add(meter.stop("write clean", valid, -1, bytes(clean)));
      meter = StepMeter.start();
      List<DataFile> quarantine =
          write(
              spark.sql(
                  prefix
                      + "_line, _record,"
                      + " array_join(transform(_fails, f -> f.rule), ',') AS _rules,"
                      + " to_json(_fails, map('ignoreNullFields', 'false')) AS _errors FROM "
                      + mappedView
                      + " WHERE size(_fails) > 0"),
              request.quarantine(),
              read - valid);
      steps.add(meter.stop("write quarantine", read - valid, -1, bytes(quarantine)));
      LOG.debug(
          "wrote {} ({} raw, {} clean, {} quarantine files): {}",
          request.source(),
          raw.size(),
          clean.size(),
          quarantine.size(),
          steps.stream()
              .map(t -> t.name() + " " + t.wallNanos() / 1_000_000 + " ms")
              .collect(joining(", ")));
      return new IngestResult(read, valid, read - valid, failures, raw, clean, quarantine, warned)
          .withSteps(steps);
    } catch (SluiceException e) {
      throw e;
    } catch (Exception e) {
      throw new SluiceException(
          ErrorCategory.USER,
          "Cannot process batch "
              + request.batchId()
              + " of source '"
              + request.source()
              + "': "
              + e.getMessage(),
          e);
    } finally {
      for (String view : views) {
        spark.catalog().dropTempView(view);
      }
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * One aggregation over the checked rows for every count of the batch: rows read, valid, valid
   * with a warning (keys starting with NUL, which no rule key has), and rows per failed rule.
   */
  private static String countsSql(String mappedView) {
    String none = "CAST(array() AS ARRAY<STRING>)";
    return "SELECT k, count(*) FROM (SELECT explode(concat(array("
        + keyLiteral(READ)
        + "), IF(size(_fails) = 0, array("
        + keyLiteral(VALID)
        + "), "
        + none
        + "), IF(size(_fails) = 0 AND size(_warns) > 0, array("
        + keyLiteral(WARNED)
        + "), "
        + none
        + "), transform(concat(_fails, _warns), f -> CASE WHEN f.`column` = '' THEN f.rule"
        + " ELSE concat(f.rule, '(', f.`column`, ')') END))) AS k FROM "
        + mappedView
        + ") GROUP BY k";
  }

  private static String keyLiteral(String key) {
    return "'" + key.replace("\u0000", "\\u0000") + "'";
  }

  private static long bytes(List<DataFile> files) {
    return files.stream().mapToLong(DataFile::sizeBytes).sum();
  }

  /**
   * Maps and checks the staged rows with every rule but unique ones (see {@link #uniqueStep}): the
   * result has {@code _split, _line, _seq, _record}, the staging columns raw takes, the dataset's
   * columns, and {@code _fails} and {@code _warns}, arrays of failure structs (rule, column,
   * message, value) in the same order as the DuckDB engine's.
   */
  private String checkedSql(String stage, StructType stageSchema, IngestRequest request) {
    StringBuilder sql =
        new StringBuilder("WITH typed AS (SELECT *")
            .append(MappedColumn.selectList(request.columns(), false, dialect));
    sql.append(" FROM ").append(stage).append("), derived AS (SELECT *");
    sql.append(MappedColumn.selectList(request.columns(), true, dialect));
    List<String> kept =
        new ArrayList<>(List.of("_split", "_line", SparkStaging.SEQUENCE, "_record"));
    for (MappedColumn column : request.columns()) {
      kept.add(dialect.quote(column.name()));
    }
    // Raw is written from the checked rows: they also keep the staging columns raw takes.
    List<String> staged = List.of(stageSchema.fieldNames());
    for (LakeColumn column : request.raw().columns()) {
      String name = column.name();
      if (staged.contains(name)
          && !kept.contains(name)
          && !kept.contains(dialect.quote(name))
          && request.columns().stream().noneMatch(c -> c.name().equals(name))) {
        kept.add(dialect.quote(name));
      }
    }
    String keptList = String.join(", ", kept);
    // Each rule's failure is a column of its own first: a rule may hold a subquery (relationships:
    // NOT IN over the referenced dataset), which Spark accepts in a projection but not inside the
    // higher-order filter() that collects the failures.
    List<String> fails = new ArrayList<>();
    List<String> warns = new ArrayList<>();
    sql.append(" FROM typed), failed AS (SELECT *");
    int index = 0;
    for (CompiledRule rule : request.rules()) {
      if (rule.kind() == CompiledRule.Kind.EXPRESSION) {
        String name = "__sluice_rule" + index++;
        sql.append(", ").append(expressionFailure(rule)).append(" AS ").append(name);
        // Failures of severity warn: counted, but the row still lands unless it fails another rule.
        (rule.quarantines() ? fails : warns).add(name);
      }
    }
    sql.append(" FROM derived), checked AS (SELECT ")
        .append(keptList)
        .append(", filter(array(")
        .append(
            "CASE WHEN _malformed IS NOT NULL THEN named_struct('rule', coalesce(_reject_rule,"
                + " 'parse'), 'column', '', 'message', _malformed, 'value', CAST(NULL AS STRING))"
                + " END");
    for (String name : fails) {
      sql.append(", ").append(name);
    }
    sql.append("), f -> f IS NOT NULL) AS _fails, filter(array(CAST(NULL AS ")
        .append(FAILURE_TYPE)
        .append(")");
    for (String name : warns) {
      sql.append(", ").append(name);
    }
    sql.append("), f -> f IS NOT NULL) AS _warns FROM failed)");
    return sql.append(" SELECT * FROM checked").toString();
  }

  private String expressionFailure(CompiledRule rule) {
    return "CASE WHEN _malformed IS NULL AND ("
        + rule.failWhen()
        + ") THEN "
        + failure(rule, rule.valueExpression())
        + " END";
  }

  private String failure(CompiledRule rule, String valueExpression) {
    return "named_struct('rule', "
        + dialect.literal(rule.name())
        + ", 'column', "
        + dialect.literal(rule.column())
        + ", 'message', "
        + dialect.literal(rule.message())
        + ", 'value', "
        + (valueExpression.isEmpty()
            ? "CAST(NULL AS STRING)"
            : "CAST(" + valueExpression + " AS STRING)")
        + ")";
  }

  /**
   * A temporary view of the distinct keys already in the clean table, or null when it has no files.
   * Unlike the DuckDB engine there is no key index: Spark reads the key columns of the clean files
   * in parallel, and a batch redone after a crash cannot see its own earlier attempt.
   */
  private String existingKeys(IngestRequest request, CompiledRule rule, String suffix) {
    if (request.existingClean().isEmpty()) {
      return null;
    }
    String view = "sluice_keys_" + suffix;
    spark
        .read()
        .schema(withFieldIds(request.clean().columns()))
        .parquet(request.existingClean().stream().map(DataFile::path).toArray(String[]::new))
        .select(
            rule.uniqueColumns().stream()
                .map(
                    key ->
                        functions
                            .col(dialect.quote(key))
                            .cast(SparkTypes.of(keyType(request, key)))
                            .as(key))
                .toArray(Column[]::new))
        .distinct()
        .createOrReplaceTempView(view);
    return view;
  }

  private static io.sluice.api.type.DataType keyType(IngestRequest request, String key) {
    return request.columns().stream()
        .filter(c -> c.name().equals(key))
        .findFirst()
        .map(MappedColumn::type)
        .orElseThrow(() -> new IllegalStateException("unique key " + key + " is not mapped"));
  }

  /**
   * Adds the failure of a unique rule to the rows of view {@code input}, as a new view: among rows
   * with no failure so far, a row fails when an earlier row (by split, then line) or a row already
   * in the clean table has its key. The duplicates are found on a narrow projection (the row's
   * identity and key) and kept (few, as a rule), so the wide rows are neither shuffled nor sorted:
   * they are joined with the duplicates by identity.
   */
  private String uniqueStep(
      IngestRequest request,
      CompiledRule rule,
      String input,
      String suffix,
      List<String> views,
      List<Dataset<Row>> cached) {
    String existing = existingKeys(request, rule, suffix);
    if (existing != null) {
      views.add(existing);
    }
    String keys =
        rule.uniqueColumns().stream().map(c -> "i." + dialect.quote(c)).collect(joining(", "));
    String notNull =
        rule.uniqueColumns().stream()
            .map(c -> "i." + dialect.quote(c) + " IS NOT NULL")
            .collect(joining(" AND "));
    String id = "_split, _line, " + SparkStaging.SEQUENCE;
    StringBuilder duplicates =
        new StringBuilder("SELECT ")
            .append(id)
            .append(" FROM (SELECT i._split, i._line, i.")
            .append(SparkStaging.SEQUENCE)
            .append(", row_number() OVER (PARTITION BY ")
            .append(keys)
            .append(" ORDER BY i._split, i._line, i.")
            .append(SparkStaging.SEQUENCE)
            .append(") AS _n, ")
            .append(existing == null ? "FALSE" : "e._seen IS NOT NULL")
            .append(" AS _seen FROM ")
            .append(input)
            .append(" i");
    if (existing != null) {
      duplicates
          .append(" LEFT JOIN (SELECT *, TRUE AS _seen FROM ")
          .append(existing)
          .append(") e ON ")
          .append(
              rule.uniqueColumns().stream()
                  .map(c -> "i." + dialect.quote(c) + " = e." + dialect.quote(c))
                  .collect(joining(" AND ")));
    }
    duplicates
        .append(" WHERE size(i._fails) = 0 AND ")
        .append(notNull)
        .append(") WHERE _n > 1 OR _seen");
    Dataset<Row> found = spark.sql(duplicates.toString()).persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(found);
    // Computed now, so that the joins below know how small it is (and broadcast it).
    found.count();
    String foundView = "sluice_duplicates_" + suffix;
    found.createOrReplaceTempView(foundView);
    views.add(foundView);
    String value =
        rule.uniqueColumns().size() == 1
            ? "i." + dialect.quote(rule.uniqueColumns().get(0))
            : "concat_ws(',', " + keys + ")";
    String target = rule.quarantines() ? "_fails" : "_warns";
    String others =
        java.util.Arrays.stream(spark.table(input).columns())
            .filter(c -> !c.equals(target))
            .map(c -> "i." + dialect.quote(c) + ", ")
            .collect(joining());
    String flagged =
        "SELECT "
            + others
            + "CASE WHEN d._line IS NULL THEN i."
            + target
            + " ELSE concat(i."
            + target
            + ", array("
            + failure(rule, value)
            + ")) END AS "
            + target
            + " FROM "
            + input
            + " i LEFT JOIN "
            + foundView
            + " d ON i._split = d._split AND i._line = d._line AND i."
            + SparkStaging.SEQUENCE
            + " = d."
            + SparkStaging.SEQUENCE;
    String view = "sluice_unique_" + suffix;
    spark.sql(flagged).createOrReplaceTempView(view);
    views.add(view);
    return view;
  }

  /**
   * Writes the target's columns of {@code rows} as Parquet files with field ids: one file per
   * partition (rows are shuffled by partition first), or for an unpartitioned table one file per
   * million rows. Partition folders are named by a hash of the partition values, as the DuckDB
   * engine does, and the values are looked up by hash afterwards.
   */
  private List<DataFile> write(Dataset<Row> rows, TableTarget target, long rowCount) {
    List<Column> columns = new ArrayList<>();
    for (LakeColumn column : target.columns()) {
      Metadata metadata = new MetadataBuilder().putLong(FIELD_ID, column.fieldId()).build();
      columns.add(
          functions
              .col(dialect.quote(column.name()))
              .cast(SparkTypes.of(column.type()))
              .as(column.name(), metadata));
    }
    List<Column> partitionValues = new ArrayList<>();
    for (PartitionField field : target.partitioning()) {
      String column = dialect.quote(field.column());
      partitionValues.add(
          functions.expr(
              switch (field.transform()) {
                case IDENTITY -> column;
                case DAY -> "datediff(CAST(" + column + " AS DATE), DATE '1970-01-01')";
                case HOUR ->
                    "CAST(floor(unix_micros(CAST("
                        + column
                        + " AS TIMESTAMP)) / 3600000000D) AS INT)";
              }));
    }
    try {
      Files.createDirectories(target.directory());
    } catch (IOException e) {
      throw SluiceException.external("Cannot create " + target.directory(), e);
    }
    if (rowCount == 0) {
      return List.of();
    }
    Map<String, List<Object>> partitions = new LinkedHashMap<>();
    Map<String, Long> rowsByPartition = new java.util.HashMap<>();
    Dataset<Row> out;
    boolean partitioned = !partitionValues.isEmpty();
    if (partitioned) {
      Column hash = functions.xxhash64(partitionValues.toArray(Column[]::new));
      List<Column> withKeys = new ArrayList<>();
      withKeys.add(hash.as("__h"));
      for (int i = 0; i < partitionValues.size(); i++) {
        withKeys.add(partitionValues.get(i).as("__p" + i));
      }
      List<Column> keys = new ArrayList<>();
      for (int i = 0; i <= partitionValues.size(); i++) {
        keys.add(functions.col(i == 0 ? "__h" : "__p" + (i - 1)));
      }
      for (Row row :
          rows.select(withKeys.toArray(Column[]::new))
              .groupBy(keys.toArray(Column[]::new))
              .count()
              .collectAsList()) {
        rowsByPartition.put(Long.toString(row.getLong(0)), row.getLong(partitionValues.size() + 1));
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < partitionValues.size(); i++) {
          // java8API: a date is a LocalDate and a timestamp without zone a LocalDateTime, as
          // DataFile wants them.
          values.add(row.get(i + 1));
        }
        if (partitions.put(Long.toString(row.getLong(0)), values) != null) {
          throw SluiceException.internal(
              "Two partitions of " + target.directory() + " have the same hash; please report",
              null);
        }
      }
      columns.add(hash.as(PARTITION_ID));
      out = rows.select(columns.toArray(Column[]::new));
      out = out.repartition(functions.col(PARTITION_ID));
    } else {
      // A small table is one file; a larger one is written by every core at once, one file per
      // partition of the checked rows (coalesce, not repartition: no shuffle of the records).
      int files =
          rowCount < PARALLEL_WRITE_ROWS
              ? 1
              : (int)
                  Math.min(
                      64,
                      Math.max(
                          spark.sparkContext().defaultParallelism(),
                          (rowCount + 999_999) / 1_000_000));
      out = rows.select(columns.toArray(Column[]::new)).coalesce(files);
    }
    var writer = out.write().mode(SaveMode.Append).option("compression", "zstd");
    if (target.columns().stream().anyMatch(c -> c.name().equals("_record"))) {
      // Records are (nearly) all distinct: a dictionary would be built and then thrown away.
      writer = writer.option("parquet.enable.dictionary#_record", "false");
    }
    if (partitioned) {
      writer = writer.partitionBy(PARTITION_ID);
    }
    writer.parquet(target.directory().toString());
    return collectFiles(target.directory(), partitioned, partitions, rowsByPartition);
  }

  private static boolean onlyParquetFile(Path file) throws IOException {
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      return siblings.filter(p -> p.getFileName().toString().endsWith(".parquet")).count() == 1;
    }
  }

  /** The Parquet files Spark wrote, with their row counts. */
  private static List<DataFile> collectFiles(
      Path directory,
      boolean partitioned,
      Map<String, List<Object>> partitions,
      Map<String, Long> rowsByPartition) {
    List<DataFile> result = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path path : walk.filter(Files::isRegularFile).toList()) {
        String name = path.getFileName().toString();
        if (!name.endsWith(".parquet")) {
          // Checksums and markers of Hadoop's local file system: not part of the table.
          Files.delete(path);
          continue;
        }
        // A partition folder holds one file (rows were shuffled by partition): its rows are the
        // partition's, counted before the write. Elsewhere the footer says.
        String parent = path.getParent().getFileName().toString();
        Long counted =
            partitioned && parent.startsWith(PARTITION_ID + "=") && onlyParquetFile(path)
                ? rowsByPartition.get(parent.substring(PARTITION_ID.length() + 1))
                : null;
        long records = counted != null ? counted : ParquetFooters.recordCount(path);
        if (records == 0) {
          Files.delete(path);
          continue;
        }
        List<Object> partition = List.of();
        if (partitioned) {
          String folder = path.getParent().getFileName().toString();
          if (!folder.startsWith(PARTITION_ID + "=")) {
            throw SluiceException.internal(
                "Spark wrote " + path + " outside a partition folder", null);
          }
          partition = partitions.get(folder.substring(PARTITION_ID.length() + 1));
          if (partition == null) {
            throw SluiceException.internal("No partition values for " + path, null);
          }
        }
        result.add(new DataFile(path.toString(), partition, records, Files.size(path)));
      }
    } catch (IOException e) {
      throw SluiceException.external("Cannot list the files written to " + directory, e);
    }
    result.sort(Comparator.comparing(DataFile::path));
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Lake relations, models, queries

  @Override
  public void exposeLakeRelations(List<LakeRelation> relations) {
    try {
      for (LakeRelation relation : relations) {
        defineLakeView(relation);
      }
    } catch (Exception e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Cannot expose lake tables in the warehouse: " + e.getMessage(),
          e);
    }
    if (!readOnly) {
      warehouse.putLakeRelations(relations);
    }
  }

  /**
   * Defines {@code schema.name} as a view over a catalog table of exactly the relation's files
   * ({@code sluice_files.<schema>__<name>}, whose schema carries the Iceberg field ids): Spark then
   * finds columns by field id, as Iceberg readers do, so a column added by schema evolution reads
   * NULL from older files and a widened column reads their narrower values. The view is what users
   * and the core redefine (e.g. the filtered quarantine view); the table is rebuilt per snapshot.
   */
  private void defineLakeView(LakeRelation relation) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + dialect.quote(relation.schema()));
    String view = dialect.quote(relation.schema()) + "." + dialect.quote(relation.name());
    if (relation.files().isEmpty()) {
      String columns =
          relation.columns().stream()
              .map(
                  c ->
                      "CAST(NULL AS "
                          + dialect.typeName(c.type())
                          + ") AS "
                          + dialect.quote(c.name()))
              .collect(joining(", "));
      spark.sql("CREATE OR REPLACE VIEW " + view + " AS SELECT " + columns + " WHERE FALSE");
      return;
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS " + FILES_DATABASE);
    String table = FILES_DATABASE + "." + dialect.quote(relation.schema() + "__" + relation.name());
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark
        .catalog()
        .createTable(
            table,
            "parquet",
            withFieldIds(relation.columns()),
            Map.of("path", Warehouse.parquetLocation(relation.files())));
    spark.sql("CREATE OR REPLACE VIEW " + view + " AS SELECT * FROM " + table);
  }

  private static StructType withFieldIds(List<LakeColumn> columns) {
    List<StructField> fields = new ArrayList<>();
    for (LakeColumn column : columns) {
      fields.add(
          DataTypes.createStructField(
              column.name(),
              SparkTypes.of(column.type()),
              true,
              new MetadataBuilder().putLong(FIELD_ID, column.fieldId()).build()));
    }
    return DataTypes.createStructType(fields);
  }

  @Override
  public void materialize(ModelRequest request) {
    if (readOnly) {
      throw SluiceException.user(
          "Cannot build model '%s': the warehouse is open for reading only", request.name());
    }
    String sql = stripTrailingSemicolon(request.sql());
    Warehouse.Model previous = warehouse.model(request.name()).orElse(null);
    Warehouse.Model next;
    List<String> written = new ArrayList<>();
    try {
      switch (request.materialization()) {
        case VIEW -> {
          // Checked before anything changes: Spark analyses a view when it is created.
          spark.sql(sql).schema();
          next = Warehouse.Model.view(request.name(), sql);
        }
        case TABLE ->
            next =
                Warehouse.Model.table(
                    request.name(), List.of(writeModel(request.name(), spark.sql(sql), written)));
        case INCREMENTAL -> {
          if (!request.incremental() || previous == null || previous.folders().isEmpty()) {
            next =
                Warehouse.Model.table(
                    request.name(), List.of(writeModel(request.name(), spark.sql(sql), written)));
          } else {
            Dataset<Row> existing = spark.table(dialect.quote(request.name()));
            Dataset<Row> fresh = alignTo(spark.sql(sql), existing);
            if (request.uniqueKey().isEmpty()) {
              List<String> folders = new ArrayList<>(previous.folders());
              folders.add(writeModel(request.name(), fresh, written));
              next = Warehouse.Model.table(request.name(), folders);
            } else {
              fresh = fresh.persist(StorageLevel.MEMORY_AND_DISK());
              try {
                Column[] freshKeys =
                    request.uniqueKey().stream()
                        .map(k -> functions.col(dialect.quote(k)).as("__k_" + k))
                        .toArray(Column[]::new);
                Dataset<Row> keys = fresh.select(freshKeys).distinct();
                Column on = null;
                for (String k : request.uniqueKey()) {
                  Column eq = existing.col(dialect.quote(k)).equalTo(keys.col("__k_" + k));
                  on = on == null ? eq : on.and(eq);
                }
                Dataset<Row> kept = existing.join(keys, on, "left_anti");
                next =
                    Warehouse.Model.table(
                        request.name(),
                        List.of(writeModel(request.name(), kept.unionByName(fresh), written)));
              } finally {
                fresh.unpersist();
              }
            }
          }
        }
        default ->
            throw new IllegalStateException("unknown materialization " + request.materialization());
      }
      defineModelView(next);
      warehouse.commit(next, request.stateKey(), request.stateValue());
    } catch (Exception e) {
      // Nothing was committed: put the previous definition back and drop what was written.
      try {
        if (previous != null) {
          defineModelView(previous);
        } else {
          spark.sql("DROP VIEW IF EXISTS " + dialect.quote(request.name()));
        }
      } catch (Exception restore) {
        e.addSuppressed(restore);
      }
      written.forEach(Warehouse::deleteQuietly);
      if (e instanceof SluiceException sluice) {
        throw sluice;
      }
      throw new SluiceException(
          ErrorCategory.USER, "Model '" + request.name() + "' failed: " + e.getMessage(), e);
    }
    if (previous != null) {
      for (String folder : previous.folders()) {
        if (!next.folders().contains(folder)) {
          Warehouse.deleteQuietly(folder);
        }
      }
    }
  }

  /** Casts and orders {@code fresh}'s columns as {@code existing}'s (an insert by name). */
  private Dataset<Row> alignTo(Dataset<Row> fresh, Dataset<Row> existing) {
    List<String> names = List.of(fresh.columns());
    List<Column> columns = new ArrayList<>();
    for (var field : existing.schema().fields()) {
      if (!names.contains(field.name())) {
        throw SluiceException.user(
            "the model's query has no column '%s', which the existing table has", field.name());
      }
      columns.add(fresh.col(dialect.quote(field.name())).cast(field.dataType()).as(field.name()));
    }
    return fresh.select(columns.toArray(Column[]::new));
  }

  private String writeModel(String name, Dataset<Row> rows, List<String> written) {
    String folder = warehouse.newTableFolder(name);
    written.add(folder);
    rows.write().mode(SaveMode.ErrorIfExists).option("compression", "zstd").parquet(folder);
    Warehouse.deleteNonParquet(Path.of(folder));
    return folder;
  }

  private void defineModelView(Warehouse.Model model) {
    String body =
        !model.sql().isEmpty()
            ? model.sql()
            : "SELECT * FROM " + Warehouse.parquetScan(model.folders());
    spark.sql("CREATE OR REPLACE VIEW " + dialect.quote(model.name()) + " AS " + body);
  }

  private static String stripTrailingSemicolon(String sql) {
    String trimmed = sql.strip();
    while (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
    }
    return trimmed;
  }

  @Override
  public boolean relationExists(String name) {
    return spark.catalog().tableExists("default", name);
  }

  @Override
  public Optional<String> state(String stateKey) {
    return warehouse.state(stateKey);
  }

  @Override
  public QueryResult query(String sql, int maxRows) {
    String statement = stripTrailingSemicolon(sql);
    try {
      Dataset<Row> result = spark.sql(statement);
      if (!readOnly && Warehouse.isViewDefinition(statement)) {
        warehouse.putStatement(statement);
      }
      return SparkValues.result(result, maxRows);
    } catch (SluiceException e) {
      throw e;
    } catch (Exception e) {
      throw new SluiceException(ErrorCategory.USER, "Query failed: " + e.getMessage(), e);
    }
  }

  /**
   * Puts the warehouse's relations into Spark's catalog: the catalog lives in memory, the manifest
   * on disk. What was there (another warehouse's relations) is dropped first.
   */
  private void restore() {
    for (Row row : spark.sql("SHOW DATABASES").collectAsList()) {
      String database = row.getString(0);
      if (!database.equals("default")) {
        spark.sql("DROP DATABASE IF EXISTS " + dialect.quote(database) + " CASCADE");
      }
    }
    for (Row row : spark.sql("SHOW TABLES IN default").collectAsList()) {
      if (!row.getBoolean(2)) {
        spark.sql("DROP VIEW IF EXISTS default." + dialect.quote(row.getString(1)));
      }
    }
    for (LakeRelation relation : warehouse.lakeRelations()) {
      try {
        defineLakeView(relation);
      } catch (Exception e) {
        LOG.warn(
            "Cannot restore the lake view {}.{}: {}",
            relation.schema(),
            relation.name(),
            e.getMessage());
      }
    }
    for (String statement : warehouse.statements()) {
      try {
        spark.sql(statement);
      } catch (Exception e) {
        LOG.warn("Cannot restore a warehouse view: {}", e.getMessage());
      }
    }
    for (Warehouse.Model model : warehouse.models()) {
      try {
        defineModelView(model);
      } catch (Exception e) {
        LOG.warn("Cannot restore model '{}': {}", model.name(), e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    OPEN.compareAndSet(this, null);
  }
}
