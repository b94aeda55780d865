package io.sluice.connect.jdbc;

import java.util.regex.Pattern;

/** Shows JDBC URLs without secrets. */
final class JdbcUrls {
  // password=..., pwd=... as a query parameter (?, &) or a property (;), in any case
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("(?i)([?&;](?:password|passwd|pwd)=)[^&;]*");
  // user:secret@host in an authority
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;]*):[^/@]*@");

  private JdbcUrls() {}

  /** The URL with any password replaced by {@code ***}. */
  static String redact(String url) {
    String redacted = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    return USER_INFO.matcher(redacted).replaceAll("$1:***@");
  }

  /** Whether the URL holds a password. */
  static boolean hasPassword(String url) {
    return !redact(url).equals(url);
  }
}
