package io.sluice.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the metrics add to one push request ({@code ServerMeters}, package-private, hence this
 * package): the route template of its path, its duration in the request histogram, and its records
 * counted as pushed and accepted. Compare with {@link PushPathBenchmark}, the check of the
 * request's 1,000 records: the meters run once per request, never per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class RequestMetersBenchmark {
  private final ServerMeters meters =
      ServerMeters.of(
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of("clicks", "orders"));

  @Benchmark
  public void pushRequest() {
    long start = System.nanoTime();
    meters.pushed("clicks", PushPathBenchmark.RECORDS);
    meters.accepted("clicks", PushPathBenchmark.RECORDS);
    meters.request(IngestHandler.route("/v1/streams/clicks/records"), "POST", 200, start);
  }
}
