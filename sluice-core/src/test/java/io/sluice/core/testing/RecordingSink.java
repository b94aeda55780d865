package io.sluice.core.testing;

import static java.util.Objects.requireNonNull;

import io.sluice.api.source.RecordSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A {@link RecordSink} that keeps everything a connector delivers, in order, with the key of the
 * split it was read from. Used by {@link ConnectorContractTest}: unlike {@link CollectingSink} (a
 * connector's own tests, one split at a time), it tells records, malformed, rejected and deleted
 * records apart, keeps the split of each, and fails on a delete from a connector that declares no
 * changelog.
 */
public final class RecordingSink implements RecordSink {
  /** What a connector delivered. */
  public enum Kind {
    RECORD,
    MALFORMED,
    REJECTED,
    DELETED
  }

  /**
   * One delivery.
   *
   * @param splitKey the key of the split being read
   * @param kind what was delivered
   * @param position the position the connector gave
   * @param original the text the connector gave
   * @param values the values of a record or a delete; empty otherwise
   * @param reason why a record was malformed or rejected; empty otherwise
   */
  public record Event(
      String splitKey,
      Kind kind,
      long position,
      String original,
      List<String> values,
      String reason) {
    public Event {
      requireNonNull(splitKey, "splitKey is null");
      requireNonNull(kind, "kind is null");
      requireNonNull(original, "original is null");
      values = Collections.unmodifiableList(new ArrayList<>(values));
      requireNonNull(reason, "reason is null");
    }

    /** The value of the {@code index}th field, or null. */
    public String value(int index) {
      return index < values.size() ? values.get(index) : null;
    }
  }

  private final List<Event> events;
  private final boolean takesDeletes;
  private String splitKey = "";

  /**
   * @param takesDeletes whether the connector may deliver deletes (it declares {@code changelog});
   *     a delete from any other connector fails the test
   */
  public RecordingSink(boolean takesDeletes) {
    this(new ArrayList<>(), takesDeletes);
  }

  private RecordingSink(List<Event> events, boolean takesDeletes) {
    this.events = events;
    this.takesDeletes = takesDeletes;
  }

  /** Deliveries from now on are of split {@code key}. */
  public RecordingSink split(String key) {
    this.splitKey = requireNonNull(key, "key is null");
    return this;
  }

  public List<Event> events() {
    return Collections.unmodifiableList(events);
  }

  public List<Event> events(Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).toList();
  }

  @Override
  public void record(long position, String original, String[] values) {
    requireNonNull(values, "a record's values are null");
    events.add(new Event(splitKey, Kind.RECORD, position, original, Arrays.asList(values), ""));
  }

  @Override
  public void malformed(long position, String original, String reason) {
    events.add(new Event(splitKey, Kind.MALFORMED, position, original, List.of(), reason));
  }

  @Override
  public void rejected(long position, String original, String rule, String reason) {
    events.add(
        new Event(splitKey, Kind.REJECTED, position, original, List.of(), rule + ": " + reason));
  }

  @Override
  public void deleted(long position, String original, String[] values) {
    if (!takesDeletes) {
      throw new AssertionError(
          "the connector delivered a delete (split "
              + splitKey
              + ", position "
              + position
              + ") but its capabilities declare no changelog");
    }
    events.add(new Event(splitKey, Kind.DELETED, position, original, Arrays.asList(values), ""));
  }
}
