package io.sluice.core.alert;

import static java.util.Objects.requireNonNull;

import io.sluice.core.orchestrate.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alert messages to webhooks on its own thread, so that a slow or unreachable webhook never
 * holds a batch: messages wait in a bounded queue; each delivery attempt has the channel's timeout;
 * a connection error, a timeout or a 5xx answer is retried with exponential backoff up to the
 * channel's attempts; a 4xx answer is not retried. A message given up on is logged with the reason
 * and counted in the channel's {@link ChannelStatus} (the URL, a secret, is never in a message).
 */
final class AlertDelivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.sluice.alerts");

  /** Messages waiting beyond this many are dropped (and counted as failed). */
  static final int QUEUE_LIMIT = 1_000;

  /**
   * A channel with its URL read.
   *
   * @param name the channel's name
   * @param slack whether it takes Slack's body, else the generic one
   * @param url where to post (a secret)
   * @param timeout one attempt's limit
   * @param maxAttempts attempts, the first included
   * @param initialBackoff the wait before the second attempt, doubled for each later one
   */
  record Target(
      String name,
      boolean slack,
      URI url,
      Duration timeout,
      int maxAttempts,
      Duration initialBackoff) {
    Target {
      requireNonNull(name, "name is null");
      requireNonNull(url, "url is null");
      requireNonNull(timeout, "timeout is null");
      requireNonNull(initialBackoff, "initialBackoff is null");
    }
  }

  private record Pending(Target target, String body) {}

  private final Map<String, Target> targets = new LinkedHashMap<>();
  private final Map<String, ChannelStatus> statuses = new LinkedHashMap<>();
  private final Deque<Pending> queue = new ArrayDeque<>();
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<List<ChannelStatus>> onStatus;
  private final HttpClient http;
  private final Thread worker;
  private boolean busy;
  private boolean closing;

  /**
   * @param targets the channels
   * @param restored their delivery records from the store
   * @param clock times of deliveries and failures
   * @param sleeper waits between attempts
   * @param onStatus told the channels' records after each message delivered or given up on (on the
   *     delivery thread)
   */
  AlertDelivery(
      List<Target> targets,
      List<ChannelStatus> restored,
      Clock clock,
      Sleeper sleeper,
      Consumer<List<ChannelStatus>> onStatus) {
    this.clock = requireNonNull(clock, "clock is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
    this.onStatus = requireNonNull(onStatus, "onStatus is null");
    for (Target target : targets) {
      this.targets.put(target.name(), target);
      statuses.put(target.name(), ChannelStatus.none(target.name()));
    }
    for (ChannelStatus status : restored) {
      if (this.targets.containsKey(status.channel())) {
        statuses.put(status.channel(), status);
      }
    }
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(
                targets.stream()
                    .map(Target::timeout)
                    .max(Duration::compareTo)
                    .orElse(Duration.ofSeconds(10)))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.worker = new Thread(this::work, "sluice-alert-delivery");
    worker.setDaemon(true);
    worker.start();
  }

  /** Queues {@code alert} for each of its channels; returns at once. */
  void send(AlertNotification alert) {
    for (String name : alert.channels()) {
      Target target = targets.get(name);
      if (target == null) {
        continue; // the project reader checked the names
      }
      String body = target.slack() ? AlertMessages.slack(alert) : AlertMessages.generic(alert);
      boolean dropped;
      synchronized (this) {
        dropped = queue.size() >= QUEUE_LIMIT;
        if (!dropped) {
          queue.addLast(new Pending(target, body));
          notifyAll();
        }
      }
      if (dropped) {
        failed(target, "the delivery queue is full (" + QUEUE_LIMIT + " messages wait)");
      }
    }
  }

  /** The channels' delivery records, in declaration order. */
  synchronized List<ChannelStatus> statuses() {
    return List.copyOf(statuses.values());
  }

  /** Messages queued or being sent. */
  synchronized int waiting() {
    return queue.size() + (busy ? 1 : 0);
  }

  /**
   * Waits until every queued message was delivered or given up on, at most {@code timeout}; false
   * when some still wait.
   */
  synchronized boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queue.isEmpty() || busy) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private void work() {
    while (true) {
      Pending next;
      synchronized (this) {
        while (queue.isEmpty() && !closing) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (queue.isEmpty()) {
          return;
        }
        next = queue.removeFirst();
        busy = true;
      }
      try {
        deliver(next);
      } catch (InterruptedException e) {
        failed(next.target(), "stopped before it was delivered");
        return;
      } finally {
        synchronized (this) {
          busy = false;
          notifyAll();
        }
      }
    }
  }

  private void deliver(Pending pending) throws InterruptedException {
    Target target = pending.target();
    Optional<String> failure = post(target, pending.body());
    if (failure.isEmpty()) {
      synchronized (this) {
        statuses.put(target.name(), statuses.get(target.name()).delivered(clock.instant()));
      }
      onStatus.accept(statuses());
    } else {
      failed(target, failure.get());
    }
  }

  /**
   * Posts {@code body} to channel {@code name} now, on the caller's thread, with the channel's
   * attempts and backoff, and records nothing (a test message); returns why it failed, or empty
   * when it was delivered.
   */
  Optional<String> probe(String name, String body) throws InterruptedException {
    Target target = requireNonNull(targets.get(name), "no channel " + name);
    return post(target, body);
  }

  /** Posts with the target's attempts; returns why the last one failed, or empty. */
  private Optional<String> post(Target target, String body) throws InterruptedException {
    String reason = "";
    Duration backoff = target.initialBackoff();
    for (int attempt = 1; attempt <= target.maxAttempts(); attempt++) {
      if (attempt > 1) {
        sleeper.sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
      HttpRequest request =
          HttpRequest.newBuilder(target.url())
              .timeout(target.timeout())
              .header("Content-Type", "application/json; charset=utf-8")
              .header("User-Agent", "sluice-alerts")
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      try {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        int code = response.statusCode();
        if (code >= 200 && code < 300) {
          return Optional.empty();
        }
        reason = "the webhook answered HTTP " + code;
        if (code < 500) {
          return Optional.of(reason); // a revoked URL, a refused body: retrying cannot help
        }
      } catch (IOException e) {
        reason = describe(e, target.url());
      }
    }
    return Optional.of(reason + " (" + target.maxAttempts() + " attempts)");
  }

  private void failed(Target target, String message) {
    LOG.warn("Alert delivery to channel '{}' failed: {}", target.name(), message);
    synchronized (this) {
      statuses.put(target.name(), statuses.get(target.name()).failed(message, clock.instant()));
    }
    onStatus.accept(statuses());
  }

  /** Why a request failed, without the URL (it holds the webhook's secret). */
  static String describe(IOException e, URI url) {
    String kind =
        e instanceof java.net.http.HttpTimeoutException
            ? "timed out"
            : e instanceof java.net.ConnectException ? "cannot connect" : "request failed";
    String message = e.getMessage() == null ? "" : e.getMessage();
    String scrubbed = message.replace(url.toString(), "<url>");
    if (url.getRawPath() != null && url.getRawPath().length() > 1) {
      scrubbed = scrubbed.replace(url.getRawPath(), "<path>");
    }
    if (url.getRawQuery() != null) {
      scrubbed = scrubbed.replace(url.getRawQuery(), "<query>");
    }
    return scrubbed.isBlank()
        ? kind + " (" + e.getClass().getSimpleName() + ")"
        : kind + ": " + scrubbed;
  }

  /**
   * Stops the delivery thread after the queued messages were delivered, waiting at most {@code
   * timeout}; messages still waiting then are logged as not delivered.
   */
  void close(Duration timeout) {
    try {
      if (!flush(timeout)) {
        LOG.warn(
            "Stopping with {} alert messages not delivered (the webhooks did not answer in {})",
            waiting(),
            timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closing = true;
      queue.clear();
      notifyAll();
    }
    worker.interrupt();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
