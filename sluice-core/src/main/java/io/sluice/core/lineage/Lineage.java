package io.sluice.core.lineage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.core.history.RunHistory;
import io.sluice.core.project.Connectors;
import io.sluice.core.project.LineageConfig;
import io.sluice.core.project.Project;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a project's OpenLineage events through its transport, on a thread of its own, so that a
 * slow or failing endpoint never slows or fails a run: each event that cannot be delivered (the
 * endpoint is down, answers an error or too late; the queue of waiting events is full) is logged as
 * a warning with the reason and counted ({@link #failedEvents()}). Closing waits a bounded time for
 * the events still waiting.
 */
public final class Lineage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lineage.class);

  /** Events waiting for delivery at most; more are dropped (and counted as failed). */
  static final int MAX_WAITING = 1000;

  private static final AtomicLong SENT = new AtomicLong();
  private static final AtomicLong FAILED = new AtomicLong();

  private final LineageTransport transport;
  private final Duration closeWait;
  private final ThreadPoolExecutor sender;

  Lineage(LineageTransport transport, Duration closeWait) {
    this.transport = requireNonNull(transport, "transport is null");
    this.closeWait = requireNonNull(closeWait, "closeWait is null");
    this.sender =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_WAITING),
            runnable -> {
              Thread thread = new Thread(runnable, "sluice-lineage");
              thread.setDaemon(true);
              return thread;
            },
            (runnable, executor) -> {
              FAILED.incrementAndGet();
              LOG.warn(
                  "lineage: dropped an event for {}: {} events are already waiting",
                  transport.target(),
                  MAX_WAITING);
            });
  }

  /**
   * {@code history}, telling the project's lineage transport about every run it records; {@code
   * history} itself when the project has no lineage transport.
   *
   * @param environment where {@code api-key-env} is looked up
   */
  public static RunHistory observe(
      Project project, RunHistory history, Map<String, String> environment) {
    LineageConfig config = project.lineage();
    Optional<LineageTransport> transport = transport(config, environment);
    if (transport.isEmpty()) {
      return history;
    }
    Lineage lineage = new Lineage(transport.get(), config.timeout().plusSeconds(1));
    return new LineageRunHistory(
        history, new LineageEvents(project, Connectors.installed()), lineage);
  }

  static Optional<LineageTransport> transport(
      LineageConfig config, Map<String, String> environment) {
    return switch (config.transport()) {
      case NONE -> Optional.empty();
      case FILE -> Optional.of(new FileLineageTransport(config.file().orElseThrow()));
      case HTTP ->
          Optional.of(
              new HttpLineageTransport(
                  config.url().orElseThrow(),
                  config.timeout(),
                  config.apiKeyEnv().map(name -> new ApiKey(name, environment.get(name)))));
    };
  }

  /**
   * The bearer token of an HTTP transport.
   *
   * @param variable the environment variable named by {@code api-key-env}
   * @param value its value, null when it is not set (then every delivery fails, saying so)
   */
  record ApiKey(String variable, String value) {}

  /** Events delivered by this process since it started. */
  public static long sentEvents() {
    return SENT.get();
  }

  /** Events this process could not deliver (logged as warnings) since it started. */
  public static long failedEvents() {
    return FAILED.get();
  }

  /**
   * Queues an event for delivery; never throws. The event is built on the sender's thread, in the
   * order events are queued, since building the end of a run may read the warehouse.
   */
  void emit(java.util.function.Supplier<ObjectNode> event, String what) {
    Map<String, String> logContext = org.slf4j.MDC.getCopyOfContextMap();
    sender.execute(
        () -> {
          // the warnings name the run the event is about, as the run's own lines do
          if (logContext != null) {
            org.slf4j.MDC.setContextMap(logContext);
          }
          try {
            transport.send(LineageEvents.line(event.get()));
            SENT.incrementAndGet();
          } catch (IOException | RuntimeException e) {
            long failed = FAILED.incrementAndGet();
            LOG.warn(
                "lineage: cannot deliver the {} to {}: {} ({} undelivered events so far)",
                what,
                transport.target(),
                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                failed);
          } finally {
            org.slf4j.MDC.clear();
          }
        });
  }

  /** Delivers the events still waiting, for at most the transport's timeout and a second. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(closeWait.toMillis(), TimeUnit.MILLISECONDS)) {
        // the event being sent is interrupted and reports itself; the waiting ones are dropped
        int dropped = sender.shutdownNow().size();
        FAILED.addAndGet(dropped);
        LOG.warn(
            "lineage: stopped waiting for {} {} ms after closing; {} more events not delivered",
            transport.target(),
            closeWait.toMillis(),
            dropped);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sender.shutdownNow();
    } finally {
      transport.close();
    }
  }
}
