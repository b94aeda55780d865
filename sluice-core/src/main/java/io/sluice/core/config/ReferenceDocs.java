package io.sluice.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Generates the reference docs of the project format from the key definitions: {@code
 * docs/project-format.md} and the JSON Schemas in {@code docs/schema/}. A test fails when the
 * committed files differ from what this produces.
 *
 * <p>To regenerate them, run {@link #main} (with the repository root as argument, or from inside
 * the repository), or from the repository root: {@value #REGENERATE}
 */
public final class ReferenceDocs {
  /** System property that makes {@code ReferenceDocsTest} write the files instead of comparing. */
  public static final String REGENERATE_PROPERTY = "sluice.regenerate-docs";

  /** How to regenerate the files, from the repository root, for messages. */
  public static final String REGENERATE =
      "./mvnw -q -B -o test -pl sluice-core -Dtest=ReferenceDocsTest -D"
          + REGENERATE_PROPERTY
          + "=true";

  public static final String MARKDOWN = "docs/project-format.md";
  public static final String PROJECT_SCHEMA = "docs/schema/sluice.schema.json";
  public static final String SOURCE_SCHEMA = "docs/schema/source.schema.json";
  public static final String DASHBOARD_MARKDOWN = "docs/reference/dashboard.md";
  public static final String DASHBOARD_SCHEMA = "docs/schema/dashboard.schema.json";

  private static final String JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema";

  /** The complete example project of the docs: path to content. A test loads it. */
  public static final Map<String, String> EXAMPLE = example();

  private ReferenceDocs() {}

  /**
   * Writes every generated file under {@code args[0]}, the repository root; without an argument,
   * under the repository that the working directory is in.
   */
  public static void main(String[] args) throws IOException {
    Path root =
        args.length > 0
            ? Path.of(args[0]).toAbsolutePath().normalize()
            : repositoryRoot(Path.of("").toAbsolutePath());
    for (Path written : write(root)) {
      System.out.println("wrote " + written);
    }
  }

  /** Writes every generated file under the repository root {@code root}. */
  public static List<Path> write(Path root) throws IOException {
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, String> file : generate().entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      written.add(path);
    }
    return written;
  }

  /** The repository root: {@code start} or the first folder above it with the Maven wrapper. */
  public static Path repositoryRoot(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw"))
          && Files.isDirectory(dir.resolve("sluice-core"))) {
        return dir;
      }
    }
    throw new IllegalStateException("not inside the Sluice repository: " + start);
  }

  /** Every generated file: path relative to the repository root, to content. */
  public static Map<String, String> generate() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(MARKDOWN, markdown());
    files.put(
        PROJECT_SCHEMA, jsonSchema(ProjectSpec.PROJECT_DEF, "Sluice project file (sluice.yaml)"));
    files.put(
        SOURCE_SCHEMA,
        jsonSchema(
            SourceSpec.COMMON_DEF,
            "Sluice source file (sources/*.yaml)",
            schema ->
                schema.put(
                    "additionalProperties",
                    // the connector's keys: checked by `sluice validate`, and by
                    // docs/schema/connectors/<connector>.schema.json
                    true)));
    files.put(DASHBOARD_MARKDOWN, dashboardMarkdown());
    files.put(
        DASHBOARD_SCHEMA,
        jsonSchema(DashboardSpec.DASHBOARD_DEF, "Sluice dashboard (dashboards/*.yaml)"));
    return files;
  }

  /** The keys of a dashboard file; docs/dashboards.md explains them with examples. */
  static String dashboardMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Dashboard format: `dashboards/NAME.yaml`\n\n");
    md.append(
        "<!-- Generated from the key definitions in io.sluice.core.config.DashboardSpec by"
            + " ReferenceDocs; do not edit. To regenerate, run from the repository root:\n     "
            + REGENERATE
            + " -->\n\n");
    md.append(
        "One dashboard per file, directly in `dashboards/`; its name is the file name. How"
            + " panels are drawn and refreshed live is in [dashboards.md](../dashboards.md); the"
            + " JSON Schema is [`docs/schema/dashboard.schema.json`]"
            + "(../schema/dashboard.schema.json).\n\n");
    section(md, "", DashboardSpec.DASHBOARD_DEF, 2, true);
    return md.toString();
  }

  // ---- JSON Schema

  static String jsonSchema(ConfigDef def, String title) {
    return jsonSchema(def, title, schema -> {});
  }

  /** The JSON Schema of {@code def}, as text, after {@code adjust} saw it. */
  public static String jsonSchema(
      ConfigDef def, String title, java.util.function.Consumer<ObjectNode> adjust) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode schema = json.objectNode();
    schema.put("$schema", JSON_SCHEMA_DRAFT);
    schema.put("title", title);
    schema.setAll(def.jsonSchema(json));
    adjust.accept(schema);
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return new ObjectMapper().writer(printer).writeValueAsString(schema) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the schema of " + def.title(), e);
    }
  }

  // ---- Markdown

  static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Project format\n\n");
    md.append(
        "<!-- Generated from the key definitions in io.sluice.core.config by ReferenceDocs;"
            + " do not edit. To regenerate, run from the repository root:\n     "
            + REGENERATE
            + " -->\n\n");
    md.append(
        """
        A Sluice project is a folder, kept in git:

        ```text
        shop/
          sluice.yaml                # the project: name, engine, lake, warehouse, defaults
          sources/orders.yaml        # one source per file (.yaml or .yml), named after the file
          models/daily_revenue.sql   # one model per file: a Jinja template of a SELECT
          models/schema.yml          # optional: descriptions and column tests of models (dbt)
          models/marts/finance.sql   # models/ is read in every folder, like dbt
          models/marts/_marts.yml    # every .yml/.yaml under models/ is a schema file
          tests/no_refunds.sql       # optional: singular tests, a SELECT of failing rows each (dbt)
          dashboards/sales.yaml      # optional: a dashboard of SQL panels (see dashboards.md)
        ```

        Like dbt, Sluice reads `models/` and `tests/` in every folder: each `.sql` file under
        `models/` is a model and each `.yml` or `.yaml` file a schema file; each `.sql` file under
        `tests/` is a singular test. Names are unique across folders, and a model is described in
        one schema file only. Sources are read only directly in `sources/`. Nothing in these
        folders is ignored silently: any other file there is a warning naming it (hidden files
        such as `.gitkeep` excepted), and so are dbt's own files and folders that Sluice does not
        read (`dbt_project.yml`, `profiles.yml`, `packages.yml`, `macros/`, `seeds/`,
        `snapshots/`, `analyses/`) and a `sluice.yml` beside `sluice.yaml` (warnings rather than
        errors, so that one folder can serve both tools). Other files at the top (`README.md`,
        `.gitignore`, `data/`, `.sluice/`) are yours and not checked. `sluice validate` prints the
        warnings; `run` and `serve` print them on standard error.

        Project files are UTF-8 (a byte-order mark is allowed): the first byte that is not is an
        error with its line and column. A YAML alias that refers to the mapping or list that
        contains it is an error, and so are more than 50 aliases of mappings or lists in one file
        and nesting deeper than 50 levels, so that a small file cannot expand into a huge value.

        `sluice validate` (and every `run` and `serve` before it reads anything) compiles what a
        run would: each source's derived `expr` and checks, each model rendered (an incremental
        model also as `is_incremental()` renders it), each model's `unique_key` against the
        model's columns, and each model test, against empty tables of the declared columns in an
        in-memory engine. It also checks that the state folder and the warehouse's folder can be
        written and that engine options are well formed. So a run does not stop halfway, after
        other sources committed, on something validate could see:

        ```text
        sources/orders.yaml:8:5: check 'positive': unknown column 'amout' (did you mean 'amount'?)
        models/daily.sql:1: unique_key 'day' is not a column of model 'daily' (its columns: id, amount)
        ```

        Project, source, column and model names match `[A-Za-z_][A-Za-z0-9_]*`, and a source and a
        model cannot share a name. Keys are kebab-case, except in the dbt-compatible `schema.yml`
        and `config()`. Loading is strict: an unknown key, a value of the wrong type, a missing
        required key, a duplicate key or name and a reference to something that does not exist
        are all errors, reported together, each with its file, line and column:

        ```text
        sources/orders.yaml:12:5: unknown key 'delimter' in csv (did you mean 'delimiter'?)
        sources/orders.yaml:14:13: header: expected a boolean, found 'yes please'
        models/top_days.sql:3:30: ref('daily_revenu'): unknown model 'daily_revenu' (did you mean 'daily_revenue'?)
        ```

        ## Editor support

        JSON Schemas of the two file kinds are in
        [`docs/schema/sluice.schema.json`](schema/sluice.schema.json) and
        [`docs/schema/source.schema.json`](schema/source.schema.json). Editors that use the YAML
        language server (VS Code's YAML extension, IntelliJ, Neovim) complete and check keys when
        the first line of a file points at the schema, by path or URL:

        ```yaml
        # yaml-language-server: $schema=../../sluice/docs/schema/source.schema.json
        path: data/orders/*.csv
        ```

        """);
    md.append("## `sluice.yaml`\n\n");
    section(md, "", ProjectSpec.PROJECT_DEF, 3, true);
    md.append("## Sources: `sources/NAME.yaml`\n\n");
    md.append(
        "Each file describes one source and the dataset it lands as. Besides the keys below,"
            + " every source file has the keys of its connector (`connector:`), each connector's"
            + " documented on its own page in"
            + " [reference/connectors/](reference/connectors/README.md), generated from the"
            + " connector's declaration.\n\n");
    section(md, "", SourceSpec.COMMON_DEF, 3, true);
    models(md);
    md.append("## `models/schema.yml`\n\n");
    md.append(
        "Descriptions and column tests of models in dbt's format (`version: 2`); `sluice test`"
            + " runs the tests.\n\n");
    section(md, "", SchemaSpec.SCHEMA_DEF, 3, true);
    md.append("## Dashboards: `dashboards/NAME.yaml`\n\n");
    md.append(
        "Optional: one dashboard per file directly in `dashboards/`, panels of SQL over the"
            + " warehouse shown live in the web console. Loading checks that each panel reads"
            + " models and sources that exist and only variables the dashboard has. The keys are"
            + " in [reference/dashboard.md](reference/dashboard.md), the rest in"
            + " [dashboards.md](dashboards.md).\n\n");
    example(md);
    return md.toString();
  }

  private static void models(StringBuilder md) {
    md.append("## Models: `models/NAME.sql`\n\n");
    md.append(
        "A model is a `SELECT` written as a Jinja template (rendered by Jinjava). Loading renders"
            + " each model once to find its `ref()`, `source()` and `config()` calls (an"
            + " incremental model a second time, with `is_incremental()` true); the models run in"
            + " the order of their refs, and a cycle of refs is an error. A misspelt variable or"
            + " function is an error, not an empty string. `include` and `import` are not"
            + " supported.\n\n");
    md.append("| Function | Description |\n| --- | --- |\n");
    for (TemplateFunction function : ModelSpec.FUNCTIONS) {
      md.append("| `")
          .append(function.usage().replace(" or ", "` or `"))
          .append("` | ")
          .append(cell(function.doc()))
          .append(" |\n");
    }
    md.append("\n### `config(...)`\n\n");
    md.append(ModelSpec.CONFIG_DEF.doc()).append("\n\n");
    table(md, ModelSpec.CONFIG_DEF);
    md.append("\n## Singular tests: `tests/NAME.sql`\n\n");
    md.append(
        "A singular test is a `SELECT` that returns the rows that break an expectation; it passes"
            + " when it returns none (dbt's singular tests). It is a Jinja template with the same"
            + " functions as a model (`ref()`, `source()`, `var()`); its name is the file name."
            + " The tests run after the `schema.yml` tests at the end of every run and with"
            + " `sluice test`; see [quality.md](quality.md).\n\n");
    md.append("### `config(...)` in a test\n\n");
    md.append(ModelSpec.TEST_CONFIG_DEF.doc()).append("\n\n");
    table(md, ModelSpec.TEST_CONFIG_DEF);
  }

  private static void example(StringBuilder md) {
    md.append("## Example\n\n");
    md.append("A complete small project:\n\n");
    for (Map.Entry<String, String> file : EXAMPLE.entrySet()) {
      String language = file.getKey().endsWith(".sql") ? "sql" : "yaml";
      md.append("`").append(file.getKey()).append("`:\n\n");
      md.append("```").append(language).append("\n").append(file.getValue()).append("```\n\n");
    }
  }

  private static void section(
      StringBuilder md, String path, ConfigDef def, int level, boolean top) {
    section(md, path, def, level, top, ConfigKey::doc);
  }

  /**
   * Writes a section's table, then the sections below it, with {@code describe} giving each key's
   * description (e.g. its doc with a note that it is a secret).
   */
  static void section(
      StringBuilder md,
      String path,
      ConfigDef def,
      int level,
      boolean top,
      Function<ConfigKey<?>, String> describe) {
    section(md, path, def, level, top, new HashMap<>(), describe);
  }

  /**
   * Writes a section's table, then the sections below it.
   *
   * @param documented item lists already documented, to their path: written once
   */
  private static void section(
      StringBuilder md,
      String path,
      ConfigDef def,
      int level,
      boolean top,
      Map<List<Variant>, String> documented,
      Function<ConfigKey<?>, String> describe) {
    if (!top) {
      md.append("#".repeat(level)).append(" `").append(path).append("`\n\n");
      md.append(def.doc()).append("\n\n");
    }
    if (!def.keys().isEmpty()) {
      table(md, def, describe);
    }
    for (ConfigKey<?> key : def.keys()) {
      ConfigType<?> type = key.type();
      String keyPath = path.isEmpty() ? key.name() : path + "." + key.name();
      List<Variant> variants = type.variants();
      if (variants.isEmpty()) {
        for (ConfigType.Nested nested : type.nested()) {
          section(md, keyPath + nested.suffix(), nested.def(), level, false, documented, describe);
        }
        continue;
      }
      String itemPath = keyPath + "[]";
      md.append("#".repeat(level)).append(" `").append(itemPath).append("`\n\n");
      String same = documented.putIfAbsent(variants, itemPath);
      if (same != null) {
        md.append(key.doc()).append(" Items as in `").append(same).append("`.\n\n");
        continue;
      }
      md.append(key.doc()).append(" Each item is one of:\n\n");
      variants(md, variants);
      for (Variant variant : variants) {
        if (!variant.def().keys().isEmpty()) {
          md.append("#".repeat(level + 1))
              .append(" `")
              .append(variant.name())
              .append("` arguments\n\n");
          table(md, variant.def(), describe);
        }
      }
    }
  }

  private static void variants(StringBuilder md, List<Variant> variants) {
    md.append("| Name | Written as | Description |\n| --- | --- | --- |\n");
    for (Variant variant : variants) {
      StringBuilder forms = new StringBuilder();
      if (variant.bare()) {
        forms.append("`").append(variant.name()).append("`");
      }
      variant
          .shorthand()
          .ifPresent(
              shorthand -> {
                ConfigKey<?> key = variant.def().key(shorthand).orElseThrow();
                append(forms, "`" + variant.name() + ": <" + key.type().displayName() + ">`");
              });
      if (!variant.def().keys().isEmpty()) {
        String keys =
            String.join(", ", variant.def().keys().stream().map(k -> k.name() + ": ...").toList());
        append(forms, "`" + variant.name() + ": {" + keys + "}`");
      }
      md.append("| `")
          .append(variant.name())
          .append("` | ")
          .append(cell(forms.toString()))
          .append(" | ")
          .append(cell(variant.doc()))
          .append(" |\n");
    }
    md.append("\n");
  }

  private static void append(StringBuilder forms, String form) {
    if (forms.length() > 0) {
      forms.append(", ");
    }
    forms.append(form);
  }

  private static void table(StringBuilder md, ConfigDef def) {
    table(md, def, ConfigKey::doc);
  }

  private static void table(
      StringBuilder md, ConfigDef def, Function<ConfigKey<?>, String> describe) {
    md.append("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
    for (ConfigKey<?> key : def.keys()) {
      String defaultText = key.required() ? "required" : key.defaultText();
      md.append("| `")
          .append(key.name())
          .append("` | ")
          .append(cell(isSection(key.type()) ? "mapping" : key.type().displayName()))
          .append(" | ")
          .append(cell(defaultText.isEmpty() ? "—" : defaultText))
          .append(" | ")
          .append(cell(describe.apply(key)))
          .append(" |\n");
    }
    md.append("\n");
  }

  private static boolean isSection(ConfigType<?> type) {
    return type.nested().size() == 1 && type.nested().get(0).suffix().isEmpty();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  private static Map<String, String> example() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "sluice.yaml",
        """
        name: shop
        description: Orders and revenue of the web shop.
        engine: duckdb
        defaults:
          granularity: day
          on-change: skip
        quality:
          min-score: 0.95
        vars:
          currency: EUR
        """);
    files.put(
        "sources/orders.yaml",
        """
        description: Orders exported by the shop every night.
        path: data/orders/*.csv
        csv:
          delimiter: ";"
        event-time: ordered_at
        partition:
          columns: [country]
        columns:
          - name: order_id
            type: bigint
            from: id
            checks: [not_null, unique]
          - name: ordered_at
            type: timestamp
            format: "%d/%m/%Y %H:%M"
            checks: [not_null]
          - name: country
            checks:
              - accepted_values: {values: [DE, FR, NL], case-sensitive: false}
          - name: email
            checks:
              - regex: "[^@]+@[^@]+"
          - name: amount
            type: decimal(10,2)
            default: 0
            checks:
              - range: {min: 0}
          - name: amount_cents
            type: bigint
            expr: CAST(amount * 100 AS BIGINT)
        checks:
          - name: reachable
            expr: email IS NOT NULL OR country IS NOT NULL
            message: an order needs an email or a country
        """);
    files.put(
        "models/daily_revenue.sql",
        """
        {{ config(materialized='incremental', unique_key='day') }}
        SELECT
          CAST(ordered_at AS DATE) AS day,
          SUM(amount) AS revenue,
          '{{ var('currency') }}' AS currency
        FROM {{ source('orders') }}
        {% if is_incremental() %}
        WHERE CAST(ordered_at AS DATE) >= (SELECT max(day) FROM {{ this }})
        {% endif %}
        GROUP BY 1
        """);
    files.put(
        "models/top_days.sql",
        """
        {{ config(materialized='view') }}
        SELECT day, revenue
        FROM {{ ref('daily_revenue') }}
        ORDER BY revenue DESC
        LIMIT 10
        """);
    files.put(
        "models/schema.yml",
        """
        version: 2
        models:
          - name: daily_revenue
            description: Revenue per day.
            columns:
              - name: day
                tests: [not_null, unique]
              - name: currency
                tests:
                  - accepted_values: {values: [EUR]}
          - name: top_days
            columns:
              - name: day
                tests:
                  - relationships: {to: "ref('daily_revenue')", field: day}
        """);
    return Collections.unmodifiableMap(files);
  }
}
