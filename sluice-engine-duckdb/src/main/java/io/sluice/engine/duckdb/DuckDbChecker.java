package io.sluice.engine.duckdb;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.SqlChecker;
import io.sluice.api.engine.SqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles SQL in an in-memory DuckDB database of its own: no warehouse is opened, so validation
 * never waits for a running pipeline's lock. A query is prepared, never executed.
 */
final class DuckDbChecker implements SqlChecker {
  private final Connection connection;
  private final DuckDbDialect dialect = new DuckDbDialect();

  private DuckDbChecker(Connection connection) {
    this.connection = connection;
  }

  static DuckDbChecker open() {
    try {
      Connection connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET TimeZone = 'UTC'");
      }
      return new DuckDbChecker(connection);
    } catch (SQLException e) {
      throw new SluiceException(
          ErrorCategory.INTERNAL, "Cannot open an in-memory DuckDB database: " + e.getMessage(), e);
    }
  }

  @Override
  public SqlDialect dialect() {
    return dialect;
  }

  @Override
  public void define(String sql) {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new SluiceException(ErrorCategory.USER, e.getMessage(), e);
    }
  }

  @Override
  public List<String> columns(String query) {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      ResultSetMetaData meta = statement.getMetaData();
      List<String> names = new ArrayList<>();
      for (int i = 1; meta != null && i <= meta.getColumnCount(); i++) {
        names.add(meta.getColumnLabel(i));
      }
      return names;
    } catch (SQLException e) {
      throw new SluiceException(ErrorCategory.USER, e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw SluiceException.external("Cannot close the in-memory DuckDB database", e);
    }
  }
}
