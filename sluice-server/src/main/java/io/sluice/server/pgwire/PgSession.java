package io.sluice.server.pgwire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the startup handshake, SCRAM-SHA-256 authentication, then simple and
 * extended queries until the client terminates, the idle timeout fires or a fatal error ends it.
 * Runs on one thread; only {@link #cancel} and {@link #kill} are called from others.
 */
final class PgSession {
  private static final Logger LOG = LoggerFactory.getLogger(PgSession.class);

  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;
  private static final int MAX_STARTUP_BYTES = 10_000;

  /**
   * The most time a client may take to start up and authenticate (PostgreSQL's default is 1 min).
   */
  static final java.time.Duration AUTHENTICATION_TIMEOUT = java.time.Duration.ofSeconds(10);

  /** How the connection ended, for the server's bookkeeping. */
  private static final class Closed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Closed() {
      super(null, null, false, false);
    }
  }

  private record Message(char type, byte[] body) {}

  /** A parsed statement. */
  private record Prepared(String sql, Optional<StatementPolicy.Plan> plan, int[] parameterTypes) {}

  /** A bound statement, and its result while it is being read. */
  private static final class Portal {
    final Optional<StatementPolicy.Plan> plan;
    final short[] resultFormats;
    ResultCursor cursor;
    List<PgType> types;
    boolean[] binary;
    List<Object> lookahead;
    long sent;

    Portal(Optional<StatementPolicy.Plan> plan, short[] resultFormats) {
      this.plan = plan;
      this.resultFormats = resultFormats;
    }
  }

  private final Socket socket;
  private final PgWireSettings settings;
  private final SqlBackend backend;
  private final Scram scram;
  private final PgWireServer server;
  private final int processId;
  private final int secretKey;
  private InputStream in;
  private MessageWriter out;
  private String user = "";
  private boolean inTransaction;
  private boolean ignoreTillSync;
  private final Map<String, Prepared> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private volatile ResultCursor running;
  private volatile boolean cancelRequested;
  private volatile boolean authenticated;

  /** When the write in progress started ({@link System#nanoTime}), or 0 when none is. */
  private volatile long writingSince;

  PgSession(
      Socket socket,
      PgWireSettings settings,
      SqlBackend backend,
      Scram scram,
      PgWireServer server,
      int processId,
      int secretKey) {
    this.socket = socket;
    this.settings = settings;
    this.backend = backend;
    this.scram = scram;
    this.server = server;
    this.processId = processId;
    this.secretKey = secretKey;
  }

  int processId() {
    return processId;
  }

  int secretKey() {
    return secretKey;
  }

  /** Serves the connection until it ends; never throws. */
  void serve() {
    run(false);
  }

  /** Answers the startup handshake with "too many connections" (or honours a cancel), then ends. */
  void refuse() {
    run(true);
  }

  private void run(boolean refuse) {
    try {
      in = new BufferedInputStream(socket.getInputStream(), 8192);
      out = new MessageWriter(new BufferedOutputStream(new TimedOutput(), 65536));
      try {
        Map<String, String> parameters = startup();
        if (refuse) {
          throw PgError.fatal(
              SqlStates.TOO_MANY_CONNECTIONS,
              "sorry, too many clients already: the SQL endpoint serves at most %d connections"
                  + " (serve.sql-max-connections)",
              settings.maxConnections());
        }
        user = parameters.getOrDefault("user", "");
        authenticate();
        authenticated = true;
        ready(parameters);
        loop();
      } catch (PgError e) {
        sendError(e);
        out.flush();
      }
    } catch (Closed | EOFException e) {
      // the client went away or the session ended normally
    } catch (IOException e) {
      LOG.debug("SQL endpoint connection {} ended: {}", processId, e.toString());
    } catch (RuntimeException e) {
      LOG.warn("SQL endpoint connection {} failed", processId, e);
    } finally {
      closePortals();
      kill();
    }
  }

  /** Asks the statement running, if any, to stop. */
  void cancel() {
    ResultCursor cursor = running;
    if (cursor != null) {
      cancelRequested = true;
      cursor.cancel();
    }
  }

  /** Closes the socket, ending the session's thread at its next read or write. */
  void kill() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("Cannot close SQL endpoint connection {}", processId, e);
    }
  }

  /**
   * Whether a write to the client has been blocked longer than the idle timeout: a client that
   * stops reading its results would otherwise hold its thread and slot for ever (blocking sockets
   * have no write timeout). The server's watchdog then {@link #kill}s the session.
   */
  boolean writeStalled(long now) {
    long since = writingSince;
    return since != 0 && now - since > settings.idleTimeout().toNanos();
  }

  /** The socket's output, noting when each write starts and ends for the watchdog. */
  private final class TimedOutput extends java.io.OutputStream {
    private final java.io.OutputStream socketOut;

    TimedOutput() throws IOException {
      this.socketOut = socket.getOutputStream();
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writingSince = System.nanoTime() | 1;
      try {
        socketOut.write(b, off, len);
      } finally {
        writingSince = 0;
      }
    }

    @Override
    public void flush() throws IOException {
      socketOut.flush();
    }
  }

  // ---- reading

  private long deadline() {
    java.time.Duration timeout =
        authenticated || AUTHENTICATION_TIMEOUT.compareTo(settings.idleTimeout()) > 0
            ? settings.idleTimeout()
            : AUTHENTICATION_TIMEOUT;
    return System.nanoTime() + timeout.toNanos();
  }

  private int read(long deadline) throws IOException {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remaining <= 0) {
      throw idle();
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, remaining)));
    try {
      int b = in.read();
      if (b < 0) {
        throw new Closed();
      }
      return b;
    } catch (SocketTimeoutException e) {
      throw idle();
    }
  }

  private PgError idle() {
    return PgError.fatal(
        SqlStates.IDLE_SESSION_TIMEOUT,
        "terminating connection due to idle timeout: no complete message in %d ms"
            + " (serve.sql-idle-timeout-seconds)",
        settings.idleTimeout().toMillis());
  }

  private int readInt(long deadline) throws IOException {
    return (read(deadline) << 24) | (read(deadline) << 16) | (read(deadline) << 8) | read(deadline);
  }

  private byte[] readFully(int length, long deadline) throws IOException {
    byte[] body = new byte[length];
    int at = 0;
    while (at < length) {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remaining <= 0) {
        throw idle();
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, remaining)));
      int n;
      try {
        n = in.read(body, at, length - at);
      } catch (SocketTimeoutException e) {
        throw idle();
      }
      if (n < 0) {
        throw new Closed();
      }
      at += n;
    }
    return body;
  }

  private Message readMessage() throws IOException {
    long deadline = deadline();
    char type = (char) read(deadline);
    int length = readInt(deadline);
    if (length < 4) {
      throw PgError.protocol("invalid message length %d", length);
    }
    if (length - 4 > settings.maxMessageBytes()) {
      throw PgError.fatal(
          SqlStates.PROGRAM_LIMIT_EXCEEDED,
          "message of %d bytes exceeds the limit of %d bytes of the SQL endpoint",
          length - 4,
          settings.maxMessageBytes());
    }
    return new Message(type, readFully(length - 4, deadline));
  }

  // ---- startup and authentication

  private Map<String, String> startup() throws IOException {
    while (true) {
      long deadline = deadline();
      int length = readInt(deadline);
      if (length < 8 || length > MAX_STARTUP_BYTES) {
        throw PgError.protocol("invalid length %d of the startup packet", length);
      }
      MessageReader body = new MessageReader(readFully(length - 4, deadline));
      int code = body.readInt();
      if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
        out.raw('N');
        out.flush();
        continue;
      }
      if (code == CANCEL_REQUEST) {
        server.cancel(body.readInt(), body.readInt());
        throw new Closed();
      }
      int major = code >>> 16;
      int minor = code & 0xffff;
      if (major != 3) {
        throw PgError.fatal(
            SqlStates.FEATURE_NOT_SUPPORTED,
            "unsupported frontend protocol %d.%d: the SQL endpoint speaks protocol 3.0",
            major,
            minor);
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      List<String> unsupported = new ArrayList<>();
      while (body.remaining() > 0) {
        String key = body.readString();
        if (key.isEmpty()) {
          break;
        }
        String value = body.readString();
        if (key.startsWith("_pq_.")) {
          unsupported.add(key);
        } else {
          parameters.put(key, value);
        }
      }
      if (minor > 0 || !unsupported.isEmpty()) {
        out.int32(0).int32(unsupported.size());
        for (String option : unsupported) {
          out.string(option);
        }
        out.send('v');
      }
      return parameters;
    }
  }

  private void authenticate() throws IOException {
    out.int32(10).string(Scram.MECHANISM).int8(0).send('R');
    out.flush();
    Message initial = readMessage();
    if (initial.type() != 'p') {
      throw PgError.protocol("expected a SASL initial response, got message '%s'", initial.type());
    }
    MessageReader reader = new MessageReader(initial.body());
    String mechanism = reader.readString();
    if (!mechanism.equals(Scram.MECHANISM)) {
      throw PgError.fatal(
          SqlStates.INVALID_AUTHORIZATION,
          "SASL mechanism %s is not supported; the SQL endpoint uses %s",
          mechanism,
          Scram.MECHANISM);
    }
    int length = reader.readInt();
    byte[] data = length < 0 ? new byte[0] : reader.readBytes(length);
    Scram.Exchange exchange = scram.new Exchange();
    String serverFirst = exchange.serverFirst(new String(data, StandardCharsets.UTF_8));
    out.int32(11).bytes(serverFirst.getBytes(StandardCharsets.UTF_8)).send('R');
    out.flush();
    Message response = readMessage();
    if (response.type() != 'p') {
      throw PgError.protocol("expected a SASL response, got message '%s'", response.type());
    }
    String serverFinal =
        exchange.serverFinal(new String(response.body(), StandardCharsets.UTF_8), user);
    out.int32(12).bytes(serverFinal.getBytes(StandardCharsets.UTF_8)).send('R');
    out.int32(0).send('R');
  }

  private void ready(Map<String, String> parameters) throws IOException {
    Map<String, String> status = new LinkedHashMap<>();
    status.put("server_version", StatementPolicy.SERVER_VERSION);
    status.put("server_encoding", "UTF8");
    status.put("client_encoding", "UTF8");
    status.put("DateStyle", "ISO, MDY");
    status.put("IntervalStyle", "postgres");
    status.put("integer_datetimes", "on");
    status.put("standard_conforming_strings", "on");
    status.put("TimeZone", "UTC");
    status.put("is_superuser", "off");
    status.put("default_transaction_read_only", "on");
    status.put("in_hot_standby", "off");
    status.put("application_name", parameters.getOrDefault("application_name", ""));
    status.put("session_authorization", user);
    for (Map.Entry<String, String> entry : status.entrySet()) {
      out.string(entry.getKey()).string(entry.getValue()).send('S');
    }
    out.int32(processId).int32(secretKey).send('K');
    readyForQuery();
  }

  private void readyForQuery() throws IOException {
    out.int8(inTransaction ? 'T' : 'I').send('Z');
    out.flush();
  }

  // ---- the message loop

  private void loop() throws IOException {
    while (true) {
      Message message = readMessage();
      char type = message.type();
      if (type == 'X') {
        return;
      }
      if (ignoreTillSync && type != 'S') {
        continue;
      }
      try {
        switch (type) {
          case 'Q' -> simpleQuery(new MessageReader(message.body()).readString());
          case 'P' -> parse(new MessageReader(message.body()));
          case 'B' -> bind(new MessageReader(message.body()));
          case 'D' -> describe(new MessageReader(message.body()));
          case 'E' -> execute(new MessageReader(message.body()));
          case 'C' -> close(new MessageReader(message.body()));
          case 'S' -> sync();
          case 'H' -> out.flush();
          case 'd', 'c', 'f' ->
              throw PgError.error(
                  SqlStates.PROTOCOL_VIOLATION, "COPY is not supported by the SQL endpoint");
          case 'F' ->
              throw PgError.error(
                  SqlStates.FEATURE_NOT_SUPPORTED,
                  "the function call protocol is not supported by the SQL endpoint");
          default -> throw PgError.protocol("invalid frontend message type %d", (int) type);
        }
      } catch (PgError e) {
        if (e.fatal) {
          throw e;
        }
        sendError(e);
        if (type == 'Q') {
          readyForQuery();
        } else {
          ignoreTillSync = true;
        }
      }
    }
  }

  private void simpleQuery(String sql) throws IOException {
    List<String> parts = SqlText.split(sql);
    if (parts.isEmpty()) {
      out.send('I');
      readyForQuery();
      return;
    }
    for (String part : parts) {
      Portal portal = new Portal(Optional.of(StatementPolicy.plan(part)), new short[0]);
      try {
        open(portal);
        if (portal.cursor != null) {
          rowDescription(portal);
        }
        run(portal, 0);
      } finally {
        closePortal(portal);
      }
    }
    readyForQuery();
  }

  private void parse(MessageReader message) throws IOException {
    String name = message.readString();
    String sql = message.readString();
    int count = message.readCount(4);
    int[] types = new int[count];
    for (int i = 0; i < count; i++) {
      types[i] = message.readInt();
    }
    if (!name.isEmpty() && statements.containsKey(name)) {
      throw PgError.error(
          SqlStates.DUPLICATE_PREPARED_STATEMENT, "prepared statement \"%s\" already exists", name);
    }
    List<String> parts = SqlText.split(sql);
    if (parts.size() > 1) {
      throw PgError.error(
          SqlStates.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
    }
    Optional<StatementPolicy.Plan> plan =
        parts.isEmpty() ? Optional.empty() : Optional.of(StatementPolicy.plan(parts.get(0)));
    int needed = parts.isEmpty() ? 0 : SqlText.parameterCount(parts.get(0));
    int[] all = new int[Math.max(needed, count)];
    System.arraycopy(types, 0, all, 0, count);
    statements.put(name, new Prepared(parts.isEmpty() ? "" : parts.get(0), plan, all));
    out.send('1');
  }

  private void bind(MessageReader message) throws IOException {
    String portalName = message.readString();
    String statementName = message.readString();
    Prepared prepared = statements.get(statementName);
    if (prepared == null) {
      throw PgError.error(
          SqlStates.INVALID_STATEMENT_NAME,
          "prepared statement \"%s\" does not exist",
          statementName);
    }
    int formatCount = message.readCount(2);
    short[] formats = new short[formatCount];
    for (int i = 0; i < formatCount; i++) {
      formats[i] = message.readShort();
    }
    int parameterCount = message.readCount(4);
    if (parameterCount != prepared.parameterTypes().length) {
      throw PgError.error(
          SqlStates.PROTOCOL_VIOLATION,
          "bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
          parameterCount,
          statementName,
          prepared.parameterTypes().length);
    }
    if (formatCount > 1 && formatCount != parameterCount) {
      throw PgError.protocol(
          "bind message has %d parameter formats but %d parameters", formatCount, parameterCount);
    }
    List<String> literals = new ArrayList<>(parameterCount);
    for (int i = 0; i < parameterCount; i++) {
      int length = message.readInt();
      PgType type = PgType.ofOid(prepared.parameterTypes()[i]);
      if (length == -1) {
        literals.add("NULL");
        continue;
      }
      byte[] value = message.readBytes(length);
      int format = formatCount == 0 ? 0 : formats[formatCount == 1 ? 0 : i];
      String text =
          format == 1 ? type.binaryParameterText(value) : new String(value, StandardCharsets.UTF_8);
      literals.add(SqlText.literal(text, type));
    }
    int resultCount = message.readCount(2);
    short[] resultFormats = new short[resultCount];
    for (int i = 0; i < resultCount; i++) {
      resultFormats[i] = message.readShort();
    }
    Optional<StatementPolicy.Plan> plan = prepared.plan();
    if (plan.isPresent() && plan.get() instanceof StatementPolicy.Read read) {
      plan = Optional.of(new StatementPolicy.Read(SqlText.bind(read.sql(), literals), read.tag()));
    }
    Portal previous = portals.put(portalName, new Portal(plan, resultFormats));
    if (previous != null) {
      closePortal(previous);
    }
    out.send('2');
  }

  private void describe(MessageReader message) throws IOException {
    byte kind = message.readByte();
    String name = message.readString();
    if (kind == 'S') {
      Prepared prepared = statements.get(name);
      if (prepared == null) {
        throw PgError.error(
            SqlStates.INVALID_STATEMENT_NAME, "prepared statement \"%s\" does not exist", name);
      }
      out.int16(prepared.parameterTypes().length);
      for (int type : prepared.parameterTypes()) {
        out.int32(type == 0 ? PgType.TEXT.oid : type);
      }
      out.send('t');
      Optional<StatementPolicy.Plan> plan = prepared.plan();
      if (plan.isPresent() && plan.get() instanceof StatementPolicy.Read read) {
        // The columns of a statement with parameters: its result with every parameter NULL.
        List<String> nulls =
            java.util.Collections.nCopies(prepared.parameterTypes().length, "NULL");
        plan = Optional.of(new StatementPolicy.Read(SqlText.bind(read.sql(), nulls), read.tag()));
      }
      Portal probe = new Portal(plan, new short[0]);
      try {
        open(probe);
        if (probe.cursor == null) {
          out.send('n');
        } else {
          rowDescription(probe);
        }
      } finally {
        closePortal(probe);
      }
    } else if (kind == 'P') {
      Portal portal = portal(name);
      open(portal);
      if (portal.cursor == null) {
        out.send('n');
      } else {
        rowDescription(portal);
      }
    } else {
      throw PgError.protocol("invalid Describe kind '%s'", (char) kind);
    }
  }

  private void execute(MessageReader message) throws IOException {
    Portal portal = portal(message.readString());
    int maxRows = message.readInt();
    open(portal);
    if (run(portal, Math.max(0, maxRows))) {
      out.send('s');
    }
  }

  private void close(MessageReader message) throws IOException {
    byte kind = message.readByte();
    String name = message.readString();
    if (kind == 'S') {
      statements.remove(name);
    } else if (kind == 'P') {
      Portal portal = portals.remove(name);
      if (portal != null) {
        closePortal(portal);
      }
    } else {
      throw PgError.protocol("invalid Close kind '%s'", (char) kind);
    }
    out.send('3');
  }

  private void sync() throws IOException {
    ignoreTillSync = false;
    if (!inTransaction) {
      closePortals();
    }
    readyForQuery();
  }

  private Portal portal(String name) {
    Portal portal = portals.get(name);
    if (portal == null) {
      throw PgError.error(SqlStates.INVALID_CURSOR_NAME, "portal \"%s\" does not exist", name);
    }
    return portal;
  }

  // ---- running statements

  /** Starts the portal's statement, once; a command or an empty statement has no cursor. */
  private void open(Portal portal) {
    if (portal.cursor != null || portal.plan.isEmpty()) {
      return;
    }
    StatementPolicy.Plan plan = portal.plan.get();
    ResultCursor cursor;
    if (plan instanceof StatementPolicy.Fixed fixed) {
      cursor = new FixedCursor(fixed.column(), fixed.value());
    } else if (plan instanceof StatementPolicy.Read read) {
      try {
        cursor = backend.execute(read.sql(), settings.maxRowsPerResult());
      } catch (PgError e) {
        throw e;
      } catch (RuntimeException e) {
        throw backendError(e);
      }
    } else {
      return;
    }
    List<String> names = cursor.columnNames();
    List<String> duckTypes = cursor.columnTypes();
    List<PgType> types = new ArrayList<>(names.size());
    boolean[] binary = new boolean[names.size()];
    for (int i = 0; i < names.size(); i++) {
      PgType type = PgType.ofDuckDb(i < duckTypes.size() ? duckTypes.get(i) : "VARCHAR");
      types.add(type);
      short[] formats = portal.resultFormats;
      int format = formats.length == 0 ? 0 : formats[formats.length == 1 ? 0 : i % formats.length];
      binary[i] = format == 1 && type.binary;
    }
    portal.cursor = cursor;
    portal.types = types;
    portal.binary = binary;
  }

  private void rowDescription(Portal portal) throws IOException {
    List<String> names = portal.cursor.columnNames();
    out.int16(names.size());
    for (int i = 0; i < names.size(); i++) {
      PgType type = portal.types.get(i);
      out.string(names.get(i))
          .int32(0)
          .int16(0)
          .int32(type.oid)
          .int16(type.length)
          .int32(-1)
          .int16(portal.binary[i] ? 1 : 0);
    }
    out.send('T');
  }

  /**
   * Sends the portal's rows (at most {@code limit}, 0 for all) and its command tag.
   *
   * @return whether rows remain (the portal is suspended)
   */
  private boolean run(Portal portal, int limit) throws IOException {
    if (portal.plan.isEmpty()) {
      out.send('I');
      return false;
    }
    StatementPolicy.Plan plan = portal.plan.get();
    if (plan instanceof StatementPolicy.Command command) {
      switch (command.transaction()) {
        case BEGIN -> inTransaction = true;
        case END -> inTransaction = false;
        case NONE -> {}
      }
      out.string(command.tag()).send('C');
      return false;
    }
    ResultCursor cursor = portal.cursor;
    cancelRequested = false;
    running = cursor;
    try {
      int sentNow = 0;
      while (true) {
        if (cancelRequested) {
          throw PgError.error(SqlStates.QUERY_CANCELED, "canceling statement due to user request");
        }
        List<Object> row = portal.lookahead != null ? portal.lookahead : next(cursor);
        portal.lookahead = null;
        if (row == null) {
          break;
        }
        if (limit > 0 && sentNow == limit) {
          portal.lookahead = row;
          return true;
        }
        if (portal.sent == settings.maxRowsPerResult()) {
          throw PgError.error(
              SqlStates.PROGRAM_LIMIT_EXCEEDED,
              "the result has more than %d rows, the most the SQL endpoint sends for one"
                  + " statement (serve.sql-max-rows); add a LIMIT or aggregate",
              settings.maxRowsPerResult());
        }
        dataRow(portal, row);
        portal.sent++;
        sentNow++;
      }
    } finally {
      running = null;
    }
    String tag =
        plan instanceof StatementPolicy.Fixed fixed
            ? fixed.tag()
            : ((StatementPolicy.Read) plan).tag();
    out.string(tag.equals("SELECT") ? "SELECT " + portal.sent : tag).send('C');
    return false;
  }

  private List<Object> next(ResultCursor cursor) {
    try {
      return cursor.next().orElse(null);
    } catch (PgError e) {
      throw e;
    } catch (RuntimeException e) {
      throw backendError(e);
    }
  }

  private void dataRow(Portal portal, List<Object> row) throws IOException {
    int columns = portal.types.size();
    out.int16(columns);
    for (int i = 0; i < columns; i++) {
      Object value = i < row.size() ? row.get(i) : null;
      if (value == null) {
        out.int32(-1);
        continue;
      }
      PgType type = portal.types.get(i);
      byte[] bytes = portal.binary[i] ? type.binary(value) : type.text(value);
      out.int32(bytes.length).bytes(bytes);
    }
    out.send('D');
  }

  private PgError backendError(RuntimeException e) {
    if (cancelRequested) {
      return PgError.error(SqlStates.QUERY_CANCELED, "canceling statement due to user request");
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return PgError.error(SqlStates.ofBackendMessage(message), message);
  }

  private void closePortal(Portal portal) {
    if (portal.cursor != null) {
      try {
        portal.cursor.close();
      } catch (RuntimeException e) {
        LOG.debug("Cannot close a result of SQL endpoint connection {}", processId, e);
      }
      portal.cursor = null;
    }
  }

  private void closePortals() {
    for (Portal portal : portals.values()) {
      closePortal(portal);
    }
    portals.clear();
  }

  private void sendError(PgError e) {
    try {
      String severity = e.fatal ? "FATAL" : "ERROR";
      out.int8('S').string(severity);
      out.int8('V').string(severity);
      out.int8('C').string(e.sqlState);
      out.int8('M').string(e.getMessage());
      out.int8(0).send('E');
    } catch (IOException io) {
      throw new Closed();
    }
  }

  /** The one-row answer of a statement the endpoint answers itself. */
  private static final class FixedCursor implements ResultCursor {
    private final String column;
    private final String value;
    private boolean read;

    FixedCursor(String column, String value) {
      this.column = column;
      this.value = value;
    }

    @Override
    public List<String> columnNames() {
      return List.of(column);
    }

    @Override
    public List<String> columnTypes() {
      return List.of("VARCHAR");
    }

    @Override
    public Optional<List<Object>> next() {
      if (read) {
        return Optional.empty();
      }
      read = true;
      return Optional.of(List.of(value));
    }

    @Override
    public void close() {}
  }
}
