package io.sluice.connect.cdc;

import io.sluice.api.source.RecordSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Keeps what a connector delivers, in order. */
final class CollectingSink implements RecordSink {
  /** One delivery: {@code kind} is record, deleted or malformed. */
  record Delivered(
      String kind, long position, String original, List<String> values, String reason) {
    @Override
    public String toString() {
      return kind + "@" + position + values + (reason == null ? "" : " " + reason);
    }
  }

  final List<Delivered> delivered = new ArrayList<>();

  @Override
  public void record(long position, String original, String[] values) {
    delivered.add(new Delivered("record", position, original, Arrays.asList(values), null));
  }

  @Override
  public void malformed(long position, String original, String reason) {
    delivered.add(new Delivered("malformed", position, original, List.of(), reason));
  }

  @Override
  public void deleted(long position, String original, String[] values) {
    delivered.add(new Delivered("deleted", position, original, Arrays.asList(values), null));
  }

  List<String> kinds() {
    return delivered.stream().map(Delivered::kind).toList();
  }

  List<List<String>> values() {
    return delivered.stream().map(Delivered::values).toList();
  }
}
