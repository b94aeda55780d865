package io.sluice.connect.files;

import io.sluice.api.source.RecordSink;
import io.sluice.api.source.RecordTransform;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Applies a source's record functions to each parsed JSON record: a kept record reaches the sink as
 * the functions left it (so the raw table never holds what a function masked), a rejected one as
 * {@link RecordSink#rejected}. Malformed input passes through untouched.
 */
final class TransformingSink implements RecordSink {
  private final RecordTransform transform;
  private final JsonReader reader;
  private final RecordSink delegate;

  TransformingSink(RecordTransform transform, JsonReader reader, RecordSink delegate) {
    this.transform = transform;
    this.reader = reader;
    this.delegate = delegate;
  }

  @Override
  public void record(long position, String original, String[] values) {
    RecordTransform.Result result = transform.apply(original);
    if (result instanceof RecordTransform.Reject reject) {
      delegate.rejected(position, original, reject.rule(), reject.message());
      return;
    }
    String json = ((RecordTransform.Keep) result).json();
    try {
      delegate.record(position, json, reader.extract(json));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read back a record written by functions", e);
    }
  }

  @Override
  public void malformed(long position, String original, String reason) {
    delegate.malformed(position, original, reason);
  }

  @Override
  public void rejected(long position, String original, String rule, String reason) {
    delegate.rejected(position, original, rule, reason);
  }
}
