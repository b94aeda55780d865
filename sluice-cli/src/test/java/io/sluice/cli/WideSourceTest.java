package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source of thousands of declared columns runs in seconds: the DuckDB engine's statements grow
 * with the column count, not with its square (docs/performance.md, "Wide sources").
 */
class WideSourceTest {
  private static final int COLUMNS = Integer.getInteger("sluice.test.wide-columns", 4000);

  @TempDir Path temp;

  @Test
  void aSourceOfFourThousandColumnsLandsAndQuarantinesItsRowsInSeconds() throws Exception {
    Path project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: wide\n");
    StringBuilder yaml = new StringBuilder("path: data/wide.csv\ncolumns:\n");
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < COLUMNS; i++) {
      // Every other column is an int (a type check each), the others text.
      yaml.append("  - {name: c")
          .append(i)
          .append(", type: ")
          .append(i % 2 == 0 ? "int" : "string");
      if (i == 0) {
        yaml.append(", checks: [not_null, unique]");
      } else if (i == 2) {
        yaml.append(", checks: [{range: {min: 0}}]");
      } else if (i == COLUMNS - 1) {
        yaml.append(", checks: [{accepted_values: [a, b]}]");
      }
      yaml.append("}\n");
      header.append(i == 0 ? "" : ",").append('c').append(i);
    }
    Files.writeString(project.resolve("sources/wide.yaml"), yaml.toString());
    // Rows with only their first and last fields filled: 1 is clean, 2 fails c2's range, 3 has
    // text in the int column c4, 4 repeats id 1, 5 has a value c3999 does not accept.
    String filler = ",".repeat(COLUMNS - 3);
    Files.writeString(
        project.resolve("data/wide.csv"),
        header
            + "\n1,x,5"
            + filler
            + "a\n2,x,-1"
            + filler
            + "b\n3,x,5,y,oops"
            + filler.substring(2)
            + "a\n1,x,5"
            + filler
            + "a\n5,x,5"
            + filler
            + "z\n");

    long start = System.nanoTime();
    Sluice.Result result =
        Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(120),
            () -> sluice("run", "-p", project.toString(), "--progress=never"));
    long seconds = (System.nanoTime() - start) / 1_000_000_000;
    System.out.println("run of " + COLUMNS + " columns: " + seconds + " s");

    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    assertThat(Sluice.queryRows(project, "SELECT c0, c2, c" + (COLUMNS - 1) + " FROM lake.wide"))
        .containsExactly("1,5,a");
    assertThat(
            Sluice.queryRows(project, "SELECT _line, _rules FROM quarantine.wide ORDER BY _line"))
        .containsExactly("3,range", "4,type", "5,unique", "6,accepted_values");
  }
}
