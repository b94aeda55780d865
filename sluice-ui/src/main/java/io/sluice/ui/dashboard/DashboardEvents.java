package io.sluice.ui.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.project.DashboardDef;
import io.sluice.core.run.ContinuousProcessor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Tells open dashboard pages, by Server-Sent Events, which of their panels a publication of the
 * warehouse changed: one stream per open page, one {@code change} event per publication that
 * changed an input of one of its panels, naming those panels (the page re-queries each once,
 * however many events came while it was querying). Each event carries the publication's sequence
 * number and instant, so that the page can tell which batch its panels show and how long that took.
 *
 * <p>Streams hold no thread: writes are asynchronous, and one timer thread writes a keep-alive
 * comment to every stream every {@link #KEEP_ALIVE} (below the server's idle timeout, and so that a
 * client that went away is noticed). At most {@code maxStreams} are open at once; {@link #close()}
 * (before the server stops) ends every stream cleanly.
 */
public final class DashboardEvents implements AutoCloseable {
  /** How many streams may be open at once by default. */
  public static final int DEFAULT_MAX_STREAMS = 64;

  /** How often an idle stream gets a comment. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int maxStreams;
  private final boolean live;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private volatile ContinuousProcessor.Publication last;
  private volatile boolean closed;

  /** Notified whenever a stream opens or ends. */
  private final Object streamsChanged = new Object();

  private record Subscriber(DashboardDef dashboard, SseStream stream) {}

  /**
   * Events of a console that nothing feeds ({@code sluice ui}): pages are told they are not live.
   */
  public DashboardEvents() {
    this(DEFAULT_MAX_STREAMS, false);
  }

  /**
   * @param maxStreams how many streams may be open at once; more are refused with 503
   * @param live whether a processor publishes into these events (pages say whether they are live)
   */
  public DashboardEvents(int maxStreams, boolean live) {
    this.maxStreams = maxStreams;
    this.live = live;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "sluice-ui-events");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleAtFixedRate(
        this::keepAlive, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Tells every open page whose panels read what {@code publication} changed. Called on the
   * processor's thread: it only queues a few bytes per stream.
   */
  public void publish(ContinuousProcessor.Publication publication) {
    last = publication;
    for (Subscriber subscriber : subscribers) {
      List<String> panels =
          subscriber.dashboard().panels().stream()
              .filter(panel -> panel.readsAny(publication.changed()))
              .map(DashboardDef.Panel::id)
              .toList();
      if (!panels.isEmpty()) {
        Map<String, Object> data = stamp(publication);
        data.put("panels", panels);
        subscriber.stream().send(event("change", publication.sequence(), data));
      }
    }
  }

  /** The sequence number of the newest publication told, 0 before the first. */
  public long sequence() {
    ContinuousProcessor.Publication publication = last;
    return publication == null ? 0 : publication.sequence();
  }

  /** How many streams are open. */
  public int streams() {
    return subscribers.size();
  }

  /**
   * Waits until {@code count} streams are open, at most {@code timeout}; returns whether they are.
   * A client that went away is noticed at the next write to its stream.
   */
  boolean awaitStreams(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (streamsChanged) {
      while (subscribers.size() != count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(streamsChanged, left);
      }
      return true;
    }
  }

  private void streamsChanged() {
    synchronized (streamsChanged) {
      streamsChanged.notifyAll();
    }
  }

  /**
   * Answers {@code request} with a stream of {@code dashboard}'s events, until the client goes away
   * or {@link #close()}. Returns at once; {@code callback} completes when the stream ends.
   *
   * @return false, having answered nothing, when {@code maxStreams} are open or the events closed:
   *     the caller answers 503
   */
  public boolean open(
      DashboardDef dashboard, Request request, Response response, Callback callback) {
    if (closed || subscribers.size() >= maxStreams) {
      return false;
    }
    Subscriber[] self = new Subscriber[1];
    SseStream stream =
        new SseStream(
            response,
            callback,
            () -> {
              subscribers.remove(self[0]);
              streamsChanged();
            });
    self[0] = new Subscriber(dashboard, stream);
    subscribers.add(self[0]);
    streamsChanged();
    request.addFailureListener(stream::fail);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    // proxies that buffer (nginx) would hold events back
    response.getHeaders().put("X-Accel-Buffering", "no");
    ContinuousProcessor.Publication now = last;
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("seq", now == null ? 0 : now.sequence());
    hello.put("live", live);
    // retry: how long a browser waits before it reconnects after the stream ended
    stream.send("retry: 2000\n" + event("hello", -1, hello));
    if (closed) {
      stream.finish(); // close() ran meanwhile and may have missed it
    }
    return true;
  }

  /** Ends every stream cleanly (each page is told {@code bye}); refuses new ones. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    for (Subscriber subscriber : subscribers) {
      subscriber.stream().send(event("bye", -1, Map.of()));
      subscriber.stream().finish();
    }
  }

  private void keepAlive() {
    for (Subscriber subscriber : subscribers) {
      subscriber.stream().send(": keep-alive\n\n");
    }
  }

  private static Map<String, Object> stamp(ContinuousProcessor.Publication publication) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("seq", publication.sequence());
    data.put("landedAt", publication.landedAt().toEpochMilli());
    data.put("publishedAt", publication.publishedAt().toEpochMilli());
    return data;
  }

  /** One SSE message: its event name, its id when not negative, its data as one JSON line. */
  static String event(String name, long id, Map<String, Object> data) {
    try {
      return "event: "
          + name
          + "\n"
          + (id >= 0 ? "id: " + id + "\n" : "")
          + "data: "
          + JSON.writeValueAsString(data)
          + "\n\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an event", e);
    }
  }
}
