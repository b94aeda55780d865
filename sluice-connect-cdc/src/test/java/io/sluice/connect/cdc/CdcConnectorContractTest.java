package io.sluice.connect.cdc;

import io.sluice.api.source.ConnectorFactory;
import io.sluice.core.testing.ConnectorContractTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;

/**
 * The connector contract for the {@code cdc} connector on the embedded PostgreSQL: table {@code
 * contract (id int primary key, name text)}, with a publication and a slot made before each test
 * (so that every record is a change: {@code snapshot: never}). A malformed record is a TRUNCATE
 * between two inserts; a missing field is a dropped column; a first batch takes every change made
 * since the slot.
 */
class CdcConnectorContractTest extends ConnectorContractTest {
  private static final String SLOT = "contract_slot";
  private static final String PUBLICATION = "contract_pub";

  /** Changes made since the slot was created: the position of the next one in a first batch. */
  private long changes;

  @BeforeEach
  void createTableSlotAndPublication() {
    TestPostgres.execute(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
            + SLOT
            + "'",
        "DROP PUBLICATION IF EXISTS " + PUBLICATION,
        "DROP TABLE IF EXISTS contract",
        "CREATE TABLE contract (id int PRIMARY KEY, name text)",
        "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE contract",
        "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
    changes = 0;
  }

  @Override
  protected ConnectorFactory factory() {
    return new CdcConnectorFactory();
  }

  @Override
  protected String optionsYaml() {
    return """
        cdc:
          url: %s
          user: postgres
          tables: [public.contract]
          slot: %s
          publication: %s
          create: false
          snapshot: never
        """
        .formatted(TestPostgres.url(), SLOT, PUBLICATION);
  }

  @Override
  protected void addRecords(int firstId, int count) {
    for (int id = firstId; id < firstId + count; id++) {
      TestPostgres.execute("INSERT INTO contract VALUES (" + id + ", '" + name(id) + "')");
      changes++;
    }
  }

  @Override
  protected Malformed addMalformed(int firstId) {
    addRecords(firstId, 1);
    TestPostgres.execute("TRUNCATE contract");
    long position = ++changes;
    addRecords(firstId + 1, 1);
    String lsn = truncateLsn();
    return new Malformed(
        PostgresCdcConnector.SPLIT_KEY,
        position,
        "{\"op\":\"truncate\",\"table\":\"public.contract\",\"lsn\":\"" + lsn + "\"}");
  }

  @Override
  protected void addRecordsWithExtraField(int firstId, int count) {
    TestPostgres.execute("ALTER TABLE contract ADD COLUMN " + EXTRA_FIELD + " text");
    for (int id = firstId; id < firstId + count; id++) {
      TestPostgres.execute(
          "INSERT INTO contract VALUES (" + id + ", '" + name(id) + "', 'x-" + id + "')");
      changes++;
    }
  }

  @Override
  protected void addRecordsWithoutName(int firstId, int count) {
    TestPostgres.execute("ALTER TABLE contract DROP COLUMN name");
    for (int id = firstId; id < firstId + count; id++) {
      TestPostgres.execute("INSERT INTO contract VALUES (" + id + ")");
      changes++;
    }
  }

  @Override
  protected void addDelete(int id) {
    TestPostgres.execute("DELETE FROM contract WHERE id = " + id);
    changes++;
  }

  @Override
  protected boolean isSharedThread(Thread thread) {
    // The PostgreSQL driver's cleaner of unreachable connections, shared by the JVM.
    return thread.getName().startsWith("PostgreSQL-JDBC-Cleaner");
  }

  @Override
  protected void assertReleased() {
    try (Connection connection = TestPostgres.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice-cdc-"
                    + SOURCE
                    + "'")) {
      rows.next();
      org.assertj.core.api.Assertions.assertThat(rows.getLong(1))
          .as("connections of the closed connector")
          .isZero();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The LSN of the TRUNCATE message, as the slot reports it. */
  private static String truncateLsn() {
    try (Connection connection = TestPostgres.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT lsn FROM pg_logical_slot_peek_binary_changes('"
                    + SLOT
                    + "', NULL, NULL, 'proto_version', '1', 'publication_names', '"
                    + PUBLICATION
                    + "') WHERE get_byte(data, 0) = 84")) {
      rows.next();
      return rows.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
