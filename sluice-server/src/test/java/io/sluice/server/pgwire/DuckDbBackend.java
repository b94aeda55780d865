package io.sluice.server.pgwire;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.duckdb.DuckDBConnection;

/**
 * A real in-memory DuckDB behind the endpoint, streaming its rows through a JDBC result set. A
 * statement containing {@code blocking_probe} runs a cursor that blocks until cancelled, to test
 * cancellation without timing.
 */
final class DuckDbBackend implements SqlBackend, AutoCloseable {
  private final DuckDBConnection connection;
  final CountDownLatch blockingStarted = new CountDownLatch(1);

  DuckDbBackend() throws SQLException {
    this.connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
  }

  /** Runs setup statements directly (not through the endpoint). */
  void setup(String... statements) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  long count(String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public ResultCursor execute(String sql, long maxRows) {
    if (sql.contains("blocking_probe")) {
      return new Blocking();
    }
    try {
      Connection duplicate = connection.duplicate();
      Statement statement = duplicate.createStatement();
      try {
        statement.execute(sql);
        return new Streaming(duplicate, statement, statement.getResultSet());
      } catch (SQLException e) {
        statement.close();
        duplicate.close();
        throw new IllegalStateException(e.getMessage(), e);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static final class Streaming implements ResultCursor {
    private final Connection connection;
    private final Statement statement;
    private final ResultSet rs;
    private final List<String> names = new ArrayList<>();
    private final List<String> types = new ArrayList<>();

    Streaming(Connection connection, Statement statement, ResultSet rs) throws SQLException {
      this.connection = connection;
      this.statement = statement;
      this.rs = rs;
      if (rs != null) {
        ResultSetMetaData meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          names.add(meta.getColumnLabel(i));
          types.add(meta.getColumnTypeName(i));
        }
      }
    }

    @Override
    public List<String> columnNames() {
      return names;
    }

    @Override
    public List<String> columnTypes() {
      return types;
    }

    @Override
    public Optional<List<Object>> next() {
      try {
        if (rs == null || !rs.next()) {
          return Optional.empty();
        }
        List<Object> row = new ArrayList<>(names.size());
        for (int i = 1; i <= names.size(); i++) {
          row.add(rs.getObject(i));
        }
        return Optional.of(row);
      } catch (SQLException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }

    @Override
    public void cancel() {
      try {
        statement.cancel();
      } catch (SQLException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        statement.close();
        connection.close();
      } catch (SQLException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  /** Blocks in {@link #next} until {@link #cancel}, then fails as DuckDB does when interrupted. */
  private final class Blocking implements ResultCursor {
    private final CountDownLatch cancelled = new CountDownLatch(1);

    @Override
    public List<String> columnNames() {
      return List.of("n");
    }

    @Override
    public List<String> columnTypes() {
      return List.of("INTEGER");
    }

    @Override
    public Optional<List<Object>> next() {
      blockingStarted.countDown();
      try {
        cancelled.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("INTERRUPT Error: Interrupted!");
    }

    @Override
    public void cancel() {
      cancelled.countDown();
    }

    @Override
    public void close() {
      cancelled.countDown();
    }
  }
}
