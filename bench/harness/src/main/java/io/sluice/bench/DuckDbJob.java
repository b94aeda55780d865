package io.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs the plain DuckDB script ({@code bench/duckdb/workload.sql}) through JDBC on an in-memory
 * database, one statement at a time, and prints each statement's time to stderr.
 *
 * <pre>
 * DuckDbJob --script FILE --data GLOB[,GLOB...] --out DIR [--threads N]
 * </pre>
 */
public final class DuckDbJob {
  private DuckDbJob() {}

  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    Path script = Path.of(a.value("--script", null));
    List<String> globs = List.of(a.value("--data", null).split(","));
    Path out = Path.of(a.value("--out", null)).toAbsolutePath();
    int threads =
        Integer.parseInt(
            a.value("--threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
    a.done();
    Files.createDirectories(out);
    String data =
        globs.stream()
            .map(g -> "'" + Path.of(g).toAbsolutePath().toString().replace("'", "''") + "'")
            .collect(Collectors.joining(", ", "[", "]"));
    String sql =
        Files.readString(script, StandardCharsets.UTF_8)
            .replace("${DATA}", data)
            .replace("${OUT}", out.toString().replace("'", "''"))
            .replace("${THREADS}", Integer.toString(threads));
    // COPY ... TO a file needs the file's folder to exist.
    java.util.regex.Matcher targets =
        java.util.regex.Pattern.compile("TO '([^']+\\.parquet)'").matcher(sql);
    while (targets.find()) {
      Files.createDirectories(Path.of(targets.group(1)).getParent());
    }
    long start = System.nanoTime();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (String part : sql.split(";\\s*\\n")) {
        String text = stripComments(part);
        if (text.isBlank()) {
          continue;
        }
        long t = System.nanoTime();
        statement.execute(text);
        System.err.printf(
            "duckdb: %6d ms  %s%n",
            (System.nanoTime() - t) / 1_000_000, text.strip().lines().findFirst().orElse(""));
      }
    }
    System.err.printf("duckdb: %6d ms  total%n", (System.nanoTime() - start) / 1_000_000);
  }

  private static String stripComments(String part) {
    return part.lines()
        .filter(line -> !line.strip().startsWith("--"))
        .collect(Collectors.joining("\n"));
  }
}
