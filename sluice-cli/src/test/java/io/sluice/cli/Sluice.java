package io.sluice.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

/** Runs the {@code sluice} command in-process, as a user would, capturing what it prints. */
final class Sluice {
  private Sluice() {}

  /** What a command did: its exit code and everything it printed. */
  record Result(int exit, String out, String err) {}

  static Result sluice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** The rows {@code sluice query --format csv} prints for {@code sql}, without the header. */
  static List<String> queryRows(Path project, String sql) {
    Result result = sluice("query", "-p", project.toString(), "--format", "csv", sql);
    if (result.exit() != 0) {
      throw new AssertionError("sluice query " + sql + " failed: " + result.err());
    }
    List<String> lines = List.of(result.out().strip().split("\n"));
    return lines.subList(1, lines.size());
  }
}
