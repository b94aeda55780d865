package io.sluice.core.function;

import io.sluice.api.function.FunctionContext;
import io.sluice.api.function.FunctionResult;
import io.sluice.api.function.RecordFunction;
import io.sluice.api.function.RecordFunctionFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The functions every project has; documented in docs/functions.md. */
final class BuiltInFunctions {
  private BuiltInFunctions() {}

  /** Replaces every character of a field but the last {@code keep-last} with {@code char}. */
  public static final class Mask implements RecordFunctionFactory {
    @Override
    public String name() {
      return "mask";
    }

    @Override
    public RecordFunction create(FunctionContext context) {
      FunctionOptions options = new FunctionOptions(context, Set.of("fields", "keep-last", "char"));
      List<RecordPath> fields = paths(options);
      int keepLast = options.integer("keep-last", 0);
      String with = options.text("char").orElse("*");
      if (with.codePointCount(0, with.length()) != 1) {
        throw options.error("option 'char' must be one character, found '" + with + "'");
      }
      return replacingText(
          "mask",
          fields,
          text -> {
            int length = text.codePointCount(0, text.length());
            int keep = Math.min(keepLast, length);
            int cut = text.offsetByCodePoints(0, length - keep);
            return with.repeat(length - keep) + text.substring(cut);
          });
    }
  }

  /** Removes fields, or replaces their value with {@code replacement}. */
  public static final class Redact implements RecordFunctionFactory {
    @Override
    public String name() {
      return "redact";
    }

    @Override
    public RecordFunction create(FunctionContext context) {
      FunctionOptions options = new FunctionOptions(context, Set.of("fields", "replacement"));
      List<RecordPath> fields = paths(options);
      Optional<String> replacement = options.text("replacement");
      return record -> {
        for (RecordPath path : fields) {
          path.parent(record)
              .filter(parent -> parent.containsKey(path.leaf()))
              .ifPresent(
                  parent -> {
                    if (replacement.isPresent()) {
                      parent.put(path.leaf(), replacement.get());
                    } else {
                      parent.remove(path.leaf());
                    }
                  });
        }
        return FunctionResult.keep(record);
      };
    }
  }

  /**
   * Replaces fields with the SHA-256 of their text (lowercase hex), salted with the value of the
   * environment variable named by {@code salt-env}: equal values stay joinable, originals are gone.
   */
  public static final class Hash implements RecordFunctionFactory {
    @Override
    public String name() {
      return "hash";
    }

    @Override
    public RecordFunction create(FunctionContext context) {
      FunctionOptions options = new FunctionOptions(context, Set.of("fields", "salt-env"));
      List<RecordPath> fields = paths(options);
      String salt = "";
      Optional<String> saltEnv = options.text("salt-env");
      if (saltEnv.isPresent()) {
        salt = System.getenv(saltEnv.get());
        if (salt == null) {
          throw options.error(
              "option 'salt-env' names the environment variable '"
                  + saltEnv.get()
                  + "', which is not set");
        }
      }
      String prefix = salt;
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is always available", e);
      }
      return replacingText(
          "hash",
          fields,
          text ->
              HexFormat.of()
                  .formatHex(digest.digest((prefix + text).getBytes(StandardCharsets.UTF_8))));
    }
  }

  /** Drops records whose field has one of {@code values}, or is missing ({@code missing: true}). */
  public static final class DropWhen implements RecordFunctionFactory {
    @Override
    public String name() {
      return "drop-when";
    }

    @Override
    public RecordFunction create(FunctionContext context) {
      FunctionOptions options =
          new FunctionOptions(context, Set.of("field", "values", "missing", "reason"));
      List<RecordPath> field = paths(options, "field");
      if (field.size() != 1) {
        throw options.error("option 'field' takes one field path");
      }
      RecordPath path = field.get(0);
      Optional<List<String>> values = options.texts("values");
      boolean missing = options.bool("missing").orElse(false);
      if (values.isPresent() == missing) {
        throw options.error("give exactly one of 'values' (a list) or 'missing: true'");
      }
      Optional<String> reason = options.text("reason");
      Set<String> dropped = Set.copyOf(values.orElse(List.of()));
      return record -> {
        Object value = path.value(record).orElse(null);
        if (missing) {
          return value == null
              ? FunctionResult.drop(reason.orElse("field '" + path.text() + "' is missing"))
              : FunctionResult.keep(record);
        }
        if (value != null) {
          String text = RecordPath.scalarText("drop-when", path, value);
          if (dropped.contains(text)) {
            return FunctionResult.drop(
                reason.orElse("field '" + path.text() + "' is '" + text + "'"));
          }
        }
        return FunctionResult.keep(record);
      };
    }
  }

  /** A function that replaces each present field with {@code replace} applied to its text. */
  private static RecordFunction replacingText(
      String function, List<RecordPath> fields, UnaryOperator<String> replace) {
    return record -> {
      for (RecordPath path : fields) {
        Optional<Map<String, Object>> parent = path.parent(record);
        Object value = parent.map(p -> p.get(path.leaf())).orElse(null);
        if (value != null) {
          parent
              .get()
              .put(path.leaf(), replace.apply(RecordPath.scalarText(function, path, value)));
        }
      }
      return FunctionResult.keep(record);
    };
  }

  private static List<RecordPath> paths(FunctionOptions options) {
    return paths(options, "fields");
  }

  private static List<RecordPath> paths(FunctionOptions options, String key) {
    return options.requiredPaths(key).stream().map(RecordPath::parse).toList();
  }
}
