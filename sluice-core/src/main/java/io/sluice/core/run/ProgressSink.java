package io.sluice.core.run;

import io.sluice.api.source.RecordSink;
import java.util.function.LongConsumer;

/**
 * Passes records through and reports roughly how many input bytes they covered, in steps of a few
 * MiB, so that a progress bar moves within a large file. The size of a record is taken as the
 * length of its text plus its line end; {@link #finish} reports the rest of the split's size.
 */
final class ProgressSink implements RecordSink {
  private static final long STEP = 4L << 20;

  private final RecordSink delegate;
  private final LongConsumer progress;
  private long pending;
  private long reported;

  ProgressSink(RecordSink delegate, LongConsumer progress) {
    this.delegate = delegate;
    this.progress = progress;
  }

  @Override
  public void record(long position, String original, String[] values) {
    delegate.record(position, original, values);
    advance(original.length() + 1);
  }

  @Override
  public void deleted(long position, String original, String[] values) {
    delegate.deleted(position, original, values);
    advance(original.length() + 1);
  }

  @Override
  public void malformed(long position, String original, String reason) {
    delegate.malformed(position, original, reason);
    advance(original.length() + 1);
  }

  @Override
  public void rejected(long position, String original, String rule, String reason) {
    delegate.rejected(position, original, rule, reason);
    advance(original.length() + 1);
  }

  private void advance(long bytes) {
    pending += bytes;
    if (pending >= STEP) {
      progress.accept(pending);
      reported += pending;
      pending = 0;
    }
  }

  /** Reports whatever of {@code splitSize} has not been reported yet. */
  void finish(long splitSize) {
    long rest = splitSize - reported;
    if (rest > 0) {
      progress.accept(rest);
    }
    reported = splitSize;
    pending = 0;
  }
}
