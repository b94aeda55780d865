package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured source. Used from one thread at a time.
 *
 * <p>A connector is closed when its run or session ends, or when it is replaced: {@link #close}
 * releases every connection, thread and file it holds, and must be safe to call more than once.
 */
public interface SourceConnector extends AutoCloseable {
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

  /**
   * The fields a split's input has, in input order, for comparing with the declared ones (schema
   * drift). Empty when the connector cannot tell (the default), e.g. for formats without a schema
   * it can read cheaply.
   */
  default Optional<List<ObservedField>> observe(Split split) {
    return Optional.empty();
  }

  /**
   * A few of the source's current inputs, cheap to list (nothing is read or fingerprinted: a
   * split's position may be empty), for checking the declaration against them with {@link #observe}
   * without running (e.g. {@code sluice validate}). None by default.
   *
   * @param max the most splits to return
   */
  default List<Split> sample(int max) {
    return List.of();
  }

  /**
   * How {@code sluice serve} accepts records pushed to this source over HTTP, when it reads pushed
   * records; empty (the default) for every other connector.
   */
  default Optional<PushSettings> push() {
    return Optional.empty();
  }

  /**
   * Releases what the connector holds (connections, threads, files). Safe to call more than once.
   * The default holds nothing.
   */
  @Override
  default void close() {}

  /**
   * Reads records again from the text this connector once read them as, kept in quarantine (a
   * replay after a rule, mapping or function was fixed). Each original is parsed as one record of
   * split {@code splitKey} would be, and reaches {@code sink} exactly once, as {@link
   * RecordSink#record}, {@link RecordSink#malformed} or {@link RecordSink#rejected}, with its given
   * position, in order. Called from one thread; the split need not exist any more unless the format
   * needs it (a CSV header).
   *
   * <p>The default reports a USER error: the connector cannot replay.
   *
   * @param splitKey the key of the split the records were read from
   * @param originals the records' texts with their positions
   */
  default void reread(String splitKey, List<Original> originals, RecordSink sink) {
    throw SluiceException.user(
        "The connector of split '%s' cannot read quarantined records again", splitKey);
  }

  /**
   * A record's text as a connector gave it to a {@link RecordSink}.
   *
   * @param position its position in its split
   * @param text the text, verbatim
   * @param transformed whether the text is what the source's record functions produced (a record
   *     kept by the functions) rather than what was read (a record the functions rejected, or input
   *     that could not be parsed): the functions then do not run again
   */
  record Original(long position, String text, boolean transformed) {
    public Original {
      requireNonNull(text, "text is null");
    }
  }
}
