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

  /**
   * How an engine may read this split itself, or empty to have it read with {@link #read}. A
   * connector offers a native format only when the engine's reading gives exactly the records,
   * positions and values {@link #read} would (it may inspect the split to decide). An engine that
   * does not know the format falls back to {@link #read}, except for formats {@link #read} cannot
   * handle (such as Parquet), which every engine must read.
   */
  Optional<NativeFormat> nativeFormat(Split split);

  /**
   * Reads one split into {@code sink}.
   *
   * @throws io.sluice.api.SluiceException (EXTERNAL) when the split cannot be read at all
   */
  void read(Split split, RecordSink sink);

  /**
   * Called once the positions of a batch's splits are committed together with its data: the
   * connector may let go of what is below them (a log's retention, an acknowledgement to a broker).
   * The default does nothing.
   *
   * @param positions the committed position of each split of the batch, by split key
   */
  default void committed(Map<String, String> positions) {}
}
