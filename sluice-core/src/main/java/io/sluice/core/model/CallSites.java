package io.sluice.core.model;

import io.sluice.core.model.ModelAnalysis.Call;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds where in a template's text a function is called with a given name. */
final class CallSites {
  private CallSites() {}

  /**
   * The call {@code function('name')} (or {@code function('any', 'name')}) in {@code template}: the
   * first one on or after {@code nearLine} (where Jinjava was rendering), else the first one
   * anywhere, else just {@code nearLine}.
   */
  static Call locate(String template, String function, String name, int nearLine) {
    Pattern call =
        Pattern.compile(
            "(?<![A-Za-z0-9_.])"
                + Pattern.quote(function)
                + "\\s*\\(\\s*(?:(['\"])[^'\"]*\\1\\s*,\\s*)?(['\"])"
                + Pattern.quote(name)
                + "\\2");
    Matcher matcher = call.matcher(template);
    Call first = null;
    while (matcher.find()) {
      Call found = at(template, name, matcher.start());
      if (found.line() >= nearLine) {
        return found;
      }
      if (first == null) {
        first = found;
      }
    }
    return first != null ? first : new Call(name, nearLine, 0);
  }

  /** The first {@code function(} in the template, or {@code nearLine}. */
  static Call locateAny(String template, String function, int nearLine) {
    Matcher matcher =
        Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(function) + "\\s*\\(")
            .matcher(template);
    Call first = null;
    while (matcher.find()) {
      Call found = at(template, function, matcher.start());
      if (found.line() >= nearLine) {
        return found;
      }
      if (first == null) {
        first = found;
      }
    }
    return first != null ? first : new Call(function, nearLine, 0);
  }

  private static Call at(String template, String name, int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (template.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Call(name, line, offset - lineStart + 1);
  }
}
