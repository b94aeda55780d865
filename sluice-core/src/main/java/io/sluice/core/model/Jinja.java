package io.sluice.core.model;

import static java.util.Objects.requireNonNull;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.loader.ResourceNotFoundException;
import io.sluice.api.SluiceException;
import io.sluice.config.DidYouMean;
import io.sluice.core.config.ModelSpec;
import io.sluice.core.config.TemplateFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one Jinjava setup behind both the analysis of models at load time and their rendering at run
 * time. The template functions are static trampolines that forward to the {@link TemplateHooks}
 * bound to the rendering in progress.
 */
final class Jinja {
  private static final String HOOKS = "__sluice_hooks__";
  private static final Pattern UNKNOWN_FUNCTION =
      Pattern.compile("Could not resolve function '([^']*)'");
  private static final Pattern UNKNOWN_TOKEN = Pattern.compile("Unknown token found: (\\S+)");
  private static final Jinjava JINJAVA = create();

  private Jinja() {}

  /**
   * The output of a rendering and the problems Jinjava found.
   *
   * @param output the rendered text, exactly as Jinjava produced it
   * @param problems syntax errors, failed calls, unknown variables; empty when it went well
   */
  record Outcome(String output, List<TemplateProblem> problems) {
    Outcome {
      requireNonNull(output, "output is null");
      problems = List.copyOf(problems);
    }
  }

  /** Renders {@code template}, its functions answered by {@code hooks}. */
  static Outcome render(String template, TemplateHooks hooks, String thisRelation) {
    Map<String, Object> bindings = new HashMap<>();
    bindings.put(HOOKS, hooks);
    bindings.put(ModelSpec.THIS.name(), thisRelation);
    RenderResult result = JINJAVA.renderForResult(template, bindings);
    Set<TemplateProblem> problems = new LinkedHashSet<>();
    for (TemplateError error : result.getErrors()) {
      problems.add(new TemplateProblem(Math.max(0, error.getLineno()), 0, message(error)));
    }
    return new Outcome(result.getOutput(), new ArrayList<>(problems));
  }

  /** The line Jinjava is rendering, for calls whose text cannot be found. */
  static int currentLine() {
    return JinjavaInterpreter.getCurrentMaybe().map(JinjavaInterpreter::getLineNumber).orElse(0);
  }

  private static Jinjava create() {
    JinjavaConfig config =
        JinjavaConfig.newBuilder()
            // text that looks like a tag inside a rendered value stays text (SQL string literals)
            .withNestedInterpretationEnabled(false)
            // a misspelt variable is an error, not silently an empty string in the SQL
            .withFailOnUnknownTokens(true)
            // the SQL comes out exactly as written, to the last newline
            .withKeepTrailingNewline(true)
            .build();
    Jinjava jinjava = new Jinjava(config);
    jinjava.setResourceLocator(
        (name, encoding, interpreter) -> {
          throw new ResourceNotFoundException(
              "include and import are not supported in models ('" + name + "')");
        });
    Map<String, ELFunctionDefinition> functions = new LinkedHashMap<>();
    functions.put(ModelSpec.REF.name(), function(ModelSpec.REF, "ref", Object[].class));
    functions.put(ModelSpec.SOURCE.name(), function(ModelSpec.SOURCE, "source", Object[].class));
    functions.put(ModelSpec.CHANGES.name(), function(ModelSpec.CHANGES, "changes", Object[].class));
    functions.put(ModelSpec.CONFIG.name(), function(ModelSpec.CONFIG, "config", Object[].class));
    functions.put(
        ModelSpec.IS_INCREMENTAL.name(), function(ModelSpec.IS_INCREMENTAL, "isIncremental"));
    functions.put(ModelSpec.VAR.name(), function(ModelSpec.VAR, "var", Object[].class));
    for (TemplateFunction documented : ModelSpec.FUNCTIONS) {
      if (!documented.equals(ModelSpec.THIS) && !functions.containsKey(documented.name())) {
        throw new IllegalStateException("template function not implemented: " + documented);
      }
    }
    functions.values().forEach(jinjava.getGlobalContext()::registerFunction);
    return jinjava;
  }

  private static ELFunctionDefinition function(
      TemplateFunction function, String method, Class<?>... parameters) {
    return new ELFunctionDefinition("", function.name(), Jinja.class, method, parameters);
  }

  private static TemplateHooks hooks() {
    Object hooks = JinjavaInterpreter.getCurrent().getContext().get(HOOKS);
    if (!(hooks instanceof TemplateHooks templateHooks)) {
      throw new IllegalStateException("template functions called outside of Jinja.render");
    }
    return templateHooks;
  }

  // The trampolines, called by Jinjava through reflection.

  private static String ref(Object... arguments) {
    return hooks().ref(Arrays.asList(arguments));
  }

  private static String source(Object... arguments) {
    return hooks().source(Arrays.asList(arguments));
  }

  private static String changes(Object... arguments) {
    return hooks().changes(Arrays.asList(arguments));
  }

  private static String config(Object... arguments) {
    return hooks().config(Arrays.asList(arguments));
  }

  private static boolean isIncremental() {
    return hooks().isIncremental();
  }

  private static Object var(Object... arguments) {
    return hooks().var(Arrays.asList(arguments));
  }

  // Arguments as Jinjava passes them, checked the same way in analysis and at run time.

  /** The model name of {@code ref('model')}. */
  static String modelName(List<Object> arguments) {
    if (arguments.size() != 1 || !(arguments.get(0) instanceof String name)) {
      throw new TemplateCallException(
          "ref() takes one model name, e.g. ref('orders'), found " + show(arguments));
    }
    return name;
  }

  /** The source name of {@code source('name')} or {@code source('any', 'name')}. */
  static String sourceName(List<Object> arguments) {
    boolean strings = arguments.stream().allMatch(a -> a instanceof String);
    if (arguments.isEmpty() || arguments.size() > 2 || !strings) {
      throw new TemplateCallException(
          "source() takes a source name, e.g. source('orders'), found " + show(arguments));
    }
    return (String) arguments.get(arguments.size() - 1);
  }

  /** The source name of {@code changes('name')}. */
  static String changesName(List<Object> arguments) {
    if (arguments.size() != 1 || !(arguments.get(0) instanceof String name)) {
      throw new TemplateCallException(
          "changes() takes one source name, e.g. changes('orders'), found " + show(arguments));
    }
    return name;
  }

  /** The keyword arguments of {@code config(...)}, in order. */
  static Map<String, Object> keywordArguments(String function, List<Object> arguments) {
    Map<String, Object> keywords = new LinkedHashMap<>();
    for (Object argument : arguments) {
      if (!(argument instanceof NamedParameter named)) {
        throw new TemplateCallException(
            function
                + "() takes keyword arguments only, e.g. "
                + function
                + "(materialized='table'), found "
                + show(List.of(argument)));
      }
      keywords.put(named.getName(), named.getValue());
    }
    return keywords;
  }

  /** {@code var('name')} or {@code var('name', default)}, resolved against {@code vars}. */
  static Object var(List<Object> arguments, Map<String, Object> vars) {
    if (arguments.isEmpty() || arguments.size() > 2 || !(arguments.get(0) instanceof String name)) {
      throw new TemplateCallException(
          "var() takes a name and an optional default, e.g. var('start', '2024-01-01'), found "
              + show(arguments));
    }
    if (vars.containsKey(name)) {
      return vars.get(name);
    }
    if (arguments.size() == 2) {
      return arguments.get(1);
    }
    throw new TemplateCallException(
        "unknown var '"
            + name
            + "'"
            + DidYouMean.hint(name, vars.keySet())
            + "; define it under vars in sluice.yaml or give a default: var('"
            + name
            + "', ...)");
  }

  private static String show(List<Object> arguments) {
    List<String> shown = new ArrayList<>();
    for (Object argument : arguments) {
      if (argument instanceof NamedParameter named) {
        shown.add(named.getName() + "=" + show(named.getValue()));
      } else {
        shown.add(show(argument));
      }
    }
    return "(" + String.join(", ", shown) + ")";
  }

  private static String show(Object value) {
    return value instanceof String text ? "'" + text + "'" : String.valueOf(value);
  }

  /** The message a person needs: ours or the engine's own, rather than Jinjava's wrapper. */
  private static String message(TemplateError error) {
    for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
      if (cause instanceof TemplateCallException || cause instanceof SluiceException) {
        return cause.getMessage();
      }
    }
    String message = error.getMessage();
    Matcher function = UNKNOWN_FUNCTION.matcher(message);
    if (function.find()) {
      String name = function.group(1).replaceAll("^:", "");
      return "unknown function '"
          + name
          + "'"
          + DidYouMean.hint(name, ModelSpec.FUNCTIONS.stream().map(TemplateFunction::name).toList())
          + "; models can use "
          + String.join(", ", ModelSpec.FUNCTIONS.stream().map(TemplateFunction::usage).toList());
    }
    Matcher token = UNKNOWN_TOKEN.matcher(message);
    if (token.find()) {
      return "unknown variable '"
          + token.group(1)
          + "'"
          + DidYouMean.hint(token.group(1), List.of(ModelSpec.THIS.name()));
    }
    return message;
  }
}
