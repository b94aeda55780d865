package io.sluice.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's check of a push ({@code RecordBatch.parse}, package-private, hence this package):
 * a request of {@value #RECORDS} ~300-byte clickstream events, as a JSON array (what {@code
 * sluice-client} sends) and as NDJSON, split into records and validated. The score is requests per
 * second on one thread; with {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated
 * per request (the body itself is made once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class PushPathBenchmark {
  static final int RECORDS = 1000;

  private final JsonFactory json =
      JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
  private byte[] array;
  private byte[] ndjson;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(2026);
    String[] types = {"page_view", "add_to_cart", "checkout", "purchase"};
    StringBuilder arrayBody = new StringBuilder("[");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < RECORDS; i++) {
      String event =
          "{\"id\":\"c1-"
              + i
              + "\",\"ts\":\"2026-11-24T10:"
              + (10 + random.nextInt(50))
              + ":00Z\",\"user_id\":\"u"
              + random.nextInt(1_000_000)
              + "\",\"type\":\""
              + types[random.nextInt(types.length)]
              + "\",\"url\":\"https://shop.example.com/products/"
              + random.nextInt(100_000)
              + "?utm_source=newsletter&utm_campaign=black-friday\",\"amount\":"
              + random.nextInt(10_000)
              + ".25,\"country\":\"DE\",\"agent\":\"Mozilla/5.0 (X11; Linux x86_64)\"}";
      arrayBody.append(i > 0 ? "," : "").append(event);
      lines.append(event).append('\n');
    }
    array = arrayBody.append(']').toString().getBytes(UTF_8);
    ndjson = lines.toString().getBytes(UTF_8);
  }

  @Benchmark
  public int jsonArray() throws HttpError {
    return parse(array, RecordBatch.Format.JSON);
  }

  @Benchmark
  public int ndjson() throws HttpError {
    return parse(ndjson, RecordBatch.Format.NDJSON);
  }

  private int parse(byte[] body, RecordBatch.Format format) throws HttpError {
    RecordBatch batch =
        RecordBatch.parse(json, body, body.length, format, 1 << 20, 100_000, null);
    return batch.accepted();
  }
}
