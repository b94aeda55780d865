package io.sluice.lake.iceberg;

import static java.util.stream.Collectors.joining;

import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeColumn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Writes Parquet files with a real DuckDB, the way the embedded engine does. */
final class DuckDbParquet implements AutoCloseable {
  private final Connection connection;

  DuckDbParquet() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  /**
   * Writes the rows of {@code select} to {@code file} with the field ids of {@code columns} and
   * describes the file as an engine would.
   */
  DataFile write(Path file, String select, List<LakeColumn> columns, List<Object> partition)
      throws SQLException {
    String ids = columns.stream().map(c -> c.name() + ": " + c.fieldId()).collect(joining(", "));
    return copy(file, select, "FORMAT parquet, FIELD_IDS {" + ids + "}", partition);
  }

  /** Writes without field ids, as a careless engine would. */
  DataFile writeWithoutFieldIds(Path file, String select, List<Object> partition)
      throws SQLException {
    return copy(file, select, "FORMAT parquet", partition);
  }

  DataFile copy(Path file, String select, String options, List<Object> partition)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("COPY (" + select + ") TO '" + file + "' (" + options + ")");
      long rows;
      try (ResultSet count =
          statement.executeQuery("SELECT count(*) FROM read_parquet('" + file + "')")) {
        count.next();
        rows = count.getLong(1);
      }
      return new DataFile(file.toString(), partition, rows, Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
