package io.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header, a rule, rows; numeric-looking cells are right-aligned. */
final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private boolean dashIsBlank;

  TextTable(List<String> header) {
    this.header = List.copyOf(header);
  }

  /**
   * Lets {@code -} stand for an unknown number: it no longer keeps a column of numbers from being
   * right-aligned.
   */
  TextTable dashIsBlank() {
    dashIsBlank = true;
    return this;
  }

  TextTable add(List<String> row) {
    rows.add(List.copyOf(row));
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    boolean[] numeric = new boolean[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      numeric[i] = !rows.isEmpty();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
        boolean blank = row.get(i).isEmpty() || (dashIsBlank && row.get(i).equals("-"));
        if (!blank && !row.get(i).matches("[-+]?[0-9][0-9,.]*(%|s|ms)?|null")) {
          numeric[i] = false;
        }
      }
    }
    line(out, header, widths, numeric);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
    }
    out.println(rule);
    for (List<String> row : rows) {
      line(out, row, widths, numeric);
    }
    out.flush();
  }

  private static void line(PrintWriter out, List<String> cells, int[] widths, boolean[] numeric) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      String pad = " ".repeat(widths[i] - cell.length());
      line.append(i == 0 ? "" : "  ").append(numeric[i] ? pad + cell : cell + pad);
    }
    out.println(line.toString().stripTrailing());
  }
}
