package io.sluice.connect.cdc;

/**
 * PostgreSQL's text form of a value, as Sluice passes it on: booleans as {@code true}/{@code
 * false}, timestamps in ISO-8601 ({@code 2024-05-01T12:00:00.5}, {@code
 * 2024-05-01T12:00:00.5+00:00}); every other type as PostgreSQL writes it (with the session in UTC
 * and ISO date style). The snapshot and the change stream both go through here, so a row reads the
 * same either way.
 */
final class TextValues {
  static final int BOOL = 16;
  static final int TIMESTAMP = 1114;
  static final int TIMESTAMPTZ = 1184;

  private TextValues() {}

  static String normalize(int typeOid, String text) {
    if (text == null) {
      return null;
    }
    return switch (typeOid) {
      case BOOL -> bool(text);
      case TIMESTAMP -> text.replaceFirst(" ", "T");
      case TIMESTAMPTZ -> offset(text.replaceFirst(" ", "T"));
      default -> text;
    };
  }

  private static String bool(String text) {
    return switch (text) {
      case "t", "true" -> "true";
      case "f", "false" -> "false";
      default -> text;
    };
  }

  /** {@code ...+05} becomes {@code ...+05:00}; {@code +05:30} stays; {@code infinity} stays. */
  private static String offset(String text) {
    int time = text.indexOf('T');
    if (time < 0) {
      return text;
    }
    int sign = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
    if (sign <= time) {
      return text;
    }
    String zone = text.substring(sign + 1);
    if (zone.length() == 2) {
      return text + ":00";
    }
    return text;
  }
}
