package io.sluice.core.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Plugins;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;
import io.sluice.api.log.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalIngestLogTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock();

  private IngestLog open(long segmentBytes, long retentionBytes, Duration retentionAge) {
    return new LocalIngestLogFactory()
        .create(new IngestLogSettings(dir, 2, segmentBytes, retentionBytes, retentionAge, clock));
  }

  private IngestLog open() {
    return open(1 << 20, 1L << 30, Duration.ofDays(7));
  }

  private static List<byte[]> records(String... texts) {
    return Stream.of(texts).map(t -> t.getBytes(UTF_8)).toList();
  }

  private static List<String> texts(List<LogRecord> records) {
    return records.stream().map(r -> new String(r.payload(), UTF_8)).toList();
  }

  private List<Path> segmentFiles(String stream, int partition) throws IOException {
    try (Stream<Path> files =
        Files.list(dir.resolve(stream).resolve(Integer.toString(partition)))) {
      return files.sorted().toList();
    }
  }

  @Test
  void oneLogAtATimeWritesAFolder() {
    try (IngestLog log = open()) {
      log.append("orders", 0, records("a")).join();
      assertThatThrownBy(this::open)
          .isInstanceOf(io.sluice.api.SluiceException.class)
          .hasMessage(
              "The ingest log in "
                  + dir
                  + " is in use by another process (is `sluice serve` running for this project?)");
    }
    try (IngestLog reopened = open()) {
      assertThat(texts(reopened.read("orders", 0, 0, 10))).containsExactly("a");
    }
  }

  @Test
  void refusesToHideRecordsOfPartitionsBeyondTheConfiguredCount() {
    try (IngestLog log =
        new LocalIngestLogFactory()
            .create(new IngestLogSettings(dir, 3, 1 << 20, 1L << 30, Duration.ofDays(7), clock))) {
      log.append("orders", 2, records("in the third partition")).join();
    }
    try (IngestLog fewer = open()) {
      assertThatThrownBy(() -> fewer.partitions("orders"))
          .hasMessageStartingWith(
              "Stream 'orders' has 3 partitions in the ingest log ("
                  + dir.resolve("orders")
                  + "), but the log is configured with 2 (serve.log.partitions)");
    }
  }

  @Test
  void reportsTheReleasedOffsetAsTheStartOfTheBacklog() {
    try (IngestLog log = open()) {
      log.append("orders", 0, records("a", "b", "c")).join();
      assertThat(log.releasedOffset("orders", 0)).isZero();
      log.release("orders", 0, 2);
      assertThat(log.releasedOffset("orders", 0)).isEqualTo(2);
      log.release("orders", 0, 1);
      assertThat(log.releasedOffset("orders", 0)).isEqualTo(2);
    }
  }

  @Test
  void appendsAndReadsBackRecordsInOffsetOrder() {
    try (IngestLog log = open()) {
      assertThat(log.append("orders", 0, records("a", "b")).join()).isZero();
      assertThat(log.append("orders", 0, records("c")).join()).isEqualTo(2);
      assertThat(log.append("orders", 1, records("x")).join()).isZero();
      assertThat(log.endOffset("orders", 0)).isEqualTo(3);
      assertThat(log.partitions("orders")).isEqualTo(2);
      assertThat(texts(log.read("orders", 0, 1, 10))).containsExactly("b", "c");
      assertThat(log.read("orders", 0, 1, 10).get(0).offset()).isEqualTo(1);
      assertThat(texts(log.read("orders", 0, 3, 10))).isEmpty();
      assertThat(texts(log.read("orders", 1, 0, 10))).containsExactly("x");
    }
  }

  @Test
  void appendsSlicesOfOneArrayAsTheirExactBytesAcrossWriteBufferBoundaries() {
    // Records of every size around the write buffer's, one larger than it, written as slices of
    // one array (the server's request body), then read back whole, also after a reopen.
    List<String> expected = new ArrayList<>();
    StringBuilder source = new StringBuilder("[");
    List<Integer> bounds = new ArrayList<>();
    int[] sizes = {1, 300, Segment.WRITE_BUFFER - 20, 300, Segment.WRITE_BUFFER + 5, 7, 0, 300};
    for (int i = 0; i < sizes.length; i++) {
      String record = Integer.toString(i).repeat(sizes[i]);
      bounds.add(source.length());
      source.append(record);
      bounds.add(source.length());
      source.append(',');
      expected.add(record);
    }
    byte[] bytes = source.toString().getBytes(UTF_8);
    int[] slices = bounds.stream().mapToInt(Integer::intValue).toArray();
    try (IngestLog log = open()) {
      log.append("orders", 0, records("before")).join();
      assertThat(log.append("orders", 0, bytes, slices, sizes.length).join()).isEqualTo(1);
      assertThat(log.append("orders", 0, bytes, new int[] {1, 2}, 1).join())
          .isEqualTo(1 + sizes.length);
      assertThat(texts(log.read("orders", 0, 1, 100)))
          .containsExactlyElementsOf(Stream.concat(expected.stream(), Stream.of("0")).toList());
    }
    try (IngestLog reopened = open()) {
      assertThat(texts(reopened.read("orders", 0, 0, 100)))
          .containsExactlyElementsOf(
              Stream.of(List.of("before"), expected, List.of("0")).flatMap(List::stream).toList());
    }
  }

  @Test
  void readsRangesLargerThanOneReadBlockAndFromAnyOffset() {
    int count = 3 * Segment.READ_BLOCK / 300;
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(String.format("%0300d", i).getBytes(UTF_8));
    }
    try (IngestLog log = open(64L << 20, 1L << 30, Duration.ofDays(7))) {
      log.append("orders", 1, records).join();
      List<LogRecord> all = log.read("orders", 1, 0, count + 10);
      assertThat(all).hasSize(count);
      for (int i = 0; i < count; i++) {
        assertThat(all.get(i).offset()).isEqualTo(i);
        assertThat(all.get(i).payload()).isEqualTo(records.get(i));
      }
      assertThat(texts(log.read("orders", 1, count - 2, 5)))
          .containsExactly(String.format("%0300d", count - 2), String.format("%0300d", count - 1));
      assertThat(log.read("orders", 1, 7, 1).get(0).payload()).isEqualTo(records.get(7));
    }
  }

  @Test
  void keepsRecordsAcrossReopen() {
    try (IngestLog log = open()) {
      log.append("orders", 0, records("a", "b")).join();
    }
    try (IngestLog log = open()) {
      assertThat(texts(log.read("orders", 0, 0, 10))).containsExactly("a", "b");
      assertThat(log.append("orders", 0, records("c")).join()).isEqualTo(2);
    }
  }

  @Test
  void truncatesTornTailOnOpen() throws IOException {
    try (IngestLog log = open()) {
      log.append("orders", 0, records("first", "second", "third")).join();
    }
    Path segment = segmentFiles("orders", 0).get(0);
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 2); // the last record lost its last two bytes
    }
    try (IngestLog log = open()) {
      assertThat(log.endOffset("orders", 0)).isEqualTo(2);
      assertThat(texts(log.read("orders", 0, 0, 10))).containsExactly("first", "second");
      assertThat(log.append("orders", 0, records("again")).join()).isEqualTo(2);
      assertThat(texts(log.read("orders", 0, 0, 10))).containsExactly("first", "second", "again");
    }
  }

  @Test
  void truncatesAtCorruptRecordOnOpen() throws IOException {
    try (IngestLog log = open()) {
      log.append("orders", 0, records("first", "second", "third")).join();
    }
    Path segment = segmentFiles("orders", 0).get(0);
    long secondPayload = Segment.HEADER + "first".length() + Segment.HEADER;
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {'X'}), secondPayload); // flips the CRC
    }
    try (IngestLog log = open()) {
      assertThat(texts(log.read("orders", 0, 0, 10))).containsExactly("first");
    }
    assertThat(Files.size(segment)).isEqualTo(Segment.HEADER + "first".length());
  }

  @Test
  void ignoresHalfWrittenHeaderOnOpen() throws IOException {
    try (IngestLog log = open()) {
      log.append("orders", 0, records("first")).join();
    }
    Path segment = segmentFiles("orders", 0).get(0);
    Files.write(segment, new byte[] {0, 0, 0}, StandardOpenOption.APPEND);
    try (IngestLog log = open()) {
      assertThat(texts(log.read("orders", 0, 0, 10))).containsExactly("first");
    }
  }

  @Test
  void acknowledgesOnlyDurableRecordsWithContiguousOffsetsUnderConcurrentAppends()
      throws Exception {
    int threads = 8;
    int appendsPerThread = 200;
    try (IngestLog log = open(4096, 1L << 30, Duration.ofDays(7))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  List<CompletableFuture<Long>> acks = new ArrayList<>();
                  for (int i = 0; i < appendsPerThread; i++) {
                    String text = thread + ":" + i;
                    CompletableFuture<Long> ack = log.append("events", 0, records(text));
                    acks.add(
                        ack.thenApply(
                            offset -> {
                              // a completed append is already readable: it is durable
                              assertThat(log.endOffset("events", 0)).isGreaterThan(offset);
                              return offset;
                            }));
                  }
                  List<Long> offsets = new ArrayList<>();
                  for (CompletableFuture<Long> ack : acks) {
                    offsets.add(ack.get(30, TimeUnit.SECONDS));
                  }
                  return offsets;
                }));
      }
      Set<Long> all = new HashSet<>();
      for (int t = 0; t < threads; t++) {
        List<Long> offsets = results.get(t).get(60, TimeUnit.SECONDS);
        assertThat(offsets).isSorted(); // one thread's appends keep their order
        List<LogRecord> read = new ArrayList<>();
        for (long offset : offsets) {
          read.add(log.read("events", 0, offset, 1).get(0));
        }
        int thread = t;
        assertThat(texts(read))
            .containsExactlyElementsOf(
                IntStream.range(0, appendsPerThread).mapToObj(i -> thread + ":" + i).toList());
        all.addAll(offsets);
      }
      pool.shutdown();
      assertThat(all).hasSize(threads * appendsPerThread);
      assertThat(log.endOffset("events", 0)).isEqualTo(threads * appendsPerThread);
      assertThat(segmentFiles("events", 0)).hasSizeGreaterThan(1);
    }
  }

  @Test
  void rollsSegmentsBySizeAndReadsAcrossThem() throws IOException {
    try (IngestLog log = open(64, 1L << 30, Duration.ofDays(7))) {
      for (int i = 0; i < 20; i++) {
        log.append("orders", 0, records("record-" + i)).join();
      }
      assertThat(segmentFiles("orders", 0)).hasSizeGreaterThan(3);
      assertThat(texts(log.read("orders", 0, 0, 100)))
          .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "record-" + i).toList());
    }
    try (IngestLog log = open(64, 1L << 30, Duration.ofDays(7))) {
      assertThat(log.endOffset("orders", 0)).isEqualTo(20);
    }
  }

  @Test
  void retentionBySizeNeverDeletesUnreleasedRecords() {
    try (IngestLog log = open(64, 0, Duration.ofDays(7))) {
      for (int i = 0; i < 20; i++) {
        log.append("orders", 0, records("record-" + i)).join();
      }
      assertThat(log.startOffset("orders", 0)).isZero();
      log.release("orders", 0, 10);
      long start = log.startOffset("orders", 0);
      assertThat(start).isPositive().isLessThanOrEqualTo(10);
      assertThat(texts(log.read("orders", 0, 10, 1))).containsExactly("record-10");
      assertThatThrownBy(() -> log.read("orders", 0, start - 1, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("outside the readable range");
    }
  }

  @Test
  void retentionByAgeDeletesOnlyOldReleasedSegments() {
    try (IngestLog log = open(64, 1L << 30, Duration.ofHours(1))) {
      for (int i = 0; i < 20; i++) {
        log.append("orders", 0, records("record-" + i)).join();
      }
      log.release("orders", 0, 5);
      assertThat(log.startOffset("orders", 0)).isZero(); // released, but young and small
      clock.advance(Duration.ofHours(2));
      log.release("orders", 0, 20);
      assertThat(log.startOffset("orders", 0)).isPositive();
      assertThat(log.endOffset("orders", 0)).isEqualTo(20);
    }
  }

  @Test
  void rejectsUnknownPartitionAndBadStreamName() {
    try (IngestLog log = open()) {
      assertThatThrownBy(() -> log.append("orders", 2, records("a")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no partition 2");
      assertThatThrownBy(() -> log.append("../etc", 0, records("a")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("stream name '../etc'");
    }
  }

  @Test
  void rejectsAppendsAfterClose() {
    IngestLog log = open();
    log.close();
    assertThatThrownBy(() -> log.append("orders", 0, records("a")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void localLogIsFoundByServiceLoader() {
    IngestLogFactory factory =
        Plugins.find(IngestLogFactory.class, IngestLogFactory::name, "local");
    assertThat(factory).isInstanceOf(LocalIngestLogFactory.class);
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
