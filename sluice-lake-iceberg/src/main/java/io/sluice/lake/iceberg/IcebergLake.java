package io.sluice.lake.iceberg;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.lake.TableId;
import io.sluice.api.lake.TableSpec;
import io.sluice.api.type.Column;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;

/** An Iceberg lake: one {@link JdbcCatalog} and the Hadoop configuration of its file IO. */
final class IcebergLake implements Lake {
  /** Stored in every catalog row: renaming it would orphan existing tables. */
  static final String CATALOG_NAME = "sluice";

  // Names become folders and SQL identifiers: keep them portable.
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private final IcebergLakeConfig config;
  private final Supplier<Configuration> conf;
  private final JdbcCatalog catalog;
  // Commits to one table are serialised within the process: Iceberg would otherwise resolve
  // same-process conflicts by optimistic retries with back-off, and give up after a few.
  private final ConcurrentMap<TableId, Lock> commitLocks = new ConcurrentHashMap<>();
  private final Object closeLock = new Object();
  private boolean closed;

  private IcebergLake(IcebergLakeConfig config, Supplier<Configuration> conf, JdbcCatalog catalog) {
    this.config = config;
    this.conf = conf;
    this.catalog = catalog;
  }

  static IcebergLake open(IcebergLakeConfig config) {
    // Iceberg creates its worker pool on first use and registers a JVM shutdown hook then; first
    // used during a graceful shutdown (sluice serve landing what waits), that registration fails.
    org.apache.iceberg.util.ThreadPools.getWorkerPool();
    try {
      if (config.sqliteFile().isPresent()) {
        Files.createDirectories(config.sqliteFile().get().getParent());
      }
      if (config.localWarehouse().isPresent()) {
        Files.createDirectories(config.localWarehouse().get());
      }
    } catch (IOException e) {
      throw SluiceException.external(
          "Cannot open the Iceberg lake: cannot create its folders under %s: %s"
              .formatted(config.lakeDirectory(), e.getMessage()),
          e);
    }

    // Hadoop is needed only for a lake on another file system (see LocalFileIO).
    Supplier<Configuration> conf = new HadoopConfiguration();
    JdbcCatalog catalog =
        new JdbcCatalog(
            properties -> {
              LocalFileIO io = new LocalFileIO(conf);
              io.initialize(properties);
              return io;
            },
            null,
            true);
    try {
      catalog.initialize(CATALOG_NAME, catalogProperties(config));
    } catch (RuntimeException e) {
      closeQuietlyAfterFailure(catalog, e);
      throw Failures.wrap(
          "Cannot open the Iceberg catalog "
              + config.catalogUri()
              + " (warehouse "
              + config.warehouse()
              + ")",
          e);
    }
    return new IcebergLake(config, conf, catalog);
  }

  /** The Hadoop configuration of the lake's file IO, made on first use. */
  private static final class HadoopConfiguration implements Supplier<Configuration> {
    private Configuration conf;

    @Override
    public synchronized Configuration get() {
      if (conf == null) {
        conf = new Configuration();
        // The checksumming local file system writes a .crc file next to every metadata file and
        // would verify engine-written files against checksums they never had. The raw one does
        // not. The cache is disabled because Hadoop caches file systems by scheme and user, not
        // by configuration: another component of the process could otherwise hand us its
        // instance. NioLocalFileSystem is the raw one without a chmod fork per created file.
        conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
      }
      return conf;
    }
  }

  private static Map<String, String> catalogProperties(IcebergLakeConfig config) {
    Map<String, String> properties = new HashMap<>();
    properties.put(CatalogProperties.URI, config.catalogUri());
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, config.warehouse());
    // V1 adds the record-type column (views); without it every open logs a warning.
    properties.put(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
    if (config.isSqlite()) {
      // SQLite has one writer at a time: one connection serialises this process's catalog calls,
      // and the busy timeout waits out a short-lived lock held by anything else (a CLI reading
      // the status) instead of failing with SQLITE_BUSY at once.
      properties.put(CatalogProperties.CLIENT_POOL_SIZE, "1");
      properties.put(JdbcCatalog.PROPERTY_PREFIX + "busy_timeout", "30000");
      // Every batch commits to the catalog (one row update per table). In rollback-journal mode
      // each such commit syncs the journal and the database several times; with a write-ahead
      // log it syncs the log once, as durably (synchronous FULL), and readers of other processes
      // (a CLI reading the status) do not block the writer.
      properties.put(JdbcCatalog.PROPERTY_PREFIX + "journal_mode", "WAL");
      properties.put(JdbcCatalog.PROPERTY_PREFIX + "synchronous", "FULL");
    }
    return properties;
  }

  private static void closeQuietlyAfterFailure(JdbcCatalog catalog, RuntimeException failure) {
    try {
      catalog.close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public LakeTable createOrLoad(TableSpec spec) {
    TableId id = spec.id();
    checkOpen();
    checkName(id);
    Schema schema = checkedSchema(spec);
    PartitionSpec partitionSpec = checkedPartitionSpec(spec, schema);
    TableIdentifier identifier = identifier(id);
    try {
      ensureNamespace(id);
      Table table;
      try {
        table = catalog.loadTable(identifier);
      } catch (NoSuchTableException missing) {
        table = create(identifier, schema, partitionSpec);
      }
      IcebergLakeTable lakeTable = table(id, table);
      checkSameShape(spec, lakeTable);
      return lakeTable;
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot create or load table " + id, e);
    }
  }

  private Table create(TableIdentifier identifier, Schema schema, PartitionSpec partitionSpec) {
    try {
      return catalog
          .buildTable(identifier, schema)
          .withPartitionSpec(partitionSpec)
          .withProperty(TableProperties.FORMAT_VERSION, "2")
          // Each commit writes a new metadata file; micro-batches commit often. Keep the last
          // previous-versions-max (100) instead of all of them.
          .withProperty(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
          .create();
    } catch (AlreadyExistsException createdMeanwhile) {
      return catalog.loadTable(identifier);
    }
  }

  @Override
  public Optional<LakeTable> load(TableId id) {
    checkOpen();
    checkName(id);
    try {
      return Optional.of(table(id, catalog.loadTable(identifier(id))));
    } catch (NoSuchTableException missing) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot load table " + id, e);
    }
  }

  @Override
  public List<TableId> list(String namespace) {
    checkOpen();
    try {
      Namespace ns = Namespace.of(namespace);
      if (!catalog.namespaceExists(ns)) {
        return List.of();
      }
      return catalog.listTables(ns).stream()
          .map(identifier -> new TableId(namespace, identifier.name()))
          .sorted(Comparator.comparing(TableId::name))
          .toList();
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot list the tables of namespace '" + namespace + "'", e);
    }
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      catalog.close();
    } catch (RuntimeException e) {
      throw Failures.wrap("Cannot close the Iceberg catalog " + config.catalogUri(), e);
    }
  }

  private void checkOpen() {
    synchronized (closeLock) {
      if (closed) {
        throw Failures.internal("The Iceberg lake %s is closed", config.catalogUri());
      }
    }
  }

  private void ensureNamespace(TableId id) {
    Namespace namespace = Namespace.of(id.namespace());
    if (!catalog.namespaceExists(namespace)) {
      try {
        catalog.createNamespace(namespace);
      } catch (AlreadyExistsException createdMeanwhile) {
        // another thread created it between the check and the create: that is what we wanted
      }
    }
  }

  private IcebergLakeTable table(TableId id, Table table) {
    return new IcebergLakeTable(
        id, table, conf, commitLocks.computeIfAbsent(id, key -> new ReentrantLock()));
  }

  private static TableIdentifier identifier(TableId id) {
    return TableIdentifier.of(Namespace.of(id.namespace()), id.name());
  }

  private static void checkName(TableId id) {
    if (!NAME.matcher(id.namespace()).matches() || !NAME.matcher(id.name()).matches()) {
      throw SluiceException.user(
          "Invalid table name '%s': namespace and name must each match %s", id, NAME.pattern());
    }
  }

  private static Schema checkedSchema(TableSpec spec) {
    if (spec.columns().isEmpty()) {
      throw SluiceException.user("Cannot create table %s: it has no columns", spec.id());
    }
    Set<String> names = new HashSet<>();
    for (Column column : spec.columns()) {
      // Engines such as DuckDB resolve identifiers case-insensitively.
      if (!names.add(column.name().toLowerCase(Locale.ROOT))) {
        throw SluiceException.user(
            "Cannot create table %s: column '%s' is declared twice (names are case-insensitive)",
            spec.id(), column.name());
      }
    }
    return IcebergTypes.schema(spec.columns());
  }

  private static PartitionSpec checkedPartitionSpec(TableSpec spec, Schema schema) {
    for (PartitionField field : spec.partitioning()) {
      Types.NestedField column = schema.findField(field.column());
      if (column == null) {
        throw SluiceException.user(
            "Cannot create table %s: partition column '%s' is not a column (columns: %s)",
            spec.id(),
            field.column(),
            spec.columns().stream().map(Column::name).collect(Collectors.joining(", ")));
      }
      boolean fits =
          switch (field.transform()) {
            case IDENTITY -> true;
            case DAY ->
                column.type().typeId() == org.apache.iceberg.types.Type.TypeID.DATE
                    || column.type().typeId() == org.apache.iceberg.types.Type.TypeID.TIMESTAMP;
            case HOUR -> column.type().typeId() == org.apache.iceberg.types.Type.TypeID.TIMESTAMP;
          };
      if (!fits) {
        throw SluiceException.user(
            "Cannot create table %s: cannot partition by %s of column '%s' of type %s (day needs"
                + " a date or timestamp, hour a timestamp)",
            spec.id(),
            field.transform().name().toLowerCase(Locale.ROOT),
            field.column(),
            IcebergTypes.toSluice(column.type()).orElseThrow());
      }
    }
    try {
      return IcebergTypes.partitionSpec(schema, spec.partitioning());
    } catch (RuntimeException e) {
      // Iceberg's own rules, e.g. day(ts) and hour(ts) together are redundant.
      throw new SluiceException(
          ErrorCategory.USER,
          "Cannot create table %s with partitioning %s: %s"
              .formatted(spec.id(), describe(spec.partitioning()), e.getMessage()),
          e);
    }
  }

  private static void checkSameShape(TableSpec spec, IcebergLakeTable table) {
    List<String> differences = new ArrayList<>();
    List<LakeColumn> existing = table.columns();
    Map<String, LakeColumn> existingByName = new HashMap<>();
    existing.forEach(column -> existingByName.put(column.name(), column));
    Set<String> wanted = new HashSet<>();
    for (Column column : spec.columns()) {
      wanted.add(column.name());
      LakeColumn actual = existingByName.get(column.name());
      if (actual == null) {
        differences.add("column '%s' (%s) is missing".formatted(column.name(), column.type()));
      } else if (!actual.type().equals(column.type())) {
        differences.add(
            "column '%s' is %s, not %s".formatted(column.name(), actual.type(), column.type()));
      }
    }
    for (LakeColumn column : existing) {
      if (!wanted.contains(column.name())) {
        differences.add(
            "column '%s' (%s) is not in the spec".formatted(column.name(), column.type()));
      }
    }
    List<String> existingOrder = existing.stream().map(LakeColumn::name).toList();
    List<String> wantedOrder = spec.columns().stream().map(Column::name).toList();
    if (differences.isEmpty() && !existingOrder.equals(wantedOrder)) {
      differences.add("columns are in the order %s, not %s".formatted(existingOrder, wantedOrder));
    }
    for (Types.NestedField field : table.icebergTable().schema().columns()) {
      if (field.isRequired()) {
        differences.add(
            "column '%s' is required, Sluice columns are optional".formatted(field.name()));
      }
    }
    List<PartitionField> partitioning = table.partitioning();
    if (!partitioning.equals(spec.partitioning())) {
      differences.add(
          "it is partitioned by %s, not %s"
              .formatted(describe(partitioning), describe(spec.partitioning())));
    }
    if (!differences.isEmpty()) {
      throw SluiceException.user(
          "Table %s already exists with a different shape: %s (changing a table's shape is a"
              + " separate migration)",
          spec.id(), String.join("; ", differences));
    }
  }

  static String describe(List<PartitionField> partitioning) {
    if (partitioning.isEmpty()) {
      return "nothing";
    }
    return partitioning.stream()
        .map(
            field -> field.transform().name().toLowerCase(Locale.ROOT) + "(" + field.column() + ")")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
