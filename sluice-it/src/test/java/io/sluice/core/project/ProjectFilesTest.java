package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of a project: what is read, what is a warning, and files that are hostile or not text
 * (recursive aliases, alias bombs, bytes that are not UTF-8).
 */
class ProjectFilesTest {
  @TempDir Path directory;
  private TestProject project;

  @BeforeEach
  void setUp() {
    project = new TestProject(directory);
  }

  // ---- YAML that would expand without end

  @Test
  void refusesAnAliasThatRefersToTheMappingContainingIt() {
    project.file("sluice.yaml", "name: shop\nvars: &v\n  self: *v\n").source("orders");

    assertThat(project.problem())
        .isEqualTo(
            "sluice.yaml:3:3: invalid YAML: 'self' refers by an alias to a mapping or list that"
                + " contains it; a value cannot contain itself");
  }

  @Test
  void refusesAFlowAliasThatRefersToItselfAndAListThatContainsItself() {
    project
        .file("sluice.yaml", "name: shop\nvars: &v {self: *v}\n")
        .source("orders")
        .file("sources/items.yaml", "path: a.csv\ncolumns: &c\n  - name: id\n  - *c\n");

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:2:11: invalid YAML: 'self' refers by an alias to a mapping or list that"
                + " contains it; a value cannot contain itself",
            "sources/items.yaml:2:10: invalid YAML: an item of this list refers by an alias to a"
                + " mapping or list that contains it; a value cannot contain itself");
  }

  @Test
  void refusesAnAliasBombWithTheLineOfTheAliasOverTheLimit() {
    StringBuilder yaml = new StringBuilder("name: shop\nvars:\n  a: &a [x, x, x, x, x, x, x, x]\n");
    String previous = "a";
    for (int level = 0; level < 8; level++) {
      String name = "l" + level;
      yaml.append("  ").append(name).append(": &").append(name).append(" [");
      for (int i = 0; i < 8; i++) {
        yaml.append(i == 0 ? "" : ", ").append('*').append(previous);
      }
      yaml.append("]\n");
      previous = name;
    }
    project.file("sluice.yaml", yaml.toString()).source("orders");

    // 8 aliases per line from line 4: the 51st alias is the 3rd of line 10
    assertThat(project.problem())
        .startsWith(
            "sluice.yaml:10:22: invalid YAML: more than 50 aliases (*name) of lists or mappings in"
                + " one file");
  }

  @Test
  void acceptsAFewAliasesOfMappings() {
    project
        .file(
            "sluice.yaml",
            "name: shop\nvars:\n  base: &base {a: 1}\n  one: *base\n  two: {<<: *base, b: 2}\n")
        .source("orders");

    assertThat(project.load().vars()).containsKeys("base", "one", "two");
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    project.file("sluice.yaml", "name: shop\nvars: " + "[".repeat(60) + "]".repeat(60) + "\n");

    assertThat(project.problem())
        .isEqualTo("sluice.yaml: invalid YAML: lists and mappings nest more than 50 levels deep");
  }

  // ---- bytes that are not UTF-8

  @Test
  void reportsTheLineAndColumnOfTheFirstByteThatIsNotUtf8() throws IOException {
    project.minimal();
    write("sources/orders.yaml", "path: a.csv\ncolumns:\n  - name: pr\u00e9\n", 0xe9);

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:3:13: the file is not UTF-8: byte 0xe9 at offset 33; save it as"
                + " UTF-8");
  }

  @Test
  void reportsModelsAndTestsThatAreNotUtf8() throws IOException {
    project.minimal().source("orders");
    write("models/daily.sql", "-- caf\u00e9\nSELECT 1 AS day\n", 0xe9);
    write("tests/check.sql", "SELECT 1\nWHERE x = '\u00fc'\n", 0xfc);

    assertThat(project.problems())
        .containsExactly(
            "models/daily.sql:1:7: the file is not UTF-8: byte 0xe9 at offset 6; save it as UTF-8",
            "tests/check.sql:2:12: the file is not UTF-8: byte 0xfc at offset 20; save it as"
                + " UTF-8");
  }

  @Test
  void readsUtf8WithAByteOrderMark() {
    project.file("sluice.yaml", "\ufeffname: shop\n").source("orders");

    assertThat(project.load().name()).isEqualTo("shop");
  }

  /** Writes {@code text} as Latin-1: the one character above 127 becomes the byte {@code bad}. */
  private void write(String relative, String text, int bad) throws IOException {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(bytes).contains((byte) bad);
    Files.createDirectories(project.path(relative).getParent());
    Files.write(project.path(relative), bytes);
  }

  // ---- the layout: nothing silently ignored

  @Test
  void readsADbtStyleLayoutWithEveryTestInEveryFolder() {
    project
        .minimal()
        .source("orders")
        .file("dbt_project.yml", "name: shop\nversion: '1.0'\n")
        .file("models/staging/stg_orders.sql", "SELECT * FROM {{ source('orders') }}\n")
        .file(
            "models/staging/schema.yml",
            """
            version: 2
            models:
              - name: stg_orders
                columns:
                  - name: id
                    tests: [not_null, unique]
            """)
        .file(
            "models/marts/daily.sql",
            "SELECT id, 1 AS n, 'NL' AS country FROM {{ ref('stg_orders') }}\n")
        .file(
            "models/marts/_marts.yml",
            """
            models:
              - name: daily
                columns:
                  - name: id
                    data_tests: [not_null, unique]
                  - name: n
                    tests: [not_null, unique]
                  - name: country
                    tests:
                      - not_null
                      - accepted_values: {values: [NL, DE]}
            """)
        .file("models/marts/finance/revenue.sql", "SELECT 1 AS total FROM {{ ref('daily') }}\n")
        .file(
            "models/marts/finance/revenue.yaml",
            "models:\n  - name: revenue\n    columns:\n      - name: total\n"
                + "        tests: [not_null, unique]\n")
        .file("models/schema.yml", "models: []\n");
    for (int i = 0; i < 5; i++) {
      project.file("tests/t" + i + ".sql", "SELECT * FROM {{ ref('daily') }} WHERE n < 0\n");
      project.file("tests/finance/f" + i + ".sql", "SELECT * FROM {{ ref('revenue') }} WHERE 0\n");
    }

    Project loaded = project.load();

    assertThat(loaded.modelTests().size() + loaded.singularTests().size()).isEqualTo(20);
    assertThat(loaded.models()).extracting(ModelDef::name).contains("stg_orders", "revenue");
    assertThat(warnings(loaded))
        .containsExactly(
            "dbt_project.yml: this file is not read: Sluice reads sluice.yaml (name, vars,"
                + " engine; see docs/project-format.md), not dbt_project.yml");
  }

  @Test
  void warnsOfEveryFileInTheProjectFoldersThatIsNotRead() {
    project
        .minimal()
        .source("orders")
        .file("README.md", "# shop\n")
        .file(".gitignore", ".sluice/\n")
        .file("data/orders.csv", "id\n1\n")
        .file(".sluice/runs.jsonl", "")
        .file("sources/README.md", "notes\n")
        .file("sources/.gitkeep", "")
        .file("models/notes.txt", "x\n")
        .file("models/.hidden/x.sql", "not read\n")
        .file("tests/schema.yml", "models: []\n")
        .file("macros/cents.sql", "{% macro cents(x) %}{{ x }} * 100{% endmacro %}\n");

    assertThat(warnings(project.load()))
        .containsExactlyInAnyOrder(
            "macros: this folder is not read: Sluice does not read dbt macros; a model's Jinja"
                + " has ref, source, var and config",
            "sources/README.md: this file is not read: sources/ holds one source per .yaml or"
                + " .yml file",
            "models/notes.txt: this file is not read: models/ holds models (.sql) and schema"
                + " files (.yml or .yaml), in any folder",
            "tests/schema.yml: this file is not read: tests/ holds singular tests (.sql), in any"
                + " folder; column tests go in a schema file under models/");
  }

  @Test
  void warnsOfSluiceYmlNextToSluiceYaml() {
    project.minimal().source("orders").file("sluice.yml", "name: other\n");

    assertThat(warnings(project.load()))
        .containsExactly(
            "sluice.yml: this file is not read: Sluice reads sluice.yaml (with the extension"
                + " .yaml); rename this file");
  }

  private List<String> warnings(Project loaded) {
    return loaded.warnings().stream().map(w -> w.display(project.directory())).toList();
  }
}
