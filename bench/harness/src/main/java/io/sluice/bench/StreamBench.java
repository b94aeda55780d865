package io.sluice.bench;

import io.sluice.cli.ServeSession;
import io.sluice.client.PushResult;
import io.sluice.client.SluiceClient;
import io.sluice.core.project.ProjectLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming benchmark behind {@code bench/stream}: {@code sluice serve} in this JVM, N HTTP
 * clients ({@code sluice-client}, gzip) on loopback.
 *
 * <ol>
 *   <li><b>ingest only</b>: clients push as fast as they can for D seconds while the processor
 *       is held back (trigger far away): what the HTTP API and the durable log sustain.
 *   <li><b>ingest + land</b>: the same with micro-batches running; then waits until everything
 *       is landed: records/s from the first push to the last record landed.
 *   <li><b>latency</b>: clients offer R records/s in total; one record per request is a probe
 *       with a sequence number; a watcher queries the warehouse ({@code max(seq)} of {@code
 *       lake.events}) every 20 ms. Latency = first time the probe is visible − its HTTP ack.
 * </ol>
 */
public final class StreamBench {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final Path work;
  private final int clients;
  private final int seconds;
  private final int offered;
  private final int batch;

  private StreamBench(Path work, int clients, int seconds, int offered, int batch) {
    this.work = work;
    this.clients = clients;
    this.seconds = seconds;
    this.offered = offered;
    this.batch = batch;
  }

  public static void main(String[] args) throws Exception {
    Path bench = Path.of("bench");
    int clients = 4;
    int seconds = 20;
    int offered = 50_000;
    int batch = 1000;
    String commandLine = "bench/stream";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bench-dir" -> bench = Path.of(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--rate" -> offered = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--command-line" -> commandLine = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path work =
        bench.resolve("work").resolve("stream-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
    List<String> rows = new StreamBench(work, clients, seconds, offered, batch).run();
    String cores = Runtime.getRuntime().availableProcessors() + "cores";
    StringBuilder table = new StringBuilder();
    table
        .append("\n## ")
        .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
        .append(" UTC, ")
        .append(cores)
        .append(": `")
        .append(commandLine)
        .append("`\n\n")
        .append("| case | clients | records | records/s | MB/s | p50 ms | p99 ms | max ms |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    rows.forEach(row -> table.append(row).append('\n'));
    System.out.print(table);
    Path results =
        bench
            .resolve("results")
            .resolve(
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE)
                    + "-"
                    + cores
                    + "-stream.md");
    Files.createDirectories(results.getParent());
    Files.writeString(
        results, table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.err.println("bench: appended to " + results);
  }

  private List<String> run() throws Exception {
    List<String> rows = new ArrayList<>();
    rows.add(throughput(false));
    rows.add(throughput(true));
    rows.add(latency());
    return rows;
  }

  /** A project whose processor runs every {@code triggerMillis}. */
  private Path project(String name, long triggerMillis) throws IOException {
    Path dir = work.resolve(name);
    Files.createDirectories(dir.resolve("sources"));
    Files.writeString(
        dir.resolve("sluice.yaml"),
        "name: stream_bench\n"
            + "serve:\n"
            + "  port: 0\n"
            + "  max-backlog-records: 2000000000\n"
            + "  max-records-per-request: 100000\n"
            + "  max-body-bytes: 67108864\n"
            + "  trigger-interval-ms: "
            + triggerMillis
            + "\n"
            + "  trigger-records: 2000000000\n");
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        """
        connector: stream
        stream:
          auth: none
          max-batch-records: 2000000
        event-time: ts
        partition:
          granularity: hour
        columns:
          - name: id
            type: string
            checks: [not_null]
          - name: seq
            type: bigint
          - name: ts
            type: timestamp
          - name: user_id
            type: string
          - name: type
            type: string
            checks:
              - accepted_values: [page_view, add_to_cart, checkout, purchase]
          - name: url
            type: string
          - name: amount
            type: decimal(12,2)
          - name: country
            type: string
        """);
    return dir;
  }

  /**
   * The rest of ~300-byte clickstream events after their id, made once: the clients share the two
   * cores with the server, so generating events must cost next to nothing.
   */
  private static final String[] BODIES = bodies(4096);

  private static String[] bodies(int count) {
    SplittableRandom random = new SplittableRandom(2026);
    String[] types = {"page_view", "add_to_cart", "checkout", "purchase"};
    String[] countries = {"DE", "FR", "US", "BR", "JP", "IN"};
    String[] bodies = new String[count];
    for (int i = 0; i < count; i++) {
      bodies[i] =
          "\"ts\":\"2026-11-24T"
              + String.format(
                  Locale.ROOT,
                  "%02d:%02d:%02d",
                  random.nextInt(24),
                  random.nextInt(60),
                  random.nextInt(60))
              + "Z\",\"user_id\":\"u"
              + random.nextInt(1_000_000)
              + "\",\"type\":\""
              + types[random.nextInt(types.length)]
              + "\",\"url\":\"https://shop.example.com/products/"
              + random.nextInt(100_000)
              + "?utm_source=newsletter&utm_campaign=black-friday\",\"amount\":"
              + random.nextInt(10_000)
              + "."
              + String.format(Locale.ROOT, "%02d", random.nextInt(100))
              + ",\"country\":\""
              + countries[random.nextInt(countries.length)]
              + "\",\"agent\":\"Mozilla/5.0 (X11; Linux x86_64)\"}";
    }
    return bodies;
  }

  /** A ~300-byte clickstream event with this id (and sequence number, when not negative). */
  private static String event(SplittableRandom random, String id, long seq) {
    StringBuilder event = new StringBuilder(320).append("{\"id\":\"").append(id).append("\",");
    if (seq >= 0) {
      event.append("\"seq\":").append(seq).append(',');
    }
    return event.append(BODIES[random.nextInt(BODIES.length)]).toString();
  }

  private String throughput(boolean land) throws Exception {
    Path dir = project(land ? "ingest-land" : "ingest-only", land ? 200 : 3_600_000);
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), s -> {})) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong records = new AtomicLong();
      AtomicLong bytes = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<?>> running = new ArrayList<>();
      long start = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(client);
                  SluiceClient http =
                      SluiceClient.builder(session.uri()).maxPerRequest(batch, 64 << 20).build();
                  long n = 0;
                  while (!stop.get()) {
                    List<String> events = new ArrayList<>(batch);
                    long size = 0;
                    for (int i = 0; i < batch; i++) {
                      String e = event(random, "c" + client + "-" + n++, -1);
                      size += e.length();
                      events.add(e);
                    }
                    PushResult result = http.push("events", events);
                    records.addAndGet(result.accepted());
                    bytes.addAndGet(size);
                  }
                  return null;
                }));
      }
      pool.shutdown();
      pool.awaitTermination(seconds, TimeUnit.SECONDS);
      stop.set(true);
      for (Future<?> f : running) {
        f.get();
      }
      long pushedNanos = System.nanoTime() - start;
      long total = records.get();
      long nanos = pushedNanos;
      if (land) {
        while (session.waiting() > 0) {
          TimeUnit.MILLISECONDS.sleep(20);
        }
        nanos = System.nanoTime() - start;
      }
      double secs = nanos / 1e9;
      System.err.printf(
          "bench: %s: %,d records pushed in %.1f s%s%n",
          land ? "ingest + land" : "ingest only",
          total,
          pushedNanos / 1e9,
          land ? String.format(", all landed after %.1f s", secs) : "");
      return String.format(
          Locale.ROOT,
          "| %s | %d | %,d | %,.0f | %.1f | - | - | - |",
          land ? "ingest + land (until landed)" : "ingest only (HTTP + fsync'd log)",
          clients,
          total,
          total / secs,
          bytes.get() / secs / 1e6);
    }
  }

  /**
   * Waits until the serve's processor has opened the lake and made its view: serve accepts pushes
   * before that (they wait in the log), but the latency case measures a running pipeline, and its
   * watcher's query fails while {@code lake.events} does not exist yet.
   */
  private static void awaitLakeView(ServeSession session) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        session.query("SELECT count(*) FROM lake.events", 1);
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private String latency() throws Exception {
    Path dir = project("latency", 200);
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(dir), Optional.empty(), Map.of(), s -> {})) {
      awaitLakeView(session);
      Map<Long, Long> acked = new ConcurrentHashMap<>();
      Map<Long, Long> visible = new ConcurrentHashMap<>();
      AtomicLong probes = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong records = new AtomicLong();
      int perClient = Math.max(1, offered / clients);
      int requestsPerSecond = Math.max(1, perClient / batch);
      int perRequest = Math.max(1, perClient / requestsPerSecond);
      ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
      List<Future<?>> running = new ArrayList<>();
      long start = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(100 + client);
                  SluiceClient http =
                      SluiceClient.builder(session.uri()).maxPerRequest(100_000, 64 << 20).build();
                  long n = 0;
                  long next = System.nanoTime();
                  long interval = TimeUnit.SECONDS.toNanos(1) / requestsPerSecond;
                  while (!stop.get()) {
                    long seq = probes.getAndIncrement();
                    List<String> events = new ArrayList<>(perRequest);
                    events.add(event(random, "probe-" + seq, seq));
                    for (int i = 1; i < perRequest; i++) {
                      events.add(event(random, "c" + client + "-" + n++, -1));
                    }
                    PushResult result = http.push("events", events);
                    acked.put(seq, System.nanoTime());
                    records.addAndGet(result.accepted());
                    next += interval;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    }
                  }
                  return null;
                }));
      }
      Future<?> watcher =
          pool.submit(
              () -> {
                long seen = -1;
                while (!stop.get() || visible.size() < acked.size()) {
                  Object max =
                      session.query("SELECT max(seq) FROM lake.events", 1).rows().get(0).get(0);
                  long now = System.nanoTime();
                  long top = max == null ? -1 : ((Number) max).longValue();
                  for (long s = seen + 1; s <= top; s++) {
                    visible.putIfAbsent(s, now);
                  }
                  seen = Math.max(seen, top);
                  if (stop.get() && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(seconds + 60)) {
                    break;
                  }
                  TimeUnit.MILLISECONDS.sleep(20);
                }
                return null;
              });
      TimeUnit.SECONDS.sleep(seconds);
      stop.set(true);
      for (Future<?> f : running) {
        f.get();
      }
      watcher.get();
      pool.shutdown();
      List<Long> latencies = new ArrayList<>();
      for (Map.Entry<Long, Long> probe : acked.entrySet()) {
        Long seenAt = visible.get(probe.getKey());
        if (seenAt != null) {
          latencies.add(Math.max(0, seenAt - probe.getValue()));
        }
      }
      Collections.sort(latencies);
      double secs = seconds;
      System.err.printf(
          "bench: latency: %,d records offered at %,d/s, %,d probes, %,d seen%n",
          records.get(), offered, acked.size(), latencies.size());
      return String.format(
          Locale.ROOT,
          "| latency at %,d records/s offered (ack to visible in a warehouse query) | %d | %,d |"
              + " %,.0f | - | %.0f | %.0f | %.0f |",
          offered,
          clients,
          records.get(),
          records.get() / secs,
          percentile(latencies, 0.50) / 1e6,
          percentile(latencies, 0.99) / 1e6,
          latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1) / 1e6);
    }
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }
}
