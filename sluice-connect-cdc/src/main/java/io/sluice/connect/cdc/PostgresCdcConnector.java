package io.sluice.connect.cdc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.api.SluiceException;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.connect.cdc.CdcOptions.Snapshot;
import io.sluice.connect.cdc.CdcOptions.TableName;
import io.sluice.connect.cdc.PgOutput.Change;
import io.sluice.connect.cdc.PgOutput.Column;
import io.sluice.connect.cdc.PgOutput.Kind;
import io.sluice.connect.cdc.PgOutput.Op;
import io.sluice.connect.cdc.PgOutput.Relation;
import io.sluice.connect.cdc.PgOutput.Tuple;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * A {@code cdc} source on PostgreSQL. All of a source's changes are one split, key {@value
 * #SPLIT_KEY}, whose position is the log sequence number (LSN) after the last transaction the batch
 * includes (the end of its commit record).
 *
 * <p>The changes are read with {@code pg_logical_slot_peek_binary_changes}, which decodes the
 * slot's changes with {@code pgoutput} without consuming them: reading a split again (after a crash
 * before the lake commit) gives the same changes, and the slot lets go of the log only in {@link
 * #committed}, through {@code pg_replication_slot_advance}, once the lake holds the batch.
 * Transactions that end at or before the committed LSN are left out when the slot is behind it (a
 * crash between the lake commit and the advance).
 *
 * <p>The first batch of a source with nothing landed is, with {@code snapshot: initial}, the
 * tables' rows as of the slot's consistent point, position {@value #SNAPSHOT_POSITION}: when the
 * split is read, the slot is created over a replication connection that exports its snapshot, and
 * the rows are read in a REPEATABLE READ transaction on that snapshot while the replication
 * connection stays open (until the batch is committed or the connector closed). A snapshot split
 * read again after a crash (nothing of it landed) drops the slot and takes a new snapshot.
 */
final class PostgresCdcConnector implements SourceConnector {
  static final String SPLIT_KEY = "wal";
  private static final String SNAPSHOT_PREFIX = "snapshot:";
  private static final String CHANGES_PREFIX = "changes:";
  private static final Pattern CHANGES =
      Pattern.compile("changes:([a-z0-9_]+)@([0-9A-F]+/[0-9A-F]+)\\.\\.([0-9A-F]+/[0-9A-F]+)");
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot:([a-z0-9_]+)");

  /**
   * The position of the snapshot batch: the slot that exported the landed snapshot is at its
   * consistent point until the next batch lands, so the stream goes on from the slot.
   */
  static final String SNAPSHOT_POSITION = "snapshot";

  private static final String OBJECT_IN_USE = "55006";
  private static final int FETCH_SIZE = 10_000;
  private static final int BUSY_SLOT_TRIES = 60;
  private static final long BUSY_SLOT_WAIT_MILLIS = 500;
  private static final JsonFactory JSON = new JsonFactory();

  private final String source;
  private final CdcOptions options;
  private final List<SourceField> fields;
  private final Set<String> tables = new HashSet<>();
  private Connection sql; // plan, peek, advance, snapshot reads; null until first used
  private ExportedSnapshot exported; // the snapshot of a slot this connector created, until landed
  private boolean closed;

  /** A replication connection that keeps the snapshot of the slot it created alive. */
  private record ExportedSnapshot(Connection replication, String name, LogSequenceNumber lsn) {}

  PostgresCdcConnector(SourceContext context, CdcOptions options) {
    this.source = context.sourceName();
    this.options = requireNonNull(options, "options is null");
    this.fields = context.fields();
    options.tables().forEach(table -> tables.add(table.toString()));
  }

  // ---- planning

  @Override
  public SplitPlan plan(Map<String, String> committed) {
    requireNonNull(committed, "committed is null");
    checkOpen();
    String position = committed.get(SPLIT_KEY);
    try {
      Connection connection = sql();
      publication(connection);
      if (position == null && options.snapshot() == Snapshot.INITIAL) {
        return snapshotPlan(connection);
      }
      if (position != null) {
        // The snapshot batch landed (committed may not have been called): end the exported
        // snapshot, which keeps the server from vacuuming rows it still sees.
        closeExported();
      }
      Optional<LogSequenceNumber> slot = confirmedFlush(connection);
      LogSequenceNumber from;
      if (position == null) {
        if (slot.isEmpty()) {
          createSlot(connection);
          slot = confirmedFlush(connection);
        }
        from = slot.orElseThrow();
      } else if (position.equals(SNAPSHOT_POSITION)) {
        from =
            slot.orElseThrow(
                () ->
                    SluiceException.external(
                        String.format(
                            "Source '%s': the replication slot %s does not exist, but the lake"
                                + " holds its snapshot: the changes after it are lost. Drop the"
                                + " source's tables and its committed position to start again"
                                + " from a snapshot",
                            source, options.slot()),
                        null));
      } else {
        from = lsn(position);
        if (slot.isEmpty()) {
          throw SluiceException.external(
              String.format(
                  "Source '%s': the replication slot %s does not exist, but the lake holds changes"
                      + " up to LSN %s: the changes after them are lost. Drop the source's tables"
                      + " and its committed position to start again from a snapshot",
                  source, options.slot(), position),
              null);
        }
        int order = slot.get().compareTo(from);
        if (order > 0) {
          throw SluiceException.external(
              String.format(
                  "Source '%s': the replication slot %s is at LSN %s, past the LSN %s the lake"
                      + " holds: another reader consumed changes this source never landed",
                  source, options.slot(), slot.get().asString(), position),
              null);
        }
        if (order < 0) {
          // The lake commit of the last batch happened, the slot's advance did not (a crash).
          advance(connection, from);
        }
      }
      Optional<LogSequenceNumber> end = lastCommitEnd(connection);
      if (end.isEmpty()) {
        return new SplitPlan(List.of(), List.of());
      }
      return new SplitPlan(
          List.of(
              new Split(
                  SPLIT_KEY,
                  end.get().asString(),
                  CHANGES_PREFIX
                      + options.slot()
                      + "@"
                      + from.asString()
                      + ".."
                      + end.get().asString(),
                  0)),
          List.of());
    } catch (SQLException e) {
      throw failure("cannot plan the next changes of slot " + options.slot(), e);
    }
  }

  /**
   * The split of the initial snapshot. The slot is made when the split is read: a batch that did
   * not land is read again after a crash, and its snapshot is then taken anew (nothing of it
   * landed).
   */
  private SplitPlan snapshotPlan(Connection connection) throws SQLException {
    if (!options.create()) {
      throw SluiceException.user(
          "Source '%s': snapshot is initial but cdc.create is false: a consistent snapshot is"
              + " exported only when Sluice creates the slot; set create: true, or snapshot:"
              + " never with a slot you created",
          source);
    }
    return new SplitPlan(
        List.of(new Split(SPLIT_KEY, SNAPSHOT_POSITION, SNAPSHOT_PREFIX + options.slot(), 0)),
        List.of());
  }

  /**
   * Creates the slot, exporting its snapshot; a slot of the same name is dropped first: nothing is
   * landed yet, so it is left from a first batch that did not land.
   */
  private ExportedSnapshot takeSnapshot(Connection connection) throws SQLException {
    if (confirmedFlush(connection).isPresent()) {
      dropSlot(connection);
    }
    return createSlotWithSnapshot();
  }

  /** The end of the last whole transaction within about max-changes-per-batch changes. */
  private Optional<LogSequenceNumber> lastCommitEnd(Connection connection) throws SQLException {
    String query =
        "SELECT data FROM pg_logical_slot_peek_binary_changes(?, NULL, ?, 'proto_version', '1',"
            + " 'publication_names', ?) WHERE get_byte(data, 0) = 67";
    long end = 0;
    boolean any = false;
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      statement.setString(1, options.slot());
      statement.setInt(2, options.maxChangesPerBatch());
      statement.setString(3, options.publication());
      try (ResultSet rows = executeRetrying(statement)) {
        while (rows.next()) {
          PgOutput.Commit commit = (PgOutput.Commit) PgOutput.decode(rows.getBytes(1));
          if (!any || Long.compareUnsigned(commit.endLsn(), end) > 0) {
            end = commit.endLsn();
          }
          any = true;
        }
      }
    }
    return any ? Optional.of(LogSequenceNumber.valueOf(end)) : Optional.empty();
  }

  @Override
  public Optional<NativeFormat> nativeFormat(Split split) {
    return Optional.empty();
  }

  /**
   * The captured tables' columns, in table and column order, each of type {@code text} (values
   * reach Sluice as PostgreSQL's text form, as a CSV file's do).
   */
  @Override
  public Optional<List<ObservedField>> observe(Split split) {
    requireNonNull(split, "split is null");
    checkOpen();
    try {
      Connection connection = sql();
      Map<String, ObservedField> observed = new LinkedHashMap<>();
      for (TableName table : options.tables()) {
        for (Column column : columns(connection, table)) {
          observed.putIfAbsent(column.name(), new ObservedField(column.name(), "text"));
        }
      }
      return Optional.of(List.copyOf(observed.values()));
    } catch (SQLException e) {
      throw failure("cannot read the columns of " + tableList(), e);
    }
  }

  // ---- reading

  @Override
  public void read(Split split, RecordSink sink) {
    requireNonNull(split, "split is null");
    requireNonNull(sink, "sink is null");
    checkOpen();
    Matcher snapshot = SNAPSHOT.matcher(split.location());
    Matcher changes = CHANGES.matcher(split.location());
    try {
      if (snapshot.matches() && snapshot.group(1).equals(options.slot())) {
        readSnapshot(sink);
      } else if (changes.matches() && changes.group(1).equals(options.slot())) {
        readChanges(lsn(changes.group(2)), lsn(changes.group(3)), sink);
      } else {
        throw SluiceException.internal(
            "Source '" + source + "': not a split of slot " + options.slot() + ": " + split, null);
      }
    } catch (SQLException e) {
      throw failure("cannot read " + split.location(), e);
    }
  }

  private void readSnapshot(RecordSink sink) throws SQLException {
    if (exported == null) {
      exported = takeSnapshot(sql());
    }
    LogSequenceNumber lsn = exported.lsn();
    Connection connection = sql();
    connection.setAutoCommit(false);
    try {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET TRANSACTION SNAPSHOT '" + exported.name() + "'");
      }
      long position = 0;
      for (TableName table : options.tables()) {
        List<Column> columns = columns(connection, table);
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
          select.append(i == 0 ? "" : ", ").append(TableName.quote(columns.get(i).name()));
          select.append("::text");
        }
        select.append(" FROM ").append(table.quoted());
        Map<String, Integer> index = index(columns);
        try (Statement statement = connection.createStatement()) {
          statement.setFetchSize(FETCH_SIZE);
          try (ResultSet rows = statement.executeQuery(select.toString())) {
            while (rows.next()) {
              String[] row = new String[columns.size()];
              for (int i = 0; i < row.length; i++) {
                row[i] = TextValues.normalize(columns.get(i).typeOid(), rows.getString(i + 1));
              }
              position++;
              String original =
                  json(
                      out -> {
                        out.writeStringField("op", "snapshot");
                        out.writeStringField("table", table.toString());
                        out.writeStringField("lsn", lsn.asString());
                        writeRow(out, "row", columns, row, null, false);
                      });
              sink.record(position, original, values(index, row));
            }
          }
        }
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /** The table's columns in order, with their types; the table must exist. */
  private List<Column> columns(Connection connection, TableName table) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT a.attname, a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid ="
                + " a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
                + " AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY"
                + " a.attnum")) {
      statement.setString(1, table.schema());
      statement.setString(2, table.table());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new Column(rows.getString(1), rows.getInt(2), false));
        }
      }
    }
    if (columns.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': table %s named in cdc.tables does not exist", source, table);
    }
    return columns;
  }

  private void readChanges(LogSequenceNumber from, LogSequenceNumber end, RecordSink sink)
      throws SQLException {
    Connection connection = sql();
    connection.setAutoCommit(false);
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT lsn, data FROM pg_logical_slot_peek_binary_changes(?, ?::pg_lsn, NULL,"
                + " 'proto_version', '1', 'publication_names', ?)")) {
      statement.setFetchSize(FETCH_SIZE);
      statement.setString(1, options.slot());
      statement.setString(2, end.asString());
      statement.setString(3, options.publication());
      Map<Integer, Relation> relations = new HashMap<>();
      Map<Integer, Map<String, Integer>> indexes = new HashMap<>();
      boolean include = false;
      long commitLsn = 0;
      long position = 0;
      try (ResultSet rows = executeRetrying(statement)) {
        while (rows.next()) {
          String lsn = rows.getString(1);
          PgOutput.Message message;
          try {
            message = PgOutput.decode(rows.getBytes(2));
          } catch (IllegalArgumentException e) {
            if (!include) {
              continue;
            }
            position++;
            sink.malformed(
                position,
                "{\"lsn\":\"" + lsn + "\"}",
                "cannot decode the pgoutput message at LSN " + lsn + ": " + e.getMessage());
            continue;
          }
          if (message instanceof Relation relation) {
            relations.put(relation.id(), relation);
            indexes.put(relation.id(), index(relation.columns()));
          } else if (message instanceof PgOutput.Begin begin) {
            // A transaction is in this split when its commit record lies between the two LSNs:
            // one that commits before the committed position is already in the lake.
            include =
                Long.compareUnsigned(begin.finalLsn(), from.asLong()) >= 0
                    && Long.compareUnsigned(begin.finalLsn(), end.asLong()) < 0;
            commitLsn = begin.finalLsn();
          } else if (message instanceof Change change && include) {
            Relation relation = relations.get(change.relation());
            if (relation == null) {
              throw SluiceException.internal(
                  "Source '"
                      + source
                      + "': a change at LSN "
                      + lsn
                      + " names relation "
                      + change.relation()
                      + " before its description",
                  null);
            }
            if (!tables.contains(relation.qualifiedName())) {
              continue; // a table of a shared publication that this source does not capture
            }
            position++;
            deliver(
                position, lsn, commitLsn, relation, indexes.get(change.relation()), change, sink);
          } else if (message instanceof PgOutput.Truncate truncate && include) {
            for (int id : truncate.relations()) {
              Relation relation = relations.get(id);
              String name = relation == null ? "relation " + id : relation.qualifiedName();
              if (relation != null && !tables.contains(name)) {
                continue;
              }
              position++;
              String original =
                  json(
                      out -> {
                        out.writeStringField("op", "truncate");
                        out.writeStringField("table", name);
                        out.writeStringField("lsn", lsn);
                      });
              sink.malformed(position, original, truncated(name, lsn));
            }
          }
        }
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private void deliver(
      long position,
      String lsn,
      long commitLsn,
      Relation relation,
      Map<String, Integer> index,
      Change change,
      RecordSink sink) {
    List<Column> columns = relation.columns();
    String[] before = change.before().map(tuple -> texts(columns, tuple)).orElse(null);
    String[] after = change.after().map(tuple -> texts(columns, tuple)).orElse(null);
    List<String> unknown = new ArrayList<>();
    if (after != null) {
      Tuple tuple = change.after().orElseThrow();
      for (int i = 0; i < after.length && i < tuple.size(); i++) {
        if (tuple.kinds()[i] == Kind.UNCHANGED) {
          // The old row of REPLICA IDENTITY FULL has the value the update kept.
          if (before != null
              && !change.beforeIsKey()
              && change.before().orElseThrow().kinds()[i] == Kind.TEXT) {
            after[i] = before[i];
          } else {
            unknown.add(columns.get(i).name());
          }
        }
      }
    }
    String op = change.op().name().toLowerCase(Locale.ROOT);
    String original =
        json(
            out -> {
              out.writeStringField("op", op);
              out.writeStringField("table", relation.qualifiedName());
              out.writeStringField("lsn", lsn);
              out.writeStringField("commit_lsn", LogSequenceNumber.valueOf(commitLsn).asString());
              if (before != null) {
                writeRow(
                    out,
                    change.beforeIsKey() ? "key" : "before",
                    columns,
                    before,
                    change.before().orElseThrow(),
                    change.beforeIsKey());
              }
              if (after != null) {
                writeRow(
                    out,
                    change.op() == Op.INSERT ? "row" : "after",
                    columns,
                    after,
                    change.after().orElseThrow(),
                    false);
              }
              if (!unknown.isEmpty()) {
                out.writeArrayFieldStart("unchanged_toast");
                for (String name : unknown) {
                  out.writeString(name);
                }
                out.writeEndArray();
              }
            });
    if (change.op() == Op.DELETE) {
      sink.deleted(position, original, values(index, before));
      return;
    }
    Optional<String> missing = missingToast(relation.qualifiedName(), lsn, unknown);
    if (missing.isPresent()) {
      sink.malformed(position, original, missing.get());
      return;
    }
    sink.record(position, original, values(index, after));
  }

  /**
   * Why an update cannot be applied, when PostgreSQL left out unchanged TOASTed values of fields
   * the source reads (merging the row without them would set them to null).
   */
  private Optional<String> missingToast(String table, String lsn, List<String> unknown) {
    List<String> wanted = new ArrayList<>();
    for (String name : unknown) {
      if (fields.stream().anyMatch(field -> field.path().equals(name))) {
        wanted.add(name);
      }
    }
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "the update of "
            + table
            + " at LSN "
            + lsn
            + " did not send the unchanged TOASTed value of "
            + String.join(", ", wanted)
            + "; set REPLICA IDENTITY FULL on the table so that PostgreSQL sends it");
  }

  /**
   * Reads quarantined changes again from the JSON this connector wrote for them: inserts, updates
   * and snapshot rows become records, deletes deletes; a TRUNCATE or an update without its TOASTed
   * values is quarantined again with the same reason.
   */
  @Override
  public void reread(String splitKey, List<Original> originals, RecordSink sink) {
    requireNonNull(sink, "sink is null");
    for (Original original : originals) {
      ChangeText change;
      try {
        change = ChangeText.parse(original.text());
      } catch (IOException | IllegalArgumentException e) {
        sink.malformed(
            original.position(),
            original.text(),
            "not a change the cdc connector wrote: " + e.getMessage());
        continue;
      }
      if (change.op().equals("truncate")) {
        sink.malformed(
            original.position(), original.text(), truncated(change.table(), change.lsn()));
        continue;
      }
      Map<String, String> row =
          switch (change.op()) {
            case "snapshot", "insert" -> change.rows().get("row");
            case "update" -> change.rows().get("after");
            case "delete" -> change.rows().getOrDefault("key", change.rows().get("before"));
            default -> null;
          };
      if (row == null) {
        sink.malformed(
            original.position(),
            original.text(),
            "not a change the cdc connector wrote: no row for op '" + change.op() + "'");
        continue;
      }
      Optional<String> missing =
          missingToast(change.table(), change.lsn(), change.unchangedToast());
      if (missing.isPresent()) {
        sink.malformed(original.position(), original.text(), missing.get());
        continue;
      }
      String[] values = new String[fields.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get(fields.get(i).path());
      }
      if (change.op().equals("delete")) {
        sink.deleted(original.position(), original.text(), values);
      } else {
        sink.record(original.position(), original.text(), values);
      }
    }
  }

  private static String truncated(String table, String lsn) {
    return "TRUNCATE of "
        + table
        + " at LSN "
        + lsn
        + " is not applied: the clean table keeps"
        + " its rows; take a new snapshot to follow it";
  }

  private static String[] texts(List<Column> columns, Tuple tuple) {
    String[] texts = new String[columns.size()];
    for (int i = 0; i < texts.length && i < tuple.size(); i++) {
      texts[i] =
          tuple.kinds()[i] == Kind.TEXT
              ? TextValues.normalize(columns.get(i).typeOid(), tuple.values()[i])
              : null;
    }
    return texts;
  }

  private static Map<String, Integer> index(List<Column> columns) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      index.put(columns.get(i).name(), i);
    }
    return index;
  }

  /** One value per field: the column its path names, null when the row has no such column. */
  private String[] values(Map<String, Integer> index, String[] row) {
    String[] values = new String[fields.size()];
    for (int i = 0; i < values.length; i++) {
      Integer column = index.get(fields.get(i).path());
      values[i] = column == null ? null : row[column];
    }
    return values;
  }

  private interface JsonBody {
    void write(JsonGenerator out) throws IOException;
  }

  private static String json(JsonBody body) {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = JSON.createGenerator(text)) {
      out.writeStartObject();
      body.write(out);
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * The row's columns; those {@code tuple} did not send are left out: unchanged TOASTed values, and
   * the non-key columns of a key-only old row (sent as NULL, but unknown).
   */
  private static void writeRow(
      JsonGenerator out,
      String name,
      List<Column> columns,
      String[] row,
      Tuple tuple,
      boolean keyOnly)
      throws IOException {
    out.writeObjectFieldStart(name);
    for (int i = 0; i < columns.size(); i++) {
      if (tuple != null && (i >= tuple.size() || tuple.kinds()[i] == Kind.UNCHANGED)) {
        continue;
      }
      if (keyOnly && !columns.get(i).key()) {
        continue;
      }
      out.writeStringField(columns.get(i).name(), row[i]);
    }
    out.writeEndObject();
  }

  // ---- committing and closing

  /**
   * Lets the slot release the log below the committed LSN, and ends the exported snapshot once the
   * snapshot batch is landed.
   */
  @Override
  public void committed(Map<String, String> positions) {
    String position = positions.get(SPLIT_KEY);
    if (position == null || closed) {
      return;
    }
    try {
      closeExported(); // the snapshot batch, or one after it, is landed
      if (position.equals(SNAPSHOT_POSITION)) {
        return; // the slot is at the snapshot's consistent point
      }
      LogSequenceNumber lsn = lsn(position);
      Connection connection = sql();
      Optional<LogSequenceNumber> slot = confirmedFlush(connection);
      if (slot.isPresent() && slot.get().compareTo(lsn) < 0) {
        advance(connection, lsn);
      }
    } catch (SQLException e) {
      // The next plan advances the slot from the lake's position: nothing is lost, the log is
      // only kept a little longer.
      throw failure("cannot advance the replication slot " + options.slot() + " to " + position, e);
    }
  }

  /** Closes the connections; the slot and the publication stay (they hold the position). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    SQLException failure = null;
    try {
      closeExported();
    } catch (SQLException e) {
      failure = e;
    }
    if (sql != null) {
      try {
        sql.close();
      } catch (SQLException e) {
        failure = failure == null ? e : failure;
      } finally {
        sql = null;
      }
    }
    if (failure != null) {
      throw failure("cannot close the connections", failure);
    }
  }

  private void closeExported() throws SQLException {
    if (exported != null) {
      Connection replication = exported.replication();
      exported = null;
      replication.close();
    }
  }

  // ---- the slot and the publication

  private void publication(Connection connection) throws SQLException {
    Set<String> published = new HashSet<>();
    boolean exists = false;
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT p.pubname, t.schemaname, t.tablename FROM pg_publication p LEFT JOIN"
                + " pg_publication_tables t ON t.pubname = p.pubname WHERE p.pubname = ?")) {
      statement.setString(1, options.publication());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          exists = true;
          if (rows.getString(2) != null) {
            published.add(rows.getString(2) + "." + rows.getString(3));
          }
        }
      }
    }
    if (!exists) {
      if (!options.create()) {
        throw SluiceException.user(
            "Source '%s': the publication %s does not exist and cdc.create is false; create it"
                + " with CREATE PUBLICATION %s FOR TABLE %s",
            source, options.publication(), options.publication(), tableList());
      }
      for (TableName table : options.tables()) {
        columns(connection, table); // a precise error for a table that does not exist
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE PUBLICATION "
                + TableName.quote(options.publication())
                + " FOR TABLE "
                + tableList());
      }
      return;
    }
    List<String> missing = new ArrayList<>();
    for (TableName table : options.tables()) {
      if (!published.contains(table.toString())) {
        missing.add(table.toString());
      }
    }
    if (!missing.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': the publication %s does not publish %s; add them with ALTER PUBLICATION"
              + " %s ADD TABLE ...",
          source, options.publication(), String.join(", ", missing), options.publication());
    }
  }

  private String tableList() {
    List<String> names = new ArrayList<>();
    options.tables().forEach(table -> names.add(table.quoted()));
    return String.join(", ", names);
  }

  /** The slot's confirmed position, or empty when there is no such slot. */
  private Optional<LogSequenceNumber> confirmedFlush(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT confirmed_flush_lsn, plugin, slot_type, database = current_database() FROM"
                + " pg_replication_slots WHERE slot_name = ?")) {
      statement.setString(1, options.slot());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        if (!"logical".equals(rows.getString(3))
            || !"pgoutput".equals(rows.getString(2))
            || !rows.getBoolean(4)) {
          throw SluiceException.user(
              "Source '%s': the replication slot %s is not a logical pgoutput slot of this"
                  + " database (found %s %s); name another with cdc.slot",
              source, options.slot(), rows.getString(3), rows.getString(2));
        }
        String lsn = rows.getString(1);
        if (lsn == null) {
          throw SluiceException.external(
              String.format(
                  "Source '%s': the replication slot %s has no confirmed position yet",
                  source, options.slot()),
              null);
        }
        return Optional.of(LogSequenceNumber.valueOf(lsn));
      }
    }
  }

  private void createSlot(Connection connection) throws SQLException {
    if (!options.create()) {
      throw SluiceException.user(
          "Source '%s': the replication slot %s does not exist and cdc.create is false; create it"
              + " with SELECT pg_create_logical_replication_slot('%s', 'pgoutput')",
          source, options.slot(), options.slot());
    }
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
      statement.setString(1, options.slot());
      statement.execute();
    }
  }

  private ExportedSnapshot createSlotWithSnapshot() throws SQLException {
    Properties properties = properties();
    PGProperty.REPLICATION.set(properties, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
    PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
    Connection replication = connect(properties);
    try {
      ReplicationSlotInfo slot =
          replication
              .unwrap(PGConnection.class)
              .getReplicationAPI()
              .createReplicationSlot()
              .logical()
              .withSlotName(options.slot())
              .withOutputPlugin("pgoutput")
              .make();
      if (slot.getSnapshotName() == null) {
        throw SluiceException.external(
            String.format(
                "Source '%s': PostgreSQL created slot %s without exporting a snapshot",
                source, options.slot()),
            null);
      }
      return new ExportedSnapshot(replication, slot.getSnapshotName(), slot.getConsistentPoint());
    } catch (SQLException | RuntimeException e) {
      replication.close();
      throw e;
    }
  }

  private void dropSlot(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      statement.setString(1, options.slot());
      executeRetrying(statement).close();
    }
  }

  private void advance(Connection connection, LogSequenceNumber lsn) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_replication_slot_advance(?, ?::pg_lsn)")) {
      statement.setString(1, options.slot());
      statement.setString(2, lsn.asString());
      executeRetrying(statement).close();
    }
  }

  /**
   * Runs a query on the slot, waiting a bounded time while another session still holds it (the
   * backend of a process that was killed may take a moment to notice).
   */
  private ResultSet executeRetrying(PreparedStatement statement) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      boolean inTransaction = !statement.getConnection().getAutoCommit();
      try {
        return statement.executeQuery();
      } catch (SQLException e) {
        if (!OBJECT_IN_USE.equals(e.getSQLState()) || attempt >= BUSY_SLOT_TRIES) {
          throw e;
        }
        if (inTransaction) {
          statement.getConnection().rollback();
        }
        try {
          Thread.sleep(BUSY_SLOT_WAIT_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  // ---- connections

  private Connection sql() throws SQLException {
    if (sql == null) {
      Connection connection = connect(properties());
      try (Statement statement = connection.createStatement()) {
        // Values are text as the session writes them: the same in the snapshot and the changes.
        statement.execute("SET TimeZone = 'UTC'");
        statement.execute("SET DateStyle = 'ISO, YMD'");
        statement.execute("SET extra_float_digits = 3");
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
      sql = connection;
    }
    return sql;
  }

  private Properties properties() {
    Properties properties = new Properties();
    options.user().ifPresent(user -> PGProperty.USER.set(properties, user));
    options.password().ifPresent(password -> PGProperty.PASSWORD.set(properties, password));
    PGProperty.APPLICATION_NAME.set(properties, "sluice-cdc-" + source);
    return properties;
  }

  private Connection connect(Properties properties) throws SQLException {
    Connection connection = new org.postgresql.Driver().connect(options.url(), properties);
    if (connection == null) {
      throw SluiceException.user(
          "Source '%s': cdc.url is not a PostgreSQL JDBC URL: %s", source, options.url());
    }
    return connection;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("source " + source + ": the connector is closed");
    }
  }

  private LogSequenceNumber lsn(String text) {
    LogSequenceNumber lsn = LogSequenceNumber.valueOf(text);
    if (lsn.equals(LogSequenceNumber.INVALID_LSN) && !text.equals("0/0")) {
      throw SluiceException.internal(
          "Source '" + source + "': not a log sequence number: " + text, null);
    }
    return lsn;
  }

  private SluiceException failure(String what, SQLException e) {
    return SluiceException.external(
        String.format(
            "Source '%s': %s on PostgreSQL %s: %s (SQLSTATE %s)",
            source, what, options.url(), e.getMessage(), e.getSQLState()),
        e);
  }
}
