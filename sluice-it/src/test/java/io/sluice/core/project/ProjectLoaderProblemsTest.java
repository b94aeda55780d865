package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of mistake, and the exact message a person gets for it. */
class ProjectLoaderProblemsTest {
  @TempDir Path directory;
  private TestProject project;

  @BeforeEach
  void setUp() {
    project = new TestProject(directory);
  }

  // ---- the project folder and sluice.yaml

  @Test
  void reportsAFolderWithoutSluiceYamlAsNotAProject() {
    project.source("orders");

    assertThat(project.problem())
        .isEqualTo(
            "sluice.yaml: not a Sluice project: no sluice.yaml in "
                + project.directory()
                + "; run `sluice init` to create one");
  }

  @Test
  void showsFilesRelativeToTheProjectInTheExceptionMessage() {
    project
        .minimal()
        .file("sources/orders.yaml", "path: a.csv\ncolumns: [{name: id}]\nconector: x\n");

    assertThatThrownBy(project::load)
        .isInstanceOfSatisfying(
            ProjectException.class,
            e -> {
              assertThat(e.category()).isEqualTo(ErrorCategory.USER);
              assertThat(e.directory()).contains(project.directory());
              assertThat(e.problems()).hasSize(1);
              assertThat(e.problems().get(0).location())
                  .isEqualTo(new Location(project.path("sources/orders.yaml"), 3, 1));
            })
        .hasMessage(
            "1 problem in the project "
                + project.directory()
                + ":\n"
                + "  sources/orders.yaml:3:1: unknown key 'conector' in source (did you mean"
                + " 'connector'?)");
  }

  @Test
  void reportsAMissingProjectName() {
    project.file("sluice.yaml", "engine: duckdb\n");

    assertThat(project.problem())
        .isEqualTo("sluice.yaml:1:1: missing required key 'name' in sluice.yaml");
  }

  @Test
  void reportsAnEmptySluiceYamlAsMissingItsName() {
    project.file("sluice.yaml", "");

    assertThat(project.problem())
        .isEqualTo("sluice.yaml:1:1: missing required key 'name' in sluice.yaml");
  }

  @Test
  void reportsAnInvalidProjectName() {
    project.file("sluice.yaml", "name: my-shop\n");

    assertThat(project.problem())
        .isEqualTo(
            "sluice.yaml:1:7: invalid name 'my-shop': use letters, digits and _, not starting with"
                + " a digit");
  }

  @Test
  void reportsAnUnknownKeyWithADidYouMean() {
    project.file("sluice.yaml", "name: shop\nengin: duckdb\nlake:\n  tpye: iceberg\n");

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:2:1: unknown key 'engin' in sluice.yaml (did you mean 'engine'?)",
            "sluice.yaml:4:3: unknown key 'tpye' in lake (did you mean 'type'?)");
  }

  @Test
  void reportsAnUnknownKeyWithoutASuggestionWhenNothingIsClose() {
    project.file("sluice.yaml", "name: shop\nflavour: vanilla\n");

    assertThat(project.problem())
        .isEqualTo("sluice.yaml:2:1: unknown key 'flavour' in sluice.yaml");
  }

  @Test
  void reportsABadEnumValueWithTheAllowedOnes() {
    project.file("sluice.yaml", "name: shop\ndefaults:\n  granularity: dya\n  on-change: ignore\n");

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:3:16: granularity: expected one of day, hour, found 'dya' (did you mean"
                + " 'day'?)",
            "sluice.yaml:4:14: on-change: expected one of fail, skip, append, found 'ignore'");
  }

  @Test
  void reportsANumberOutOfRange() {
    project.file("sluice.yaml", "name: shop\nquality:\n  min-score: 1.5\n");

    assertThat(project.problem())
        .isEqualTo("sluice.yaml:3:14: min-score: expected a number between 0 and 1, found '1.5'");
  }

  @Test
  void reportsADurationWithoutAUnitAndAMinimumNotMet() {
    project.file(
        "sluice.yaml", "name: shop\nmaintenance:\n  snapshot-max-age: 90\n  min-files: 1\n");

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:3:21: snapshot-max-age: expected a duration such as 30s, 15m, 6h or 7d,"
                + " found '90'",
            "sluice.yaml:4:14: min-files: expected an integer ≥ 2, found '1'");
  }

  @Test
  void reportsASectionThatIsNotAMapping() {
    project.file("sluice.yaml", "name: shop\nlake: iceberg\nvars: [a, b]\n");

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:2:7: lake: expected a mapping, found 'iceberg'",
            "sluice.yaml:3:7: vars: expected a mapping, found a list");
  }

  @Test
  void reportsAVarWithoutValue() {
    project.file("sluice.yaml", "name: shop\nvars:\n  start:\n  end: 2024\n");

    assertThat(project.problem()).isEqualTo("sluice.yaml:3:9: vars.start: has no value");
  }

  @Test
  void reportsADuplicateKey() {
    project.file("sluice.yaml", "name: shop\nengine: duckdb\nengine: spark\n");

    assertThat(project.problem())
        .isEqualTo("sluice.yaml:3:1: duplicate key 'engine' in sluice.yaml (first set at line 2)");
  }

  @Test
  void reportsAYamlSyntaxErrorWithItsLine() {
    project.file("sluice.yaml", "name: shop\nlake:\n  type: [iceberg\n");

    assertThat(project.problem())
        .isEqualTo(
            "sluice.yaml:4:1: invalid YAML: expected ',' or ']', but got <stream end> (while"
                + " parsing a flow sequence)");
  }

  // ---- sources

  @Test
  void reportsAMistypedCsvOptionWithADidYouMean() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: data/orders.csv
            csv:
              delimter: ";"
              header: yes please
            columns:
              - name: id
            """);

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:3:3: unknown key 'delimter' in csv (did you mean 'delimiter'?)",
            "sources/orders.yaml:4:11: header: expected a boolean, found 'yes please'");
  }

  @Test
  void reportsWrongScalarTypes() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: data/orders.csv
            csv:
              header: "true"
              delimiter: ";;"
              skip-lines: -1
              encoding: klingon
            columns:
              - name: id
            """);

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:3:11: header: expected a boolean, found 'true'",
            "sources/orders.yaml:4:14: delimiter: expected a single character, found ';;'",
            "sources/orders.yaml:5:15: skip-lines: expected an integer ≥ 0, found '-1'",
            "sources/orders.yaml:6:13: unknown encoding 'klingon'");
  }

  @Test
  void reportsMissingRequiredKeysOfASource() {
    project.minimal().file("sources/orders.yaml", "description: nothing else\n");

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:1:1: missing required key 'columns' in source",
            "sources/orders.yaml:1:1: missing required key 'path' in source");
  }

  @Test
  void reportsAnEmptyColumnList() {
    project.minimal().file("sources/orders.yaml", "path: a.csv\ncolumns: []\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:2:10: columns: expected at least one item, found an empty list");
  }

  @Test
  void reportsANameThatDiffersFromTheFileName() {
    project
        .minimal()
        .file("sources/orders.yaml", "name: order\npath: a.csv\ncolumns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:1:7: name 'order' does not match the file name 'orders.yaml': a"
                + " source is named after its file");
  }

  @Test
  void reportsAFileNameThatIsNotAName() {
    project.minimal().file("sources/my-orders.yaml", "path: a.csv\ncolumns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/my-orders.yaml: invalid source name 'my-orders' (the file name): use letters,"
                + " digits and _, not starting with a digit");
  }

  @Test
  void reportsTheSameSourceInTwoFiles() {
    project
        .minimal()
        .source("orders")
        .file("sources/orders.yml", "path: b.csv\ncolumns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yml: source 'orders' is defined twice: sources/orders.yaml and"
                + " sources/orders.yml");
  }

  @Test
  void reportsAStreamSourceWithoutATokenAndWithFilesOptions() {
    project
        .minimal()
        .file("sources/clicks.yaml", "connector: stream\npath: a.json\ncolumns: [{name: id}]\n");

    assertThat(project.problems())
        .containsExactly(
            "sources/clicks.yaml:1:12: a stream source needs a bearer token for its pushes: set"
                + " stream.token-env (an environment variable) or stream.token-file, or"
                + " stream.auth: none to accept pushes without one",
            "sources/clicks.yaml:2:1: 'path' is an option of connector files, but this source's"
                + " connector is stream (see docs/reference/connectors/stream.md for its options)");
  }

  @Test
  void reportsDatasetChecksThatCannotBeEvaluated() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "path: a.csv\n"
                + "columns: [{name: id}, {name: email}]\n"
                + "dataset-checks:\n"
                + "  - {name: fresh, kind: freshness, max-lag: 1h}\n"
                + "  - {name: nulls, kind: null-rate, column: emial, max-rate: 0.1}\n"
                + "  - {name: volume, kind: volume, max-lag: 1h}\n");

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:4:5: a freshness check needs event-time: it measures event-time"
                + " lag",
            "sources/orders.yaml:5:44: 'emial' is not a column (did you mean 'email'?)",
            "sources/orders.yaml:6:5: a volume check needs one of min-rows, max-rows, k, max-change",
            "sources/orders.yaml:6:34: 'max-lag' does not apply to a volume check");
  }

  @Test
  void reportsLateEventsWithoutAnEventTime() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "path: a.csv\nlate-events: {allowed-lateness: 1h, policy: quarantine}\n"
                + "columns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:2:1: late-events needs event-time: lateness is measured on the"
                + " event-time column");
  }

  @Test
  void reportsStreamOptionsThatContradictEachOther() {
    project
        .minimal()
        .file(
            "sources/clicks.yaml",
            "connector: stream\n"
                + "stream:\n"
                + "  auth: none\n"
                + "  token-env: CLICKS_TOKEN\n"
                + "columns: [{name: id}]\n")
        .file(
            "sources/orders.yaml",
            "path: a.csv\nstream: {token-env: X, token-file: t.txt}\ncolumns: [{name: id}]\n");

    assertThat(project.problems())
        .containsExactly(
            "sources/clicks.yaml:4:3: token-env has no effect with auth: none; remove one",
            "sources/orders.yaml:2:1: 'stream' is an option of connector stream, but this"
                + " source's connector is files (see docs/reference/connectors/files.md for its"
                + " options)");
  }

  @Test
  void reportsAnUnknownConnectorWithADidYouMean() {
    project
        .minimal()
        .file("sources/orders.yaml", "connector: file\npath: a.csv\ncolumns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:1:12: unknown connector 'file' (did you mean 'files'?); installed:"
                + " cdc, files, jdbc, s3, stream");
  }

  @Test
  void reportsAFormatThatCannotBeToldFromThePath() {
    project.minimal().file("sources/orders.yaml", "path: data/orders.txt\ncolumns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:1:7: cannot tell the format of 'data/orders.txt' from its"
                + " extension (.csv, .tsv, .json, .ndjson, .jsonl or .parquet); set format to one"
                + " of csv, json, parquet");
  }

  @Test
  void reportsAnUnknownFormatWithADidYouMean() {
    project
        .minimal()
        .file("sources/orders.yaml", "path: a.txt\nformat: jsn\ncolumns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:2:9: format: expected one of csv, json, parquet, found 'jsn' (did"
                + " you mean 'json'?)");
  }

  @Test
  void reportsCsvOptionsOnAJsonSource() {
    project
        .minimal()
        .file("sources/orders.yaml", "path: a.json\ncsv: {header: false}\ncolumns: [{name: id}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:2:1: csv options apply to format csv, but the format is json");
  }

  @Test
  void reportsDuplicateColumnNames() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            columns:
              - name: id
              - name: amount
              - name: ID
            """);

    assertThat(project.problem())
        .isEqualTo("sources/orders.yaml:5:11: duplicate column 'ID' (first declared at line 3)");
  }

  @Test
  void reportsAnUnknownTypeWithTheValidNames() {
    project
        .minimal()
        .file("sources/orders.yaml", "path: a.csv\ncolumns:\n  - name: id\n    type: strng\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:4:11: unknown type 'strng' (did you mean 'string'?); expected one"
                + " of: string, boolean, int, bigint, double, decimal(p,s), date, timestamp");
  }

  @Test
  void reportsAnInvalidDecimal() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "path: a.csv\ncolumns:\n  - name: id\n    type: decimal(40,2)\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:4:11: Invalid decimal(40,2): precision must be 1..38 and scale"
                + " 0..precision");
  }

  @Test
  void reportsColumnOptionsThatDoNotGoTogether() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            columns:
              - name: amount
                type: double
                format: "%d"
                default: lots
              - name: twice
                from: amount
                expr: amount * 2
            """);

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:5:5: column 'amount': format applies only to date and timestamp"
                + " columns, not double",
            "sources/orders.yaml:6:14: column 'amount': default 'lots' is not a valid double",
            "sources/orders.yaml:8:5: column 'twice': from cannot be used with expr: a derived"
                + " column is computed, not read");
  }

  @Test
  void reportsAnUnknownEventTimeColumnWithADidYouMean() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "path: a.csv\nevent-time: ordered\ncolumns:\n  - name: ordered_at\n    type: timestamp\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:2:13: event-time 'ordered' is not a column (did you mean"
                + " 'ordered_at'?)");
  }

  @Test
  void reportsAnEventTimeColumnThatIsNotATime() {
    project
        .minimal()
        .file("sources/orders.yaml", "path: a.csv\nevent-time: id\ncolumns:\n  - name: id\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:2:13: event-time column 'id' must be a timestamp or date, not"
                + " string");
  }

  @Test
  void reportsHourlyPartitionsWithoutATimestamp() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            event-time: day
            partition:
              granularity: hour
            columns:
              - name: day
                type: date
            """);

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:4:16: granularity hour needs an event-time column of type"
                + " timestamp");
  }

  @Test
  void reportsHourlyDefaultGranularityOnASourceWithoutEventTime() {
    project.file("sluice.yaml", "name: shop\ndefaults:\n  granularity: hour\n").source("orders");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:1:1: granularity hour needs an event-time column of type"
                + " timestamp; set event-time");
  }

  @Test
  void reportsUnknownPartitionColumns() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "path: a.csv\npartition:\n  columns: [contry]\ncolumns:\n  - name: country\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:3:12: partition column 'contry' is not a column (did you mean"
                + " 'country'?)");
  }

  @Test
  void reportsALengthWithoutBoundsOrWithMinAboveMaxAndAnUnknownFormat() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            columns:
              - name: a
                checks: [{length: {}}]
              - name: b
                checks: [{length: {min: 3, max: 2}}]
              - name: c
                checks: [{format: mail}]
            """);

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:4:14: column 'a': length needs min, max or both",
            "sources/orders.yaml:6:14: column 'b': length min 3 is greater than max 2",
            "sources/orders.yaml:8:23: name: expected one of email, uuid, iso-date, url, ip, found"
                + " 'mail' (did you mean 'email'?)");
  }

  @Test
  void reportsAnUnknownCheckWithADidYouMean() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            columns:
              - name: id
                checks: [not_nul, {uniqe: true}]
            """);

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:4:14: unknown check 'not_nul' (did you mean 'not_null'?); expected"
                + " one of not_null, unique, range, accepted_values, regex, length, format,"
                + " relationships",
            "sources/orders.yaml:4:24: unknown check 'uniqe' (did you mean 'unique'?); expected one"
                + " of not_null, unique, range, accepted_values, regex, length, format,"
                + " relationships");
  }

  @Test
  void reportsRelationshipsToUnknownDatasetsColumnsAndCycles() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            columns:
              - name: id
                type: bigint
              - name: customer
                type: bigint
                checks: [{relationships: {to: customer, field: id}}]
              - name: other
                checks: [{relationships: {to: customers, field: idd}}]
              - name: kind
                type: bigint
                checks: [{relationships: {to: customers, field: name}}]
              - name: buyer
                type: int
                checks: [{relationships: {to: customers, field: id}}]
            """)
        .file(
            "sources/customers.yaml",
            """
            path: c.csv
            columns:
              - name: id
                type: bigint
                checks: [{relationships: {to: orders, field: id, severity: warn}}]
              - name: name
              - name: self
                type: bigint
                checks: [{relationships: {to: customers, field: id}}]
            """);

    assertThat(project.problems())
        .containsExactlyInAnyOrder(
            "sources/customers.yaml:9:14: source 'customers', column 'self': relationships cannot"
                + " refer to the dataset itself ('customers')",
            "sources/orders.yaml:7:14: source 'orders', column 'customer': relationships refers"
                + " to dataset 'customer', which is not a source of the project (did you mean"
                + " 'customers'?)",
            "sources/orders.yaml:9:14: source 'orders', column 'other': relationships refers to"
                + " column 'idd' of 'customers', which has no such column (did you mean 'id'?)",
            "sources/orders.yaml:12:14: source 'orders', column 'kind': relationships compares a"
                + " bigint with customers.name, a string; declare both with comparable types",
            "sources/customers.yaml: relationships form a cycle: customers -> orders ->"
                + " customers (each dataset must be processed after the ones it refers to)");
  }

  @Test
  void reportsBadCheckArguments() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            columns:
              - name: amount
                type: int
                checks:
                  - range: {}
                  - accepted_values: []
                  - regex: "[a-"
              - name: score
                type: double
                checks:
                  - range: {min: high, max: 1}
                  - range
            """);

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:6:9: column 'amount': range needs min, max or both",
            "sources/orders.yaml:7:26: values: expected at least one item, found an empty list",
            "sources/orders.yaml:8:16: invalid regex '[a-': Illegal character range near index 3",
            "sources/orders.yaml:12:22: column 'score': range min 'high' is not a number, but the"
                + " column is double",
            "sources/orders.yaml:13:9: check 'range' needs arguments: write it as 'range: ...'");
  }

  @Test
  void reportsTheSameCheckTwiceOnAColumn() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "path: a.csv\ncolumns:\n  - name: n\n    checks: [not_null, {not_null: true}]\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/orders.yaml:4:24: column 'n': duplicate check 'not_null' (first at line 4)");
  }

  @Test
  void reportsAMinAboveTheMax() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "path: a.csv\ncolumns:\n  - name: n\n    type: int\n    checks: [{range: {min: 5, max: 1}}]\n");

    assertThat(project.problem())
        .isEqualTo("sources/orders.yaml:5:14: column 'n': range min 5 is greater than max 1");
  }

  @Test
  void reportsDuplicateRowCheckNames() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            """
            path: a.csv
            columns: [{name: n}]
            checks:
              - {name: positive, expr: n > 0}
              - {name: positive, expr: n < 9}
              - {name: no_expr}
            """);

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:5:12: duplicate check 'positive' (first declared at line 4)",
            "sources/orders.yaml:6:5: missing required key 'expr' in row check 'no_expr'");
  }

  @Test
  void aSourceFileWithErrorsCausesNoMisleadingErrorsInTheFilesThatReferToIt() {
    project
        .minimal()
        .file("sources/orders.yaml", "path: a.csv\ncolumns:\n  - name: id\n    type: intt\n")
        .file("sources/broken.yaml", "path: b.csv\ncolumns:\n  - name: id\n   bad: indent\n")
        .file(
            "sources/items.yaml",
            "path: c.csv\ncolumns:\n  - name: order_id\n    type: int\n    checks:\n"
                + "      - relationships: {to: orders, field: id}\n"
                + "  - name: other_id\n    checks:\n"
                + "      - relationships: {to: broken, field: id}\n")
        .file("models/daily.sql", "SELECT * FROM {{ source('broken') }}\n")
        .file(
            "models/schema.yml",
            "models:\n  - name: daily\n    columns:\n      - name: id\n        tests:\n"
                + "          - relationships: {to: \"source('broken')\", field: id}\n");

    assertThat(project.problems())
        .containsExactly(
            "sources/broken.yaml:4:4: invalid YAML: expected <block end>, but found '<block"
                + " mapping start>' (while parsing a block collection)",
            "sources/orders.yaml:4:11: unknown type 'intt' (did you mean 'int'?); expected one"
                + " of: string, boolean, int, bigint, double, decimal(p,s), date, timestamp");
  }

  @Test
  void reportsAStateDirThatIsAFileAndAWarehouseThatIsADevice() {
    project
        .file("sluice.yaml", "name: shop\nstate-dir: notes.txt\nwarehouse: {path: /dev/null}\n")
        .file("notes.txt", "x\n")
        .source("orders");

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:2:12: state-dir "
                + project.path("notes.txt")
                + " is a file; it must be a folder (or not exist yet)",
            "sluice.yaml:3:19: warehouse path /dev/null is a special file (a device, pipe or"
                + " socket); name a file or folder where the warehouse can live");
  }

  @Test
  void reportsSourcesInSubfolders() {
    project.minimal().source("orders").file("sources/more/items.yaml", "path: a.csv\n");

    assertThat(project.problem())
        .isEqualTo(
            "sources/more/items.yaml: only files directly in sources/ are read; move this one to"
                + " sources/");
  }

  @Test
  void reportsAModelDefinedInTwoFoldersOfModels() {
    project
        .minimal()
        .source("orders")
        .file("models/marts/daily.sql", "SELECT 1\n")
        .file("models/staging/daily.sql", "SELECT 2\n");

    assertThat(project.problem())
        .isEqualTo(
            "models/staging/daily.sql: model 'daily' is defined twice: models/marts/daily.sql and"
                + " models/staging/daily.sql; model names are unique across the folders of"
                + " models/");
  }

  @Test
  void reportsAModelDescribedInTwoSchemaFiles() {
    project
        .minimal()
        .source("orders")
        .file("models/daily.sql", "SELECT 1 AS day\n")
        .file("models/a.yml", "models:\n  - name: daily\n")
        .file("models/staging/b.yml", "version: 2\nmodels:\n  - name: daily\n");

    assertThat(project.problem())
        .isEqualTo(
            "models/staging/b.yml:3:11: model 'daily' is described twice (first at"
                + " models/a.yml:2)");
  }

  // ---- models

  @Test
  void reportsAnUnknownRefWithItsLineAndADidYouMean() {
    project
        .minimal()
        .file("models/orders_clean.sql", "SELECT 1 AS x\n")
        .file("models/daily.sql", "SELECT *\nFROM {{ ref('orders_clen') }}\n");

    assertThat(project.problem())
        .isEqualTo(
            "models/daily.sql:2:9: ref('orders_clen'): unknown model 'orders_clen' (did you mean"
                + " 'orders_clean'?)");
  }

  @Test
  void reportsAnUnknownSourceAndSourcesReferencedAsModels() {
    project
        .minimal()
        .source("orders")
        .file(
            "models/daily.sql",
            "SELECT *\nFROM {{ source('shop', 'order') }}\nJOIN {{ ref('orders') }} USING (id)\n");

    assertThat(project.problems())
        .containsExactly(
            "models/daily.sql:2:9: source('order'): unknown source 'order' (did you mean"
                + " 'orders'?)",
            "models/daily.sql:3:9: ref('orders'): 'orders' is a source; use source('orders')");
  }

  @Test
  void reportsACycleOfRefs() {
    project
        .minimal()
        .file("models/a.sql", "SELECT * FROM {{ ref('b') }}\n")
        .file("models/b.sql", "SELECT * FROM\n  {{ ref('c') }}\n")
        .file("models/c.sql", "SELECT * FROM {{ ref('a') }}\n")
        .file("models/d.sql", "SELECT * FROM {{ ref('c') }}\n")
        .file("models/self.sql", "SELECT * FROM {{ ref('self') }}\n");

    assertThat(project.problems())
        .containsExactly(
            "models/a.sql:1:18: models form a cycle: a -> b -> c -> a",
            "models/self.sql:1:18: models form a cycle: self -> self");
  }

  @Test
  void reportsBadConfigCalls() {
    project
        .minimal()
        .file("models/a.sql", "{{ config(materialized='tabel') }}\nSELECT 1\n")
        .file("models/b.sql", "SELECT 1\n{{ config(unique_key='id') }}\n")
        .file("models/c.sql", "{{ config(materialised='table') }}\nSELECT 1\n")
        .file("models/d.sql", "{{ config('table') }}\nSELECT 1\n");

    assertThat(project.problems())
        .containsExactly(
            "models/a.sql:1: config(): materialized: expected one of view, table, incremental,"
                + " found 'tabel' (did you mean 'table'?)",
            "models/b.sql:2:4: config(): unique_key applies only to materialized='incremental'",
            "models/c.sql:1: config(): unknown argument 'materialised' (did you mean"
                + " 'materialized'?); expected materialized, unique_key, tags",
            "models/d.sql:1: config() takes keyword arguments only, e.g."
                + " config(materialized='table'), found ('table')");
  }

  @Test
  void reportsJinjaSyntaxErrorsWithTheirLine() {
    project
        .minimal()
        .file("models/a.sql", "SELECT 1\n{% if true %}\nFROM x\n")
        .file("models/b.sql", "SELECT\n  {{ 1 + }}\n");

    assertThat(project.problems())
        .containsExactly(
            "models/a.sql:2: Syntax error in '{% if true %}': Missing end tag: endif for tag"
                + " defined as: {% if true %}",
            "models/b.sql:2: Error parsing '1 +': syntax error at position 8, encountered '}',"
                + " expected <IDENTIFIER>|<STRING>|<FLOAT>|<INTEGER>|'true'|'false'|'null'|'-'|'!'|'not'|'empty'|'('");
  }

  @Test
  void reportsUnknownVarsFunctionsAndVariables() {
    project
        .file("sluice.yaml", "name: shop\nvars:\n  currency: EUR\n")
        .file(
            "models/a.sql",
            "SELECT '{{ var('curency') }}'\n, {{ reff('b') }}\n, {{ thsi }}\n, '{{ var('x', 'ok') }}'\n");

    assertThat(project.problems())
        .containsExactly(
            "models/a.sql:1: unknown var 'curency' (did you mean 'currency'?); define it under vars"
                + " in sluice.yaml or give a default: var('curency', ...)",
            "models/a.sql:2: unknown function 'reff' (did you mean 'ref'?); models can use"
                + " ref('model'), source('name'), changes('name'), config(materialized='table', unique_key='id'),"
                + " is_incremental(), var('name') or var('name', default), this",
            "models/a.sql:3: unknown variable 'thsi' (did you mean 'this'?)");
  }

  @Test
  void reportsAModelNamedLikeASource() {
    project.minimal().source("orders").file("models/orders.sql", "SELECT 1\n");

    assertThat(project.problem())
        .isEqualTo(
            "models/orders.sql: model 'orders' has the same name as the source in"
                + " sources/orders.yaml; rename one of them");
  }

  // ---- schema.yml

  @Test
  void reportsUnknownModelsAndTestsInSchemaYml() {
    project
        .minimal()
        .source("orders")
        .file("models/daily.sql", "SELECT 1 AS day\n")
        .file(
            "models/schema.yml",
            """
            version: 2
            models:
              - name: dialy
              - name: daily
                columns:
                  - name: day
                    tests: [not_nul, {relationships: {to: "ref('orders')", field: id}}]
                  - name: n
                    tests: [{accepted_values: [1, 2]}]
                    data_tests: [unique]
            """);

    assertThat(project.problems())
        .containsExactly(
            "models/schema.yml:3:11: unknown model 'dialy' (did you mean 'daily'?)",
            "models/schema.yml:7:17: unknown test 'not_nul' (did you mean 'not_null'?); expected"
                + " one of not_null, unique, accepted_values, relationships",
            "models/schema.yml:7:47: relationships: unknown model 'orders'; 'orders' is a source: use"
                + " source('orders')",
            "models/schema.yml:9:35: accepted_values: expected a mapping, found a list",
            "models/schema.yml:10:9: column 'n': use tests or data_tests, not both");
  }

  @Test
  void reportsAWrongSeverityInSchemaYml() {
    project
        .minimal()
        .file("models/daily.sql", "SELECT 1 AS day\n")
        .file(
            "models/schema.yml",
            """
            version: 2
            models:
              - name: daily
                columns:
                  - name: day
                    tests: [{not_null: {config: {severity: warning}}}]
            """);

    assertThat(project.problems())
        .containsExactly(
            "models/schema.yml:6:48: severity: expected one of error, warn, found 'warning' (did"
                + " you mean 'warn'?)");
  }

  // ---- tests/*.sql

  @Test
  void reportsBrokenSingularTestsWithTheirFileAndLine() {
    project
        .minimal()
        .source("orders")
        .file("models/daily.sql", "SELECT 1 AS day\n")
        .file(
            "tests/unknown_refs.sql",
            "SELECT *\nFROM {{ ref('dialy') }}\nJOIN {{ source('order') }} USING (id)\n")
        .file("tests/swapped.sql", "SELECT * FROM {{ ref('orders') }}, {{ source('daily') }}\n")
        .file("tests/bad_config.sql", "{{ config(severity='warning') }}\nSELECT 1\n")
        .file("tests/bad_key.sql", "{{ config(materialized='table') }}\nSELECT 1\n")
        .file("tests/syntax.sql", "SELECT 1\n{% if %}\n")
        .file("tests/empty.sql", "\n")
        .file("tests/nested/deep.sql", "SELECT 1\n")
        .file("tests/nested/empty.sql", "\n");

    assertThat(project.problems())
        .containsExactly(
            "tests/bad_config.sql:1: config(): severity: expected 'error' or 'warn', found"
                + " 'warning'",
            "tests/bad_key.sql:1: config(): unknown argument 'materialized'; a test's config()"
                + " takes only severity",
            "tests/empty.sql: the test is empty: write a SELECT that returns the failing rows",
            "tests/nested/empty.sql: test 'empty' is defined twice: tests/empty.sql and"
                + " tests/nested/empty.sql; test names are unique across the folders of tests/",
            "tests/swapped.sql:1:18: ref('orders'): 'orders' is a source; use source('orders')",
            "tests/swapped.sql:1:39: source('daily'): 'daily' is a model; use ref('daily')",
            "tests/syntax.sql:2: Syntax error in '{% if %}': Tag 'if' expects expression",
            "tests/syntax.sql:2: Syntax error in '{% if %}': Missing end tag: endif for tag defined"
                + " as: {% if %}",
            "tests/unknown_refs.sql:2:9: ref('dialy'): unknown model 'dialy' (did you mean"
                + " 'daily'?)",
            "tests/unknown_refs.sql:3:9: source('order'): unknown source 'order' (did you mean"
                + " 'orders'?)");
  }

  // ---- everything together

  @Test
  void reportsEveryProblemOfEveryFileTogether() {
    project
        .file("sluice.yaml", "name: shop\nengin: duckdb\n")
        .file("sources/orders.yaml", "path: a.csv\ncolumns:\n  - name: id\n    tpe: int\n")
        .file("sources/clicks.yaml", "path: [a]\ncolumns:\n  - name: url\n")
        .file("models/daily.sql", "SELECT * FROM {{ source('order') }}\n")
        .file("models/schema.yml", "version: 3\n");

    assertThat(project.problems())
        .containsExactly(
            "sluice.yaml:2:1: unknown key 'engin' in sluice.yaml (did you mean 'engine'?)",
            "sources/clicks.yaml:1:7: path: expected a string, found a list",
            "sources/orders.yaml:4:5: unknown key 'tpe' in column 'id' (did you mean 'type'?)",
            "models/daily.sql:1:18: source('order'): unknown source 'order' (did you mean"
                + " 'orders'?)",
            "models/schema.yml:1:10: version: only version 2 is supported, found 3");
  }
}
