package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.PushResult;
import io.sluice.client.SluiceClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streaming benchmark behind {@code bench/stream}: {@code sluice serve} as its own process
 * (started through {@code ./sluice}, so with the launcher's JVM options, and its peak RSS its own),
 * N HTTP clients ({@code sluice-client}, gzip) in this JVM on loopback, and a watcher that queries
 * the warehouse through {@code POST /v1/query} as a dashboard would.
 *
 * <ol>
 *   <li><b>ingest only</b>: clients push as fast as they can for D seconds while the processor is
 *       held back (trigger far away): what the HTTP API and the durable log sustain.
 *   <li><b>ingest + land</b>: clients offer L records/s for D seconds while micro-batches run; the
 *       backlog (from {@code /health}) is sampled every few seconds; then waits until everything is
 *       landed: records/s from the first push to the last record landed, and whether the backlog
 *       stayed bounded (it grew by less than a tenth of what was offered in the second half).
 *   <li><b>latency</b>, at each offered rate R: clients offer R records/s in total; one record per
 *       request is a probe with a sequence number; the watcher asks for {@code max(seq)} of {@code
 *       lake.events} every 20 ms. Latency = first time the probe is visible − its HTTP ack.
 * </ol>
 */
public final class StreamBench {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.:]+)");
  private static final String QUERY_TOKEN = "bench-query-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Path work;
  private final int clients;
  private final int seconds;
  private final List<Integer> latencyRates;
  private final int landRate;
  private final int batch;
  private final List<String> cases;

  /** The seconds the backlog was sampled at, and the backlog then (formatted). */
  private final List<List<String>> backlogSeries = new ArrayList<>();

  private final List<String> verdicts = new ArrayList<>();

  private StreamBench(
      Path root,
      Path work,
      int clients,
      int seconds,
      List<Integer> latencyRates,
      int landRate,
      int batch,
      List<String> cases) {
    this.cases = cases;
    this.root = root;
    this.work = work;
    this.clients = clients;
    this.seconds = seconds;
    this.latencyRates = latencyRates;
    this.landRate = landRate;
    this.batch = batch;
  }

  public static void main(String[] args) throws Exception {
    Path bench = Path.of("bench");
    int clients = 4;
    int seconds = 60;
    List<Integer> rates = List.of(50_000, 150_000);
    int landRate = 150_000;
    int batch = 1000;
    List<String> cases = List.of("ingest", "land", "latency");
    String commandLine = "bench/stream";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bench-dir" -> bench = Path.of(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--rate" -> rates = ints(args[++i]);
        case "--land-rate" -> landRate = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--cases" -> {
          cases = List.of(args[++i].split(","));
          for (String name : cases) {
            if (!List.of("ingest", "land", "latency").contains(name)) {
              throw new IllegalArgumentException(
                  "unknown case '" + name + "' in --cases: ingest, land and latency exist");
            }
          }
        }
        case "--command-line" -> commandLine = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path root = bench.toAbsolutePath().getParent();
    Path work =
        bench.resolve("work").resolve("stream-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
    StreamBench run =
        new StreamBench(root, work, clients, seconds, rates, landRate, batch, cases);
    List<String> rows = run.run();
    String cores = Runtime.getRuntime().availableProcessors() + "cores";
    StringBuilder table = new StringBuilder();
    table
        .append("\n## ")
        .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
        .append(" UTC, ")
        .append(cores)
        .append(", load ")
        .append(String.format(Locale.ROOT, "%.1f", Measured.loadAverage()))
        .append(": `")
        .append(commandLine)
        .append("`\n\n")
        .append(
            "| case | clients | records | records/s | MB/s | p50 ms | p99 ms | max ms |"
                + " server peak RSS MiB |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    rows.forEach(row -> table.append(row).append('\n'));
    if (!run.backlogSeries.isEmpty()) {
    table.append("\nBacklog while landing (records waiting in the ingest log, from /health):\n\n");
    table
        .append("| s | ")
        .append(String.join(" | ", run.backlogSeries.get(0)))
        .append(" |\n");
    table.append("| --- ".repeat(run.backlogSeries.get(0).size() + 1)).append("|\n");
    table
        .append("| backlog | ")
        .append(String.join(" | ", run.backlogSeries.get(1)))
        .append(" |\n");
    }
    table.append(
        "\nAgainst issue 18's targets:\n\n| target | measured | met |\n| --- | --- | --- |\n");
    run.verdicts.forEach(v -> table.append(v).append('\n'));
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
    Files.writeString(results, table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.err.println("bench: appended to " + results);
  }

  /** A comma-separated list of rates. */
  private static List<Integer> ints(String list) {
    List<Integer> values = new ArrayList<>();
    for (String value : list.split(",")) {
      values.add(Integer.parseInt(value.trim()));
    }
    return values;
  }

  private List<String> run() throws Exception {
    List<String> rows = new ArrayList<>();
    if (cases.contains("ingest")) {
      rows.add(ingestOnly());
    }
    if (cases.contains("land")) {
      rows.add(ingestAndLand());
    }
    if (cases.contains("latency")) {
      for (int rate : latencyRates) {
        rows.add(latency(rate));
      }
    }
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
            + "  query-token-env: SLUICE_BENCH_QUERY_TOKEN\n"
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

  /** {@code sluice serve} of a project, as its own process. */
  private final class Server implements AutoCloseable {
    final Process process;
    final Path project;
    final URI uri;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Server(Path project) throws IOException, InterruptedException {
      ProcessBuilder builder =
          new ProcessBuilder(root.resolve("sluice").toString(), "serve", "-p", project.toString())
              .redirectErrorStream(true);
      builder.environment().put("SLUICE_BENCH_QUERY_TOKEN", QUERY_TOKEN);
      process = builder.start();
      this.project = project;
      Path log = project.resolve("serve.log");
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      URI found = null;
      List<String> head = new ArrayList<>();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        head.add(line);
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
          found = URI.create(listening.group(1));
          break;
        }
      }
      if (found == null) {
        throw new IllegalStateException("sluice serve did not start:\n" + String.join("\n", head));
      }
      uri = found;
      // The rest of its output goes to serve.log, read on a thread so the process never blocks.
      Thread drain =
          new Thread(
              () -> {
                try {
                  Files.write(log, head);
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Files.writeString(
                        log, line + "\n", StandardOpenOption.APPEND, StandardOpenOption.CREATE);
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              },
              "serve-output");
      drain.setDaemon(true);
      drain.start();
    }

    /** Records waiting in the ingest log, from {@code /health}. */
    long backlog() throws IOException, InterruptedException {
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(uri.resolve("/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode streams = JSON.readTree(health.body()).path("streams");
      long waiting = 0;
      for (JsonNode stream : streams) {
        waiting += stream.path("backlog").asLong();
      }
      return waiting;
    }

    /** The first value of the first row of {@code sql}, through {@code POST /v1/query}. */
    JsonNode queryValue(String sql) throws IOException, InterruptedException {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(uri.resolve("/v1/query?max-rows=1"))
                  .header("Authorization", "Bearer " + QUERY_TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(sql))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(
            "query " + sql + " answered " + answer.statusCode() + ": " + answer.body());
      }
      return JSON.readTree(answer.body()).path("rows").path(0).path(0);
    }

    /** The server's peak resident memory so far (VmHWM), in MiB. */
    long peakRssMib() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
          }
        }
      } catch (IOException e) {
        return -1;
      }
      return -1;
    }

    /**
     * Stops the server, then deletes the case's ingest log and lake (a minute at these rates is
     * 10–15 GB); its run history and warehouse stay for {@code sluice runs show ID --timings}.
     */
    @Override
    public void close() throws InterruptedException {
      process.destroy(); // SIGTERM: serve stops gracefully
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      for (String bulky : List.of("log", "lake")) {
        Path folder = project.resolve(".sluice").resolve(bulky);
        if (!Files.isDirectory(folder)) {
          continue;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
          for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        } catch (IOException e) {
          System.err.println("bench: could not delete " + folder + ": " + e);
        }
      }
    }
  }

  /**
   * The rest of ~300-byte clickstream events after their id and time, made once: the clients share
   * the two cores with the server, so generating events must cost next to nothing.
   */
  private static final String[] BODIES = bodies(4096);

  private static String[] bodies(int count) {
    SplittableRandom random = new SplittableRandom(2026);
    String[] types = {"page_view", "add_to_cart", "checkout", "purchase"};
    String[] countries = {"DE", "FR", "US", "BR", "JP", "IN"};
    String[] bodies = new String[count];
    for (int i = 0; i < count; i++) {
      bodies[i] =
          "\"user_id\":\"u"
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

  /**
   * The time field of the events of a request made now: a real-time clickstream's events carry
   * the time they happened, seconds before they are pushed, so a batch falls into one or two hour
   * partitions (events spread over a whole day would make every micro-batch write a file into each
   * of 24 partitions, which is a backfill's shape, not a stream's).
   */
  private static String timeField() {
    return "\"ts\":\""
        + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
        + "\",";
  }

  /**
   * A ~300-byte clickstream event with this id (and sequence number, when not negative) and time
   * field ({@link #timeField}).
   */
  private static String event(SplittableRandom random, String id, long seq, String time) {
    StringBuilder event = new StringBuilder(320).append("{\"id\":\"").append(id).append("\",");
    if (seq >= 0) {
      event.append("\"seq\":").append(seq).append(',');
    }
    return event.append(time).append(BODIES[random.nextInt(BODIES.length)]).toString();
  }

  /** What the clients pushed. */
  private record Pushed(long records, long bytes, long nanos) {}

  /**
   * Pushes from every client for {@link #seconds}: as fast as it can when {@code rate} is 0, else
   * offering {@code rate} records/s in total; {@code probes} numbers the first record of each
   * request (its ack time goes to {@code acked}) when not null.
   */
  private Pushed push(
      Server server,
      int rate,
      AtomicLong probes,
      Map<Long, Long> acked,
      java.util.function.LongConsumer everySecond)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> running = new ArrayList<>();
    int perClient = rate == 0 ? 0 : Math.max(1, rate / clients);
    int perRequest = rate == 0 ? batch : Math.min(batch, perClient);
    long interval =
        rate == 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) * (double) perRequest / perClient);
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      running.add(
          pool.submit(
              () -> {
                SplittableRandom random = new SplittableRandom(100 + client);
                try (SluiceClient http =
                    SluiceClient.builder(server.uri).maxPerRequest(100_000, 64 << 20).build()) {
                  long n = 0;
                  long next = System.nanoTime();
                  while (!stop.get()) {
                    List<String> events = new ArrayList<>(perRequest);
                    long seq = probes == null ? -1 : probes.getAndIncrement();
                    String time = timeField();
                    long size = 0;
                    for (int i = 0; i < perRequest; i++) {
                      String e =
                          i == 0 && seq >= 0
                              ? event(random, "probe-" + seq, seq, time)
                              : event(random, "c" + client + "-" + n++, -1, time);
                      size += e.length();
                      events.add(e);
                    }
                    PushResult result = http.push("events", events);
                    if (seq >= 0) {
                      acked.put(seq, System.nanoTime());
                    }
                    records.addAndGet(result.accepted());
                    bytes.addAndGet(size);
                    if (interval > 0) {
                      next += interval;
                      long wait = next - System.nanoTime();
                      if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                      }
                    }
                  }
                }
                return null;
              }));
    }
    pool.shutdown();
    for (int s = 0; s < seconds; s++) {
      TimeUnit.NANOSECONDS.sleep(
          Math.max(0, start + TimeUnit.SECONDS.toNanos(s + 1) - System.nanoTime()));
      if (everySecond != null) {
        everySecond.accept(records.get());
      }
    }
    stop.set(true);
    for (Future<?> f : running) {
      f.get();
    }
    return new Pushed(records.get(), bytes.get(), System.nanoTime() - start);
  }

  private String ingestOnly() throws Exception {
    Path dir = project("ingest-only", 3_600_000);
    try (Server server = new Server(dir)) {
      Pushed pushed = push(server, 0, null, null, null);
      double secs = pushed.nanos() / 1e9;
      double rate = pushed.records() / secs;
      System.err.printf(
          "bench: ingest only: %,d records pushed in %.1f s%n", pushed.records(), secs);
      verdicts.add(
          String.format(
              Locale.ROOT,
              "| ingest only ≥ 200,000 records/s | %,.0f | %s |",
              rate,
              rate >= 200_000 ? "yes" : "no"));
      long rss = server.peakRssMib();
      rssVerdict("ingest only", rss);
      return String.format(
          Locale.ROOT,
          "| ingest only (HTTP + fsync'd log, as fast as the clients go) | %d | %,d | %,.0f |"
              + " %.1f | - | - | - | %,d |",
          clients,
          pushed.records(),
          rate,
          pushed.bytes() / secs / 1e6,
          rss);
    }
  }

  private String ingestAndLand() throws Exception {
    Path dir = project("ingest-land", 200);
    try (Server server = new Server(dir)) {
      List<Long> backlog = new ArrayList<>();
      List<Long> pushedAt = new ArrayList<>();
      List<Integer> at = new ArrayList<>();
      int[] second = {0};
      int every = Math.max(1, seconds / 12);
      Pushed pushed =
          push(
              server,
              landRate,
              null,
              null,
              pushedSoFar -> {
                second[0]++;
                if (second[0] % every == 0) {
                  try {
                    backlog.add(server.backlog());
                    pushedAt.add(pushedSoFar);
                    at.add(second[0]);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
      long start = System.nanoTime() - pushed.nanos();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(120, 4L * seconds));
      long waiting;
      while ((waiting = server.backlog()) > 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      long nanos = System.nanoTime() - start;
      double secs = nanos / 1e9;
        // Landed while the load lasted, between the first and the last sample: what was pushed in
      // that window minus what the backlog grew by. Bounded: over the second half of the pushes
      // the backlog grew by less than a tenth of what was offered in that half.
      int last = backlog.size() - 1;
      double window = last > 0 ? at.get(last) - at.get(0) : Double.NaN;
      double landed =
          last > 0
              ? (pushedAt.get(last) - pushedAt.get(0) - (backlog.get(last) - backlog.get(0)))
                  / window
              : Double.NaN;
      long half = backlog.isEmpty() ? 0 : backlog.get(backlog.size() / 2);
      long end = backlog.isEmpty() ? 0 : backlog.get(last);
      double offeredInHalf = pushed.records() / 2.0;
      boolean bounded = end - half < offeredInHalf / 10;
      long rss = server.peakRssMib();
      rssVerdict("ingest + land", rss);
      backlogSeries.add(at.stream().map(String::valueOf).toList());
      backlogSeries.add(backlog.stream().map(b -> String.format(Locale.ROOT, "%,d", b)).toList());
      System.err.printf(
          "bench: ingest + land: %,d records pushed in %.1f s at %,d/s offered, %s%n",
          pushed.records(),
          pushed.nanos() / 1e9,
          landRate,
          waiting > 0
              ? String.format("%,d still waiting after %.0f s", waiting, secs)
              : String.format("all landed after %.1f s", secs));
      verdicts.add(
          String.format(
              Locale.ROOT,
              "| landing ≥ 150,000 records/s, backlog bounded | %,.0f records/s landed while"
                  + " %,.0f/s were offered (s %d to %d); backlog %,d at mid-run, %,d at the end;"
                  + " all landed %.1f s after the first push | %s |",
              landed,
              pushed.records() / (pushed.nanos() / 1e9),
              last > 0 ? at.get(0) : 0,
              last > 0 ? at.get(last) : 0,
              half,
              end,
              secs,
              landed >= 150_000 && bounded ? "yes" : "no"));
      return String.format(
          Locale.ROOT,
          "| ingest + land at %,d/s offered (landed while offered; all landed %.1f s after the"
              + " first push) | %d | %,d | %,.0f | %.1f | - | - | - | %,d |",
          landRate,
          secs,
          clients,
          pushed.records(),
          landed,
          pushed.bytes() / secs / 1e6,
          rss);
    }
  }

  /**
   * Waits until serve has made {@code lake.events}: serve accepts pushes before that (they wait in
   * the log), but the latency case measures a running pipeline.
   */
  private static void awaitLakeView(Server server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        server.queryValue("SELECT count(*) FROM lake.events");
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private String latency(int rate) throws Exception {
    Path dir = project("latency-" + rate, 50);
    try (Server server = new Server(dir)) {
      // One record first, so that the lake table and its view exist before the clock starts.
      try (SluiceClient http = SluiceClient.builder(server.uri).build()) {
        http.push("events", List.of(event(new SplittableRandom(1), "warm-up", -1, timeField())));
      }
      awaitLakeView(server);
      Map<Long, Long> acked = new ConcurrentHashMap<>();
      Map<Long, Long> visible = new ConcurrentHashMap<>();
      AtomicLong probes = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService watcherPool = Executors.newSingleThreadExecutor();
      long start = System.nanoTime();
      Future<?> watcher =
          watcherPool.submit(
              () -> {
                long seen = -1;
                while (!stop.get() || visible.size() < acked.size()) {
                  JsonNode max = server.queryValue("SELECT max(seq) FROM lake.events");
                  long now = System.nanoTime();
                  long top = max.isNull() || max.isMissingNode() ? -1 : max.asLong();
                  for (long s = seen + 1; s <= top; s++) {
                    visible.putIfAbsent(s, now);
                  }
                  seen = Math.max(seen, top);
                  if (stop.get()
                      && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(seconds + 60)) {
                    break;
                  }
                  TimeUnit.MILLISECONDS.sleep(20);
                }
                return null;
              });
      Pushed pushed = push(server, rate, probes, acked, null);
      stop.set(true);
      watcher.get();
      watcherPool.shutdown();
      List<Long> latencies = new ArrayList<>();
      for (Map.Entry<Long, Long> probe : acked.entrySet()) {
        Long seenAt = visible.get(probe.getKey());
        if (seenAt != null) {
          latencies.add(Math.max(0, seenAt - probe.getValue()));
        }
      }
      Collections.sort(latencies);
      double secs = pushed.nanos() / 1e9;
      System.err.printf(
          "bench: latency: %,d records offered at %,d/s, %,d probes, %,d seen%n",
          pushed.records(), rate, acked.size(), latencies.size());
      double p50 = percentile(latencies, 0.50) / 1e6;
      double p99 = percentile(latencies, 0.99) / 1e6;
      if (rate == 50_000) {
        verdicts.add(
            String.format(
                Locale.ROOT,
                "| at 50,000/s offered: ack → queryable p50 ≤ 250 ms, p99 ≤ 1 s | p50 %.0f ms, p99"
                    + " %.0f ms | %s |",
                p50,
                p99,
                p50 <= 250 && p99 <= 1000 && latencies.size() == acked.size() ? "yes" : "no"));
      }
      long rss = server.peakRssMib();
      rssVerdict(String.format(Locale.ROOT, "latency at %,d/s", rate), rss);
      return String.format(
          Locale.ROOT,
          "| latency at %,d records/s offered (ack to visible in POST /v1/query) | %d | %,d |"
              + " %,.0f | %.1f | %.0f | %.0f | %.0f | %,d |",
          rate,
          clients,
          pushed.records(),
          pushed.records() / secs,
          pushed.bytes() / secs / 1e6,
          p50,
          p99,
          latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1) / 1e6,
          rss);
    }
  }

  /** The verdict on the server's peak RSS in one case. */
  private void rssVerdict(String name, long rss) {
    verdicts.add(
        String.format(
            Locale.ROOT,
            "| server peak RSS ≤ 1.5 GB (%s) | %,d MiB | %s |",
            name,
            rss,
            rss <= 1536 ? "yes" : "no"));
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }
}
