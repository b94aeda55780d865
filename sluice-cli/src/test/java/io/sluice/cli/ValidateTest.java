package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice validate} finds what a run would fail on (SQL that does not compile, configuration
 * a run refuses), names the user's file and line, and a run refuses the same before it commits
 * anything.
 */
class ValidateTest {
  @TempDir Path temp;

  private Path project(String... files) throws IOException {
    Path dir = temp.resolve("p");
    write(dir, "sluice.yaml", "name: shop\n");
    write(dir, "data/orders.csv", "id,amount\n1,10\n2,20\n");
    write(dir, "data/items.csv", "id,order_id\n1,1\n");
    write(
        dir,
        "sources/items.yaml",
        "path: data/items.csv\ncolumns:\n  - name: id\n    type: int\n  - name: order_id\n"
            + "    type: int\n");
    write(
        dir,
        "sources/orders.yaml",
        "path: data/orders.csv\ncolumns:\n  - name: id\n    type: int\n  - name: amount\n"
            + "    type: decimal(10,2)\n");
    write(dir, "models/daily.sql", "SELECT id, amount\nFROM {{ source('orders') }}\n");
    for (int i = 0; i < files.length; i += 2) {
      write(dir, files[i], files[i + 1]);
    }
    return dir;
  }

  private static void write(Path dir, String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static Sluice.Result validate(Path dir) {
    return sluice("validate", "-p", dir.toString());
  }

  @Test
  void acceptsAProjectWhoseSqlCompiles() throws IOException {
    Sluice.Result result = validate(project());

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("Project 'shop' is valid: 2 sources, 1 models");
  }

  @Test
  void countsDashboardsAndReportsAPanelReadingAnUnknownModelWithItsLine() throws IOException {
    String dashboard = "panels:\n  - id: revenue\n    type: line\n    sql: |\n      SELECT *\n";
    Sluice.Result valid =
        validate(project("dashboards/sales.yaml", dashboard + "      FROM daily\n"));
    assertThat(valid.exit()).as(valid.err()).isZero();
    assertThat(valid.out()).contains("1 dashboards.");

    Sluice.Result result =
        validate(project("dashboards/sales.yaml", dashboard + "      FROM dayly\n"));

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "dashboards/sales.yaml:6: panel 'revenue': unknown table 'dayly' (did you mean"
                + " 'daily'?)");
  }

  @Test
  void reportsAMisspelledColumnInACheckWithItsLineAndNoInternalNames() throws IOException {
    Path dir =
        project(
            "sources/orders.yaml",
            "path: data/orders.csv\ncolumns:\n  - name: id\n    type: int\n  - name: amount\n"
                + "    type: decimal(10,2)\nchecks:\n  - name: positive\n    expr: amout > 0\n"
                + "  - name: broken\n    expr: amount >> > 1\n"
                + "  - name: function\n    expr: lenght(id) > 1\n");

    Sluice.Result result = validate(dir);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "sources/orders.yaml:8:5: check 'positive': unknown column 'amout' (did you mean"
                + " 'amount'?)")
        .contains("sources/orders.yaml:10:5: check 'broken': syntax error at or near \">\"")
        .contains("sources/orders.yaml:12:5: check 'function': ")
        .doesNotContain("s$")
        .doesNotContain("COALESCE")
        .doesNotContain("_malformed");
  }

  @Test
  void reportsADerivedColumnThatDoesNotCompile() throws IOException {
    Path dir =
        project(
            "sources/orders.yaml",
            "path: data/orders.csv\ncolumns:\n  - name: id\n    type: int\n  - name: amount\n"
                + "    type: decimal(10,2)\n  - name: doubled\n    type: decimal(12,2)\n"
                + "    expr: amount * 2 + nope\n");

    Sluice.Result result = validate(dir);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("sources/orders.yaml:7:5: column 'doubled': expression: unknown column 'nope'");
  }

  @Test
  void reportsModelsUniqueKeysAndTestsThatDoNotCompile() throws IOException {
    Path dir =
        project(
            "models/daily.sql",
            "{{ config(materialized='incremental', unique_key='day') }}\nSELECT id,\n  amount\n"
                + "FROM {{ source('orders') }}\n"
                + "{% if is_incremental() %} WHERE id > (SELECT max(idd) FROM {{ this }})"
                + " {% endif %}\n",
            "models/weekly.sql",
            "SELECT id,\n  amont\nFROM {{ ref('daily') }}\n",
            "models/monthly.sql",
            "SELECT * FROM {{ ref('weekly') }}\n",
            "models/schema.yml",
            "models:\n  - name: daily\n    columns:\n      - name: idx\n"
                + "        tests: [not_null]\n",
            "tests/negative.sql",
            "SELECT *\nFROM {{ ref('daily') }} WHERE amout < 0\n");

    Sluice.Result result = validate(dir);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "5 problems",
            "models/daily.sql:1: unique_key 'day' is not a column of model 'daily' (its columns:"
                + " id, amount)",
            "models/daily.sql:5: when is_incremental() is true: unknown column 'idd' (did you"
                + " mean 'id'?)",
            "models/weekly.sql:2: unknown column 'amont'",
            "models/schema.yml:5:17: test 'not_null(daily.idx)': unknown column 'idx' (did you"
                + " mean 'id'?)",
            "tests/negative.sql:2: test 'negative': unknown column 'amout' (did you mean"
                + " 'amount'?)")
        // monthly reads weekly, which is reported: nothing misleading about monthly
        .doesNotContain("monthly");
  }

  @Test
  void runRefusesWhatValidateFindsBeforeAnySourceIsCommitted() throws IOException {
    Path dir =
        project(
            "sources/orders.yaml",
            "path: data/orders.csv\ncolumns:\n  - name: id\n    type: int\nchecks:\n"
                + "  - name: positive\n    expr: amout > 0\n",
            "models/daily.sql",
            "SELECT id FROM {{ source('orders') }}\n");

    Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("sources/orders.yaml:6:5: check 'positive': unknown column 'amout'")
        .doesNotContain("s$");
    // items comes first in name order and would have landed before orders failed
    assertThat(Files.exists(dir.resolve(".sluice/lake"))).isFalse();
  }

  @Test
  void configurationARunRefusesIsAConfigurationErrorInValidateAndRun() throws IOException {
    Path dir = project();
    Files.writeString(dir.resolve("afile"), "x");
    for (String setting :
        new String[] {
          "engine-options: {memory-limit: lots}",
          "state-dir: /proc",
          "state-dir: afile",
          "state-dir: afile/below",
          "warehouse: {path: /dev/null}",
          "warehouse: {path: data}",
          "engine-options: {threads: 0}",
          "lake: {type: nope}",
        }) {
      Files.writeString(dir.resolve("sluice.yaml"), "name: shop\n" + setting + "\n");

      Sluice.Result validate = validate(dir);
      Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");

      assertThat(validate.exit()).as(setting + ": " + validate.out()).isEqualTo(2);
      assertThat(run.exit()).as(setting + ": " + run.err()).isEqualTo(2);
      assertThat(run.err()).as(setting).isEqualTo(validate.err());
    }
  }

  @Test
  void validateAndRunAcceptMemoryLimitsDuckDbTakes() throws IOException {
    Path dir = project();
    for (String limit : new String[] {"4GB", "512 MiB", "80%"}) {
      Files.writeString(
          dir.resolve("sluice.yaml"),
          "name: shop\nengine-options: {memory-limit: " + limit + "}\n");
      assertThat(validate(dir).exit()).as(limit).isZero();
    }
    assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isZero();
  }

  @Test
  void printsTheFilesItDoesNotReadAsWarnings() throws IOException {
    Path dir =
        project(
            "dbt_project.yml", "name: shop\n",
            "models/staging/stg_orders.sql", "SELECT * FROM {{ source('orders') }}\n",
            "models/staging/schema.yml",
                "models:\n  - name: stg_orders\n    columns:\n      - name: id\n"
                    + "        tests: [not_null]\n",
            "models/notes.txt", "x\n");

    Sluice.Result result = validate(dir);

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out())
        .contains(
            "warning: dbt_project.yml: this file is not read: Sluice reads sluice.yaml",
            "warning: models/notes.txt: this file is not read",
            "2 models, 1 model tests");
  }

  @Test
  void reportsARecursiveAliasAndABadByteAsProjectErrors() throws IOException {
    Path dir = project("sluice.yaml", "name: shop\nvars: &v {self: *v}\n");
    Files.write(dir.resolve("models/daily.sql"), new byte[] {'S', 'E', 'L', (byte) 0xff});

    Sluice.Result result = validate(dir);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("sluice.yaml:2:11: invalid YAML: 'self' refers by an alias")
        .contains("models/daily.sql:1:4: the file is not UTF-8: byte 0xff at offset 3")
        .doesNotContain("Exception");
  }

  @Test
  void validatesASourceOfFourThousandColumnsWithoutBindingThemAgainAndAgain() throws IOException {
    StringBuilder yaml = new StringBuilder("path: data/wide.csv\ncolumns:\n");
    for (int i = 0; i < 4000; i++) {
      yaml.append("  - name: c").append(i).append("\n    type: int\n");
    }
    yaml.append("checks:\n  - name: sum\n    expr: c0 + c3999 >= 0\n");
    StringBuilder header = new StringBuilder();
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      header.append(i == 0 ? "" : ",").append('c').append(i);
      row.append(i == 0 ? "" : ",").append(i);
    }
    Path dir =
        project("sources/wide.yaml", yaml.toString(), "data/wide.csv", header + "\n" + row + "\n");

    // A sanity bound, far above the few seconds it takes; before, binding the checks' SQL again
    // for every stacked relation took minutes.
    Sluice.Result result =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(120), () -> validate(dir));

    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("3 sources");
  }

  @Test
  void listsTheFirstTwentyMissingFieldsAndCountsTheRest() throws IOException {
    StringBuilder yaml = new StringBuilder("path: data/narrow.csv\ncolumns:\n");
    for (int i = 0; i < 30; i++) {
      yaml.append("  - name: x").append(i).append("\n    type: int\n");
    }
    Path dir = project("sources/narrow.yaml", yaml.toString(), "data/narrow.csv", "a,b\n1,2\n");

    Sluice.Result result = validate(dir);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("column x19 ", "... and 10 more")
        .doesNotContain("column x20 ");
  }

  @Test
  void validateReportsAMisspeltJdbcOptionWithItsLineAndADidYouMean() throws Exception {
    Path project = temp.resolve("jdbc");
    write(project, "sluice.yaml", "name: p\n");
    write(
        project,
        "sources/orders.yaml",
        "connector: jdbc\n"
            + "jdbc:\n"
            + "  url: jdbc:postgresql://127.0.0.1:1/db\n"
            + "  tabel: orders\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n");
    Sluice.Result result = sluice("validate", "-p", project.toString());
    assertThat(result.exit()).isNotZero();
    assertThat(result.out() + result.err())
        .contains("sources/orders.yaml:4:3")
        .contains("unknown key 'tabel' in jdbc")
        .contains("did you mean 'table'");
  }
}
