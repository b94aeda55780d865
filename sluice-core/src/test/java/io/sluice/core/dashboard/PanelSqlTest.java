package io.sluice.core.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PanelSqlTest {
  @Test
  void findsTheRelationsAfterFromAndJoinButNotInsideFunctionsStringsOrComments() {
    PanelSql.Scan scan =
        PanelSql.scan(
            """
            -- FROM commented
            WITH w AS (SELECT * FROM lake.orders)
            SELECT EXTRACT(year FROM ordered_at), 'FROM quoted', /* FROM x */ a.id
            FROM w, "Daily" d
            LEFT JOIN main.top t ON t.id = d.id
            WHERE id IN (SELECT id FROM raw.clicks)
            """);

    assertThat(scan.references())
        .extracting(r -> r.schema() + "." + r.name())
        .containsExactly("lake.orders", ".w", ".Daily", "main.top", "raw.clicks");
    assertThat(scan.cteNames()).containsExactly("w");
    assertThat(scan.certain()).isTrue();
  }

  @Test
  void isUnsureOfTableFunctionsAndThreePartNames() {
    assertThat(PanelSql.scan("SELECT * FROM read_csv('x')").certain()).isFalse();
    assertThat(PanelSql.scan("SELECT * FROM a.b.c").certain()).isFalse();
  }

  @Test
  void bindsPlaceholdersOutsideStringsOnly() {
    String sql = "SELECT '$x', \"$x\", $x -- $x\nFROM t WHERE a = $x AND b = $$ $x $$";

    assertThat(PanelSql.scan(sql).placeholders()).extracting(p -> p.offset()).hasSize(2);
    assertThat(PanelSql.bind(sql, Map.of("x", "'v'")))
        .isEqualTo("SELECT '$x', \"$x\", 'v' -- $x\nFROM t WHERE a = 'v' AND b = $$ $x $$");
    assertThatThrownBy(() -> PanelSql.bind("SELECT $y", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quotesLiteralsSoThatAValueCannotEndTheString() {
    assertThat(PanelSql.stringLiteral("it's'; DROP TABLE x; --"))
        .isEqualTo("'it''s''; DROP TABLE x; --'");
  }
}
