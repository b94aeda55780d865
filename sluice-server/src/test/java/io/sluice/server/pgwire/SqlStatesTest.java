package io.sluice.server.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlStatesTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Parser Error: syntax error at or near \"FORM\"|42601",
        "Catalog Error: Table with name cancellations does not exist!|42P01",
        "Catalog Error: Scalar Function with name pg_get_userbyid does not exist!|42883",
        "Binder Error: Referenced column \"amout\" not found in FROM clause!|42703",
        "INTERRUPT Error: Interrupted!|57014",
        "the query timed out after 30 s|57014",
        "Conversion Error: Could not convert string 'x' to INT32|22P02",
        "Permission Error: file system operations are disabled by configuration|42501",
        "something else entirely|42000"
      })
  void mapsDuckDbErrorClassesToSqlStates(String message, String sqlState) {
    assertThat(SqlStates.ofBackendMessage(message)).isEqualTo(sqlState);
  }
}
