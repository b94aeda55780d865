package io.sluice.ui;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An {@link Endpoint} that answers with a stream (Server-Sent Events) rather than one JSON value:
 * the console hands it the response, which it keeps open after {@link #open} returns.
 */
public interface EventStream extends Endpoint {
  /**
   * Starts the stream, or answers an error; must complete {@code callback} eventually (when the
   * stream ends), and may throw a {@link PageException} before writing anything.
   */
  void open(PageRequest request, Request http, Response response, Callback callback)
      throws Exception;

  /** Never called: the console calls {@link #open}. */
  @Override
  default Object answer(PageRequest request) {
    throw new UnsupportedOperationException("a stream is opened, not answered");
  }
}
