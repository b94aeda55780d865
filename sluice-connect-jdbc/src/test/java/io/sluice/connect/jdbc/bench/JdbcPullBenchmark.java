package io.sluice.connect.jdbc.bench;

import io.sluice.api.source.RecordSink;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.connect.jdbc.JdbcConnectorFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Rows per second pulled from PostgreSQL by the jdbc connector (plan + read into a sink that takes
 * every value, as the engine's staging does) beside PostgreSQL's own {@code COPY ... TO STDOUT} of
 * the same table through the driver's CopyManager, in one JVM against one embedded server. Run by
 * {@code bench/connectors}; see docs/performance.md ("Connectors").
 *
 * <p>Arguments: {@code --rows N --runs K --fetch-size F --work DIR}.
 */
public final class JdbcPullBenchmark {
  private JdbcPullBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = 1_000_000;
    int runs = 5;
    int fetchSize = 1000;
    Path work = Path.of("bench/work/connectors");
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--fetch-size" -> fetchSize = Integer.parseInt(args[i + 1]);
        case "--work" -> work = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(work);
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(work.resolve("pg").toAbsolutePath())
            .setCleanDataDirectory(true)
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
      System.err.printf("bench/connectors: generating %,d rows in PostgreSQL%n", rows);
      try (Connection db = DriverManager.getConnection(url, "postgres", "");
          Statement statement = db.createStatement()) {
        statement.execute(
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL,"
                + " amount numeric(12,2) NOT NULL, status text NOT NULL,"
                + " created_at timestamp NOT NULL, paid boolean NOT NULL)");
        statement.execute(
            "INSERT INTO orders SELECT g, 'customer-' || (g % 5000), (g % 100000) / 100.0,"
                + " (ARRAY['new','paid','shipped','returned'])[1 + g % 4],"
                + " timestamp '2024-01-01' + g * interval '1 second', g % 3 = 0"
                + " FROM generate_series(1, "
                + rows
                + ") g");
        statement.execute("VACUUM ANALYZE orders");
      }
      List<Double> sluice = new ArrayList<>();
      List<Double> copy = new ArrayList<>();
      // one warm-up of each (JIT, the table in shared buffers), then alternate
      pull(url, project(work), fetchSize, rows);
      copyOut(url, rows);
      for (int run = 1; run <= runs; run++) {
        sluice.add(pull(url, project(work), fetchSize, rows));
        copy.add(copyOut(url, rows));
        System.err.printf(
            "bench/connectors: run %d: sluice %.2fs, copy %.2fs%n",
            run, sluice.get(run - 1), copy.get(run - 1));
      }
      double sluiceMedian = median(sluice);
      double copyMedian = median(copy);
      System.out.printf(Locale.ROOT, "| reader | rows | median s (of %d) | rows/s |%n", runs);
      System.out.println("| --- | ---: | ---: | ---: |");
      System.out.printf(
          Locale.ROOT,
          "| Sluice jdbc connector (full refresh, fetch-size %d) | %,d | %.2f | %,.0f |%n",
          fetchSize,
          rows,
          sluiceMedian,
          rows / sluiceMedian);
      System.out.printf(
          Locale.ROOT,
          "| PostgreSQL COPY ... TO STDOUT (CSV, CopyManager) | %,d | %.2f | %,.0f |%n",
          rows,
          copyMedian,
          rows / copyMedian);
      System.out.printf(
          Locale.ROOT,
          "%nSluice pulls at %.0f%% of COPY's rate.%n",
          100 * copyMedian / sluiceMedian);
    }
  }

  private static Path project(Path work) throws IOException {
    return Files.createDirectories(work.resolve("project")).toAbsolutePath();
  }

  /** Seconds for the connector to plan and read the whole table. */
  private static double pull(String url, Path project, int fetchSize, long expected) {
    List<SourceField> fields =
        List.of("id", "customer", "amount", "status", "created_at", "paid").stream()
            .map(f -> new SourceField(f, f))
            .toList();
    SourceContext context =
        new SourceContext(
            "orders",
            project,
            Map.of(
                "jdbc",
                Map.of("url", url, "user", "postgres", "table", "orders", "fetch-size", fetchSize)),
            fields,
            RecordTransform.IDENTITY,
            () -> {
              throw new IllegalStateException("no ingest log");
            },
            Map.of(),
            project.resolve("sources/orders.yaml"),
            project.resolve(".sluice"));
    long start = System.nanoTime();
    long[] count = new long[2];
    try (SourceConnector connector = new JdbcConnectorFactory().create(context)) {
      for (Split split : connector.plan(Map.of()).splits()) {
        connector.read(
            split,
            new RecordSink() {
              @Override
              public void record(long position, String original, String[] values) {
                count[0]++;
                count[1] += original.length() + values[1].length();
              }

              @Override
              public void malformed(long position, String original, String reason) {
                throw new IllegalStateException("malformed row " + position + ": " + reason);
              }
            });
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (count[0] != expected) {
      throw new IllegalStateException("the connector read " + count[0] + " rows, not " + expected);
    }
    return seconds;
  }

  /** Seconds for COPY of the same table to a sink that counts rows. */
  private static double copyOut(String url, long expected) throws SQLException, IOException {
    long start = System.nanoTime();
    long[] lines = new long[1];
    try (Connection db = DriverManager.getConnection(url, "postgres", "")) {
      OutputStream counting =
          new OutputStream() {
            @Override
            public void write(int b) {
              if (b == '\n') {
                lines[0]++;
              }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
              for (int i = offset; i < offset + length; i++) {
                if (bytes[i] == '\n') {
                  lines[0]++;
                }
              }
            }
          };
      db.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyOut("COPY orders TO STDOUT (FORMAT csv)", counting);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (lines[0] != expected) {
      throw new IllegalStateException("COPY gave " + lines[0] + " rows, not " + expected);
    }
    return seconds;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
