package io.sluice.cli.demo;

/** Writing CSV fields and JSON strings. */
final class Text {
  private Text() {}

  /** One CSV line (with its newline); fields are quoted only when they need it. */
  static String csvLine(String[] fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(csv(fields[i]));
    }
    return line.append('\n').toString();
  }

  /**
   * A CSV field: quoted (RFC 4180, quotes doubled) when it holds a delimiter, a quote, a line break
   * or surrounding spaces. An empty field stays unquoted, so that it reads as a missing value.
   */
  static String csv(String value) {
    boolean quote =
        value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0
            || (!value.isEmpty() && (value.charAt(0) == ' ' || value.endsWith(" ")));
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }

  /** A JSON string literal. */
  static String json(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
