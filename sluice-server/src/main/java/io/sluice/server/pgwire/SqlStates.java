package io.sluice.server.pgwire;

import java.util.Locale;

/** The SQLSTATEs the endpoint answers with, and how backend errors map to them. */
final class SqlStates {
  static final String SYNTAX_ERROR = "42601";
  static final String UNDEFINED_TABLE = "42P01";
  static final String UNDEFINED_COLUMN = "42703";
  static final String UNDEFINED_OBJECT = "42704";
  static final String UNDEFINED_FUNCTION = "42883";
  static final String SYNTAX_OR_ACCESS = "42000";
  static final String INSUFFICIENT_PRIVILEGE = "42501";
  static final String READ_ONLY_TRANSACTION = "25006";
  static final String QUERY_CANCELED = "57014";
  static final String IDLE_SESSION_TIMEOUT = "57P05";
  static final String TOO_MANY_CONNECTIONS = "53300";
  static final String OUT_OF_MEMORY = "53200";
  static final String PROGRAM_LIMIT_EXCEEDED = "54000";
  static final String PROTOCOL_VIOLATION = "08P01";
  static final String INVALID_PASSWORD = "28P01";
  static final String INVALID_AUTHORIZATION = "28000";
  static final String FEATURE_NOT_SUPPORTED = "0A000";
  static final String INVALID_TEXT_REPRESENTATION = "22P02";
  static final String DATA_EXCEPTION = "22000";
  static final String INVALID_PARAMETER_VALUE = "22023";
  static final String INVALID_STATEMENT_NAME = "26000";
  static final String INVALID_CURSOR_NAME = "34000";
  static final String DUPLICATE_PREPARED_STATEMENT = "42P05";
  static final String INTERNAL_ERROR = "XX000";

  private SqlStates() {}

  /** The SQLSTATE of a backend (DuckDB) error message, by its error class and wording. */
  static String ofBackendMessage(String message) {
    String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (m.contains("parser error") || m.contains("syntax error")) {
      return SYNTAX_ERROR;
    }
    if (m.contains("catalog error")) {
      if (m.contains("table with name") || m.contains("table or view")) {
        return UNDEFINED_TABLE;
      }
      if (m.contains("function")) {
        return UNDEFINED_FUNCTION;
      }
      if (m.contains("column")) {
        return UNDEFINED_COLUMN;
      }
      return UNDEFINED_OBJECT;
    }
    if (m.contains("binder error")) {
      return m.contains("column") ? UNDEFINED_COLUMN : SYNTAX_OR_ACCESS;
    }
    if (m.contains("interrupt") || m.contains("cancel") || m.contains("timed out")) {
      return QUERY_CANCELED;
    }
    if (m.contains("read-only") || m.contains("read only")) {
      return READ_ONLY_TRANSACTION;
    }
    if (m.contains("permission error") || m.contains("not allowed") || m.contains("disabled")) {
      return INSUFFICIENT_PRIVILEGE;
    }
    if (m.contains("conversion error") || m.contains("could not convert")) {
      return INVALID_TEXT_REPRESENTATION;
    }
    if (m.contains("out of memory")) {
      return OUT_OF_MEMORY;
    }
    if (m.contains("invalid input error") || m.contains("out of range")) {
      return DATA_EXCEPTION;
    }
    return SYNTAX_OR_ACCESS;
  }
}
