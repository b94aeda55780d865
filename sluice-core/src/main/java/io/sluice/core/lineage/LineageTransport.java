package io.sluice.core.lineage;

import java.io.IOException;

/** Delivers OpenLineage events somewhere: a file, an HTTP endpoint. Safe to call from threads. */
public interface LineageTransport extends AutoCloseable {
  /**
   * Delivers one event.
   *
   * @param json the event, one line of JSON
   * @throws IOException when it could not be delivered, with the reason
   */
  void send(String json) throws IOException;

  /** Where events go, for messages: the file, the URL. */
  String target();

  @Override
  default void close() {}
}
