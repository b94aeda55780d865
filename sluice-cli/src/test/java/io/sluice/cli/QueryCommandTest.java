package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice query}: never silently truncated, and sandboxed. */
class QueryCommandTest {
  private static final String ROWS = "SELECT range AS i FROM range(1500)";

  @TempDir Path dir;
  private String p;

  @BeforeEach
  void setUp() {
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    p = dir.toString();
  }

  @Test
  void csvAndJsonPrintEveryRowByDefault() {
    Sluice.Result csv = sluice("query", "-p", p, "-f", "csv", ROWS);
    assertThat(csv.exit()).as(csv.err()).isZero();
    assertThat(csv.out().split("\n")).hasSize(1501).startsWith("i", "0").endsWith("1499");
    assertThat(csv.err()).isEmpty();

    Sluice.Result json = sluice("query", "-p", p, "-f", "json", ROWS);
    assertThat(json.exit()).isZero();
    assertThat(json.out()).startsWith("[{\"i\":0},").endsWith("{\"i\":1499}]\n");
    assertThat(json.err()).isEmpty();
  }

  @Test
  void truncationWarnsOnStderrAndExitsOne() {
    Sluice.Result table = sluice("query", "-p", p, ROWS);
    assertThat(table.exit()).isEqualTo(1);
    assertThat(table.out()).contains("(1000 rows)");
    assertThat(table.err())
        .contains("Warning: output stopped at 1000 rows, more rows were left out")
        .contains("--max-rows 0");

    Sluice.Result csv = sluice("query", "-p", p, "-f", "csv", "--max-rows", "10", ROWS);
    assertThat(csv.exit()).isEqualTo(1);
    assertThat(csv.out().split("\n")).hasSize(11);
    assertThat(csv.err()).contains("output stopped at 10 rows");

    Sluice.Result exact = sluice("query", "-p", p, "-f", "csv", "--max-rows", "1500", ROWS);
    assertThat(exact.exit()).isZero();
    assertThat(exact.err()).isEmpty();

    Sluice.Result all = sluice("query", "-p", p, "--max-rows", "0", ROWS);
    assertThat(all.exit()).isZero();
    assertThat(all.out()).contains("(1500 rows)");

    assertThat(sluice("query", "-p", p, "--max-rows", "-1", ROWS).exit()).isEqualTo(64);
  }

  @Test
  void refusesStatementsThatDoNotReadAndFilesOutsideTheLake() {
    Sluice.Result file = sluice("query", "-p", p, "SELECT * FROM read_text('/etc/passwd')");
    assertThat(file.exit()).isEqualTo(2);
    assertThat(file.err()).contains("file system operations are disabled").doesNotContain("root:");

    Sluice.Result copy =
        sluice("query", "-p", p, "COPY (SELECT 1) TO '" + dir.resolve("out.csv") + "'");
    assertThat(copy.exit()).isEqualTo(2);
    assertThat(copy.err()).contains("COPY is refused");
    assertThat(dir.resolve("out.csv")).doesNotExist();
  }
}
