package io.sluice.connect.jdbc;

import io.sluice.api.source.ConnectorFactory;
import io.sluice.core.testing.ConnectorContractTest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;

/**
 * The connector contract on a database: each test gets a fresh table {@code (seq, id, name, stamp)}
 * read incrementally by the growing {@code seq}, so rows are read in the order they were added; a
 * malformed row is one whose {@code stamp} has no ISO-8601 form. Subclasses give the database.
 */
abstract class JdbcContract extends ConnectorContractTest {
  private static final AtomicInteger TABLES = new AtomicInteger();

  /** The table of the current test. */
  protected String table;

  private int rows;

  /** The database's URL. */
  protected abstract String url();

  /** Extra keys of the jdbc section (user, password-env, properties), each a line. */
  protected String connectionYaml() {
    return "";
  }

  /** Runs statements on the database. */
  protected abstract void sql(String... statements) throws SQLException;

  /** The column definition of the auto-incremented {@code seq}. */
  protected abstract String seqColumn();

  /** The type of {@code stamp}. */
  protected String stampType() {
    return "timestamp";
  }

  /** A literal that {@code stamp} stores but that has no ISO-8601 form. */
  protected abstract String badStamp();

  /** The driver's text of {@link #badStamp} (the malformed row's original holds it). */
  protected abstract String badStampText();

  @BeforeEach
  void createTable() throws SQLException {
    table = "contract_" + TABLES.incrementAndGet();
    rows = 0;
    sql(
        "CREATE TABLE "
            + table
            + " ("
            + seqColumn()
            + ", id int, name varchar(40), stamp "
            + stampType()
            + " NULL)");
  }

  @Override
  protected ConnectorFactory factory() {
    return new JdbcConnectorFactory();
  }

  @Override
  protected String optionsYaml() {
    return "jdbc:\n"
        + "  url: "
        + url()
        + "\n"
        + connectionYaml()
        + "  table: "
        + table
        + "\n"
        + "  mode: incremental\n"
        + "  cursor: [seq]\n"
        + "  fetch-size: 2\n";
  }

  private void insert(String columns, List<String> values) {
    try {
      sql(
          values.stream()
              .map(v -> "INSERT INTO " + table + " (" + columns + ") VALUES (" + v + ")")
              .toArray(String[]::new));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    rows += values.size();
  }

  @Override
  protected void addRecords(int firstId, int count) {
    List<String> values = new ArrayList<>();
    for (int id = firstId; id < firstId + count; id++) {
      values.add(id + ", '" + name(id) + "'");
    }
    insert("id, name", values);
  }

  @Override
  protected Malformed addMalformed(int firstId) {
    addRecords(firstId, 1);
    insert("id, name, stamp", List.of("-1, 'bad', " + badStamp()));
    long position = rows; // the table's rows are one split, numbered from 1 in seq order
    addRecords(firstId + 1, 1);
    return new Malformed(
        table,
        position,
        "{\"seq\":\""
            + position
            + "\",\"id\":\"-1\",\"name\":\"bad\",\"stamp\":\""
            + badStampText()
            + "\"}");
  }

  @Override
  protected void addRecordsWithExtraField(int firstId, int count) {
    try {
      sql("ALTER TABLE " + table + " ADD COLUMN extra varchar(40)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    List<String> values = new ArrayList<>();
    for (int id = firstId; id < firstId + count; id++) {
      values.add(id + ", '" + name(id) + "', 'x-" + id + "'");
    }
    insert("id, name, extra", values);
  }

  @Override
  protected void addRecordsWithoutName(int firstId, int count) {
    try {
      sql("ALTER TABLE " + table + " DROP COLUMN name");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    List<String> values = new ArrayList<>();
    for (int id = firstId; id < firstId + count; id++) {
      values.add(String.valueOf(id));
    }
    insert("id", values);
  }

  @Override
  protected boolean isSharedThread(Thread thread) {
    // the PostgreSQL driver's shared cleaner of unreachable connections
    return thread.getName().contains("Cleaner");
  }
}
