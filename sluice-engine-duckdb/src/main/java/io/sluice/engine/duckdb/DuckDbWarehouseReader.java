package io.sluice.engine.duckdb;

import static java.util.stream.Collectors.joining;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryLimitException;
import io.sluice.api.engine.ReaderContext;
import io.sluice.api.engine.WarehouseReader;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;

/**
 * The sandbox: a private in-memory DuckDB that attaches the warehouse (or its newest snapshot)
 * read-only and makes it the default catalog, may read files only under the lake's data folders
 * (the lake relations scan Parquet there), then disables every other file, network and extension
 * access and locks its configuration, so that no statement can change it back. Only statements that
 * {@link ReadOnlySql} accepts are run; results stream from DuckDB row by row.
 */
final class DuckDbWarehouseReader implements WarehouseReader {
  static final String CATALOG = "warehouse";
  private static final String DEFAULT_MEMORY = "1GB";
  private static final int DEFAULT_THREADS = 2;
  private static final DuckDbDialect DIALECT = new DuckDbDialect();

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "sluice-query-timeout");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Sandboxes over published snapshots, shared: a snapshot never changes, so every reader of one
   * gets its own connection to one sandboxed instance instead of a new instance (creating,
   * attaching and locking one costs tens of milliseconds, about the whole of a small query). The
   * instance's settings are locked, and {@link ReadOnlySql} admits no statement that creates
   * anything, so nothing one query does is seen by the next. An instance over an older snapshot is
   * closed once a newer one is in use and its last reader is gone. Guarded by itself.
   */
  private static final Map<SandboxKey, SharedSandbox> SHARED = new HashMap<>();

  /** How long a shared sandbox with no reader stays open for the next one. */
  private static final long IDLE_SECONDS = 30;

  /** What makes two sandboxes the same: the file and every setting made before the lock. */
  private record SandboxKey(
      Path file, Path tmp, String memory, String threads, List<Path> readableFolders) {
    /** The same sandbox over another file. */
    boolean sameSettings(SandboxKey other) {
      return tmp.equals(other.tmp)
          && memory.equals(other.memory)
          && threads.equals(other.threads)
          && readableFolders.equals(other.readableFolders);
    }
  }

  /** A sandboxed instance and how many readers use it; guarded by {@link #SHARED}. */
  private static final class SharedSandbox {
    final Connection instance;
    int readers;
    boolean retired;
    long releases; // counts releases, so that an idle check knows whether a reader came since

    SharedSandbox(Connection instance) {
      this.instance = instance;
    }
  }

  private final Connection connection;
  private final Optional<Instant> snapshotTime;
  private final Duration timeout;
  private final long maxBytes;
  private final Runnable release;
  private Cursor open;

  private DuckDbWarehouseReader(
      Connection connection,
      Optional<Instant> snapshotTime,
      Duration timeout,
      long maxBytes,
      Runnable release) {
    this.connection = connection;
    this.snapshotTime = snapshotTime;
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.release = release;
  }

  static DuckDbWarehouseReader open(ReaderContext context) {
    DuckDbEngine.checkOptions(context.options());
    Path warehouse = Path.of(context.warehouse()).toAbsolutePath().normalize();
    Path tmp = context.stateDirectory().toAbsolutePath().resolve("tmp").resolve("readers");
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw SluiceException.external("Cannot create the folder " + tmp, e);
    }
    WarehouseFiles.Opened<Connection> opened;
    Path snapshots = WarehouseFiles.folder(context.stateDirectory());
    SandboxKey[] shared = new SandboxKey[1];
    if (!Files.exists(warehouse) && WarehouseFiles.snapshots(context.stateDirectory()).isEmpty()) {
      // Nothing has run yet: an empty database answers (that no model exists yet).
      try {
        opened = new WarehouseFiles.Opened<>(sandbox(context, tmp, null), Optional.empty());
      } catch (SQLException e) {
        throw SluiceException.external("Cannot open a warehouse reader: " + e.getMessage(), e);
      }
    } else {
      opened =
          WarehouseFiles.openForReading(
              warehouse,
              context.stateDirectory(),
              file -> {
                if (!file.toAbsolutePath().startsWith(snapshots)) {
                  // The warehouse file itself: another process may change it after this query.
                  return sandbox(context, tmp, file);
                }
                shared[0] = key(context, tmp, file);
                return acquire(context, shared[0]);
              });
    }
    SandboxKey key = shared[0];
    return new DuckDbWarehouseReader(
        opened.value(),
        opened.snapshotTime(),
        context.timeout(),
        context.maxBytes(),
        key == null ? () -> {} : () -> release(key));
  }

  private static SandboxKey key(ReaderContext context, Path tmp, Path file) {
    return new SandboxKey(
        file.toAbsolutePath().normalize(),
        tmp,
        context.options().getOrDefault("memory-limit", DEFAULT_MEMORY),
        context.options().getOrDefault("threads", Integer.toString(DEFAULT_THREADS)),
        context.readableFolders().stream().map(f -> f.toAbsolutePath().normalize()).toList());
  }

  /**
   * A connection to the shared sandbox over {@code key}'s snapshot, made when missing; retires the
   * sandboxes over other snapshots with the same settings (the newest snapshot is the one read).
   */
  private static Connection acquire(ReaderContext context, SandboxKey key) throws SQLException {
    synchronized (SHARED) {
      SharedSandbox sandbox = SHARED.get(key);
      if (sandbox == null) {
        sandbox = new SharedSandbox(sandbox(context, key.tmp(), key.file()));
        SHARED.put(key, sandbox);
        for (var other = SHARED.entrySet().iterator(); other.hasNext(); ) {
          Map.Entry<SandboxKey, SharedSandbox> entry = other.next();
          if (entry.getKey() != key && entry.getKey().sameSettings(key)) {
            entry.getValue().retired = true;
            if (entry.getValue().readers == 0) {
              other.remove();
              closeQuietly(entry.getValue().instance);
            }
          }
        }
      }
      Connection connection = ((DuckDBConnection) sandbox.instance).duplicate();
      try (Statement statement = connection.createStatement()) {
        statement.execute("USE " + CATALOG);
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
      sandbox.readers++;
      return connection;
    }
  }

  /** How many shared sandboxes are open (for tests). */
  static int sharedSandboxes() {
    synchronized (SHARED) {
      return SHARED.size();
    }
  }

  private static void release(SandboxKey key) {
    synchronized (SHARED) {
      SharedSandbox sandbox = SHARED.get(key);
      if (sandbox == null || --sandbox.readers > 0) {
        return;
      }
      if (sandbox.retired) {
        SHARED.remove(key);
        closeQuietly(sandbox.instance);
        return;
      }
      // Idle: closed unless a reader comes within IDLE_SECONDS (a process that stopped reading
      // this project, e.g. a test or a closed session, keeps no instance open).
      long idleSince = ++sandbox.releases;
      TIMER.schedule(
          () -> {
            synchronized (SHARED) {
              if (SHARED.get(key) == sandbox
                  && sandbox.readers == 0
                  && sandbox.releases == idleSince) {
                SHARED.remove(key);
                closeQuietly(sandbox.instance);
              }
            }
          },
          IDLE_SECONDS,
          TimeUnit.SECONDS);
    }
  }

  private static void closeQuietly(Connection instance) {
    try {
      instance.close();
    } catch (SQLException e) {
      // Closing an idle in-memory instance over a read-only file loses nothing.
    }
  }

  private static Connection sandbox(ReaderContext context, Path tmp, Path file)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("jdbc_stream_results", "true");
    Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
    try (Statement statement = connection.createStatement()) {
      String memory = context.options().getOrDefault("memory-limit", DEFAULT_MEMORY);
      String threads = context.options().getOrDefault("threads", Integer.toString(DEFAULT_THREADS));
      statement.execute("SET TimeZone = 'UTC'");
      statement.execute("SET memory_limit = " + DIALECT.literal(memory));
      statement.execute("SET threads = " + Integer.parseInt(threads));
      statement.execute("SET temp_directory = " + DIALECT.literal(tmp.toString()));
      statement.execute("SET autoinstall_known_extensions = false");
      statement.execute("SET autoload_known_extensions = false");
      if (file != null) {
        statement.execute(
            "ATTACH " + DIALECT.literal(file.toString()) + " AS " + CATALOG + " (READ_ONLY)");
        statement.execute("USE " + CATALOG);
      }
      statement.execute(
          "SET allowed_directories = ["
              + context.readableFolders().stream()
                  .map(folder -> folder.toAbsolutePath().normalize().toString())
                  .map(folder -> folder.endsWith("/") ? folder : folder + "/")
                  .map(DIALECT::literal)
                  .collect(joining(", "))
              + "]");
      statement.execute("SET enable_external_access = false");
      statement.execute("SET lock_configuration = true");
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public Optional<Instant> snapshotTime() {
    return snapshotTime;
  }

  @Override
  public synchronized QueryCursor query(String sql) {
    if (open != null) {
      open.close();
    }
    String statementText = ReadOnlySql.check(connection, sql);
    Statement statement;
    try {
      statement = connection.createStatement();
    } catch (SQLException e) {
      throw SluiceException.external("Cannot start a query on the warehouse", e);
    }
    Cursor cursor = new Cursor(statement);
    open = cursor;
    cursor.start(statementText);
    return cursor;
  }

  @Override
  public synchronized void close() {
    try {
      if (open != null) {
        open.close();
      }
    } finally {
      try {
        connection.close();
      } catch (SQLException e) {
        throw SluiceException.external("Cannot close the warehouse reader", e);
      } finally {
        release.run();
      }
    }
  }

  /** One statement's rows; stops at the reader's timeout and byte limit. */
  private final class Cursor implements QueryCursor {
    private final Statement statement;
    private final long deadline; // System.nanoTime(); Long.MAX_VALUE for none
    private ScheduledFuture<?> timer;
    private volatile boolean timedOut;
    private volatile boolean cancelled;
    private ResultSet rows;
    private List<String> columns = List.of();
    private List<String> types = List.of();
    private List<Object> row;
    private long bytes;
    private boolean closed;

    Cursor(Statement statement) {
      this.statement = statement;
      this.deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    }

    void start(String sql) {
      if (!timeout.isZero()) {
        timer =
            TIMER.schedule(
                () -> {
                  timedOut = true;
                  stopQuietly();
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
      }
      try {
        if (statement.execute(sql)) {
          rows = statement.getResultSet();
          ResultSetMetaData meta = rows.getMetaData();
          List<String> names = new ArrayList<>();
          List<String> typeNames = new ArrayList<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            names.add(meta.getColumnLabel(i));
            typeNames.add(meta.getColumnTypeName(i));
          }
          columns = List.copyOf(names);
          types = List.copyOf(typeNames);
        }
      } catch (SQLException e) {
        close();
        throw failure(e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public List<String> columns() {
      return columns;
    }

    @Override
    public List<String> types() {
      return types;
    }

    @Override
    public boolean next() {
      if (closed || rows == null) {
        if (timedOut || cancelled) {
          throw stopped();
        }
        row = null;
        return false;
      }
      if (timedOut || cancelled || System.nanoTime() - deadline > 0) {
        timedOut = timedOut || !cancelled;
        close();
        throw stopped();
      }
      try {
        if (!rows.next()) {
          row = null;
          close();
          return false;
        }
        List<Object> values = new ArrayList<>(columns.size());
        for (int i = 1; i <= columns.size(); i++) {
          Object value = rows.getObject(i);
          values.add(value);
          bytes += size(value);
        }
        if (maxBytes > 0 && bytes > maxBytes) {
          close();
          throw new QueryLimitException(
              QueryLimitException.Limit.RESULT_SIZE,
              "The result is larger than " + maxBytes + " bytes, the limit for one query");
        }
        row = java.util.Collections.unmodifiableList(values);
        return true;
      } catch (SQLException e) {
        close();
        throw failure(e);
      }
    }

    @Override
    public List<Object> row() {
      if (row == null) {
        throw new IllegalStateException("no current row: call next() first");
      }
      return row;
    }

    @Override
    public void cancel() {
      cancelled = true;
      stopQuietly();
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      if (timer != null) {
        timer.cancel(false);
      }
      try {
        statement.close();
      } catch (SQLException e) {
        throw SluiceException.external("Cannot close a warehouse query", e);
      }
    }

    private void stopQuietly() {
      try {
        statement.cancel();
      } catch (SQLException e) {
        // The query has finished or its statement is closed: nothing is left to stop, and next()
        // reports the timeout or the cancellation from the flags.
      }
    }

    private SluiceException failure(SQLException e) {
      if (timedOut || cancelled) {
        return stopped();
      }
      return new SluiceException(ErrorCategory.USER, "Query failed: " + e.getMessage(), e);
    }

    private SluiceException stopped() {
      if (timedOut) {
        return new QueryLimitException(
            QueryLimitException.Limit.TIMEOUT,
            "The query ran longer than "
                + describe(timeout)
                + ", the limit for one query, and was"
                + " stopped");
      }
      return SluiceException.user("The query was cancelled");
    }
  }

  private static String describe(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 == 0) {
      return (millis / 1000) + " s";
    }
    return millis + " ms";
  }

  /** About how many bytes a value takes as text: enough to bound a result, cheap to count. */
  private static long size(Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof CharSequence text) {
      return text.length() + 2L;
    }
    if (value instanceof byte[] blob) {
      return blob.length;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return 8;
    }
    return String.valueOf(value).length();
  }
}
