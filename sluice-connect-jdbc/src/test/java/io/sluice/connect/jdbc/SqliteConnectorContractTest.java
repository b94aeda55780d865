package io.sluice.connect.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The connector contract on SQLite, the database a file in the project. */
class SqliteConnectorContractTest extends JdbcContract {
  @Override
  protected String url() {
    return "jdbc:sqlite:contract.db";
  }

  @Override
  protected void sql(String... statements) throws SQLException {
    try (Connection db =
            DriverManager.getConnection("jdbc:sqlite:" + project.resolve("contract.db"));
        Statement statement = db.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  @Override
  protected String seqColumn() {
    return "seq INTEGER PRIMARY KEY AUTOINCREMENT";
  }

  @Override
  protected String badStamp() {
    return "'not a time'";
  }

  @Override
  protected String badStampText() {
    return "not a time";
  }
}
