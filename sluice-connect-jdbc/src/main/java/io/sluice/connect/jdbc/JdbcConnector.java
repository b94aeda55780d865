package io.sluice.connect.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.api.Secrets;
import io.sluice.api.SluiceException;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.config.DidYouMean;
import io.sluice.connect.jdbc.ColumnValues.Kind;
import io.sluice.connect.jdbc.CursorMark.Range;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads one table or query over JDBC. Each run is one split: the whole relation (full refresh), or
 * the rows whose cursor lies between the committed high-water mark (less the lookback) and the
 * current one (incremental). One connection is opened on first use and kept until {@link #close}.
 */
final class JdbcConnector implements SourceConnector {
  private static final String FULL_REFRESH = "full-refresh:";
  private static final JsonFactory JSON = new JsonFactory();

  private final SourceContext context;
  private final JdbcOptions options;
  private final String safeUrl;
  private Connection connection;
  private boolean textTimestamps;

  JdbcConnector(SourceContext context, JdbcOptions options) {
    this.context = context;
    this.options = options;
    this.safeUrl = JdbcUrls.redact(options.url());
  }

  @Override
  public SplitPlan plan(Map<String, String> committed) {
    String key = options.relation();
    String previous = committed.get(key);
    if (options.mode() == JdbcOptions.Mode.FULL_REFRESH) {
      long run = 1;
      if (previous != null && previous.startsWith(FULL_REFRESH)) {
        try {
          run = Long.parseLong(previous.substring(FULL_REFRESH.length())) + 1;
        } catch (NumberFormatException e) {
          run = 1; // a position of another mode: full refresh reads everything anyway
        }
      }
      return new SplitPlan(List.of(new Split(key, FULL_REFRESH + run, safeUrl, 0)), List.of());
    }
    Optional<CursorMark> from =
        previous == null
            ? Optional.empty()
            : Optional.of(Range.decode(context.sourceName(), previous, options.cursor()).to());
    Optional<CursorMark> to = highWaterMark();
    if (to.isEmpty() || from.isPresent() && !to.get().isAbove(from.get())) {
      if (from.isPresent() && (to.isEmpty() || from.get().isAbove(to.get()))) {
        // the table went back (rows deleted, the cursor lowered): say so, never silently
        return new SplitPlan(
            List.of(),
            List.of(
                "Source '"
                    + context.sourceName()
                    + "': the high-water mark of cursor "
                    + options.cursor()
                    + " in "
                    + describe()
                    + " is "
                    + to.map(m -> m.values().toString()).orElse("empty (no rows)")
                    + ", below the committed "
                    + from.get().values()
                    + "; nothing is read until rows pass the committed mark (reset the source's"
                    + " state to read the table again)"));
      }
      return new SplitPlan(List.of(), List.of());
    }
    if (!options.lookback().isZero()) {
      to.get().firstLessLookback(options.lookback()); // fails early for a numeric first column
    }
    Range range = new Range(options.cursor(), from, to.get());
    return new SplitPlan(List.of(new Split(key, range.encode(), safeUrl, 0)), List.of());
  }

  /** The greatest cursor tuple now in the relation, or empty when it has no rows with a cursor. */
  private Optional<CursorMark> highWaterMark() {
    Connection db = connection();
    List<String> columns = options.cursor();
    List<Kind> kinds = new ArrayList<>();
    List<String> values = new ArrayList<>();
    try {
      for (int i = 0; i < columns.size(); i++) {
        StringBuilder sql =
            new StringBuilder("SELECT MAX(")
                .append(columns.get(i))
                .append(") FROM ")
                .append(relationSql());
        for (int j = 0; j < i; j++) {
          sql.append(j == 0 ? " WHERE " : " AND ").append(columns.get(j)).append(" = ?");
        }
        try (PreparedStatement statement = db.prepareStatement(sql.toString())) {
          for (int j = 0; j < i; j++) {
            CursorMark.bind(statement, j + 1, kinds.get(j), values.get(j));
          }
          try (ResultSet rows = statement.executeQuery()) {
            rows.next();
            Kind kind = cursorKind(rows);
            Optional<String> value = CursorMark.read(rows, kind);
            if (value.isEmpty()) {
              db.rollback();
              return Optional.empty();
            }
            kinds.add(kind);
            values.add(value.get());
          }
        }
      }
      db.rollback();
    } catch (SQLException e) {
      throw failed("find the high-water mark of cursor " + columns, e);
    }
    return Optional.of(new CursorMark(columns, kinds, values));
  }

  private Kind cursorKind(ResultSet rows) throws SQLException {
    if (textTimestamps) {
      // SQLite types values, not columns: MAX() is text, an integer or a real
      Object value = rows.getObject(1);
      if (value instanceof Integer || value instanceof Long) {
        return Kind.BIGINT;
      }
      if (value instanceof Number) {
        return Kind.DOUBLE;
      }
      return Kind.TEXT;
    }
    return ColumnValues.kind(rows.getMetaData(), 1);
  }

  @Override
  public Optional<NativeFormat> nativeFormat(Split split) {
    return Optional.empty();
  }

  @Override
  public void read(Split split, RecordSink sink) {
    Connection db = connection();
    StringBuilder sql = new StringBuilder("SELECT * FROM ").append(relationSql());
    List<Parameter> parameters = new ArrayList<>();
    if (options.mode() == JdbcOptions.Mode.INCREMENTAL) {
      Range range = Range.decode(context.sourceName(), split.position(), options.cursor());
      List<String> conditions = new ArrayList<>();
      if (range.from().isPresent()) {
        CursorMark from = range.from().get();
        if (options.lookback().isZero()) {
          conditions.add(tupleCondition(from, ">", parameters));
        } else {
          conditions.add(options.cursor().get(0) + " >= ?");
          parameters.add(
              new Parameter(from.kinds().get(0), from.firstLessLookback(options.lookback())));
        }
      }
      conditions.add(tupleCondition(range.to(), "<=", parameters));
      sql.append(" WHERE ").append(String.join(" AND ", conditions));
      sql.append(" ORDER BY ").append(String.join(", ", options.cursor()));
    }
    try (PreparedStatement statement =
        db.prepareStatement(
            sql.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      statement.setFetchSize(options.fetchSize());
      for (int i = 0; i < parameters.size(); i++) {
        Parameter parameter = parameters.get(i);
        CursorMark.bind(statement, i + 1, parameter.kind(), parameter.value());
      }
      try (ResultSet rows = statement.executeQuery()) {
        readRows(rows, sink);
      }
      db.rollback();
    } catch (SQLException e) {
      try {
        db.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw failed("read " + describe(), e);
    }
  }

  /**
   * The condition that the cursor tuple is {@code op} ({@code >} or {@code <=}) the mark, written
   * out column by column (row-value comparison is not in every database).
   */
  private static String tupleCondition(CursorMark mark, String op, List<Parameter> parameters) {
    String strict = op.equals(">") ? ">" : "<";
    List<String> alternatives = new ArrayList<>();
    List<String> columns = mark.columns();
    for (int i = 0; i < columns.size(); i++) {
      List<String> terms = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        terms.add(columns.get(j) + " = ?");
        parameters.add(new Parameter(mark.kinds().get(j), mark.values().get(j)));
      }
      terms.add(columns.get(i) + " " + strict + " ?");
      parameters.add(new Parameter(mark.kinds().get(i), mark.values().get(i)));
      alternatives.add("(" + String.join(" AND ", terms) + ")");
    }
    if (op.equals("<=")) {
      List<String> terms = new ArrayList<>();
      for (int j = 0; j < columns.size(); j++) {
        terms.add(columns.get(j) + " = ?");
        parameters.add(new Parameter(mark.kinds().get(j), mark.values().get(j)));
      }
      alternatives.add("(" + String.join(" AND ", terms) + ")");
    }
    return "(" + String.join(" OR ", alternatives) + ")";
  }

  /** A value bound to a query parameter. */
  private record Parameter(Kind kind, String value) {}

  private void readRows(ResultSet rows, RecordSink sink) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    int count = meta.getColumnCount();
    String[] names = new String[count];
    Kind[] kinds = new Kind[count];
    for (int i = 0; i < count; i++) {
      names[i] = meta.getColumnLabel(i + 1);
      kinds[i] = ColumnValues.kind(meta, i + 1);
    }
    int[] fieldColumns = fieldColumns(names);
    String[] converted = new String[count];
    StringWriter buffer = new StringWriter();
    long position = 0;
    while (rows.next()) {
      position++;
      String problem = null;
      for (int i = 0; i < count; i++) {
        try {
          converted[i] = ColumnValues.read(rows, i + 1, kinds[i], textTimestamps);
        } catch (SQLException | RuntimeException e) {
          converted[i] = rawText(rows, i + 1);
          if (problem == null) {
            problem =
                "column '"
                    + names[i]
                    + "' ("
                    + String.valueOf(meta.getColumnTypeName(i + 1)).toLowerCase(Locale.ROOT)
                    + "): cannot convert "
                    + (converted[i] == null ? "its value" : "'" + converted[i] + "'")
                    + ": "
                    + e.getMessage();
          }
        }
      }
      String original = original(buffer, names, kinds, converted, problem != null);
      if (problem != null) {
        sink.malformed(position, original, problem);
        continue;
      }
      String[] values = new String[fieldColumns.length];
      for (int f = 0; f < fieldColumns.length; f++) {
        values[f] = fieldColumns[f] < 0 ? null : converted[fieldColumns[f]];
      }
      sink.record(position, original, values);
    }
  }

  private static String rawText(ResultSet rows, int index) {
    try {
      return rows.getString(index);
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }

  /** The row as a JSON object, numbers and booleans unquoted. */
  private static String original(
      StringWriter buffer, String[] names, Kind[] kinds, String[] values, boolean asText) {
    buffer.getBuffer().setLength(0);
    try (JsonGenerator json = JSON.createGenerator(buffer)) {
      json.writeStartObject();
      for (int i = 0; i < names.length; i++) {
        json.writeFieldName(names[i]);
        String value = values[i];
        if (value == null) {
          json.writeNull();
        } else if (!asText && kinds[i].numeric && isJsonNumber(value)) {
          json.writeNumber(value);
        } else if (!asText && kinds[i] == Kind.BOOLEAN) {
          json.writeBoolean(Boolean.parseBoolean(value));
        } else {
          json.writeString(value);
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toString();
  }

  private static boolean isJsonNumber(String value) {
    return !value.equals("NaN") && !value.contains("Infinity");
  }

  /** For each declared field, the index of its column, or -1 for an optional field not there. */
  private int[] fieldColumns(String[] names) {
    List<SourceField> fields = context.fields();
    int[] indexes = new int[fields.size()];
    for (int f = 0; f < fields.size(); f++) {
      String path = fields.get(f).path();
      int found = -1;
      for (int i = 0; i < names.length && found < 0; i++) {
        if (names[i].equals(path)) {
          found = i;
        }
      }
      for (int i = 0; i < names.length && found < 0; i++) {
        if (names[i].equalsIgnoreCase(path)) {
          found = i;
        }
      }
      if (found < 0 && !fields.get(f).optional()) {
        throw SluiceException.user(
            "Source '%s': column '%s' is not in %s (it has %s)%s",
            context.sourceName(),
            path,
            describe(),
            String.join(", ", names),
            DidYouMean.hint(path, List.of(names)));
      }
      indexes[f] = found;
    }
    return indexes;
  }

  @Override
  public Optional<List<ObservedField>> observe(Split split) {
    Connection db = connection();
    String sql = "SELECT * FROM " + relationSql() + " WHERE 1 = 0";
    try (PreparedStatement statement = db.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      ResultSetMetaData meta = rows.getMetaData();
      List<ObservedField> fields = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        Kind kind = ColumnValues.kind(meta, i);
        fields.add(
            new ObservedField(meta.getColumnLabel(i), ColumnValues.observedType(meta, i, kind)));
      }
      db.rollback();
      return Optional.of(fields);
    } catch (SQLException e) {
      throw failed("read the columns of " + describe(), e);
    }
  }

  @Override
  public List<Split> sample(int max) {
    return max < 1 ? List.of() : List.of(new Split(options.relation(), "", safeUrl, 0));
  }

  @Override
  public void close() {
    Connection open = connection;
    connection = null;
    if (open != null) {
      try {
        open.close();
      } catch (SQLException e) {
        throw SluiceException.external(
            "Cannot close the connection of source '" + context.sourceName() + "' to " + safeUrl,
            e);
      }
    }
  }

  /** Whether a connection is open, for tests. */
  boolean isOpen() {
    return connection != null;
  }

  private String relationSql() {
    return options.table().orElseGet(() -> "(" + options.query().orElseThrow() + ") sluice_query");
  }

  private String describe() {
    return options.table().map(t -> "table " + t).orElse("the query") + " at " + safeUrl;
  }

  private SluiceException failed(String what, SQLException e) {
    return SluiceException.external(
        "Cannot "
            + what
            + " for source '"
            + context.sourceName()
            + "': "
            + JdbcUrls.redact(String.valueOf(e.getMessage())),
        e);
  }

  private Connection connection() {
    if (connection != null) {
      return connection;
    }
    Properties properties = new Properties();
    properties.putAll(options.properties());
    options.user().ifPresent(user -> properties.setProperty("user", user));
    password().ifPresent(password -> properties.setProperty("password", password));
    String url = localUrl(options.url());
    if (url.startsWith("jdbc:mysql:") && !properties.containsKey("useCursorFetch")) {
      // MySQL Connector/J streams with a fetch size only through server-side cursors
      properties.setProperty("useCursorFetch", "true");
    }
    Connection opened;
    try {
      opened = DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      if ("08001".equals(e.getSQLState()) && e.getMessage().startsWith("No suitable driver")) {
        throw SluiceException.user(
            "Source '%s': no JDBC driver on the class path accepts url %s (Sluice ships the"
                + " PostgreSQL, MariaDB and SQLite drivers; add others to the class path)",
            context.sourceName(), safeUrl);
      }
      throw SluiceException.external(
          "Cannot connect source '"
              + context.sourceName()
              + "' to "
              + safeUrl
              + options.user().map(u -> " as user '" + u + "'").orElse("")
              + ": "
              + JdbcUrls.redact(String.valueOf(e.getMessage())),
          e);
    }
    try {
      // PostgreSQL streams through a server-side cursor only outside autocommit; elsewhere a
      // read-only transaction per read is harmless and ends with a rollback
      opened.setAutoCommit(false);
      textTimestamps = opened.getMetaData().getURL().startsWith("jdbc:sqlite:");
    } catch (SQLException e) {
      try {
        opened.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw failed("set up the connection to " + safeUrl, e);
    }
    connection = opened;
    return opened;
  }

  /** A SQLite URL with a relative path, resolved against the project. */
  private String localUrl(String url) {
    String prefix = "jdbc:sqlite:";
    if (!url.startsWith(prefix)) {
      return url;
    }
    String rest = url.substring(prefix.length());
    if (rest.isEmpty() || rest.startsWith(":") || rest.startsWith("file:")) {
      return url;
    }
    Path path = Path.of(rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest);
    if (path.isAbsolute()) {
      return url;
    }
    return prefix + context.projectDirectory().resolve(rest).toAbsolutePath();
  }

  private Optional<String> password() {
    if (options.passwordEnv().isEmpty() && options.passwordFile().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Secrets.read(
            "Source '" + context.sourceName() + "'",
            "jdbc.password",
            context.sourceFile().toString(),
            "the password of the database user",
            options.passwordEnv(),
            options.passwordFile().map(context.projectDirectory()::resolve),
            context.environment()));
  }
}
