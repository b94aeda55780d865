package io.sluice.server.pgwire;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL endpoint of {@code sluice serve}: the PostgreSQL wire protocol (version 3.0) over plain
 * TCP, so that {@code psql}, JDBC/ODBC drivers and BI tools query the warehouse. Read-only:
 * statements other than reads are refused with SQLSTATE 25006 before they reach the {@link
 * SqlBackend}. Clients authenticate with SCRAM-SHA-256, the password being the serve query token.
 *
 * <p>Blocking sockets, one thread per session, at most {@link PgWireSettings#maxConnections}
 * sessions; a connection beyond the limit is answered "too many connections" (53300) by a small
 * separate pool and closed. Thread-safe; {@link #close} ends every session.
 */
public final class PgWireServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgWireServer.class);

  /** How long a refused connection may take to send its startup message. */
  private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(5);

  private final PgWireSettings settings;
  private final SqlBackend backend;
  private final ServerSocket serverSocket;
  private final Scram scram;
  private final SecureRandom random = new SecureRandom();
  private final Semaphore slots;
  private final ThreadPoolExecutor sessions;
  private final ThreadPoolExecutor refusals;
  private final Map<Integer, PgSession> active = new ConcurrentHashMap<>();
  private final AtomicInteger nextProcessId = new AtomicInteger(1);
  private final Thread acceptor;
  private final java.util.concurrent.ScheduledExecutorService watchdog;
  private volatile boolean closed;

  private PgWireServer(PgWireSettings settings, SqlBackend backend, ServerSocket serverSocket) {
    this.settings = settings;
    this.backend = backend;
    this.serverSocket = serverSocket;
    this.scram = new Scram(settings.password(), random);
    this.slots = new Semaphore(settings.maxConnections());
    AtomicInteger threads = new AtomicInteger();
    this.sessions =
        new ThreadPoolExecutor(
            0,
            settings.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> daemon(task, "sluice-sql-" + threads.incrementAndGet()));
    this.refusals =
        new ThreadPoolExecutor(
            0,
            2,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(32),
            task -> daemon(task, "sluice-sql-refusal"));
    this.acceptor = daemon(this::accept, "sluice-sql-accept");
    this.watchdog =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "sluice-sql-watchdog"));
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /**
   * Binds the port and starts accepting connections.
   *
   * @throws IOException when the address cannot be bound
   */
  public static PgWireServer start(PgWireSettings settings, SqlBackend backend) throws IOException {
    requireNonNull(settings, "settings is null");
    requireNonNull(backend, "backend is null");
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(
          new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 128);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    PgWireServer server = new PgWireServer(settings, backend, socket);
    server.acceptor.start();
    long period = Math.max(10, Math.min(1000, settings.idleTimeout().toMillis() / 4));
    server.watchdog.scheduleWithFixedDelay(
        server::killStalledWriters, period, period, TimeUnit.MILLISECONDS);
    return server;
  }

  /** The address listened on (with the actual port when 0 was asked). */
  public InetSocketAddress address() {
    return new InetSocketAddress(settings.host(), serverSocket.getLocalPort());
  }

  /** Sessions being served now. */
  public int activeSessions() {
    return active.size();
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("The SQL endpoint cannot accept a connection: {}", e.toString());
        }
        continue;
      }
      try {
        socket.setTcpNoDelay(true);
      } catch (SocketException e) {
        LOG.debug("Cannot set TCP_NODELAY", e);
      }
      if (slots.tryAcquire()) {
        PgSession session = newSession(socket, settings);
        active.put(session.processId(), session);
        try {
          sessions.execute(
              () -> {
                try {
                  session.serve();
                } finally {
                  active.remove(session.processId());
                  slots.release();
                }
              });
        } catch (RejectedExecutionException e) {
          active.remove(session.processId());
          slots.release();
          session.kill();
        }
      } else {
        PgWireSettings refusal =
            new PgWireSettings(
                settings.host(),
                settings.port(),
                settings.password(),
                settings.maxConnections(),
                REFUSAL_TIMEOUT.compareTo(settings.idleTimeout()) < 0
                    ? REFUSAL_TIMEOUT
                    : settings.idleTimeout(),
                settings.maxMessageBytes(),
                settings.maxRowsPerResult());
        PgSession session = newSession(socket, refusal);
        try {
          refusals.execute(session::refuse);
        } catch (RejectedExecutionException e) {
          session.kill();
        }
      }
    }
  }

  private PgSession newSession(Socket socket, PgWireSettings sessionSettings) {
    return new PgSession(
        socket,
        sessionSettings,
        backend,
        scram,
        this,
        nextProcessId.getAndIncrement(),
        random.nextInt());
  }

  /** Ends the sessions whose client has not read their results for longer than the idle timeout. */
  private void killStalledWriters() {
    long now = System.nanoTime();
    for (PgSession session : active.values()) {
      if (session.writeStalled(now)) {
        LOG.info(
            "SQL endpoint connection {} closed: its client read nothing for {}",
            session.processId(),
            settings.idleTimeout());
        session.cancel();
        session.kill();
      }
    }
  }

  /** A CancelRequest: stops the statement running in the session with this key, if any. */
  void cancel(int processId, int secretKey) {
    PgSession session = active.get(processId);
    if (session != null && session.secretKey() == secretKey) {
      session.cancel();
    }
  }

  /** Stops listening and ends every session (their running statements are cancelled). */
  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    try {
      serverSocket.close();
    } catch (IOException e) {
      LOG.debug("Cannot close the SQL endpoint's socket", e);
    }
    for (PgSession session : active.values()) {
      session.cancel();
      session.kill();
    }
    sessions.shutdown();
    refusals.shutdownNow();
    try {
      if (!sessions.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("SQL endpoint sessions still running 10 s after close");
      }
      acceptor.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
