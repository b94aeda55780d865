package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  /** What one CLI invocation printed and returned. */
  private record Execution(int exitCode, String out, String err) {}

  private static Execution sluice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Execution(code, out.toString(), err.toString());
  }

  @Test
  void createsRunsAndChecksTheExampleShop() {
    Path dir = tmp.resolve("demo");

    Execution demo = sluice("demo", "--dir", dir.toString(), "--orders", "2000", "--fresh");

    assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
    assertThat(demo.out())
        .contains("Created the example shop project in " + dir)
        .contains("Generated 2,000 orders, 10,000 click events and 200 customers in 9 files")
        .contains("$ sluice run -p " + dir)
        .contains("run ok")
        .contains("$ sluice query -p " + dir + " \"" + DemoCommand.REVENUE_QUERY + "\"")
        .contains("$ sluice query -p " + dir + " \"" + DemoCommand.FUNNEL_QUERY + "\"")
        .contains("order_date", "revenue", "viewed", "added_to_cart", "view_to_order")
        .containsPattern(
            "quality 98\\.\\d\\d% — matches the 244 defects the generator injected \\(11,989 of"
                + " 12,200 records valid, 33 of them with a warning\\)")
        .contains("sluice status -p " + dir)
        .contains("sluice run -p " + dir + "      (again");
    assertThat(demo.out()).doesNotContain("MISMATCH");
    assertThat(dir.resolve("sluice.yaml")).exists();
    assertThat(dir.resolve("data/orders/orders-0004.csv")).exists();

    Execution again = sluice("run", "-p", dir.toString(), "--progress", "never");
    assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
    assertThat(again.out()).contains("0 rows read").contains("skipped");
  }

  @Test
  void anExistingDemoNeedsFresh() {
    Path dir = tmp.resolve("demo");
    assertThat(sluice("demo", "--dir", dir.toString(), "--orders", "200").exitCode()).isZero();

    Execution second = sluice("demo", "--dir", dir.toString(), "--orders", "200");

    assertThat(second.exitCode()).isEqualTo(2);
    assertThat(second.err()).contains("--fresh").contains("sluice run -p " + dir);

    Execution fresh =
        sluice("demo", "--dir", dir.toString(), "--orders", "300", "--seed", "7", "--fresh");
    assertThat(fresh.exitCode()).as(fresh.out() + fresh.err()).isZero();
    assertThat(fresh.out()).contains("Generated 300 orders").doesNotContain("MISMATCH");
  }

  @Test
  void freshNeverDeletesAFolderTheDemoDidNotCreate() throws IOException {
    Path dir = tmp.resolve("mine");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("notes.txt"), "keep me");

    Execution demo = sluice("demo", "--dir", dir.toString(), "--orders", "200", "--fresh");

    assertThat(demo.exitCode()).isEqualTo(2);
    assertThat(demo.err()).contains("Not deleting").contains("not created by sluice demo");
    assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("keep me");
  }

  @Test
  void rejectsAnInvalidDefectRate() {
    Execution demo =
        sluice("demo", "--dir", tmp.resolve("demo").toString(), "--defect-rate", "1.5");

    assertThat(demo.exitCode()).isEqualTo(Main.USAGE);
    assertThat(demo.err()).contains("defect rate must be between 0 and 1");
    assertThat(tmp.resolve("demo")).doesNotExist();
  }
}
