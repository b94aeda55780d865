package io.sluice.core.model;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.ModelRequest.Materialization;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.DidYouMean;
import io.sluice.core.config.ModelSpec;
import io.sluice.core.model.ModelAnalysis.Call;
import io.sluice.core.project.ModelTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds what a model template declares by rendering it with functions that record their arguments:
 * {@code ref()} and {@code source()} calls, and {@code config()}. The template is rendered with
 * {@code is_incremental()} false and, for an incremental model, once more with it true, so that
 * refs made only in incremental runs count as dependencies too.
 */
public final class ModelAnalyzer {
  private ModelAnalyzer() {}

  /**
   * Analyzes one template.
   *
   * @param modelName the model's name, which {@code this} renders as
   * @param template the template text
   * @param vars the project's vars, for {@code var()}
   */
  public static ModelAnalysis analyze(String modelName, String template, Map<String, Object> vars) {
    requireNonNull(modelName, "modelName is null");
    requireNonNull(template, "template is null");
    requireNonNull(vars, "vars is null");
    Recorder recorder = new Recorder(template, vars, false, false);
    Jinja.Outcome outcome = Jinja.render(template, recorder, modelName);
    Set<TemplateProblem> problems = new LinkedHashSet<>(outcome.problems());
    Map<String, Call> refs = new LinkedHashMap<>(recorder.refs);
    Map<String, Call> sources = new LinkedHashMap<>(recorder.sources);
    if (recorder.materialization == Materialization.INCREMENTAL) {
      Recorder incremental = new Recorder(template, vars, true, false);
      problems.addAll(Jinja.render(template, incremental, modelName).problems());
      incremental.refs.forEach(refs::putIfAbsent);
      incremental.sources.forEach(sources::putIfAbsent);
    }
    if (!recorder.uniqueKey.isEmpty() && recorder.materialization != Materialization.INCREMENTAL) {
      problems.add(
          new TemplateProblem(
              recorder.configCall.line(),
              recorder.configCall.column(),
              "config(): unique_key applies only to materialized='incremental'"));
    }
    return new ModelAnalysis(
        List.copyOf(refs.values()),
        List.copyOf(sources.values()),
        recorder.materialization,
        recorder.uniqueKey,
        recorder.tags,
        new ArrayList<>(problems));
  }

  /**
   * Analyzes a singular test ({@code tests/NAME.sql}): its refs and sources, and the severity its
   * {@code config(severity='warn')} sets. Its {@code config()} takes only {@code severity}.
   *
   * @param testName the test's name, which {@code this} renders as
   */
  public static TestAnalysis analyzeTest(
      String testName, String template, Map<String, Object> vars) {
    requireNonNull(testName, "testName is null");
    requireNonNull(template, "template is null");
    requireNonNull(vars, "vars is null");
    Recorder recorder = new Recorder(template, vars, false, true);
    Jinja.Outcome outcome = Jinja.render(template, recorder, testName);
    return new TestAnalysis(
        List.copyOf(recorder.refs.values()),
        List.copyOf(recorder.sources.values()),
        recorder.severity,
        new ArrayList<>(new LinkedHashSet<>(outcome.problems())));
  }

  /**
   * What a singular test's template declares.
   *
   * @param refs the {@code ref()} calls, one per name
   * @param sources the {@code source()} and {@code changes()} calls, one per name
   * @param severity from {@code config(severity=...)}, {@code error} if not set
   * @param problems what is wrong in the template; names are not checked here
   */
  public record TestAnalysis(
      List<ModelAnalysis.Call> refs,
      List<ModelAnalysis.Call> sources,
      ModelTest.Severity severity,
      List<TemplateProblem> problems) {
    public TestAnalysis {
      refs = List.copyOf(refs);
      sources = List.copyOf(sources);
      requireNonNull(severity, "severity is null");
      problems = List.copyOf(problems);
    }
  }

  /** Records calls; {@code ref} and {@code source} render as the bare name. */
  private static final class Recorder implements TemplateHooks {
    private final String template;
    private final Map<String, Object> vars;
    private final boolean incremental;
    private final boolean test;
    private ModelTest.Severity severity = ModelTest.Severity.ERROR;
    private final Map<String, Call> refs = new LinkedHashMap<>();
    private final Map<String, Call> sources = new LinkedHashMap<>();
    private Materialization materialization = Materialization.VIEW;
    private List<String> uniqueKey = List.of();
    private List<String> tags = List.of();
    private Call configCall = new Call("config", 0, 0);

    Recorder(String template, Map<String, Object> vars, boolean incremental, boolean test) {
      this.template = template;
      this.vars = vars;
      this.incremental = incremental;
      this.test = test;
    }

    @Override
    public String ref(List<Object> arguments) {
      String name = Jinja.modelName(arguments);
      refs.computeIfAbsent(
          name, n -> CallSites.locate(template, ModelSpec.REF.name(), n, Jinja.currentLine()));
      return name;
    }

    @Override
    public String source(List<Object> arguments) {
      return recordSource(Jinja.sourceName(arguments), ModelSpec.SOURCE.name());
    }

    @Override
    public String changes(List<Object> arguments) {
      return recordSource(Jinja.changesName(arguments), ModelSpec.CHANGES.name());
    }

    /** source() and changes() both make the model depend on the source. */
    private String recordSource(String name, String function) {
      sources.computeIfAbsent(
          name, n -> CallSites.locate(template, function, n, Jinja.currentLine()));
      return name;
    }

    @Override
    public String config(List<Object> arguments) {
      configCall = CallSites.locateAny(template, ModelSpec.CONFIG.name(), Jinja.currentLine());
      Map<String, Object> keywords = Jinja.keywordArguments(ModelSpec.CONFIG.name(), arguments);
      if (test) {
        return testConfig(keywords);
      }
      List<String> names = ModelSpec.CONFIG_DEF.keys().stream().map(ConfigKey::name).toList();
      for (Map.Entry<String, Object> keyword : keywords.entrySet()) {
        String key = keyword.getKey();
        Object value = keyword.getValue();
        if (key.equals(ModelSpec.MATERIALIZED.name())) {
          materialization = materialization(value);
        } else if (key.equals(ModelSpec.UNIQUE_KEY.name())) {
          uniqueKey = uniqueKey(value);
        } else if (key.equals(ModelSpec.TAGS.name())) {
          tags = tags(value);
        } else {
          throw new TemplateCallException(
              "config(): unknown argument '"
                  + key
                  + "'"
                  + DidYouMean.hint(key, names)
                  + "; expected "
                  + String.join(", ", names));
        }
      }
      return "";
    }

    /** A singular test's {@code config()}: only {@code severity}, as dbt's tests have it. */
    private String testConfig(Map<String, Object> keywords) {
      String key = ModelSpec.TEST_SEVERITY.name();
      for (Map.Entry<String, Object> keyword : keywords.entrySet()) {
        if (!keyword.getKey().equals(key)) {
          throw new TemplateCallException(
              "config(): unknown argument '"
                  + keyword.getKey()
                  + "'"
                  + DidYouMean.hint(keyword.getKey(), List.of(key))
                  + "; a test's config() takes only "
                  + key);
        }
        Object value = keyword.getValue();
        severity =
            (value instanceof String text
                    ? ModelTest.Severity.parse(text)
                    : java.util.Optional.<ModelTest.Severity>empty())
                .orElseThrow(
                    () ->
                        new TemplateCallException(
                            "config(): severity: expected 'error' or 'warn', found "
                                + (value instanceof String ? "'" + value + "'" : value)));
      }
      return "";
    }

    @Override
    public boolean isIncremental() {
      return incremental;
    }

    @Override
    public Object var(List<Object> arguments) {
      return Jinja.var(arguments, vars);
    }

    private static Materialization materialization(Object value) {
      if (value instanceof String text && ModelSpec.MATERIALIZATIONS.contains(text)) {
        return Materialization.valueOf(text.toUpperCase(Locale.ROOT));
      }
      String found = value instanceof String text ? "'" + text + "'" : String.valueOf(value);
      throw new TemplateCallException(
          "config(): materialized: expected one of "
              + String.join(", ", ModelSpec.MATERIALIZATIONS)
              + ", found "
              + found
              + (value instanceof String text
                  ? DidYouMean.hint(text, ModelSpec.MATERIALIZATIONS)
                  : ""));
    }

    private static List<String> tags(Object value) {
      List<?> tags = value instanceof List<?> list ? list : List.of(String.valueOf(value));
      if (!(value instanceof String || value instanceof List<?>)
          || !tags.stream()
              .allMatch(t -> t instanceof String s && ConfigType.NAME.matcher(s).matches())) {
        throw new TemplateCallException(
            "config(): tags: expected a tag or a list of tags (letters, digits, _), found "
                + value);
      }
      return tags.stream().map(String.class::cast).distinct().sorted().toList();
    }

    private static List<String> uniqueKey(Object value) {
      List<?> columns = value instanceof List<?> list ? list : List.of(String.valueOf(value));
      if (!(value instanceof String || value instanceof List<?>)
          || columns.isEmpty()
          || !columns.stream()
              .allMatch(c -> c instanceof String s && ConfigType.NAME.matcher(s).matches())) {
        throw new TemplateCallException(
            "config(): unique_key: expected a column name or a list of column names, found "
                + value);
      }
      return columns.stream().map(String.class::cast).toList();
    }
  }
}
