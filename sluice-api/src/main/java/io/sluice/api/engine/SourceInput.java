package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.Split;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where a batch's records come from: its splits, in order, each either read by the engine itself
 * (when the connector offers a native format the engine knows) or pushed by {@code reader}.
 *
 * @param splits the splits with how each may be read natively
 * @param reader reads one split record by record into a sink; the engine calls it for every split
 *     it does not read natively, in order, once
 */
public record SourceInput(List<SplitInput> splits, BiConsumer<Split, RecordSink> reader) {
  public SourceInput {
    splits = List.copyOf(splits);
    requireNonNull(reader, "reader is null");
  }

  /** Every split pushed through {@code reader}. */
  public static SourceInput pushed(List<Split> splits, BiConsumer<Split, RecordSink> reader) {
    return new SourceInput(
        splits.stream().map(split -> new SplitInput(split, Optional.empty())).toList(), reader);
  }

  /**
   * One split.
   *
   * @param split the split
   * @param nativeFormat how an engine may read it itself; empty to push it
   */
  public record SplitInput(Split split, Optional<NativeFormat> nativeFormat) {
    public SplitInput {
      requireNonNull(split, "split is null");
      requireNonNull(nativeFormat, "nativeFormat is null");
    }
  }
}
