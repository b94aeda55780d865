package io.sluice.server.pgwire;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Lexical work on SQL text that must not be fooled by quotes and comments: splitting a simple query
 * into statements, reading a statement's leading keywords, and binding {@code $n} parameters.
 * Single-quoted strings ({@code ''} escapes, {@code E'...'} with backslash escapes), double-quoted
 * identifiers, {@code --} and nested {@code /* *\/} comments and dollar-quoted strings are skipped
 * as units.
 */
final class SqlText {
  private SqlText() {}

  /** The end (exclusive) of the lexical unit starting at {@code i}, or {@code i + 1}. */
  private static int skip(String sql, int i) {
    char c = sql.charAt(i);
    int n = sql.length();
    if (c == '\'') {
      boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e');
      int j = i + 1;
      while (j < n) {
        char d = sql.charAt(j);
        if (escapes && d == '\\') {
          j += 2;
          continue;
        }
        if (d == '\'') {
          if (j + 1 < n && sql.charAt(j + 1) == '\'') {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return n;
    }
    if (c == '"') {
      int j = i + 1;
      while (j < n) {
        if (sql.charAt(j) == '"') {
          if (j + 1 < n && sql.charAt(j + 1) == '"') {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return n;
    }
    if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
      int end = sql.indexOf('\n', i);
      return end < 0 ? n : end + 1;
    }
    if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
      int depth = 1;
      int j = i + 2;
      while (j < n && depth > 0) {
        if (sql.startsWith("/*", j)) {
          depth++;
          j += 2;
        } else if (sql.startsWith("*/", j)) {
          depth--;
          j += 2;
        } else {
          j++;
        }
      }
      return j;
    }
    if (c == '$'
        && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))
        && i + 1 < n
        && !Character.isDigit(sql.charAt(i + 1))) {
      int j = i + 1;
      while (j < n && isIdentifierPart(sql.charAt(j))) {
        j++;
      }
      if (j < n && sql.charAt(j) == '$') {
        String tag = sql.substring(i, j + 1);
        int end = sql.indexOf(tag, j + 1);
        return end < 0 ? n : end + tag.length();
      }
    }
    return i + 1;
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /** The statements of a simple query, split at semicolons outside quotes and comments. */
  static List<String> split(String sql) {
    List<String> statements = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < sql.length()) {
      if (sql.charAt(i) == ';') {
        statements.add(sql.substring(start, i));
        start = i + 1;
        i++;
      } else {
        i = skip(sql, i);
      }
    }
    statements.add(sql.substring(start));
    List<String> nonEmpty = new ArrayList<>();
    for (String statement : statements) {
      if (!isBlank(statement)) {
        nonEmpty.add(statement.strip());
      }
    }
    return nonEmpty;
  }

  /** Whether the text holds nothing but whitespace and comments. */
  static boolean isBlank(String sql) {
    return words(sql, 1).isEmpty() && strippedOfComments(sql).isBlank();
  }

  private static String strippedOfComments(String sql) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < sql.length()) {
      int end = skip(sql, i);
      if (!(sql.startsWith("--", i) || sql.startsWith("/*", i))) {
        out.append(sql, i, end);
      }
      i = end;
    }
    return out.toString();
  }

  /**
   * The first {@code max} words of a statement, lower-cased, skipping comments and opening
   * parentheses; a word is a run of letters, digits and underscores, or one other character.
   */
  static List<String> words(String sql, int max) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n && words.size() < max) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || (c == '(' && words.isEmpty())) {
        i++;
      } else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
        i = skip(sql, i);
      } else if (isIdentifierPart(c)) {
        int j = i;
        while (j < n && isIdentifierPart(sql.charAt(j))) {
          j++;
        }
        words.add(sql.substring(i, j).toLowerCase(Locale.ROOT));
        i = j;
      } else if (c == '"' || c == '\'') {
        int end = skip(sql, i);
        words.add(sql.substring(i, end));
        i = end;
      } else {
        words.add(String.valueOf(c));
        i++;
      }
    }
    return words;
  }

  /** The highest {@code $n} placeholder of a statement, 0 when it has none. */
  static int parameterCount(String sql) {
    int max = 0;
    int i = 0;
    while (i < sql.length()) {
      int number = placeholderAt(sql, i);
      if (number > 0) {
        max = Math.max(max, number);
        i += 1 + Integer.toString(number).length();
      } else {
        i = skip(sql, i);
      }
    }
    return max;
  }

  private static int placeholderAt(String sql, int i) {
    if (sql.charAt(i) != '$' || (i > 0 && isIdentifierPart(sql.charAt(i - 1)))) {
      return 0;
    }
    int j = i + 1;
    while (j < sql.length() && Character.isDigit(sql.charAt(j)) && j - i < 6) {
      j++;
    }
    if (j == i + 1) {
      return 0;
    }
    return Integer.parseInt(sql.substring(i + 1, j));
  }

  /**
   * The statement with each {@code $n} replaced by its SQL literal.
   *
   * @param literals the literals, {@code literals.get(n - 1)} for {@code $n}
   */
  static String bind(String sql, List<String> literals) {
    StringBuilder out = new StringBuilder(sql.length() + 16 * literals.size());
    int i = 0;
    while (i < sql.length()) {
      int number = placeholderAt(sql, i);
      if (number > 0) {
        if (number > literals.size()) {
          throw PgError.error(
              SqlStates.PROTOCOL_VIOLATION,
              "The statement uses $%d but only %d parameters were bound",
              number,
              literals.size());
        }
        out.append(literals.get(number - 1));
        i += 1 + Integer.toString(number).length();
      } else {
        int end = skip(sql, i);
        out.append(sql, i, end);
        i = end;
      }
    }
    return out.toString();
  }

  /**
   * A parameter's text value as a SQL literal: a quoted string (quotes doubled), cast to the
   * parameter's declared type when it has one. The value cannot end the literal early: quotes are
   * doubled and NUL is refused.
   */
  static String literal(String value, PgType type) {
    if (value == null) {
      return "NULL";
    }
    if (value.indexOf('\0') >= 0) {
      throw PgError.error(
          SqlStates.INVALID_PARAMETER_VALUE, "A parameter value holds a NUL character");
    }
    String text = value;
    if (type == PgType.BYTEA && value.startsWith("\\x")) {
      try {
        text = PgType.blobLiteralText(HexFormat.of().parseHex(value.substring(2)));
      } catch (IllegalArgumentException e) {
        throw PgError.error(
            SqlStates.INVALID_TEXT_REPRESENTATION, "A bytea parameter is not valid hex: %s", value);
      }
    }
    String quoted = "'" + text.replace("'", "''") + "'";
    String cast = type.castTarget();
    return cast == null ? quoted : "CAST(" + quoted + " AS " + cast + ")";
  }
}
