package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice backfill}: semantics, modes, dry run and argument errors. */
class BackfillTest {
  @TempDir Path temp;

  record Result(int exit, String out, String err) {}

  static Result sluice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  static Result ok(String... args) {
    Result result = sluice(args);
    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    return result;
  }

  static List<String> rows(Path project, String sql) {
    Result result = ok("query", "-p", project.toString(), "--format", "csv", sql);
    List<String> lines = List.of(result.out().strip().split("\n"));
    return lines.subList(1, lines.size());
  }

  /** A week landed in two runs under the strict rule. */
  private Path landedWeek(String name) throws Exception {
    Path project = BackfillWeek.create(temp.resolve(name), BackfillWeek.STRICT, 10);
    BackfillWeek.writeDays(project, "part-1", 0, 3, 10);
    ok("run", "-p", project.toString(), "--progress=never");
    BackfillWeek.writeDays(project, "part-2", 4, 6, 10);
    ok("run", "-p", project.toString(), "--progress=never");
    return project;
  }

  @Test
  void aFixedRuleChangesTheBackfilledDaysOnly() throws Exception {
    Path project = landedWeek("fix");
    assertThat(rows(project, "SELECT count(*) FROM lake.events WHERE kind = 'c'"))
        .containsExactly("0");
    BackfillWeek.writeSource(project, BackfillWeek.FIXED);

    Result backfill =
        ok("backfill", "-p", project.toString(), "--from", "2024-03-02", "--to", "2024-03-04");

    System.out.println(backfill.out() + backfill.err());
    assertThat(
            rows(
                project,
                "SELECT CAST(ts AS DATE), count(*) FROM lake.events WHERE kind = 'c' GROUP BY 1"
                    + " ORDER BY 1"))
        .containsExactly("2024-03-02,2", "2024-03-03,2", "2024-03-04,2");
  }
}
