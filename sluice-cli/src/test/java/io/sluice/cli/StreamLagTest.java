package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.log.IngestLog;
import io.sluice.api.log.LogRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The lag of a stream from sampled end offsets, at injected times. */
class StreamLagTest {
  private static final long SECOND = 1_000_000_000L;

  /** A log of two partitions whose offsets the test sets. */
  private static final class Offsets implements IngestLog {
    final long[] end = new long[2];
    final long[] released = new long[2];

    @Override
    public CompletableFuture<Long> append(String stream, int partition, List<byte[]> records) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<LogRecord> read(String stream, int partition, long fromOffset, int maxRecords) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long endOffset(String stream, int partition) {
      return end[partition];
    }

    @Override
    public long startOffset(String stream, int partition) {
      return 0;
    }

    @Override
    public int partitions(String stream) {
      return 2;
    }

    @Override
    public void release(String stream, int partition, long committedOffset) {
      released[partition] = Math.max(released[partition], committedOffset);
    }

    @Override
    public long releasedOffset(String stream, int partition) {
      return released[partition];
    }

    @Override
    public void close() {}
  }

  @Test
  void isHowLongTheOldestWaitingRecordHasWaitedAndZeroWhenNoneWaits() {
    Offsets log = new Offsets();
    StreamLag lag = new StreamLag(log, List.of("events"));
    lag.sample(0);
    assertThat(lag.seconds("events", 5 * SECOND)).isZero();

    log.end[0] = 10; // pushed between the samples at 0 s and 10 s
    lag.sample(10 * SECOND);
    log.end[1] = 4;
    lag.sample(12 * SECOND);
    assertThat(lag.seconds("events", 15 * SECOND)).isEqualTo(5.0);

    log.release("events", 0, 10); // partition 0 landed: partition 1's records are the oldest
    assertThat(lag.seconds("events", 15 * SECOND)).isEqualTo(3.0);

    log.end[0] = 20;
    lag.sample(14 * SECOND);
    log.release("events", 1, 4);
    assertThat(lag.seconds("events", 15 * SECOND)).isEqualTo(1.0);

    log.release("events", 0, 20);
    assertThat(lag.seconds("events", 16 * SECOND)).isZero();
    assertThat(lag.seconds("no-such-stream", 16 * SECOND)).isZero();
  }

  @Test
  void recordsPartlyLandedKeepTheTimeOfTheirMark() {
    Offsets log = new Offsets();
    StreamLag lag = new StreamLag(log, List.of("events"));
    log.end[0] = 100;
    lag.sample(SECOND);
    log.release("events", 0, 60); // a batch landed part of them
    assertThat(lag.seconds("events", 4 * SECOND)).isEqualTo(3.0);
  }
}
