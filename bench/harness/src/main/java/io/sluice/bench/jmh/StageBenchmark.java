package io.sluice.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Staging: the append of parsed records to the DuckDB engine's stage table. This is the loop of
 * {@code DuckDbEngine.AppenderSink.record} (a private class, so repeated here): per record, the
 * file, the line, the original text, a NULL "malformed" reason and one VARCHAR per field, through
 * {@link DuckDBAppender}. It is the Java side of ingest after parsing, and the closest thing to a
 * log append the engine has. The score is records per second; one invocation appends {@value
 * #RECORDS} records to a fresh temp table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class StageBenchmark {
  static final int RECORDS = 20_000;

  private List<String[]> records;
  private DuckDBConnection connection;
  private long table;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path dir = Files.createTempDirectory("sluice-jmh-stage");
    Samples.write(dir, RECORDS);
    records = Samples.records(dir);
    Connection c = DriverManager.getConnection("jdbc:duckdb:");
    connection = c.unwrap(DuckDBConnection.class);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    connection.close();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long append() throws SQLException {
    String name = "stage_" + (table++);
    StringBuilder ddl =
        new StringBuilder("CREATE TEMP TABLE ")
            .append(name)
            .append(" (_file VARCHAR, _line BIGINT, _record VARCHAR, _malformed VARCHAR");
    for (String field : Samples.FIELDS) {
      ddl.append(", \"s$").append(field).append("\" VARCHAR");
    }
    try (Statement s = connection.createStatement()) {
      s.execute(ddl.append(")").toString());
    }
    long line = 0;
    try (DuckDBAppender appender = connection.createAppender("temp", "main", name)) {
      for (String[] r : records) {
        appender
            .beginRow()
            .append("data/events-00000.ndjson")
            .append(++line)
            .append(r[0])
            .appendNull();
        for (int i = 1; i < r.length; i++) {
          if (r[i] == null) {
            appender.appendNull();
          } else {
            appender.append(r[i]);
          }
        }
        appender.endRow();
      }
      appender.flush();
    }
    try (Statement s = connection.createStatement()) {
      s.execute("DROP TABLE " + name);
    }
    return line;
  }
}
