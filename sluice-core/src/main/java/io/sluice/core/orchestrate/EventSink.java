package io.sluice.core.orchestrate;

import java.nio.file.Path;

/**
 * Where pipeline events go. Implementations are thread-safe: the scheduler and the continuous
 * processor may emit from different threads.
 */
public interface EventSink {
  /** Drops every event (e.g. for {@code sluice status}, which only looks). */
  EventSink NONE = event -> {};

  /**
   * Records {@code event}.
   *
   * @throws io.sluice.api.SluiceException (external) when it cannot be recorded
   */
  void emit(PipelineEvent event);

  /**
   * Appends events to {@code <stateDirectory>/events.jsonl}, one JSON object per line, and logs
   * each through SLF4J (logger {@code io.sluice.events}; {@code fail} at error level, {@code warn}
   * at warn level, {@code info} at info level).
   */
  static EventSink file(Path stateDirectory) {
    return new FileEventSink(stateDirectory.resolve(FileEventSink.FILE_NAME));
  }

  /** The events {@link #file} recorded in {@code stateDirectory}, oldest first. */
  static java.util.List<PipelineEvent> recorded(Path stateDirectory) {
    return FileEventSink.read(stateDirectory.resolve(FileEventSink.FILE_NAME));
  }
}
