package io.sluice.engine.duckdb;

import io.sluice.api.SluiceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a statement only reads. DuckDB's own parser decides ({@code json_serialize_sql}
 * serializes SELECT statements only, and counts statements, so that quotes, comments and dollar
 * strings are read exactly as DuckDB reads them); the first keyword only names what was refused.
 */
final class ReadOnlySql {
  static final String ACCEPTED =
      "SELECT, WITH, VALUES, FROM, TABLE, DESCRIBE, SHOW, SUMMARIZE, UNPIVOT and EXPLAIN of those";
  private static final Set<String> READING =
      Set.of(
          "SELECT",
          "WITH",
          "VALUES",
          "FROM",
          "TABLE",
          "DESCRIBE",
          "SHOW",
          "SUMMARIZE",
          "UNPIVOT",
          "(");

  private ReadOnlySql() {}

  /**
   * Returns the statement to run (without a trailing semicolon).
   *
   * @throws SluiceException (USER) naming what is refused
   */
  static String check(Connection connection, String sql) {
    String trimmed = sql.strip();
    String first = firstWord(trimmed, 0);
    String body = trimmed;
    if (first.equals("EXPLAIN")) {
      int at = afterWord(trimmed, 0);
      String next = firstWord(trimmed, at);
      if (next.equals("ANALYZE")) {
        at = afterWord(trimmed, at);
        next = firstWord(trimmed, at);
      }
      if (next.equals("(") && !READING.contains(firstWord(trimmed, skipBlanks(trimmed, at) + 1))) {
        // EXPLAIN (ANALYZE, FORMAT JSON) ...: options, not a parenthesized query. What follows
        // them is what must read: EXPLAIN (ANALYZE) runs it.
        at = afterParentheses(trimmed, skipBlanks(trimmed, at));
        next = firstWord(trimmed, at);
      }
      body = trimmed.substring(at);
      first = next;
    }
    if (first.isEmpty()) {
      throw SluiceException.user("The query is empty: give one SQL statement (%s)", ACCEPTED);
    }
    if (!READING.contains(first)) {
      throw refused(first);
    }
    try (PreparedStatement parse =
        connection.prepareStatement(
            "SELECT (j->>'error')::BOOLEAN, json_array_length(j->'statements'), j->>'error_type',"
                + " j->>'error_message', j->>'position'"
                + " FROM (SELECT json_serialize_sql(?)::JSON AS j)")) {
      parse.setString(1, body);
      try (ResultSet rs = parse.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          String type = rs.getString(3);
          if ("not implemented".equals(type)) {
            // The text starts as a read but holds a statement that is not one: a second statement
            // after a semicolon, or a WITH before a write. Saying "SELECT is refused" would
            // mislead.
            throw SluiceException.user(
                "Only one statement that reads can be run here (%s); this text also holds a"
                    + " statement that does not read (a second statement after a semicolon, or"
                    + " a WITH before a write), and is refused",
                ACCEPTED);
          }
          // A syntax error. Never run text that did not parse as a read: under EXPLAIN the
          // parsed body is not the whole text, which might parse (and run) where the body
          // does not.
          throw SluiceException.user(
              "Query failed: Parser Error: %s%s",
              rs.getString(4),
              rs.getString(5) == null
                  ? ""
                  : " (at character "
                      + (Long.parseLong(rs.getString(5)) + 1 + trimmed.length() - body.length())
                      + ")");
        }
        long statements = rs.getLong(2);
        if (statements != 1) {
          throw SluiceException.user(
              "Only one statement at a time can be run here, found %d; separate queries are"
                  + " separate requests",
              statements);
        }
      }
    } catch (SQLException e) {
      throw SluiceException.user("Cannot parse the query: %s", e.getMessage());
    }
    return stripTrailingSemicolons(trimmed);
  }

  private static SluiceException refused(String keyword) {
    return SluiceException.user(
        "Only statements that read can be run here (%s); %s is refused: the warehouse is"
            + " read-only, and files, settings, extensions and other databases are out of reach",
        ACCEPTED, keyword.isEmpty() ? "this statement" : keyword);
  }

  private static String stripTrailingSemicolons(String sql) {
    String s = sql;
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).stripTrailing();
    }
    return s;
  }

  /** The first word at or after {@code from}, upper case, skipping blanks and comments. */
  static String firstWord(String sql, int from) {
    int i = skipBlanks(sql, from);
    if (i >= sql.length()) {
      return "";
    }
    if (sql.charAt(i) == '(') {
      return "(";
    }
    int end = i;
    while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
      end++;
    }
    if (end == i) {
      return sql.substring(i, i + 1);
    }
    return sql.substring(i, end).toUpperCase(Locale.ROOT);
  }

  /**
   * The index after the parenthesis that closes the one at {@code open}, skipping quoted text; the
   * end of {@code sql} when it is not closed (the rest then fails to parse and is refused).
   */
  private static int afterParentheses(String sql, int open) {
    int depth = 0;
    for (int i = open; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = sql.indexOf(c, i + 1);
        i = end < 0 ? sql.length() : end;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i + 1;
      }
    }
    return sql.length();
  }

  private static int afterWord(String sql, int from) {
    int i = skipBlanks(sql, from);
    while (i < sql.length() && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipBlanks(String sql, int from) {
    int i = from;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
      } else {
        break;
      }
    }
    return i;
  }
}
