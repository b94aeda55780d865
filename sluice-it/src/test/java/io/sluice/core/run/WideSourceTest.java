package io.sluice.core.run;

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
      // Ints (a type check each) but for two text columns.
      boolean text = i == 1 || i == COLUMNS - 1;
      yaml.append("  - {name: c").append(i).append(", type: ").append(text ? "string" : "int");
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
    // Rows with their first three and last fields filled: 1 is clean, 2 fails c2's range, 3 has
    // text in the int column c4, 4 repeats id 1, 5 has a value c3999 does not accept.
    String filler = ",".repeat(COLUMNS - 3);
    Files.writeString(
        project.resolve("data/wide.csv"),
        header
            + "\n1,x,5"
            + filler
            + "a\n2,x,-1"
            + filler
            + "b\n3,x,5,,oops"
            + filler.substring(2)
            + "a\n1,x,5"
            + filler
            + "a\n5,x,5"
            + filler
            + "z\n");

    // 14 s here at a load average of 3-4; before, the mapping statement alone took over two
    // minutes.
    long start = System.nanoTime();
    RunSummary result =
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> EndToEnd.run(project));
    long seconds = (System.nanoTime() - start) / 1_000_000_000;
    System.out.println("run of " + COLUMNS + " columns: " + seconds + " s");

    assertThat(result.status()).isEqualTo(RunStatus.OK);
    assertThat(EndToEnd.queryRows(project, "SELECT c0, c2, c" + (COLUMNS - 1) + " FROM lake.wide"))
        .containsExactly("1,5,a");
    assertThat(
            EndToEnd.queryRows(project, "SELECT _line, _rules FROM quarantine.wide ORDER BY _line"))
        .containsExactly("3,range", "4,type", "5,unique", "6,accepted_values");
  }
}
