package io.sluice.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads back what the plain DuckDB and Spark jobs wrote ({@code OUT/clean/**}, {@code
 * OUT/quarantine/*}, {@code OUT/hourly/*}, all Parquet) with DuckDB, in the harness's process,
 * after the timed run: one reader for both, so that their counts are comparable.
 */
final class Outputs {
  private Outputs() {}

  static Counts count(Path out) throws IOException, SQLException {
    String clean = files(out.resolve("clean"));
    String quarantine = files(out.resolve("quarantine"));
    String hourly = files(out.resolve("hourly"));
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT (SELECT count(*) FROM read_parquet("
                    + clean
                    + ")), (SELECT count(*) FROM read_parquet("
                    + quarantine
                    + ")), (SELECT count(*) FROM read_parquet("
                    + hourly
                    + ")), (SELECT CAST(sum(amount) AS DECIMAL(38,2)) FROM read_parquet("
                    + hourly
                    + "))")) {
      rs.next();
      return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBigDecimal(4));
    }
  }

  private static String files(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException("The job wrote no folder " + folder);
    }
    List<Path> parquet;
    try (Stream<Path> walk = Files.walk(folder)) {
      parquet = walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
    if (parquet.isEmpty()) {
      throw new IOException("The job wrote no Parquet file under " + folder);
    }
    return parquet.stream()
        .map(p -> "'" + p.toAbsolutePath().toString().replace("'", "''") + "'")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** Parses the CSV of {@code sluice query --format csv} with one row of four numbers. */
  static Counts parseSluiceCsv(String csv) throws IOException {
    List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      throw new IOException("Unexpected output of sluice query: " + csv);
    }
    String[] v = lines.get(lines.size() - 1).replace("\"", "").split(",");
    if (v.length != 4) {
      throw new IOException("Unexpected output of sluice query: " + csv);
    }
    return new Counts(
        Long.parseLong(v[0].strip()),
        Long.parseLong(v[1].strip()),
        Long.parseLong(v[2].strip()),
        v[3].isBlank() ? BigDecimal.ZERO : new BigDecimal(v[3].strip()));
  }
}
