package io.sluice.ui.dashboard;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One open Server-Sent Events response: text written in order, one write outstanding at a time
 * (Jetty allows no more), without a thread held while nothing is written. A client that reads too
 * slowly to keep up (more than {@link #MAX_QUEUED} messages waiting) is disconnected: its browser
 * reconnects and refreshes every panel.
 */
final class SseStream {
  static final int MAX_QUEUED = 64;

  private final Response response;
  private final Callback callback;
  private final Runnable onClosed;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private boolean writing;
  private boolean finishing;
  private boolean closed; // nothing more is queued
  private boolean ended; // the request's callback was completed

  /**
   * @param callback the request's callback, completed when the stream ends
   * @param onClosed told once when the stream ended, cleanly or not
   */
  SseStream(Response response, Callback callback, Runnable onClosed) {
    this.response = response;
    this.callback = callback;
    this.onClosed = onClosed;
  }

  /** Queues {@code text} (one or more complete SSE messages); nothing after the stream ended. */
  void send(String text) {
    synchronized (this) {
      if (closed || finishing) {
        return;
      }
      if (queue.size() >= MAX_QUEUED) {
        closed = true;
      } else {
        queue.add(ByteBuffer.wrap(text.getBytes(UTF_8)));
        if (!writing) {
          writeNext();
        }
        return;
      }
    }
    fail(new IllegalStateException("the client reads too slowly"));
  }

  /** Ends the response cleanly once what is queued is written. */
  void finish() {
    synchronized (this) {
      if (closed || finishing) {
        return;
      }
      finishing = true;
      if (!writing) {
        writeNext();
      }
    }
  }

  /** Ends the stream because the connection failed (the client went away). */
  void fail(Throwable failure) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      closed = true;
      queue.clear();
    }
    try {
      callback.failed(failure);
    } finally {
      onClosed.run();
    }
  }

  /** Under the lock: starts the next write, or the last one when finishing. */
  private void writeNext() {
    ByteBuffer next = queue.poll();
    if (next == null) {
      writing = false;
      if (finishing && !closed) {
        closed = true;
        writing = true;
        response.write(true, ByteBuffer.allocate(0), Callback.from(this::ended, this::fail));
      }
      return;
    }
    writing = true;
    response.write(false, next, Callback.from(this::written, this::fail));
  }

  private void ended() {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    try {
      callback.succeeded();
    } finally {
      onClosed.run();
    }
  }

  private void written() {
    synchronized (this) {
      if (closed) {
        return;
      }
      writeNext();
    }
  }
}
