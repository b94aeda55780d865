package io.sluice.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} and {@code --name=value} options; an unknown option is an error. */
final class Args {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> flags = new ArrayList<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        values.put(arg.substring(0, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        values.put(arg, args[++i]);
      } else {
        flags.add(arg);
      }
    }
  }

  String value(String name, String fallback) {
    String value = values.remove(name);
    if (value == null && fallback == null) {
      throw new IllegalArgumentException("option " + name + " is required");
    }
    return value == null ? fallback : value;
  }

  boolean flag(String name) {
    return flags.remove(name);
  }

  void done() {
    if (!values.isEmpty() || !flags.isEmpty()) {
      List<String> unknown = new ArrayList<>(values.keySet());
      unknown.addAll(flags);
      throw new IllegalArgumentException("unknown option(s): " + String.join(", ", unknown));
    }
  }
}
