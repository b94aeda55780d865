package io.sluice.server.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTextTest {
  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    assertThat(
            SqlText.split(
                "SELECT ';' AS a; SELECT \"x;y\" FROM t -- ; c\n; /* ; /* ; */ */ SELECT $q$;$q$;;"))
        .containsExactly(
            "SELECT ';' AS a", "SELECT \"x;y\" FROM t -- ; c", "/* ; /* ; */ */ SELECT $q$;$q$");
    assertThat(SqlText.split(" ; -- only a comment\n;")).isEmpty();
  }

  @Test
  void bindsPlaceholdersOnlyOutsideQuotes() {
    String sql = "SELECT '$1', \"$2\", $1, $2 FROM t WHERE a = $10 -- $1";
    assertThat(SqlText.parameterCount(sql)).isEqualTo(10);
    List<String> literals =
        List.of("'a'", "2", "3", "4", "5", "6", "7", "8", "9", "CAST('10' AS INTEGER)");
    assertThat(SqlText.bind(sql, literals))
        .isEqualTo("SELECT '$1', \"$2\", 'a', 2 FROM t WHERE a = CAST('10' AS INTEGER) -- $1");
  }

  @Test
  void quotesLiteralsSoThatAValueCannotEndThem() {
    assertThat(SqlText.literal("x' OR '1'='1", PgType.VARCHAR)).isEqualTo("'x'' OR ''1''=''1'");
    assertThat(SqlText.literal("42", PgType.INT4)).isEqualTo("CAST('42' AS INTEGER)");
    assertThat(SqlText.literal(null, PgType.INT4)).isEqualTo("NULL");
    assertThat(SqlText.literal("\\x01ff", PgType.BYTEA)).isEqualTo("CAST('\\x01\\xFF' AS BLOB)");
  }

  @Test
  void readsLeadingWordsPastCommentsAndParentheses() {
    assertThat(SqlText.words("/* c */ -- d\n ((select 1)", 2)).containsExactly("select", "1");
  }
}
