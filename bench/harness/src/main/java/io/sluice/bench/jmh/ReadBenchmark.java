package io.sluice.bench.jmh;

import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The files connector's record readers, through its public API ({@code FilesConnectorFactory} →
 * {@code SourceConnector.read(split, sink)}): NDJSON field extraction (Jackson streaming + the
 * field trie of {@code JsonFields}), the schema-drift scan of NDJSON ({@code observe}) and CSV
 * parsing ({@code CsvParser}), on the bench clickstream
 * (≈400 bytes, 11 fields per record). The score is records per second; one invocation reads {@value
 * #RECORDS} records from a file in the page cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class ReadBenchmark {
  static final int RECORDS = 20_000;

  private Path dir;
  private SourceConnector ndjson;
  private Split ndjsonSplit;
  private SourceConnector csv;
  private Split csvSplit;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("sluice-jmh-read");
    Samples.write(dir, RECORDS);
    ndjson = Samples.connector(dir, "events.ndjson", Map.of());
    ndjsonSplit = Samples.onlySplit(ndjson);
    csv = Samples.connector(dir, "events.csv", Map.of());
    csvSplit = Samples.onlySplit(csv);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void ndjson(Blackhole blackhole) {
    ndjson.read(ndjsonSplit, new Sink(blackhole));
  }

  /**
   * The schema-drift scan of an NDJSON file ({@code SourceConnector.observe}: every leaf path and
   * the widest kind of its values), which each batch runs on every JSON file before it is read.
   * The files connector does it while planning, in the same read as the file's fingerprint and the
   * engine's check, and answers {@code observe} from it: so this plans, then observes.
   */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public Object ndjsonObserve() {
    return ndjson.observe(Samples.onlySplit(ndjson));
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void csv(Blackhole blackhole) {
    csv.read(csvSplit, new Sink(blackhole));
  }

  private static final class Sink implements RecordSink {
    private final Blackhole blackhole;

    Sink(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void record(long position, String original, String[] values) {
      blackhole.consume(original);
      blackhole.consume(values);
    }

    @Override
    public void malformed(long position, String original, String reason) {
      blackhole.consume(reason);
    }
  }
}
