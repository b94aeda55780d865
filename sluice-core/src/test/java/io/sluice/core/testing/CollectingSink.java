package io.sluice.core.testing;

import io.sluice.api.source.RecordSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A {@link RecordSink} that keeps everything, in order. */
public final class CollectingSink implements RecordSink {
  /**
   * A record or a malformed input; {@code values} is null for malformed, {@code reason} for
   * records.
   */
  public record Event(long position, String original, List<String> values, String reason) {
    public boolean isRecord() {
      return values != null;
    }
  }

  private final List<Event> events = new ArrayList<>();

  @Override
  public void record(long position, String original, String[] values) {
    events.add(
        new Event(position, original, Collections.unmodifiableList(Arrays.asList(values)), null));
  }

  @Override
  public void malformed(long position, String original, String reason) {
    events.add(new Event(position, original, null, reason));
  }

  public List<Event> events() {
    return events;
  }

  public List<Event> records() {
    return events.stream().filter(Event::isRecord).toList();
  }

  public List<Event> malformed() {
    return events.stream().filter(e -> !e.isRecord()).toList();
  }

  /** The values of every record. */
  public List<List<String>> values() {
    return records().stream().map(Event::values).toList();
  }

  /** The positions of every record. */
  public List<Long> positions() {
    return records().stream().map(Event::position).toList();
  }
}
