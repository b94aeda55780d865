package io.sluice.connect.files;

import java.util.regex.Pattern;

/**
 * Glob patterns over {@code /}-separated relative paths: {@code *} and {@code ?} within one path
 * segment, {@code [abc]}/{@code [!abc]} character classes, {@code {a,b}} alternatives, {@code **}
 * across segments ({@code **}{@code /} also matches no directory at all, as in shells with globstar
 * and in gitignore), and {@code \} to quote the next character.
 */
public final class Glob {
  private Glob() {}

  /** Whether a path segment contains glob syntax. */
  public static boolean isGlob(String segment) {
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return true;
      }
    }
    return false;
  }

  /**
   * Compiles a glob to a regular expression matching whole relative paths.
   *
   * @throws IllegalArgumentException describing what is wrong with the glob
   */
  public static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder(glob.length() * 2);
    boolean inBraces = false;
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      switch (c) {
        case '*':
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
            i += 2;
            if (segmentStart && i < glob.length() && glob.charAt(i) == '/') {
              regex.append("(?:[^/]*/)*");
              i++;
            } else {
              regex.append(".*");
            }
            continue;
          }
          regex.append("[^/]*");
          break;
        case '?':
          regex.append("[^/]");
          break;
        case '[':
          i = appendClass(glob, i, regex);
          continue;
        case '{':
          if (inBraces) {
            throw new IllegalArgumentException("nested '{' at position " + (i + 1));
          }
          inBraces = true;
          regex.append("(?:");
          break;
        case '}':
          if (inBraces) {
            inBraces = false;
            regex.append(')');
          } else {
            appendLiteral(c, regex);
          }
          break;
        case ',':
          if (inBraces) {
            regex.append('|');
          } else {
            appendLiteral(c, regex);
          }
          break;
        case '\\':
          if (i + 1 >= glob.length()) {
            throw new IllegalArgumentException("'\\' at the end quotes nothing");
          }
          i++;
          appendLiteral(glob.charAt(i), regex);
          break;
        default:
          appendLiteral(c, regex);
      }
      i++;
    }
    if (inBraces) {
      throw new IllegalArgumentException("'{' is not closed");
    }
    return Pattern.compile(regex.toString());
  }

  /** Appends the class starting at {@code glob[start] == '['}; returns the index after it. */
  private static int appendClass(String glob, int start, StringBuilder regex) {
    int i = start + 1;
    boolean negated = i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
    if (negated) {
      i++;
    }
    StringBuilder members = new StringBuilder();
    boolean first = true;
    while (i < glob.length() && (glob.charAt(i) != ']' || first)) {
      char c = glob.charAt(i);
      if (c == '-' && !first && i + 1 < glob.length() && glob.charAt(i + 1) != ']') {
        members.append('-');
      } else if (c != '/') {
        appendLiteral(c, members);
      }
      first = false;
      i++;
    }
    if (i >= glob.length()) {
      throw new IllegalArgumentException("'[' at position " + (start + 1) + " is not closed");
    }
    regex.append(negated ? "[^/" : "[").append(members).append(']');
    return i + 1;
  }

  private static void appendLiteral(char c, StringBuilder regex) {
    if (c < 128 && !Character.isLetterOrDigit(c)) {
      regex.append('\\');
    }
    regex.append(c);
  }
}
