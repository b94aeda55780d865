package io.sluice.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * What an answer does with a request body its route did not read: a refusal sent before the body (a
 * 401 on a push, a POST to a page). Jetty closes such a connection once the answer is out; a client
 * that does not know keeps it in its pool, sends its next request on it and reads no answer at all.
 * So either all of the body has arrived and is discarded, and the connection serves the next
 * request, or the answer says {@code Connection: close}.
 */
public final class UnreadBodies {
  /** How much of an unread body is discarded to keep its connection; a larger one closes it. */
  private static final long MAX_DISCARD_BYTES = 64 * 1024;

  private UnreadBodies() {}

  /**
   * Before an answer that did not read the request's body: discards what arrived, and asks for the
   * connection to be closed when the body is not all there. Harmless after the body was read.
   */
  public static void closeUnlessDone(Request request, Response response) {
    if (!discardArrived(request)) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  /**
   * Discards what has already arrived of the request's body, without waiting for more; returns
   * whether that was all of it.
   */
  static boolean discardArrived(Request request) {
    long discarded = 0;
    while (discarded <= MAX_DISCARD_BYTES) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        return false;
      }
      discarded += chunk.remaining();
      chunk.release();
      if (Content.Chunk.isFailure(chunk)) {
        return false;
      }
      if (chunk.isLast()) {
        return true;
      }
    }
    return false;
  }
}
