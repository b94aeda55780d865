package io.sluice.connect.jdbc;

import java.sql.SQLException;
import java.util.Map;

/** The connector contract on MariaDB. */
class MariaDbConnectorContractTest extends JdbcContract {
  @Override
  protected String url() {
    return Servers.mariaDbUrl();
  }

  @Override
  protected String connectionYaml() {
    return "  user: " + Servers.MARIADB_USER + "\n  password-env: CONTRACT_DB_PASSWORD\n";
  }

  @Override
  protected Map<String, String> environment() {
    return Map.of("CONTRACT_DB_PASSWORD", Servers.MARIADB_PASSWORD);
  }

  @Override
  protected void sql(String... statements) throws SQLException {
    Servers.mariaDb(statements);
  }

  @Override
  protected String seqColumn() {
    return "seq int AUTO_INCREMENT PRIMARY KEY";
  }

  @Override
  protected String stampType() {
    return "datetime";
  }

  @Override
  protected String badStamp() {
    return "'0000-00-00 00:00:00'";
  }

  @Override
  protected String badStampText() {
    return "0000-00-00 00:00:00";
  }
}
