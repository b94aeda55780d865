package io.sluice.core.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook on the loopback interface, as Slack or an alert manager would receive alerts: keeps the
 * body of every request it accepted, per path, and answers the status codes a test queued before
 * answering 200.
 */
final class WebhookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, List<String>> accepted = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<Integer> answers = new ConcurrentLinkedDeque<>();
  private final AtomicInteger requests = new AtomicInteger();

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          requests.incrementAndGet();
          Integer queued = answers.poll();
          int status = queued == null ? 200 : queued;
          if (status / 100 == 2) {
            accepted
                .computeIfAbsent(
                    exchange.getRequestURI().getPath(), path -> new CopyOnWriteArrayList<>())
                .add(body);
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  /** The address of {@code path} on this receiver. */
  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Answers {@code status} to the next request (before answering 200 again). */
  void answerNext(int status) {
    answers.add(status);
  }

  /** The bodies accepted at {@code path}, oldest first. */
  List<String> bodies(String path) {
    return List.copyOf(accepted.getOrDefault(path, List.of()));
  }

  /** Requests received, answered 2xx or not. */
  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
