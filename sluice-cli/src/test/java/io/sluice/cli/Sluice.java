package io.sluice.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

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
}
