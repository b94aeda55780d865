package io.sluice.api.source;

import java.util.Map;
import java.util.Optional;

/** One configured source. Used from one thread at a time. */
public interface SourceConnector {
  /**
   * Plans what to read next.
   *
   * @param committed the positions earlier batches committed, by split key
   * @throws io.sluice.api.SluiceException (USER) when the source's policy says a change is an error
   */
  SplitPlan plan(Map<String, String> committed);

  /** How an engine may read splits natively, or empty if it must use {@link #read}. */
  Optional<NativeFormat> nativeFormat();

  /**
   * Reads one split into {@code sink}.
   *
   * @throws io.sluice.api.SluiceException (EXTERNAL) when the split cannot be read at all
   */
  void read(Split split, RecordSink sink);
}
