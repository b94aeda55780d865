package io.sluice.api.engine;

import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.Split;
import java.util.List;
import java.util.function.BiConsumer;

/** Where a batch's records come from. */
public sealed interface SourceInput {
  List<Split> splits();

  /**
   * Records pushed by the runtime: the engine calls {@code reader} once per split, in order, with a
   * sink for that split.
   */
  record Pushed(List<Split> splits, BiConsumer<Split, RecordSink> reader) implements SourceInput {
    public Pushed {
      splits = List.copyOf(splits);
    }
  }

  /** Splits the engine reads itself. */
  record Native(List<Split> splits, NativeFormat format) implements SourceInput {
    public Native {
      splits = List.copyOf(splits);
    }
  }
}
