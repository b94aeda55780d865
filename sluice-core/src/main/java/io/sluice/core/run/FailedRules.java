package io.sluice.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.CompiledRule;
import io.sluice.config.DidYouMean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names of the rules a quarantined row failed, as every command prints them: {@code
 * rule(column)} for a rule on a column ({@code range(amount)}), {@code rule} for a row check or
 * {@code parse}. A selector ({@code --rule} of {@code sluice quarantine show} and {@code replay})
 * is such a name, or a bare rule name ({@code range}) for every column it is on.
 */
public final class FailedRules {
  /** Rules that are not in a source's compiled rules but can quarantine its rows. */
  private static final List<String> BUILT_IN =
      List.of("parse", "type", "function", "dropped", "late", "schema_drift");

  private FailedRules() {}

  /** {@code rule(column)}, or {@code rule} when {@code column} is empty. */
  public static String name(String rule, String column) {
    return column.isEmpty() ? rule : rule + "(" + column + ")";
  }

  /**
   * The names of the failures in a quarantined row's {@code _errors} (a JSON array of {@code {rule,
   * column, ...}}), in order; empty for empty or unreadable text.
   */
  public static List<String> names(String errorsJson) {
    List<String> names = new ArrayList<>();
    if (errorsJson == null || errorsJson.isBlank()) {
      return names;
    }
    JsonNode errors;
    try {
      errors = StateStore.fromJson(errorsJson, new TypeReference<JsonNode>() {});
    } catch (RuntimeException e) {
      return names; // _errors is written by Sluice; text that is not JSON names no rule
    }
    for (JsonNode error : errors) {
      names.add(name(error.path("rule").asText(""), error.path("column").asText("")));
    }
    return names;
  }

  /** Whether a failure named {@code name} ({@code range(amount)}) is selected by {@code rule}. */
  public static boolean selects(String rule, String name) {
    return name.equals(rule) || name.startsWith(rule + "(");
  }

  /** Whether any of the failures in {@code errorsJson} is selected by {@code rule}. */
  public static boolean selectsAny(String rule, String errorsJson) {
    return names(errorsJson).stream().anyMatch(name -> selects(rule, name));
  }

  /**
   * The names {@code --rule} accepts for a source: each of its rules with and without its column,
   * the built-in ones ({@code parse}, {@code type}, {@code function}, {@code dropped}, {@code
   * late}, {@code schema_drift}), and every failure already in its quarantine (a rule removed since
   * still names its rows).
   */
  public static Set<String> known(List<CompiledRule> rules, Collection<String> quarantined) {
    Set<String> known = new TreeSet<>(BUILT_IN);
    for (CompiledRule rule : rules) {
      known.add(rule.name());
      known.add(name(rule.name(), rule.column()));
    }
    for (String name : quarantined) {
      known.add(name);
      int paren = name.indexOf('(');
      if (paren > 0) {
        known.add(name.substring(0, paren));
      }
    }
    return known;
  }

  /**
   * Checks that {@code rule} is one of {@code known}.
   *
   * @throws SluiceException (USER) naming the unknown rule, the closest known one and all of them
   */
  public static void requireKnown(String source, String rule, Set<String> known) {
    if (!known.contains(rule)) {
      throw SluiceException.user(
          "Unknown rule '%s' for source '%s'%s; its rules are: %s",
          rule, source, DidYouMean.hint(rule, known), String.join(", ", known));
    }
  }
}
