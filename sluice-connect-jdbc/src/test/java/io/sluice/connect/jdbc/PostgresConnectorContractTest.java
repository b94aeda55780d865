package io.sluice.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The connector contract on PostgreSQL. */
class PostgresConnectorContractTest extends JdbcContract {
  @Override
  protected String url() {
    return Servers.postgresUrl();
  }

  @Override
  protected String connectionYaml() {
    return "  user: postgres\n  properties: {ApplicationName: sluice-contract}\n";
  }

  @Override
  protected void sql(String... statements) throws SQLException {
    Servers.postgres(statements);
  }

  @Override
  protected String seqColumn() {
    return "seq serial PRIMARY KEY";
  }

  @Override
  protected String badStamp() {
    return "'infinity'";
  }

  @Override
  protected String badStampText() {
    return "infinity";
  }

  @Override
  protected void assertReleased() {
    // the server ends a backend once it reads the driver's Terminate message: wait, bounded
    int left = 1;
    for (int i = 0; i < 100 && left > 0; i++) {
      try (Connection db = DriverManager.getConnection(url(), "postgres", "");
          Statement statement = db.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT count(*) FROM pg_stat_activity, pg_sleep("
                      + (i == 0 ? 0 : 0.02)
                      + ") WHERE application_name = 'sluice-contract'")) {
        rows.next();
        left = rows.getInt(1);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
    assertThat(left).as("the connector's PostgreSQL backends after close").isZero();
  }
}
