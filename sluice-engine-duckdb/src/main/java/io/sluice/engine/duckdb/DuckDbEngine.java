package io.sluice.engine.duckdb;

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
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The DuckDB engine. One JDBC connection to the warehouse file; staging lives in temp tables. */
final class DuckDbEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbEngine.class);
  private static final String STATE_TABLE = "sluice._state";
  private static final String PARTITION_ID = "__sluice_partition";
  private static final String SCRATCH = "sluice_scratch";
  private static final List<String> OPTIONS = List.of("memory-limit", "threads");

  /**
   * When a batch is planned without DuckDB's common-subexpression optimizer. That optimizer takes
   * time that grows with the square of a projection's expressions (5 s of a 6.7 s statement at
   * 1,500 int columns, over a minute at 4,000; docs/performance.md, "Wide sources"), while what it
   * saves grows with the rows: without it the mapping of 300 int columns took 14 s instead of 6 s
   * for 100,000 rows. So it is left out only for a wide source's batch of few rows for its width
   * (fewer than {@link #ROWS_PER_COLUMN} per column), where planning is what costs; the results are
   * the same either way.
   */
  static final int WIDE_SOURCE_COLUMNS = 200;

  static final int ROWS_PER_COLUMN = 16;

  private final DuckDBConnection connection;
  private final DuckDbDialect dialect = new DuckDbDialect();
  private final AtomicLong tempCounter = new AtomicLong();
  private final int loaders;

  private final Path warehouse;
  private final Path stateDirectory;
  private final boolean readOnly;
  private final Optional<Instant> snapshotTime;
  // Whether the warehouse changed since the last published snapshot.
  private boolean dirty;

  private DuckDbEngine(
      DuckDBConnection connection,
      int loaders,
      Path warehouse,
      Path stateDirectory,
      boolean readOnly,
      Optional<Instant> snapshotTime) {
    this.connection = connection;
    this.loaders = loaders;
    this.warehouse = warehouse;
    this.stateDirectory = stateDirectory;
    this.readOnly = readOnly;
    this.snapshotTime = snapshotTime;
  }

  /**
   * How long opening the warehouse for writing waits while another process holds it (a reader that
   * found no current snapshot, or a command of an older Sluice).
   */
  static final Duration LOCK_WAIT = Duration.ofSeconds(30);

  /** A memory size as DuckDB's {@code memory_limit} takes it: a number and a unit, or a percent. */
  private static final java.util.regex.Pattern MEMORY =
      java.util.regex.Pattern.compile(
          "(?i)[0-9]+(\\.[0-9]+)?\\s*(b|bytes?|kb|mb|gb|tb|kib|mib|gib|tib|%)");

  /**
   * Checks the engine options' names and syntax, so that a mistake is a configuration error
   * reported before anything runs.
   */
  static void checkOptions(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!OPTIONS.contains(key)) {
        throw SluiceException.user(
            "Unknown DuckDB engine option '%s' in engine-options%s (known: %s)",
            key, io.sluice.config.DidYouMean.hint(key, OPTIONS), String.join(", ", OPTIONS));
      }
    }
    String threads = options.get("threads");
    if (threads != null && !threads.matches("[1-9][0-9]{0,3}")) {
      throw SluiceException.user(
          "DuckDB engine option threads must be a whole number from 1, found '%s'", threads);
    }
    String memory = options.get("memory-limit");
    if (memory != null && !MEMORY.matcher(memory.strip()).matches()) {
      throw SluiceException.user(
          "DuckDB engine option memory-limit must be a size such as 4GB, 512MB or 80%%, found"
              + " '%s'",
          memory);
    }
  }

  /** The smallest default memory limit, for machines (or containers) with little memory. */
  static final long MIN_DEFAULT_MEMORY = 256L << 20;

  /**
   * The largest default memory limit. The process holds about 0.7 GB beyond DuckDB's limit (the
   * JVM, Iceberg, DuckDB's allocations outside its buffers): at 3M benchmark events, 1 GiB gave
   * 1.58 GiB resident and 768 MiB 1.43 GiB, within the 1.5 GB a run is held to.
   */
  static final long MAX_DEFAULT_MEMORY = 768L << 20;

  /**
   * DuckDB's memory limit when {@code engine-options} sets none: an eighth of the memory the JVM
   * sees (the container's limit in a container), from 256 MB to 768 MB. DuckDB's own default, 80%
   * of the machine, lets one batch take the machine; with this limit larger batches spill to the
   * state folder's {@code tmp} and the process (JVM, Iceberg and DuckDB's memory outside its
   * buffers included) stays near 1.5 GB resident. {@code memory-limit} raises it where memory is to
   * spare.
   */
  static String defaultMemoryLimit() {
    long total = -1;
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      total = os.getTotalMemorySize();
    }
    long limit =
        total <= 0
            ? MAX_DEFAULT_MEMORY
            : Math.max(MIN_DEFAULT_MEMORY, Math.min(MAX_DEFAULT_MEMORY, total / 8));
    return (limit >> 20) + "MiB";
  }

  /** Refuses a warehouse that is a folder: DuckDB's is one file. */
  static void checkWarehouse(Path warehouse) {
    if (Files.isDirectory(warehouse)) {
      throw SluiceException.user(
          "The DuckDB warehouse %s is a folder; DuckDB keeps its warehouse in one file (set"
              + " warehouse.path in sluice.yaml to a file name)",
          warehouse);
    }
  }

  static DuckDbEngine open(EngineContext context) {
    checkOptions(context.options());
    String threads = context.options().get("threads");
    try {
      Path warehouse = Path.of(context.warehouse()).toAbsolutePath().normalize();
      checkWarehouse(warehouse);
      Files.createDirectories(warehouse.getParent());
      Path tmp = context.stateDirectory().resolve("tmp");
      Files.createDirectories(tmp);
      Connection connection;
      Optional<Instant> snapshotTime = Optional.empty();
      if (context.readOnly()
          && !Files.exists(warehouse)
          && WarehouseFiles.snapshots(context.stateDirectory()).isEmpty()) {
        // Nothing has run yet: an empty in-memory database answers queries (on the lake, or that
        // no model exists yet) instead of DuckDB refusing to open a missing file read-only.
        connection = DriverManager.getConnection("jdbc:duckdb:");
      } else if (context.readOnly()) {
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        WarehouseFiles.Opened<Connection> opened =
            WarehouseFiles.openForReading(
                warehouse,
                context.stateDirectory(),
                file -> DriverManager.getConnection("jdbc:duckdb:" + file, properties));
        connection = opened.value();
        snapshotTime = opened.snapshotTime();
      } else {
        connection = openForWriting(warehouse);
      }
      int loaders =
          threads != null ? Integer.parseInt(threads) : Runtime.getRuntime().availableProcessors();
      DuckDbEngine engine =
          new DuckDbEngine(
              connection.unwrap(DuckDBConnection.class),
              loaders,
              warehouse,
              context.stateDirectory(),
              context.readOnly(),
              snapshotTime);
      try {
        engine.execute("SET TimeZone = 'UTC'");
        engine.execute("SET temp_directory = " + engine.dialect.literal(tmp.toString()));
        String memory = context.options().get("memory-limit");
        engine.execute(
            "SET memory_limit = "
                + engine.dialect.literal(memory != null ? memory : defaultMemoryLimit()));
        if (threads != null) {
          engine.execute("SET threads = " + Integer.parseInt(threads));
        }
        if (!context.readOnly()) {
          engine.execute("ATTACH IF NOT EXISTS ':memory:' AS " + SCRATCH);
          engine.execute("CREATE SCHEMA IF NOT EXISTS sluice");
          engine.execute(
              "CREATE TABLE IF NOT EXISTS "
                  + STATE_TABLE
                  + " (key VARCHAR PRIMARY KEY, value VARCHAR)");
          List<WarehouseFiles.Snapshot> snapshots =
              WarehouseFiles.snapshots(context.stateDirectory());
          // Readers need a snapshot while this engine holds the file: publish one now unless the
          // newest is the warehouse as it is.
          engine.dirty =
              snapshots.isEmpty() || !WarehouseFiles.current(snapshots.get(0), warehouse);
          engine.publishSnapshot();
        }
      } catch (SQLException | RuntimeException e) {
        engine.closeQuietly();
        throw e;
      }
      return engine;
    } catch (SQLException e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Cannot open the DuckDB warehouse " + context.warehouse() + ": " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL, "Cannot create folders for " + context.warehouse(), e);
    }
  }

  /**
   * Opens the warehouse for writing, waiting up to {@link #LOCK_WAIT} while another process has it
   * open (readers hold it only briefly).
   */
  private static Connection openForWriting(Path warehouse) throws SQLException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    boolean told = false;
    while (true) {
      try {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:" + warehouse);
        WarehouseFiles.writing(warehouse);
        return connection;
      } catch (SQLException e) {
        if (!WarehouseFiles.isLockConflict(e)) {
          throw e;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new SluiceException(
              ErrorCategory.EXTERNAL,
              "Cannot open the DuckDB warehouse "
                  + warehouse
                  + " for writing: another process has held it for more than "
                  + LOCK_WAIT.toSeconds()
                  + " s ("
                  + e.getMessage().replaceAll("\\s+", " ").strip()
                  + "); retry when it has finished",
              e);
        }
        if (!told) {
          LOG.info("The warehouse {} is held by another process; waiting for it", warehouse);
          told = true;
        }
        // No notification exists for another process's file lock: poll it, up to LOCK_WAIT.
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw SluiceException.external("Interrupted while waiting for the warehouse", e);
        }
      }
    }
  }

  @Override
  public void publishSnapshot() {
    if (readOnly || !dirty) {
      return;
    }
    try {
      execute("CHECKPOINT");
    } catch (SQLException e) {
      throw SluiceException.external(
          "Cannot checkpoint the warehouse " + warehouse + " before publishing a snapshot", e);
    }
    WarehouseFiles.publish(warehouse, stateDirectory, Instant.now());
    dirty = false;
  }

  @Override
  public Optional<Instant> snapshotTime() {
    return snapshotTime;
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      // Opening failed: that failure is what the caller needs.
      LOG.warn("Cleanup failed while closing the warehouse after a failed open", e);
    }
  }

  @Override
  public SqlDialect dialect() {
    return dialect;
  }

  // ---------------------------------------------------------------------------------------------
  // Ingest

  @Override
  public IngestResult ingest(IngestRequest request) {
    dirty = true; // unique-key indexes live in the warehouse
    String suffix = Long.toString(tempCounter.incrementAndGet());
    // Staged in an in-memory database that every connection of this engine sees, so that several
    // files can be loaded at once; nothing staged ever reaches the warehouse file.
    String stageName = "sluice_stage_" + suffix;
    String stage = SCRATCH + ".main." + stageName;
    String mapped = "sluice_mapped_" + suffix;
    // Natively read NDJSON files are staged as Parquet copies here (ndjsonCopy).
    Path lines = stateDirectory.resolve("tmp").resolve(stageName);
    List<StepTiming> steps = new ArrayList<>();
    try {
      StepMeter stageMeter = StepMeter.start();
      createStage(stage, request.fields());
      Map<Integer, LineCopy> copies = load(stageName, stage, lines, request);
      String fileOf =
          splitKeys(request.input().splits().stream().map(SourceInput.SplitInput::split).toList());
      String staged = stageName + "_v";
      createStaged(stage, staged, fileOf, request.fields(), copies);
      // Staging kept the input's order (line numbers of natively read files come from it); from
      // here on no step needs an order, and without one DuckDB does not serialise its work.
      execute("SET preserve_insertion_order = false");
      String text = staged + "_text";
      long read = count("SELECT count(*) FROM " + text);
      long inputBytes =
          request.input().splits().stream().mapToLong(input -> input.split().sizeBytes()).sum();
      steps.add(stageMeter.stop("stage", read, inputBytes, -1));
      // Raw first, from the text alone unless the raw table keeps more (the operation of a change;
      // in the engine contract tests, the staged fields).
      String batch = dialect.literal(request.batchId());
      StepMeter rawMeter = StepMeter.start();
      boolean textOnly =
          request.raw().columns().stream().allMatch(c -> TEXT_COLUMNS.contains(c.name()));
      List<DataFile> raw =
          write(
              "SELECT " + batch + " AS _batch, * FROM " + (textOnly ? text : staged),
              request.raw());
      steps.add(written(rawMeter, "write raw", raw));
      StepMeter validateMeter = StepMeter.start();
      int width = request.columns().size();
      if (width > WIDE_SOURCE_COLUMNS && read < (long) width * ROWS_PER_COLUMN) {
        execute("SET disabled_optimizers = 'common_subexpressions'");
      }
      createMapped(staged, mapped, request);
      indexKeys(request, mapped);
      long valid = count("SELECT count(*) FROM " + mapped + " WHERE len(_fails) = 0");
      long warned =
          count("SELECT count(*) FROM " + mapped + " WHERE len(_fails) = 0 AND len(_warns) > 0");
      Map<String, Long> failures = new LinkedHashMap<>();
      try (Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery(
                  "SELECT CASE WHEN f.\"column\" = '' THEN f.rule"
                      + " ELSE f.rule || '(' || f.\"column\" || ')' END AS k, count(*)"
                      + " FROM (SELECT unnest(list_concat(_fails, _warns)) AS f FROM "
                      + mapped
                      + ") GROUP BY 1 ORDER BY 1")) {
        while (rs.next()) {
          failures.put(rs.getString(1), rs.getLong(2));
        }
      }
      steps.add(validateMeter.stop("validate", read));
      StepMeter quarantineMeter = StepMeter.start();
      List<DataFile> quarantine =
          write(
              "SELECT "
                  + batch
                  + " AS _batch, "
                  + fileOf
                  + "[m._split + 1] AS _file, m._line, s._record,"
                  + " array_to_string(list_transform(m._fails, lambda f: f.rule), ',') AS _rules,"
                  + " CAST(to_json(m._fails) AS VARCHAR) AS _errors FROM "
                  + mapped
                  + " m JOIN "
                  + text
                  + " s ON s._row = m._row WHERE len(m._fails) > 0",
              request.quarantine());
      steps.add(written(quarantineMeter, "write quarantine", quarantine));
      // The records' text is written: free it before the clean write needs memory.
      dropViewQuietly(staged);
      dropViewQuietly(text);
      dropQuietly(stage);
      deleteQuietly(lines);
      StepMeter cleanMeter = StepMeter.start();
      List<DataFile> clean;
      List<DataFile> cleanRemoved = List.of();
      if (request.merge().isPresent()) {
        Merged merged = merge(request, mapped, fileOf, suffix);
        clean = merged.written();
        cleanRemoved = merged.removed();
      } else {
        clean =
            write(
                "SELECT "
                    + batch
                    + " AS _batch, "
                    + fileOf
                    + "[_split + 1] AS _file, * FROM "
                    + mapped
                    + " WHERE len(_fails) = 0",
                request.clean());
      }
      steps.add(written(cleanMeter, "write clean", clean));
      return new IngestResult(
              read, valid, read - valid, failures, raw, clean, quarantine, warned, cleanRemoved)
          .withSteps(steps);
    } catch (SQLException e) {
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
      resetQuietly("preserve_insertion_order");
      resetQuietly("disabled_optimizers");
      dropViewQuietly(stageName + "_v");
      dropViewQuietly(stageName + "_v_text");
      dropQuietly(stage);
      dropQuietly(mapped);
      dropQuietly("sluice_latest_" + suffix);
      deleteQuietly(lines);
    }
  }

  /** Deletes a folder of staged copies; what cannot be deleted now is left for the next run. */
  private static void deleteQuietly(Path folder) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete the staged copies in {}", folder, e);
    }
  }

  /** The figures of a write step: the rows and bytes of the files it wrote. */
  private static StepTiming written(StepMeter meter, String name, List<DataFile> files) {
    return meter.stop(
        name,
        files.stream().mapToLong(DataFile::recordCount).sum(),
        -1,
        files.stream().mapToLong(DataFile::sizeBytes).sum());
  }

  private record Merged(List<DataFile> written, List<DataFile> removed) {}

  /**
   * Merges the batch's valid changes into the clean table, copy-on-write: per key the batch's last
   * change in read order wins; the clean files that hold any of the batch's keys (found among the
   * candidates the lake's statistics give for the keys' ranges) are rewritten without those keys,
   * together with the winning changes that are not deletes, partitioned as the table is.
   */
  private Merged merge(IngestRequest request, String mapped, String fileOf, String suffix)
      throws SQLException {
    List<String> key = request.merge().orElseThrow().primaryKey();
    String keys = key.stream().map(dialect::quote).collect(joining(", "));
    String latest = "sluice_latest_" + suffix;
    execute(
        "CREATE TEMP TABLE "
            + latest
            + " AS SELECT * FROM "
            + mapped
            + " WHERE len(_fails) = 0 QUALIFY row_number() OVER (PARTITION BY "
            + keys
            + " ORDER BY _split DESC, _line DESC, _row DESC) = 1");
    List<io.sluice.api.lake.KeyRange> ranges = new ArrayList<>();
    StringBuilder bounds = new StringBuilder("SELECT count(*)");
    for (String column : key) {
      bounds
          .append(", min(")
          .append(dialect.quote(column))
          .append("), max(")
          .append(dialect.quote(column))
          .append(")");
    }
    boolean any;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(bounds.append(" FROM ").append(latest).toString())) {
      rs.next();
      any = rs.getLong(1) > 0;
      for (int i = 0; any && i < key.size(); i++) {
        ranges.add(
            new io.sluice.api.lake.KeyRange(
                key.get(i), keyValue(rs.getObject(2 + 2 * i)), keyValue(rs.getObject(3 + 2 * i))));
      }
    }
    List<DataFile> removed = new ArrayList<>();
    if (any && !request.existingClean().isEmpty()) {
      List<DataFile> candidates = request.merge().orElseThrow().candidates().apply(ranges);
      if (!candidates.isEmpty()) {
        Map<String, DataFile> byPath = new LinkedHashMap<>();
        candidates.forEach(file -> byPath.put(file.path(), file));
        String on =
            key.stream()
                .map(c -> "t." + dialect.quote(c) + " = l." + dialect.quote(c))
                .collect(joining(" AND "));
        try (Statement statement = connection.createStatement();
            ResultSet rs =
                statement.executeQuery(
                    "SELECT DISTINCT t.filename FROM "
                        + parquetScan(
                            List.copyOf(byPath.keySet()),
                            request.clean().columns(),
                            ", filename = true")
                        + " t SEMI JOIN "
                        + latest
                        + " l ON "
                        + on
                        + " ORDER BY 1")) {
          while (rs.next()) {
            DataFile file = byPath.get(rs.getString(1));
            if (file == null) {
              throw SluiceException.internal(
                  "DuckDB read " + rs.getString(1) + ", which is not a candidate file", null);
            }
            removed.add(file);
          }
        }
      }
    }
    String fresh =
        "SELECT "
            + dialect.literal(request.batchId())
            + " AS _batch, "
            + fileOf
            + "[_split + 1] AS _file, * FROM "
            + latest
            + " WHERE _op IS DISTINCT FROM 'delete'";
    String query = fresh;
    if (!removed.isEmpty()) {
      String on =
          key.stream()
              .map(c -> "t." + dialect.quote(c) + " = l." + dialect.quote(c))
              .collect(joining(" AND "));
      // The rows of the rewritten files that no change of the batch touches, as they were.
      query =
          "SELECT t.* FROM "
              + readFiles(removed, request.clean().columns())
              + " t ANTI JOIN "
              + latest
              + " l ON "
              + on
              + " UNION ALL BY NAME "
              + fresh;
    }
    return new Merged(write(query, request.clean()), List.copyOf(removed));
  }

  /** A key bound as {@link io.sluice.api.lake.KeyRange} takes it. */
  private static Object keyValue(Object value) {
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toLocalDateTime();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate();
    }
    if (value instanceof java.time.OffsetDateTime offset) {
      return offset.toLocalDateTime();
    }
    return value;
  }

  private void createStage(String stage, List<String> fields) throws SQLException {
    StringBuilder ddl =
        new StringBuilder("CREATE TABLE ")
            .append(stage)
            .append(
                " (_split INTEGER, _line BIGINT, _record VARCHAR, _malformed VARCHAR,"
                    + " _reject_rule VARCHAR, _op VARCHAR");
    for (String field : fields) {
      ddl.append(", ").append(dialect.quote("s$" + field)).append(" VARCHAR");
    }
    execute(ddl.append(")").toString());
  }

  /**
   * Stages the batch: records a connector reads go to the {@code stage} table, natively read
   * Parquet files too, and natively read NDJSON files are copied line for line, in order, to one
   * Parquet file each in {@code lines} ({@link #ndjsonCopy}).
   *
   * @return the Parquet copy of each natively read NDJSON split, by the split's index
   */
  private Map<Integer, LineCopy> load(
      String stageName, String stage, Path lines, IngestRequest request) throws SQLException {
    List<SourceInput.SplitInput> splits = request.input().splits();
    long start = System.nanoTime();
    try (DuckDBAppender appender = connection.createAppender(SCRATCH, "main", stageName)) {
      for (int i = 0; i < splits.size(); i++) {
        Split split = splits.get(i).split();
        if (readsNatively(splits.get(i))) {
          continue;
        }
        request
            .input()
            .reader()
            .accept(
                split,
                new AppenderSink(
                    appender,
                    split.key(),
                    i,
                    request.fields().size(),
                    request.merge().isPresent(),
                    request.source()));
      }
      appender.flush();
    }
    List<String> parquet = new ArrayList<>();
    Map<Integer, String> ndjson = new LinkedHashMap<>();
    Map<Integer, LineCopy> copies = new LinkedHashMap<>();
    for (int i = 0; i < splits.size(); i++) {
      SourceInput.SplitInput input = splits.get(i);
      if (readsNatively(input)) {
        NativeFormat format = input.nativeFormat().orElseThrow();
        if (format.format().equals("parquet")) {
          format.requireOnly("duckdb", PARQUET_OPTIONS);
          parquet.add(parquetInsert(stage, i, input.split(), request.fields(), format.options()));
        } else {
          format.requireOnly("duckdb", NDJSON_OPTIONS);
          ndjson.put(i, format.path(input.split()));
          copies.put(i, new LineCopy(lines.resolve(i + ".parquet"), format.firstPosition()));
        }
      }
    }
    if (!ndjson.isEmpty()) {
      try {
        Files.createDirectories(lines);
      } catch (IOException e) {
        throw new SluiceException(ErrorCategory.EXTERNAL, "Cannot create " + lines, e);
      }
    }
    for (Map.Entry<Integer, String> file : ndjson.entrySet()) {
      parquet.add(ndjsonCopy(file.getValue(), lines.resolve(file.getKey() + ".parquet")));
    }
    executeInParallel(parquet);
    LOG.debug("{} ms: staged {}", (System.nanoTime() - start) / 1_000_000, request.source());
    return copies;
  }

  /**
   * Runs independent statements on {@link #loaders} connections at once: loading a file keeps its
   * rows in order, which DuckDB does on one thread, so files are loaded side by side instead.
   */
  private void executeInParallel(List<String> statements) throws SQLException {
    if (statements.size() <= 1 || loaders <= 1) {
      for (String sql : statements) {
        execute(sql);
      }
      return;
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(Math.min(loaders, statements.size()));
    java.util.concurrent.ConcurrentLinkedQueue<String> queue =
        new java.util.concurrent.ConcurrentLinkedQueue<>(statements);
    List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
    try {
      for (int i = 0; i < Math.min(loaders, statements.size()); i++) {
        workers.add(
            pool.submit(
                () -> {
                  try (Connection worker = connection.duplicate();
                      Statement statement = worker.createStatement()) {
                    for (String sql = queue.poll(); sql != null; sql = queue.poll()) {
                      long start = System.nanoTime();
                      statement.execute(sql);
                      LOG.debug(
                          "{} ms: {}",
                          (System.nanoTime() - start) / 1_000_000,
                          sql.substring(0, Math.min(300, sql.length())));
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> worker : workers) {
        try {
          worker.get();
        } catch (java.util.concurrent.ExecutionException e) {
          queue.clear();
          if (e.getCause() instanceof SQLException sql) {
            throw sql;
          }
          throw SluiceException.internal("Loading a file failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw SluiceException.internal("Interrupted while loading files", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The {@link NativeFormat} options this engine honours for {@code parquet}. */
  private static final Set<String> PARQUET_OPTIONS =
      Set.of(NativeFormat.REJECT_RULE, NativeFormat.REJECT_REASON);

  /** The {@link NativeFormat} options this engine honours for {@code ndjson}. */
  private static final Set<String> NDJSON_OPTIONS =
      Set.of(NativeFormat.PATH, NativeFormat.FIRST_POSITION);

  /**
   * The Parquet copy of a natively read NDJSON split's lines, and the position of its first line (a
   * line's position is {@code firstPosition} plus its row number in the copy).
   */
  private record LineCopy(Path file, long firstPosition) {}

  private static boolean readsNatively(SourceInput.SplitInput input) {
    return input
        .nativeFormat()
        .map(f -> f.format().equals("parquet") || f.format().equals("ndjson"))
        .orElse(false);
  }

  /**
   * Reads a Parquet file's fields by path; a field the file does not have reads NULL (schema drift
   * reports it as missing). With {@link NativeFormat#REJECT_RULE} every row is rejected.
   */
  private String parquetInsert(
      String stage, int index, Split split, List<String> fields, Map<String, String> options)
      throws SQLException {
    Set<String> present = parquetPaths(split.location());
    String rule = options.get(NativeFormat.REJECT_RULE);
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(stage)
            .append(" SELECT ")
            .append(index)
            .append(", file_row_number + 1, CAST(to_json(t) AS VARCHAR), ")
            .append(
                rule == null
                    ? "NULL, NULL, 'upsert'"
                    : dialect.literal(options.getOrDefault(NativeFormat.REJECT_REASON, rule))
                        + ", "
                        + dialect.literal(rule)
                        + ", NULL");
    for (String field : fields) {
      sql.append(", ")
          .append(
              present.contains(field)
                  ? "CAST(" + parquetPath(field) + " AS VARCHAR)"
                  : "CAST(NULL AS VARCHAR)");
    }
    return sql.append(" FROM (SELECT * FROM read_parquet(")
        .append(dialect.literal(split.location()))
        .append(")) t POSITIONAL JOIN (SELECT file_row_number FROM read_parquet(")
        .append(dialect.literal(split.location()))
        .append(", file_row_number = true))")
        .toString();
  }

  /**
   * Copies an NDJSON file's lines as they are, blank lines included, in file order, to a Parquet
   * file (the connector checked that the file holds no control character, so the unit separator
   * never splits a line). The copy keeps the batch's text out of memory (DuckDB reads it back as it
   * needs it, compressed about fivefold) and gives every line its number for free: a Parquet row's
   * position in its file. Nothing is parsed here: {@link #createStaged} parses each line once, in
   * parallel, when the batch is mapped.
   */
  private String ndjsonCopy(String file, Path copy) {
    // A blank line is copied as NULL, so that later reads drop it with a cheap IS NOT NULL; the
    // first character is tested before trimming, which copies the whole line.
    return "COPY (SELECT CASE WHEN line = '' OR ascii(line) IN (9, 32) AND trim(line, ' \t') = ''"
        + " THEN NULL ELSE line END AS line FROM read_csv("
        + dialect.literal(file)
        + ", columns = {'line': 'VARCHAR'}, header = false, auto_detect = false,"
        + " delim = '\u001f', quote = '', escape = '', new_line = '\\n',"
        + " max_line_size = 2097152)) TO "
        + dialect.literal(copy.toString())
        + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)";
  }

  /**
   * The staged batch as the later steps read it: one row per record with an id ({@code _row}),
   * split, file, line, text, failure to read, operation and field values. Natively read NDJSON
   * lines come from their Parquet copies: the line number is the row's position in its copy plus
   * the split's first position (blank lines count, then drop out), and the fields come from one
   * JSON parse of the line (TRY turns a syntax error into NULL; a valid line is an object exactly
   * when it starts with a brace, so json_type runs only for the rare valid non-objects). A second
   * view, {@code <staged>_text}, holds the same rows with only their id, split, file, line and
   * text, for the counts, the raw and the quarantine writes, which need no parse.
   */
  private void createStaged(
      String stage,
      String staged,
      String fileOf,
      List<String> fields,
      Map<Integer, LineCopy> copies)
      throws SQLException {
    String values = fields.stream().map(f -> ", " + dialect.quote("s$" + f)).collect(joining());
    List<String> parts = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    if (copies.isEmpty() || count("SELECT count(*) FROM " + stage) > 0) {
      parts.add(
          "SELECT rowid AS _row, _split, _line, _record, _malformed, _reject_rule, _op"
              + values
              + " FROM "
              + stage);
      texts.add("SELECT rowid AS _row, _split, _line, _record FROM " + stage);
    }
    if (!copies.isEmpty()) {
      String paths =
          fields.stream()
              .map(
                  field ->
                      dialect.literal(
                          "$"
                              + java.util.Arrays.stream(field.split("\\."))
                                  .map(key -> ".\"" + key + "\"")
                                  .collect(joining())))
              .collect(joining(", "));
      String files =
          copies.values().stream()
              .map(f -> dialect.literal(f.file().toString()))
              .collect(joining(", "));
      // Each row's copy, as its index in the list of copies: its split and first position.
      String copyOf = "list_position([" + files + "], filename)";
      String splitOf =
          "["
              + copies.keySet().stream().map(String::valueOf).collect(joining(", "))
              + "]["
              + copyOf
              + "]";
      String lineOf =
          "file_row_number + ["
              + copies.values().stream()
                  .map(c -> c.firstPosition() + "::BIGINT")
                  .collect(joining(", "))
              + "]["
              + copyOf
              + "]";
      StringBuilder lines =
          new StringBuilder(
              "SELECT _row, _split, _line, _record, CASE WHEN _v IS NULL THEN 'not valid JSON'"
                  + " WHEN NOT _object THEN 'expected a JSON object, found ' ||"
                  + " lower(json_type(_record)) END AS _malformed, NULL::VARCHAR AS _reject_rule,"
                  + " CASE WHEN _v IS NOT NULL AND _object THEN 'upsert' END AS _op");
      for (int i = 0; i < fields.size(); i++) {
        lines
            .append(", CASE WHEN _object THEN _v[")
            .append(i + 1)
            .append("] END AS ")
            .append(dialect.quote("s$" + fields.get(i)));
      }
      // Row ids of the stage table stay below 2^40; a copy's rows are numbered above them.
      lines
          .append(" FROM (SELECT (_split + 1) * 1099511627776 + file_row_number AS _row, _split,")
          .append(" _line, line AS _record,")
          // ltrim copies the line: only for the rare line that starts with a blank.
          .append(" starts_with(line, '{') OR (ascii(line) IN (9, 32)")
          .append(" AND starts_with(ltrim(line, ' \t'), '{')) AS _object,")
          .append(" TRY(json_extract_string(line, [")
          .append(fields.isEmpty() ? "'$'" : paths)
          .append("])) AS _v FROM (SELECT ")
          .append(splitOf)
          .append(" AS _split, ")
          .append(lineOf)
          .append(" AS _line, file_row_number, line FROM read_parquet([")
          .append(files)
          .append("], filename = true, file_row_number = true))")
          .append(" WHERE line IS NOT NULL)");
      parts.add(lines.toString());
      texts.add(
          "SELECT (_split + 1) * 1099511627776 + file_row_number AS _row, _split,"
              + " _line, line AS _record FROM (SELECT "
              + splitOf
              + " AS _split, "
              + lineOf
              + " AS _line, file_row_number, line FROM read_parquet(["
              + files
              + "], filename = true, file_row_number = true))"
              + " WHERE line IS NOT NULL");
    }
    // A batch staged in the table alone (no native NDJSON) is read with one projection over the
    // table, as before: a source may have thousands of columns, and every layer costs planning.
    execute(
        "CREATE TEMP VIEW "
            + staged
            + " AS SELECT "
            + fileOf
            + "[_split + 1] AS _file, "
            + (copies.isEmpty()
                ? "rowid AS _row, * FROM " + stage
                : "* FROM (" + String.join(" UNION ALL ", parts) + ")"));
    // The same rows without the parse, for the steps that need only the text: DuckDB does not
    // prune the parse from the view above for them (EXPLAIN shows it computed for a count).
    execute(
        "CREATE TEMP VIEW "
            + staged
            + "_text AS SELECT "
            + fileOf
            + "[_split + 1] AS _file, * FROM ("
            + String.join(" UNION ALL ", texts)
            + ")");
  }

  /** The columns of {@code createStaged}'s text view, with the batch id. */
  private static final Set<String> TEXT_COLUMNS = Set.of("_batch", "_file", "_line", "_record");

  /** Every field path of a Parquet file, groups and leaves: {@code user} and {@code user.id}. */
  private Set<String> parquetPaths(String file) throws SQLException {
    Set<String> paths = new HashSet<>();
    // The schema is flattened depth first: the root, then each element with its children after.
    ArrayDeque<String> prefixes = new ArrayDeque<>();
    ArrayDeque<Integer> remaining = new ArrayDeque<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT name, coalesce(num_children, 0) FROM parquet_schema("
                    + dialect.literal(file)
                    + ")")) {
      boolean root = true;
      while (rows.next()) {
        String name = rows.getString(1);
        int children = rows.getInt(2);
        if (root) {
          root = false;
          prefixes.push("");
          remaining.push(children);
          continue;
        }
        while (!remaining.isEmpty() && remaining.peek() == 0) {
          remaining.pop();
          prefixes.pop();
        }
        if (remaining.isEmpty()) {
          break;
        }
        remaining.push(remaining.pop() - 1);
        String path = prefixes.peek().isEmpty() ? name : prefixes.peek() + "." + name;
        paths.add(path);
        if (children > 0) {
          prefixes.push(path);
          remaining.push(children);
        }
      }
    }
    return paths;
  }

  private String parquetPath(String field) {
    // Staging fields are named after the source field; nested Parquet fields use dotted paths.
    return List.of(field.split("\\.")).stream().map(dialect::quote).collect(joining("."));
  }

  private void createMapped(String stage, String mapped, IngestRequest request)
      throws SQLException {
    StringBuilder sql = new StringBuilder("CREATE TEMP TABLE ").append(mapped).append(" AS ");
    sql.append("WITH typed AS (SELECT *")
        .append(MappedColumn.selectList(request.columns(), false, dialect));
    sql.append(" FROM ").append(stage).append("), derived AS (SELECT *");
    sql.append(MappedColumn.selectList(request.columns(), true, dialect));
    sql.append(" FROM typed), checked AS (SELECT *, list_filter([");
    sql.append(
        "CASE WHEN _malformed IS NOT NULL THEN {'rule': coalesce(_reject_rule, 'parse'), 'column':"
            + " '', 'message': _malformed,"
            + " 'value': NULL::VARCHAR} END");
    for (String key : request.merge().map(IngestRequest.Merge::primaryKey).orElse(List.of())) {
      // A change without its key cannot be merged: it would match no row, or every row.
      sql.append(", CASE WHEN _malformed IS NULL AND ")
          .append(dialect.quote(key))
          .append(" IS NULL THEN {'rule': 'primary-key', 'column': ")
          .append(dialect.literal(key))
          .append(", 'message': 'primary key column is null or not a valid ")
          .append(
              dialect.typeName(keyColumn(request, key).type()).toLowerCase(java.util.Locale.ROOT))
          .append("', 'value': NULL::VARCHAR} END");
    }
    for (CompiledRule rule : request.rules()) {
      if (rule.kind() == CompiledRule.Kind.EXPRESSION && rule.quarantines()) {
        sql.append(", ").append(expressionFailure(rule));
      }
    }
    sql.append("], lambda f: f IS NOT NULL) AS _fails, list_filter([NULL");
    // Failures of severity warn: counted, but the row still lands unless it fails another rule.
    for (CompiledRule rule : request.rules()) {
      if (rule.kind() == CompiledRule.Kind.EXPRESSION && !rule.quarantines()) {
        sql.append(", ").append(expressionFailure(rule));
      }
    }
    sql.append("], lambda f: f IS NOT NULL) AS _warns FROM derived)");
    // Only what the outputs need: the batch's text (_record, staged fields) stays in the stage.
    sql.append(" SELECT _row, _split, _line, ");
    for (MappedColumn column : request.columns()) {
      sql.append(dialect.quote(column.name())).append(", ");
    }
    sql.append("_op, _fails, _warns FROM checked");
    execute(sql.toString());
    for (CompiledRule rule : request.rules()) {
      if (rule.kind() == CompiledRule.Kind.UNIQUE) {
        markDuplicates(mapped, rule, keyIndex(request, rule));
      }
    }
  }

  private String expressionFailure(CompiledRule rule) {
    // A delete carries its key; no rule judges its other values.
    return "CASE WHEN _malformed IS NULL AND _op IS DISTINCT FROM 'delete' AND ("
        + rule.failWhen()
        + ") THEN "
        + failure(rule, rule.valueExpression())
        + " END";
  }

  private String failure(CompiledRule rule, String valueExpression) {
    return "{'rule': "
        + dialect.literal(rule.name())
        + ", 'column': "
        + dialect.literal(rule.column())
        + ", 'message': "
        + dialect.literal(rule.message())
        + ", 'value': "
        + (valueExpression.isEmpty() ? "NULL::VARCHAR" : "CAST(" + valueExpression + " AS VARCHAR)")
        + "}";
  }

  /**
   * The key index of a unique rule, ready for this batch: a warehouse table ({@code sluice_keys})
   * holding the key of every row of the clean table with the batch that landed it, so that a batch
   * checks its keys against one compact column instead of re-reading every clean data file.
   *
   * <p>It is kept equal to the clean table's keys: rows of this batch id left by an attempt that
   * crashed before its clean commit are deleted first, and when its row count is not the clean
   * table's (a lost warehouse, a crash at another moment, an older version of Sluice) it is rebuilt
   * from the clean files, once. The batch's own keys are added by {@link #indexKeys} once its clean
   * rows are known.
   */
  private String keyIndex(IngestRequest request, CompiledRule rule) throws SQLException {
    StringBuilder columns = new StringBuilder();
    for (String key : rule.uniqueColumns()) {
      columns.append(dialect.quote(key)).append(' ').append(keyType(request, key)).append(", ");
    }
    String index = indexName(request, rule);
    execute("CREATE SCHEMA IF NOT EXISTS sluice_keys");
    execute("CREATE TABLE IF NOT EXISTS " + index + " (" + columns + "_batch VARCHAR)");
    execute("DELETE FROM " + index + " WHERE _batch = " + dialect.literal(request.batchId()));
    long expected = request.existingClean().stream().mapToLong(DataFile::recordCount).sum();
    if (count("SELECT count(*) FROM " + index) != expected) {
      String keys = rule.uniqueColumns().stream().map(dialect::quote).collect(joining(", "));
      execute("DELETE FROM " + index);
      if (!request.existingClean().isEmpty()) {
        execute(
            "INSERT INTO "
                + index
                + " SELECT "
                + keys
                + ", '' FROM "
                + readFiles(request.existingClean(), request.clean().columns()));
      }
    }
    return index;
  }

  /** The key index table of a unique rule; its name changes with the key columns' types. */
  private String indexName(IngestRequest request, CompiledRule rule) {
    StringBuilder signature = new StringBuilder();
    for (String key : rule.uniqueColumns()) {
      signature.append(key).append(':').append(keyType(request, key)).append(';');
    }
    return "sluice_keys."
        + dialect.quote(
            request.source()
                + "__"
                + String.join("__", rule.uniqueColumns())
                + "__"
                + Integer.toHexString(signature.toString().hashCode()));
  }

  private static MappedColumn keyColumn(IngestRequest request, String key) {
    return request.columns().stream()
        .filter(c -> c.name().equals(key))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("primary key " + key + " is not mapped"));
  }

  private String keyType(IngestRequest request, String key) {
    return request.columns().stream()
        .filter(c -> c.name().equals(key))
        .findFirst()
        .map(c -> dialect.typeName(c.type()))
        .orElseThrow(() -> new IllegalStateException("unique key " + key + " is not mapped"));
  }

  /** Adds the keys of the batch's clean rows to the key index of each unique rule. */
  private void indexKeys(IngestRequest request, String mapped) throws SQLException {
    for (CompiledRule rule : request.rules()) {
      if (rule.kind() == CompiledRule.Kind.UNIQUE) {
        String keys = rule.uniqueColumns().stream().map(dialect::quote).collect(joining(", "));
        execute(
            "INSERT INTO "
                + indexName(request, rule)
                + " SELECT "
                + keys
                + ", "
                + dialect.literal(request.batchId())
                + " FROM "
                + mapped
                + " WHERE len(_fails) = 0");
      }
    }
  }

  /**
   * Adds the failure of a unique rule to the mapped rows it fails: among rows with no failure so
   * far (failures of earlier unique rules included), a row fails when an earlier row (by split,
   * then line) or a row already in the clean table (its key index) has its key. The duplicates are
   * found on a narrow projection (row id, key, position) rather than by sorting whole rows, and are
   * few, so only their rows are updated.
   */
  private void markDuplicates(String mapped, CompiledRule rule, String index) throws SQLException {
    String keys = rule.uniqueColumns().stream().map(dialect::quote).collect(joining(", "));
    String notNull =
        rule.uniqueColumns().stream()
            .map(c -> dialect.quote(c) + " IS NOT NULL")
            .collect(joining(" AND "));
    String value =
        rule.uniqueColumns().size() == 1
            ? dialect.quote(rule.uniqueColumns().get(0))
            : "concat_ws(',', " + keys + ")";
    String target = rule.quarantines() ? "_fails" : "_warns";
    execute(
        "UPDATE "
            + mapped
            + " SET "
            + target
            + " = list_append("
            + target
            + ", "
            + failure(rule, value)
            + ") WHERE _row IN (SELECT _row FROM (SELECT _row, "
            + keys
            + ", row_number() OVER (PARTITION BY "
            + keys
            + " ORDER BY _split, _line) AS _n FROM "
            + mapped
            + " WHERE len(_fails) = 0 AND "
            + notNull
            + ") WHERE _n > 1 OR ("
            + keys
            + ") IN (SELECT "
            + keys
            + " FROM "
            + index
            + "))");
  }

  private String readFiles(List<DataFile> files, List<LakeColumn> columns) {
    return parquetScan(files.stream().map(DataFile::path).toList(), columns);
  }

  /**
   * A scan of lake data files that finds columns by Iceberg field id, as Iceberg readers do: a
   * column added by schema evolution reads NULL from files written before it, and a widened column
   * reads its older, narrower values converted.
   */
  private String parquetScan(List<String> paths, List<LakeColumn> columns) {
    return parquetScan(paths, columns, "");
  }

  private String parquetScan(List<String> paths, List<LakeColumn> columns, String options) {
    return "read_parquet(["
        + paths.stream().map(dialect::literal).collect(joining(", "))
        + "], hive_partitioning = false, schema = map {"
        + columns.stream()
            .map(
                c ->
                    c.fieldId()
                        + ": {name: "
                        + dialect.literal(c.name())
                        + ", type: "
                        + dialect.literal(dialect.typeName(c.type()))
                        + ", default_value: NULL}")
            .collect(joining(", "))
        + "}"
        + options
        + ")";
  }

  /**
   * Writes the rows of {@code query} (whose columns include every target column by name) as Parquet
   * files with field ids, one file per partition. Partition folders are named by a hash of the
   * partition values rather than the values themselves, so that no value (NULL, '/', '=') can be
   * misread from a path; the values are looked up by hash afterwards.
   */
  private List<DataFile> write(String query, TableTarget target) throws SQLException {
    StringBuilder select = new StringBuilder();
    StringBuilder fieldIds = new StringBuilder("{");
    for (int i = 0; i < target.columns().size(); i++) {
      LakeColumn column = target.columns().get(i);
      if (i > 0) {
        select.append(", ");
        fieldIds.append(", ");
      }
      select
          .append("CAST(")
          .append(dialect.quote(column.name()))
          .append(" AS ")
          .append(dialect.typeName(column.type()))
          .append(") AS ")
          .append(dialect.quote(column.name()));
      fieldIds.append(dialect.quote(column.name())).append(": ").append(column.fieldId());
    }
    fieldIds.append("}");
    List<String> partitionExpressions = new ArrayList<>();
    for (PartitionField field : target.partitioning()) {
      String column = dialect.quote(field.column());
      partitionExpressions.add(
          switch (field.transform()) {
            case IDENTITY -> column;
            case DAY ->
                "CAST(date_diff('day', DATE '1970-01-01', CAST("
                    + column
                    + " AS DATE)) AS INTEGER)";
            case HOUR ->
                "CAST(date_diff('hour', TIMESTAMP '1970-01-01 00:00:00', CAST("
                    + column
                    + " AS TIMESTAMP)) AS INTEGER)";
          });
    }
    try {
      Files.createDirectories(target.directory());
    } catch (IOException e) {
      throw new SluiceException(ErrorCategory.EXTERNAL, "Cannot create " + target.directory(), e);
    }
    boolean partitioned = !partitionExpressions.isEmpty();
    String hash = partitioned ? "hash(" + String.join(", ", partitionExpressions) + ")" : "";
    String copy =
        "COPY (SELECT "
            + select
            + (partitioned ? ", " + hash + " AS " + PARTITION_ID : "")
            + " FROM ("
            + query
            + ")) TO "
            + dialect.literal(
                partitioned
                    ? target.directory().toString()
                    : target.directory().resolve("part-0.parquet").toString())
            // zstd's level 1 rather than DuckDB's default 3: half the CPU time on record text, and
            // the files came out no larger (measured on the benchmark's events, issue 17).
            + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, FIELD_IDS "
            + fieldIds
            + (partitioned
                ? ", PARTITION_BY (" + PARTITION_ID + "), FILENAME_PATTERN 'part-{i}'"
                : "")
            + ", RETURN_STATS)";
    List<DataFile> files = new ArrayList<>();
    List<String> partitionIds = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = timed(statement, copy)) {
      while (rs.next()) {
        String path = rs.getString("filename");
        long rows = rs.getLong("count");
        if (rows == 0) {
          deleteEmpty(path);
          continue;
        }
        files.add(new DataFile(path, List.of(), rows, rs.getLong("file_size_bytes")));
        if (partitioned) {
          partitionIds.add(partitionIdOf(rs.getObject("partition_keys"), path));
        }
      }
    }
    if (!partitioned) {
      return files;
    }
    Map<String, List<Object>> values = new LinkedHashMap<>();
    String columns =
        java.util.stream.IntStream.range(0, partitionExpressions.size())
            .mapToObj(i -> partitionExpressions.get(i) + " AS __p" + i)
            .collect(joining(", "));
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            timed(
                statement,
                "SELECT DISTINCT CAST("
                    + hash
                    + " AS VARCHAR), "
                    + columns
                    + " FROM ("
                    + query
                    + ")")) {
      while (rs.next()) {
        List<Object> tuple = new ArrayList<>();
        for (int i = 0; i < partitionExpressions.size(); i++) {
          tuple.add(partitionValue(rs.getObject(i + 2), target.partitioning().get(i)));
        }
        if (values.put(rs.getString(1), tuple) != null) {
          throw SluiceException.internal(
              "Two partitions of " + target.directory() + " have the same hash; please report",
              null);
        }
      }
    }
    List<DataFile> result = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      DataFile file = files.get(i);
      List<Object> partition = values.get(partitionIds.get(i));
      if (partition == null) {
        throw SluiceException.internal("No partition values for " + file.path(), null);
      }
      result.add(new DataFile(file.path(), partition, file.recordCount(), file.sizeBytes()));
    }
    result.sort(java.util.Comparator.comparing(DataFile::path));
    return result;
  }

  private static void deleteEmpty(String path) {
    try {
      Files.deleteIfExists(Path.of(path));
    } catch (IOException e) {
      throw SluiceException.external("Cannot delete the empty file " + path, e);
    }
  }

  private ResultSet timed(Statement statement, String sql) throws SQLException {
    long start = System.nanoTime();
    ResultSet rs = statement.executeQuery(sql);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} ms: {}",
          (System.nanoTime() - start) / 1_000_000,
          sql.length() > 300 ? sql.substring(0, 300) + "..." : sql);
    }
    return rs;
  }

  private static String partitionIdOf(Object keys, String path) {
    // RETURN_STATS gives the partition as a map; the path is the fallback
    // (…/__sluice_partition=N/…).
    if (keys instanceof Map<?, ?> map && map.get(PARTITION_ID) != null) {
      return map.get(PARTITION_ID).toString();
    }
    int at = path.indexOf(PARTITION_ID + "=");
    if (at < 0) {
      throw SluiceException.internal("DuckDB wrote " + path + " outside a partition folder", null);
    }
    int start = at + PARTITION_ID.length() + 1;
    int end = path.indexOf('/', start);
    return path.substring(start, end < 0 ? path.length() : end);
  }

  private static Object partitionValue(Object value, PartitionField field) {
    if (value == null) {
      return null;
    }
    if (field.transform() != PartitionField.Transform.IDENTITY) {
      return ((Number) value).intValue();
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toLocalDateTime();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate();
    }
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Lake relations, models, queries

  @Override
  public void exposeLakeRelations(List<LakeRelation> relations) {
    exposeLakeRelations(relations, Map.of());
  }

  @Override
  public void exposeLakeRelations(List<LakeRelation> relations, Map<String, String> states) {
    dirty = true;
    try {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        for (LakeRelation relation : relations) {
          execute("CREATE SCHEMA IF NOT EXISTS " + dialect.quote(relation.schema()));
          String columns =
              relation.columns().stream()
                  .map(
                      c ->
                          "CAST("
                              + dialect.quote(c.name())
                              + " AS "
                              + dialect.typeName(c.type())
                              + ") AS "
                              + dialect.quote(c.name()))
                  .collect(joining(", "));
          String from;
          if (relation.files().isEmpty()) {
            from =
                "(SELECT "
                    + relation.columns().stream()
                        .map(c -> "NULL AS " + dialect.quote(c.name()))
                        .collect(joining(", "))
                    + " WHERE FALSE)";
          } else {
            from = parquetScan(relation.files(), relation.columns());
          }
          execute(
              "CREATE OR REPLACE VIEW "
                  + dialect.quote(relation.schema())
                  + "."
                  + dialect.quote(relation.name())
                  + " AS SELECT "
                  + columns
                  + " FROM "
                  + from);
        }
        if (!states.isEmpty()) {
          try (var statement =
              connection.prepareStatement(
                  "INSERT OR REPLACE INTO " + STATE_TABLE + " VALUES (?, ?)")) {
            for (Map.Entry<String, String> state : states.entrySet()) {
              statement.setString(1, state.getKey());
              statement.setString(2, state.getValue());
              statement.executeUpdate();
            }
          }
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Cannot expose lake tables in the warehouse: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void materialize(ModelRequest request) {
    dirty = true;
    String name = dialect.quote(request.name());
    String sql = stripTrailingSemicolon(request.sql());
    try {
      connection.setAutoCommit(false);
      try {
        switch (request.materialization()) {
          case VIEW -> {
            dropRelationOfOtherKind(request.name(), "VIEW");
            execute("CREATE OR REPLACE VIEW " + name + " AS " + sql);
          }
          case TABLE -> {
            dropRelationOfOtherKind(request.name(), "TABLE");
            execute("CREATE OR REPLACE TABLE " + name + " AS " + sql);
          }
          case INCREMENTAL -> {
            dropRelationOfOtherKind(request.name(), "TABLE");
            if (!request.incremental()) {
              execute("CREATE OR REPLACE TABLE " + name + " AS " + sql);
            } else if (request.uniqueKey().isEmpty()) {
              execute("INSERT INTO " + name + " BY NAME " + sql);
            } else {
              String fresh = "sluice_merge_" + tempCounter.incrementAndGet();
              String keys = request.uniqueKey().stream().map(dialect::quote).collect(joining(", "));
              execute("CREATE TEMP TABLE " + fresh + " AS " + sql);
              execute(
                  "DELETE FROM "
                      + name
                      + " WHERE ("
                      + keys
                      + ") IN (SELECT "
                      + keys
                      + " FROM "
                      + fresh
                      + ")");
              execute("INSERT INTO " + name + " BY NAME SELECT * FROM " + fresh);
              execute("DROP TABLE " + fresh);
            }
          }
        }
        try (var statement =
            connection.prepareStatement(
                "INSERT OR REPLACE INTO " + STATE_TABLE + " VALUES (?, ?)")) {
          statement.setString(1, request.stateKey());
          statement.setString(2, request.stateValue());
          statement.executeUpdate();
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new SluiceException(
          ErrorCategory.USER, "Model '" + request.name() + "' failed: " + e.getMessage(), e);
    }
  }

  private void dropRelationOfOtherKind(String name, String kind) throws SQLException {
    try (var statement =
        connection.prepareStatement(
            "SELECT table_type FROM information_schema.tables"
                + " WHERE table_schema = 'main' AND table_name = ?")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        if (rs.next()) {
          String existing = rs.getString(1).contains("VIEW") ? "VIEW" : "TABLE";
          if (!existing.equals(kind)) {
            execute("DROP " + existing + " " + dialect.quote(name));
          }
        }
      }
    }
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
    try (var statement =
        connection.prepareStatement(
            "SELECT count(*) FROM information_schema.tables"
                + " WHERE table_schema = 'main' AND table_name = ?")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    } catch (SQLException e) {
      throw SluiceException.external("Cannot read the warehouse catalog", e);
    }
  }

  @Override
  public void recordState(String stateKey, String value) {
    dirty = true;
    try (var statement =
        connection.prepareStatement("INSERT OR REPLACE INTO " + STATE_TABLE + " VALUES (?, ?)")) {
      statement.setString(1, stateKey);
      statement.setString(2, value);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw SluiceException.external("Cannot record warehouse state", e);
    }
  }

  @Override
  public Optional<String> state(String stateKey) {
    try (var statement =
        connection.prepareStatement("SELECT value FROM " + STATE_TABLE + " WHERE key = ?")) {
      statement.setString(1, stateKey);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
        return Optional.empty();
      }
      throw SluiceException.external("Cannot read warehouse state", e);
    }
  }

  @Override
  public QueryResult query(String sql, int maxRows) {
    try (Statement statement = connection.createStatement()) {
      if (!statement.execute(stripTrailingSemicolon(sql))) {
        return new QueryResult(List.of(), List.of(), List.of(), false);
      }
      try (ResultSet rs = statement.getResultSet()) {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          names.add(meta.getColumnLabel(i));
          types.add(meta.getColumnTypeName(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
          if (rows.size() >= maxRows) {
            truncated = true;
            break;
          }
          List<Object> row = new ArrayList<>(names.size());
          for (int i = 1; i <= names.size(); i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
        return new QueryResult(names, types, rows, truncated);
      }
    } catch (SQLException e) {
      throw new SluiceException(ErrorCategory.USER, "Query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
      if (!readOnly) {
        WarehouseFiles.released(warehouse);
      }
    } catch (SQLException e) {
      throw SluiceException.external("Cannot close the DuckDB warehouse", e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void execute(String sql) throws SQLException {
    long start = System.nanoTime();
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } finally {
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "{} ms: {}",
            (System.nanoTime() - start) / 1_000_000,
            sql.length() > 300 ? sql.substring(0, 300) + "..." : sql);
      }
    }
  }

  private long count(String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String splitKeys(List<Split> splits) {
    return "["
        + splits.stream().map(split -> dialect.literal(split.key())).collect(joining(", "))
        + "]";
  }

  private void resetQuietly(String setting) {
    try {
      execute("RESET " + setting);
    } catch (SQLException e) {
      // Cleanup only: what went wrong before (if anything) is what the caller needs, and the
      // temporary object disappears with the connection.
      LOG.warn("Cleanup failed while resetting " + setting, e);
    }
  }

  private void dropViewQuietly(String view) {
    try {
      execute("DROP VIEW IF EXISTS " + view);
    } catch (SQLException e) {
      // Cleanup only: what went wrong before (if anything) is what the caller needs, and the
      // temporary object disappears with the connection.
      LOG.warn("Cleanup failed while dropping temp view " + view, e);
    }
  }

  private void dropQuietly(String table) {
    try {
      execute("DROP TABLE IF EXISTS " + table);
    } catch (SQLException e) {
      // Cleanup only: what went wrong before (if anything) is what the caller needs, and the
      // temporary object disappears with the connection.
      LOG.warn("Cleanup failed while dropping temp table " + table, e);
    }
  }

  /** Appends one split's records to the stage table. */
  private static final class AppenderSink implements RecordSink {
    private final DuckDBAppender appender;
    private final String file;
    private final int split;
    private final int fieldCount;
    private final boolean merging;
    private final String source;

    AppenderSink(
        DuckDBAppender appender,
        String file,
        int split,
        int fieldCount,
        boolean merging,
        String source) {
      this.appender = appender;
      this.file = file;
      this.split = split;
      this.fieldCount = fieldCount;
      this.merging = merging;
      this.source = source;
    }

    @Override
    public void record(long position, String original, String[] values) {
      change(position, original, values, "upsert");
    }

    @Override
    public void deleted(long position, String original, String[] values) {
      if (!merging) {
        throw SluiceException.user(
            "Source '%s' read a delete (%s, position %d), but declares no primary-key: a delete"
                + " removes a key from the clean table; declare primary-key in the source file",
            source, file, position);
      }
      change(position, original, values, "delete");
    }

    private void change(long position, String original, String[] values, String op) {
      try {
        appender
            .beginRow()
            .append(split)
            .append(position)
            .append(original)
            .appendNull()
            .appendNull()
            .append(op);
        if (values.length != fieldCount) {
          throw SluiceException.internal(
              "A connector gave " + values.length + " values for " + fieldCount + " fields", null);
        }
        for (String value : values) {
          if (value == null) {
            appender.appendNull();
          } else {
            appender.append(value);
          }
        }
        appender.endRow();
      } catch (SQLException e) {
        throw SluiceException.internal("Cannot stage a record of " + file, e);
      }
    }

    @Override
    public void malformed(long position, String original, String reason) {
      reject(position, original, null, reason);
    }

    @Override
    public void rejected(long position, String original, String rule, String reason) {
      reject(position, original, rule, reason);
    }

    private void reject(long position, String original, String rule, String reason) {
      try {
        appender.beginRow().append(split).append(position).append(original).append(reason);
        if (rule == null) {
          appender.appendNull();
        } else {
          appender.append(rule);
        }
        appender.appendNull(); // no operation
        // A rejected record has no field values.
        for (int i = 0; i < fieldCount; i++) {
          appender.appendNull();
        }
        appender.endRow();
      } catch (SQLException e) {
        throw SluiceException.internal("Cannot stage a record of " + file, e);
      }
    }
  }
}
