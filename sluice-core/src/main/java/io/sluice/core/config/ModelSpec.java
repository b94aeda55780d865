package io.sluice.core.config;

import static io.sluice.config.ConfigType.identifier;
import static io.sluice.config.ConfigType.listOf;
import static io.sluice.config.ConfigType.oneOf;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import java.util.List;

/**
 * What a model template ({@code models/NAME.sql}) can use: the keys of {@code config(...)} and the
 * functions.
 */
public final class ModelSpec {
  private ModelSpec() {}

  /** Materializations as written in {@code config(materialized=...)}. */
  public static final List<String> MATERIALIZATIONS = List.of("view", "table", "incremental");

  public static final ConfigKey<String> MATERIALIZED =
      ConfigKey.builder("materialized", oneOf(MATERIALIZATIONS.toArray(String[]::new)))
          .doc(
              "How the model is stored in the warehouse: a `view`, a `table` rebuilt on each run,"
                  + " or an `incremental` table that each run adds to.")
          .defaultValue("view")
          .build();
  public static final ConfigKey<List<String>> UNIQUE_KEY =
      ConfigKey.builder("unique_key", listOf(identifier()).named("column or list of columns"))
          .doc(
              "For `incremental`: rows of a run replace existing rows with the same key;"
                  + " without it, rows are appended.")
          .defaultValue(List.of())
          .build();

  public static final ConfigKey<List<String>> TAGS =
      ConfigKey.builder("tags", listOf(identifier()).named("tag or list of tags"))
          .doc(
              "Tags for selecting models: `sluice run --select tag:daily` runs every model tagged"
                  + " `daily` (see docs/orchestration.md for selectors).")
          .defaultValue(List.of())
          .build();

  public static final ConfigKey<String> TEST_SEVERITY =
      ConfigKey.builder("severity", oneOf("error", "warn"))
          .doc(
              "In a singular test (`tests/NAME.sql`), the only argument: what a failing test does."
                  + " `error` fails the run and `sluice test`; `warn` reports it and the run goes"
                  + " on.")
          .defaultValue("error")
          .build();

  /** The arguments of {@code config(...)} in a singular test, {@code tests/NAME.sql}. */
  public static final ConfigDef TEST_CONFIG_DEF =
      ConfigDef.builder("config() in a test", "Arguments of `config(...)` in a singular test.")
          .add(TEST_SEVERITY)
          .build();

  /** The arguments of {@code config(...)}. */
  public static final ConfigDef CONFIG_DEF =
      ConfigDef.builder("config()", "Arguments of `config(...)` in a model.")
          .add(MATERIALIZED, UNIQUE_KEY, TAGS)
          .build();

  public static final TemplateFunction REF =
      new TemplateFunction(
          "ref",
          "ref('model')",
          "The relation of another model; the model runs after the one it refs.");
  public static final TemplateFunction SOURCE =
      new TemplateFunction(
          "source",
          "source('name')",
          "The clean lake table of a source. dbt's `source('any', 'name')` also works: the"
              + " first argument is ignored.");
  public static final TemplateFunction CHANGES =
      new TemplateFunction(
          "changes",
          "changes('name')",
          "The rows of a source's clean table that this model has not consumed yet: in an"
              + " incremental run, only what landed since the model last ran; otherwise the whole"
              + " table, like `source('name')`.");
  public static final TemplateFunction CONFIG =
      new TemplateFunction(
          "config",
          "config(materialized='table', unique_key='id')",
          "Sets the model's options (see below); renders as nothing.");
  public static final TemplateFunction IS_INCREMENTAL =
      new TemplateFunction(
          "is_incremental",
          "is_incremental()",
          "True when an incremental model adds to its existing table; false on its first run"
              + " and for other materializations.");
  public static final TemplateFunction VAR =
      new TemplateFunction(
          "var",
          "var('name') or var('name', default)",
          "A value from `vars` in sluice.yaml; without a default, an unknown name is an error.");
  public static final TemplateFunction THIS =
      new TemplateFunction(
          "this",
          "this",
          "A variable: the model's own relation, e.g. to read the rows already there.");

  /** Everything a template can call or read, in the order of the docs. */
  public static final List<TemplateFunction> FUNCTIONS =
      List.of(REF, SOURCE, CHANGES, CONFIG, IS_INCREMENTAL, VAR, THIS);
}
