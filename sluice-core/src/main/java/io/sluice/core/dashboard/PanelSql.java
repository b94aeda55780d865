package io.sluice.core.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a panel's SQL that a dashboard needs without an engine: the relations it reads
 * (after {@code FROM} and {@code JOIN}), the names its common table expressions define, and its
 * {@code $variable} placeholders, found by a scanner that knows SQL's strings, quoted identifiers
 * and comments. It is no parser: what it cannot tell (a table function, a three-part name) it says
 * it cannot, so that the panel is refreshed after every batch rather than missed.
 */
public final class PanelSql {
  /** Words that end a table reference's alias position (what follows a relation name). */
  private static final Set<String> CLAUSE_WORDS =
      Set.of(
          "where",
          "group",
          "order",
          "limit",
          "offset",
          "having",
          "join",
          "left",
          "right",
          "inner",
          "outer",
          "full",
          "cross",
          "natural",
          "on",
          "using",
          "union",
          "except",
          "intersect",
          "window",
          "qualify",
          "asof",
          "positional",
          "anti",
          "semi",
          "lateral",
          "select",
          "from",
          "pivot",
          "unpivot",
          "tablesample");

  private PanelSql() {}

  /**
   * A relation read after {@code FROM} or {@code JOIN}.
   *
   * @param schema the schema it was qualified with, empty when none
   * @param name the relation's name (unquoted)
   * @param offset where it starts in the SQL
   */
  public record Reference(String schema, String name, int offset) {}

  /**
   * A {@code $name} placeholder.
   *
   * @param name the variable's name
   * @param offset where the {@code $} is in the SQL
   */
  public record Placeholder(String name, int offset) {}

  /**
   * What the scanner found.
   *
   * @param references the relations read, in order
   * @param cteNames names defined by {@code WITH name AS (...)}, lower case
   * @param placeholders the {@code $name} placeholders, in order
   * @param certain false when something read could not be told (a table function, a three-part
   *     name): the panel's inputs are then unknown
   */
  public record Scan(
      List<Reference> references,
      Set<String> cteNames,
      List<Placeholder> placeholders,
      boolean certain) {}

  private enum Kind {
    WORD,
    QUOTED,
    PUNCT,
    PLACEHOLDER
  }

  private record Token(Kind kind, String text, int offset, int end) {
    boolean is(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isPunct(char c) {
      return kind == Kind.PUNCT && text.charAt(0) == c;
    }

    boolean isName() {
      return kind == Kind.WORD || kind == Kind.QUOTED;
    }
  }

  /** Scans {@code sql}. */
  public static Scan scan(String sql) {
    List<Token> tokens = tokens(sql);
    List<Reference> references = new ArrayList<>();
    Set<String> ctes = new java.util.TreeSet<>();
    List<Placeholder> placeholders = new ArrayList<>();
    boolean certain = true;
    // per open parenthesis: whether it holds a query (a subquery) rather than a function's
    // arguments, where FROM is part of EXTRACT(year FROM t) or TRIM(x FROM s)
    java.util.ArrayDeque<Boolean> query = new java.util.ArrayDeque<>();
    query.push(true);
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.isPunct('(')) {
        Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : token;
        query.push(next.is("select") || next.is("with") || next.is("from") || next.is("values"));
        continue;
      }
      if (token.isPunct(')')) {
        if (query.size() > 1) {
          query.pop();
        }
        continue;
      }
      if (token.kind == Kind.PLACEHOLDER) {
        placeholders.add(new Placeholder(token.text, token.offset));
        continue;
      }
      // name AS ( : a common table expression
      if (token.isName()
          && i + 2 < tokens.size()
          && tokens.get(i + 1).is("as")
          && tokens.get(i + 2).isPunct('(')) {
        ctes.add(token.text.toLowerCase(Locale.ROOT));
      }
      if (!(token.is("from") || token.is("join")) || !query.peek()) {
        continue;
      }
      int at = i + 1;
      while (at < tokens.size()) {
        Token first = tokens.get(at);
        if (!first.isName() || (first.kind == Kind.WORD && CLAUSE_WORDS.contains(lower(first)))) {
          break; // a subquery, or FROM-first syntax; what it reads is scanned on its own
        }
        List<Token> parts = new ArrayList<>(List.of(first));
        at++;
        while (at + 1 < tokens.size()
            && tokens.get(at).isPunct('.')
            && tokens.get(at + 1).isName()) {
          parts.add(tokens.get(at + 1));
          at += 2;
        }
        if (at < tokens.size() && tokens.get(at).isPunct('(')) {
          certain = false; // a table function: read_parquet(...), range(...)
          break;
        }
        if (parts.size() == 1) {
          references.add(new Reference("", parts.get(0).text, first.offset));
        } else if (parts.size() == 2) {
          references.add(new Reference(parts.get(0).text, parts.get(1).text, first.offset));
        } else {
          certain = false; // catalog.schema.name
        }
        // an alias: AS name, or a bare name that starts no clause
        if (at < tokens.size() && tokens.get(at).is("as")) {
          at += 2;
        } else if (at < tokens.size()
            && tokens.get(at).isName()
            && !(tokens.get(at).kind == Kind.WORD
                && CLAUSE_WORDS.contains(lower(tokens.get(at))))) {
          at++;
        }
        if (at < tokens.size() && tokens.get(at).isPunct(',')) {
          at++; // FROM a, b
          continue;
        }
        break;
      }
    }
    return new Scan(List.copyOf(references), Set.copyOf(ctes), List.copyOf(placeholders), certain);
  }

  /**
   * {@code sql} with each {@code $name} placeholder replaced by {@code literals.get(name)}, which
   * the caller made safe (a quoted literal of a value it checked). Strings, quoted identifiers and
   * comments are left as they are.
   *
   * @throws IllegalArgumentException for a placeholder without a literal
   */
  public static String bind(String sql, Map<String, String> literals) {
    StringBuilder out = new StringBuilder(sql.length() + 64);
    int copied = 0;
    for (Token token : tokens(sql)) {
      if (token.kind != Kind.PLACEHOLDER) {
        continue;
      }
      String literal = literals.get(token.text);
      if (literal == null) {
        throw new IllegalArgumentException("no value for $" + token.text);
      }
      out.append(sql, copied, token.offset).append(literal);
      copied = token.end;
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /** A SQL string literal of {@code value}: quoted, its quotes doubled. */
  public static String stringLiteral(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a value with a NUL character");
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /** The 1-based line of {@code offset} in {@code text}. */
  public static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String lower(Token token) {
    return token.text.toLowerCase(Locale.ROOT);
  }

  private static List<Token> tokens(String sql) {
    List<Token> tokens = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'') {
        i = closing(sql, i, '\'');
      } else if (c == '"') {
        int end = closing(sql, i, '"');
        String name = sql.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\"");
        tokens.add(new Token(Kind.QUOTED, name, i, end));
        i = end;
      } else if (c == '$' && i + 1 < n && isStart(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < n && isPart(sql.charAt(end))) {
          end++;
        }
        if (end < n && sql.charAt(end) == '$') {
          // $tag$ ... $tag$: a dollar-quoted string
          String tag = sql.substring(i, end + 1);
          int close = sql.indexOf(tag, end + 1);
          i = close < 0 ? n : close + tag.length();
        } else {
          tokens.add(new Token(Kind.PLACEHOLDER, sql.substring(i + 1, end), i, end));
          i = end;
        }
      } else if (c == '$' && i + 1 < n && sql.charAt(i + 1) == '$') {
        int close = sql.indexOf("$$", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (isStart(c)) {
        int end = i + 1;
        while (end < n && isPart(sql.charAt(end))) {
          end++;
        }
        tokens.add(new Token(Kind.WORD, sql.substring(i, end), i, end));
        i = end;
      } else if (Character.isDigit(c)) {
        int end = i + 1;
        while (end < n && (isPart(sql.charAt(end)) || sql.charAt(end) == '.')) {
          end++;
        }
        i = end;
      } else {
        tokens.add(new Token(Kind.PUNCT, String.valueOf(c), i, i + 1));
        i++;
      }
    }
    return tokens;
  }

  /** The index after the quote that closes the one at {@code start} (a doubled quote escapes). */
  private static int closing(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  private static boolean isStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
