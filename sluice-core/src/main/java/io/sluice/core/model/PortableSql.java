package io.sluice.core.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds SQL in a model that one of the engines cannot run (DuckDB-only or Spark-only constructs),
 * so that {@code sluice validate} can warn before a project moves engines. A textual check over the
 * template with comments, string literals and Jinja tags blanked out: it names constructs, it does
 * not parse SQL, so it can miss some and never rejects a project.
 */
public final class PortableSql {
  private PortableSql() {}

  /**
   * A construct one engine cannot run.
   *
   * @param line 1-based line in the template
   * @param construct what was found, as written
   * @param engine the only engine that runs it
   * @param advice what to write instead
   */
  public record Warning(int line, String construct, String engine, String advice) {
    public Warning {
      requireNonNull(construct, "construct is null");
      requireNonNull(engine, "engine is null");
      requireNonNull(advice, "advice is null");
    }

    @Override
    public String toString() {
      return "line " + line + ": " + construct + " runs on " + engine + " only; " + advice;
    }
  }

  private record Check(Pattern pattern, String engine, String advice) {}

  private static final List<Check> CHECKS =
      List.of(
          new Check(Pattern.compile("::\\s*\\w+"), "DuckDB", "write CAST(x AS type)"),
          new Check(
              Pattern.compile("(?i)\\bAS\\s+VARCHAR\\b(?!\\s*\\()"),
              "DuckDB",
              "write STRING, which both engines accept"),
          new Check(
              Pattern.compile("(?i)\\*\\s*(EXCLUDE|REPLACE)\\s*\\("),
              "DuckDB",
              "name the columns you want"),
          new Check(Pattern.compile("(?i)\\bCOLUMNS\\s*\\("), "DuckDB", "name the columns"),
          new Check(
              Pattern.compile(
                  "(?i)\\b(strftime|strptime|epoch_ms|date_diff|date_sub|list_\\w+|"
                      + "array_to_string|regexp_full_match|struct_pack)\\s*\\("),
              "DuckDB",
              "use a function both engines have (docs/engines.md)"),
          new Check(
              Pattern.compile("(?i)\\blambda\\s+\\w+\\s*:"),
              "DuckDB",
              "avoid list lambdas in models"),
          new Check(
              Pattern.compile("(?i)\\bQUALIFY\\b"),
              "DuckDB",
              "filter on the window function in an outer SELECT"),
          new Check(
              Pattern.compile(
                  "(?i)\\b(date_format|from_unixtime|unix_timestamp|get_json_object|"
                      + "collect_list|collect_set|explode|nvl|nvl2)\\s*\\("),
              "Spark",
              "use a function both engines have (docs/engines.md)"),
          new Check(Pattern.compile("(?i)\\bRLIKE\\b"), "Spark", "use a regex: rule on a source"),
          new Check(Pattern.compile("`[^`]+`"), "Spark", "quote identifiers with double quotes"));

  /** The warnings for a model's template, in order of line. */
  public static List<Warning> check(String template) {
    String text = blankOut(template);
    List<Warning> warnings = new ArrayList<>();
    for (Check check : CHECKS) {
      Matcher matcher = check.pattern().matcher(text);
      while (matcher.find()) {
        warnings.add(
            new Warning(
                lineOf(text, matcher.start()),
                template.substring(matcher.start(), matcher.end()).strip(),
                check.engine(),
                check.advice()));
      }
    }
    warnings.sort(java.util.Comparator.comparingInt(Warning::line));
    return warnings;
  }

  /** The text with comments, string literals and Jinja tags replaced by spaces (lines kept). */
  private static String blankOut(String sql) {
    StringBuilder out = new StringBuilder(sql);
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      int end;
      if (sql.startsWith("--", i)) {
        end = sql.indexOf('\n', i);
        end = end < 0 ? sql.length() : end;
      } else if (sql.startsWith("/*", i)) {
        end = close(sql, "*/", i + 2);
      } else if (sql.startsWith("{{", i)) {
        end = close(sql, "}}", i + 2);
      } else if (sql.startsWith("{%", i)) {
        end = close(sql, "%}", i + 2);
      } else if (sql.startsWith("{#", i)) {
        end = close(sql, "#}", i + 2);
      } else if (c == '\'') {
        end = i + 1;
        while (end < sql.length()) {
          if (sql.charAt(end) == '\'') {
            if (end + 1 < sql.length() && sql.charAt(end + 1) == '\'') {
              end += 2;
              continue;
            }
            end++;
            break;
          }
          end++;
        }
      } else {
        i++;
        continue;
      }
      for (int k = i; k < end; k++) {
        if (out.charAt(k) != '\n') {
          out.setCharAt(k, ' ');
        }
      }
      i = end;
    }
    return out.toString();
  }

  private static int close(String sql, String marker, int from) {
    int at = sql.indexOf(marker, from);
    return at < 0 ? sql.length() : at + marker.length();
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
