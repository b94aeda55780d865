package io.sluice.server.pgwire;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the endpoint does with one statement: answers it itself (the session commands PostgreSQL
 * clients send on connect), sends it to the backend (a read), or refuses it with SQLSTATE 25006 —
 * the endpoint is read-only whatever the backend would allow.
 */
final class StatementPolicy {
  static final String SERVER_VERSION = "16.0 (Sluice)";
  static final String VERSION_TEXT =
      "PostgreSQL 16.0 (Sluice) on DuckDB, read-only SQL endpoint of sluice serve";

  /** What to do with a statement. */
  sealed interface Plan {}

  /** Answered locally with a command tag and no rows. */
  record Command(String tag, Transaction transaction) implements Plan {}

  /** Answered locally with fixed rows. */
  record Fixed(String column, String value, String tag) implements Plan {}

  /** Sent to the backend. */
  record Read(String sql, String tag) implements Plan {}

  /** Transaction effect of a local command. */
  enum Transaction {
    NONE,
    BEGIN,
    END
  }

  /** Statements whose first word makes them reads. */
  private static final Set<String> READS =
      Set.of(
          "select",
          "with",
          "values",
          "table",
          "from",
          "describe",
          "desc",
          "summarize",
          "pivot",
          "unpivot");

  /** The other statements of PostgreSQL and DuckDB: all refused, as writes or session changes. */
  private static final Set<String> COMMANDS =
      Set.of(
          "insert",
          "update",
          "delete",
          "merge",
          "upsert",
          "replace",
          "truncate",
          "create",
          "drop",
          "alter",
          "comment",
          "grant",
          "revoke",
          "copy",
          "attach",
          "detach",
          "install",
          "load",
          "pragma",
          "call",
          "use",
          "checkpoint",
          "force",
          "vacuum",
          "analyze",
          "analyse",
          "export",
          "import",
          "prepare",
          "execute",
          "listen",
          "notify",
          "unlisten",
          "lock",
          "reindex",
          "cluster",
          "refresh",
          "do",
          "declare",
          "fetch",
          "move",
          "close",
          "savepoint",
          "release",
          "security",
          "update_extensions",
          "rename");

  /** Settings PostgreSQL clients set on connect: accepted, with no effect. */
  private static final Set<String> CLIENT_SETTINGS =
      Set.of(
          "extra_float_digits",
          "application_name",
          "datestyle",
          "client_encoding",
          "names",
          "timezone",
          "time",
          "intervalstyle",
          "client_min_messages",
          "statement_timeout",
          "lock_timeout",
          "idle_in_transaction_session_timeout",
          "bytea_output",
          "standard_conforming_strings",
          "escape_string_warning",
          "default_transaction_read_only",
          "default_transaction_isolation",
          "transaction_isolation",
          "transaction_read_only",
          "search_path",
          "session",
          "transaction",
          "jit");

  /** Fixed answers to SHOW of the settings clients read. */
  static final Map<String, String> SHOWN =
      Map.ofEntries(
          Map.entry("server_version", SERVER_VERSION),
          Map.entry("server_version_num", "160000"),
          Map.entry("server_encoding", "UTF8"),
          Map.entry("client_encoding", "UTF8"),
          Map.entry("datestyle", "ISO, MDY"),
          Map.entry("intervalstyle", "postgres"),
          Map.entry("timezone", "UTC"),
          Map.entry("integer_datetimes", "on"),
          Map.entry("standard_conforming_strings", "on"),
          Map.entry("transaction_isolation", "read committed"),
          Map.entry("default_transaction_isolation", "read committed"),
          Map.entry("transaction_read_only", "on"),
          Map.entry("default_transaction_read_only", "on"),
          Map.entry("max_identifier_length", "63"),
          Map.entry("extra_float_digits", "3"),
          Map.entry("application_name", ""),
          Map.entry("is_superuser", "off"),
          Map.entry("lc_collate", "C"),
          Map.entry("lc_ctype", "C"),
          Map.entry("statement_timeout", "0"));

  private StatementPolicy() {}

  /**
   * The plan of one statement (not blank).
   *
   * @throws PgError 25006 for anything that is not a read or an accepted session command
   */
  static Plan plan(String sql) {
    List<String> words = SqlText.words(sql, 6);
    String first = words.isEmpty() ? "" : words.get(0);
    String normalized = normalize(sql);
    if (normalized.equals("select version()") || normalized.equals("select pg_catalog.version()")) {
      return new Fixed("version", VERSION_TEXT, "SELECT");
    }
    switch (first) {
      case "begin", "start" -> {
        return new Command("BEGIN", Transaction.BEGIN);
      }
      case "commit", "end" -> {
        return new Command("COMMIT", Transaction.END);
      }
      case "rollback", "abort" -> {
        return new Command("ROLLBACK", Transaction.END);
      }
      case "discard" -> {
        return new Command("DISCARD ALL", Transaction.NONE);
      }
      case "deallocate" -> {
        return new Command("DEALLOCATE", Transaction.NONE);
      }
      case "set" -> {
        return set(words);
      }
      case "reset" -> {
        return new Command("RESET", Transaction.NONE);
      }
      case "show" -> {
        return show(sql, words);
      }
      case "explain" -> {
        return explain(sql, words);
      }
      default -> {
        if (READS.contains(first)) {
          refuseEmbeddedWrites(sql);
          return new Read(sql, "SELECT");
        }
        if (!first.isEmpty() && Character.isLetter(first.charAt(0)) && !COMMANDS.contains(first)) {
          throw PgError.error(SqlStates.SYNTAX_ERROR, "syntax error at or near \"%s\"", first);
        }
        throw readOnly(first.isEmpty() ? "This statement" : first.toUpperCase(Locale.ROOT));
      }
    }
  }

  private static Plan set(List<String> words) {
    int i = 1;
    if (i < words.size() && (words.get(i).equals("session") || words.get(i).equals("local"))) {
      i++;
    }
    String name = i < words.size() ? words.get(i) : "";
    if (name.equals("session")
        && i + 1 < words.size()
        && words.get(i + 1).equals("authorization")) {
      throw readOnly("SET SESSION AUTHORIZATION");
    }
    if (name.equals("characteristics") || CLIENT_SETTINGS.contains(name)) {
      return new Command("SET", Transaction.NONE);
    }
    throw PgError.error(
        SqlStates.READ_ONLY_TRANSACTION,
        "SET %s is refused: the SQL endpoint of sluice serve is read-only and accepts only the"
            + " session settings PostgreSQL clients send (e.g. application_name, DateStyle,"
            + " extra_float_digits), which have no effect",
        name);
  }

  private static Plan show(String sql, List<String> words) {
    String name = words.size() > 1 ? words.get(1) : "";
    if (name.equals("transaction")) {
      return new Fixed("transaction_isolation", "read committed", "SHOW");
    }
    if (name.equals("time") && words.size() > 2 && words.get(2).equals("zone")) {
      return new Fixed("TimeZone", "UTC", "SHOW");
    }
    String value = SHOWN.get(name);
    if (value != null) {
      return new Fixed(name, value, "SHOW");
    }
    return new Read(sql, "SHOW");
  }

  private static Plan explain(String sql, List<String> words) {
    // EXPLAIN ANALYZE runs its statement: the statement explained must itself be a read.
    int i = 1;
    while (i < words.size() && Set.of("analyze", "analyse", "verbose").contains(words.get(i))) {
      i++;
    }
    String explained = i < words.size() ? words.get(i) : "";
    if (!READS.contains(explained)) {
      throw readOnly("EXPLAIN " + explained.toUpperCase(Locale.ROOT));
    }
    refuseEmbeddedWrites(sql);
    return new Read(sql, "EXPLAIN");
  }

  /** Words that make a statement led by a read keyword a write, e.g. {@code WITH … INSERT}. */
  private static final Set<String> WRITE_WORDS =
      Set.of(
          "insert",
          "update",
          "delete",
          "merge",
          "truncate",
          "copy",
          "create",
          "drop",
          "alter",
          "attach",
          "detach");

  /**
   * Refuses a read whose text holds a write keyword as a bare word anywhere (outside quotes and
   * comments, not as {@code t.update}): {@code WITH x AS (…) INSERT …} and data-modifying CTEs. A
   * column with such a name is read by quoting it ({@code "update"}).
   */
  private static void refuseEmbeddedWrites(String sql) {
    List<String> words = SqlText.words(sql, Integer.MAX_VALUE);
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (WRITE_WORDS.contains(word) && (i == 0 || !words.get(i - 1).equals("."))) {
        throw PgError.error(
            SqlStates.READ_ONLY_TRANSACTION,
            "%s is refused: the SQL endpoint of sluice serve is read-only (a column named %s"
                + " is read as \"%s\")",
            word.toUpperCase(Locale.ROOT),
            word,
            word);
      }
    }
  }

  static PgError readOnly(String what) {
    return PgError.error(
        SqlStates.READ_ONLY_TRANSACTION,
        "%s is refused: the SQL endpoint of sluice serve is read-only (SELECT, WITH, VALUES,"
            + " TABLE, FROM, SHOW, DESCRIBE, SUMMARIZE and EXPLAIN of those)",
        what);
  }

  private static String normalize(String sql) {
    return sql.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
