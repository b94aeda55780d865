package io.sluice.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once while its client address already holds {@code
 * serve.max-connections-per-client} open ones, so that one client cannot take every connection the
 * server has. Registered as a bean of the connector, it hears of every connection opened and
 * closed.
 */
final class ClientConnectionLimit implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnectionLimit.class);

  private final int limit;
  private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
  // A closed connection no longer knows its remote address: keep each one's from its opening.
  private final Map<Connection, InetAddress> clients = new ConcurrentHashMap<>();

  ClientConnectionLimit(int limit) {
    this.limit = limit;
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress client = client(connection);
    if (client == null) {
      return;
    }
    clients.put(connection, client);
    int count = open.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
    if (count > limit) {
      LOG.warn(
          "Closing a connection from {}: it has {} open (serve.max-connections-per-client is {})",
          client.getHostAddress(),
          count - 1,
          limit);
      connection.getEndPoint().close();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    InetAddress client = clients.remove(connection);
    if (client == null) {
      return;
    }
    open.computeIfPresent(client, (c, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** Open connections of a client, for tests. */
  int open(InetAddress client) {
    AtomicInteger count = open.get(client);
    return count == null ? 0 : count.get();
  }

  private static InetAddress client(Connection connection) {
    SocketAddress address = connection.getEndPoint().getRemoteSocketAddress();
    return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }
}
