package io.sluice.bench.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.api.Plugins;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedded ingest log's durable append: four threads each append a batch of ~300-byte records
 * to a partition of their own and wait until the batch is fsynced (group commit shares one fsync
 * among every append waiting, and syncs the partitions touched at the same time). The score is
 * appends (batches) per second; multiply by {@code batch} for records per second. {@code
 * appendSlices} appends the batch as slices of one array, as the server does with a request body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(4)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class LogAppendBenchmark {
  @Param({"1", "100", "1000"})
  public int batch;

  private Path dir;
  private IngestLog log;
  private List<byte[]> records;
  private byte[] body;
  private int[] bounds;
  private final AtomicInteger nextPartition = new AtomicInteger();

  @State(Scope.Thread)
  public static class Writer {
    int partition;

    @Setup(Level.Trial)
    public void setUp(LogAppendBenchmark benchmark) {
      partition = benchmark.nextPartition.getAndIncrement() % 4;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("sluice-jmh-log");
    IngestLogSettings defaults = IngestLogSettings.defaults(dir);
    log =
        Plugins.find(IngestLogFactory.class, IngestLogFactory::name, "local")
            .create(
                new IngestLogSettings(
                    dir,
                    4,
                    defaults.segmentBytes(),
                    0,
                    defaults.retentionAge(),
                    defaults.clock()));
    byte[] record =
        ("{\"event_id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"user_id\":123456,"
                + "\"type\":\"page_view\",\"url\":\"https://shop.example.com/products/42?ref=home\","
                + "\"ts\":\"2026-11-24T11:00:00.123Z\",\"device\":\"mobile\",\"country\":\"DE\","
                + "\"session\":\"a1b2c3d4e5f6\",\"amount\":19.99,\"currency\":\"EUR\",\"pad\":\"xxxxxxxx\"}")
            .getBytes(UTF_8);
    records = new ArrayList<>();
    body = new byte[batch * (record.length + 1)];
    bounds = new int[2 * batch];
    for (int i = 0; i < batch; i++) {
      records.add(record);
      int from = i * (record.length + 1);
      System.arraycopy(record, 0, body, from, record.length);
      bounds[2 * i] = from;
      bounds[2 * i + 1] = from + record.length;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    log.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public long append(Writer writer) {
    long first = log.append("events", writer.partition, records).join();
    // Everything appended is durable and nothing is released downstream here: let retention drop
    // it so that a long run does not fill the disk.
    log.release("events", writer.partition, first + batch);
    return first;
  }

  /** The same records as slices of one array, as the server appends a request's records. */
  @Benchmark
  public long appendSlices(Writer writer) {
    long first = log.append("events", writer.partition, body, bounds, batch).join();
    log.release("events", writer.partition, first + batch);
    return first;
  }
}
