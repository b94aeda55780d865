package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI from a user's seat: commands, messages and exit codes, on real projects. */
class CliTest {
  @TempDir Path temp;

  private Path initProject() {
    Path dir = temp.resolve("p");
    assertThat(sluice("init", dir.toString()).exit()).isZero();
    return dir;
  }

  @Test
  void validateWarnsAboutModelSqlOnlyOneEngineRuns() throws java.io.IOException {
    Path dir = initProject();
    java.nio.file.Files.writeString(
        dir.resolve("models/typed.sql"),
        "SELECT amount::DOUBLE AS amount\nFROM {{ ref('daily_events') }}\n");
    Sluice.Result validate = sluice("validate", "-p", dir.toString());
    assertThat(validate.exit()).isZero();
    assertThat(validate.out())
        .contains("warning: models/typed.sql line 1: ::DOUBLE runs on DuckDB only")
        .contains("is valid");
  }

  @Test
  void initCreatesAProjectThatValidatesAndRuns() {
    Path dir = initProject();
    Sluice.Result validate = sluice("validate", "-p", dir.toString());
    assertThat(validate.exit()).isZero();
    assertThat(validate.out())
        .contains("is valid: 1 sources, 1 models, 1 model tests, 1 singular tests");

    Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("4 rows read, 2 landed, 2 quarantined, quality 50.00%");
    assertThat(run.out()).contains("quarantined in events: range(amount) 1, type(occurred_at) 1");
    assertThat(run.out()).contains("tests: 2 passed, 0 failed");
    Sluice.Result test = sluice("test", "-p", dir.toString());
    assertThat(test.exit()).as(test.out()).isZero();
    assertThat(test.out()).containsPattern("purchases_have_amounts +error +pass");

    Sluice.Result quarantine =
        sluice(
            "query",
            "-p",
            dir.toString(),
            "--format",
            "csv",
            "SELECT _file, _line, _rules FROM quarantine.events ORDER BY _line");
    assertThat(quarantine.out())
        .isEqualTo(
            "_file,_line,_rules\n"
                + "data/events/events-0001.csv,4,range\n"
                + "data/events/events-0001.csv,5,type\n");
  }

  @Test
  void secondRunOnUnchangedInputReadsNothingAndSkipsModels() {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");
    Sluice.Result again = sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("0 rows read, 0 landed, 0 quarantined");
    assertThat(again.out()).containsPattern("daily_events\\s+table\\s+skipped");
  }

  @Test
  void malformedInputIsQuarantinedWithFileLineAndReasonWhileGoodRowsLand() throws IOException {
    Path dir = initProject();
    Files.writeString(
        dir.resolve("data/events/events-0002.csv"),
        "event_id,occurred_at,kind,amount\n"
            + "10,2026-11-03T09:00:00Z,signup,0\n"
            + "11,2026-11-03T09:00:00Z,signup\n"
            + "12,\"2026-11-03T09:00:00Z,signup,0\n",
        StandardCharsets.UTF_8);
    Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(run.exit()).as(run.err()).isZero();
    Sluice.Result parse =
        sluice(
            "query",
            "-p",
            dir.toString(),
            "--format",
            "csv",
            "SELECT _line, _rules, json_extract_string(_errors, '$[0].message') AS why"
                + " FROM quarantine.events WHERE _file LIKE '%0002.csv' ORDER BY _line");
    assertThat(parse.out())
        .startsWith("_line,_rules,why\n3,parse,")
        .contains("expected 4 fields")
        .contains("\n4,parse,");
    Sluice.Result landed =
        sluice(
            "query",
            "-p",
            dir.toString(),
            "SELECT count(*) AS n FROM lake.events WHERE event_id = 10");
    assertThat(landed.out()).contains("1");
  }

  @Test
  void jsonLineThatIsNotJsonIsQuarantinedAndTheRestLands() throws IOException {
    Path dir = temp.resolve("j");
    Files.createDirectories(dir.resolve("sources"));
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("sluice.yaml"), "name: j\n");
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        "path: data/*.ndjson\ncolumns:\n  - name: id\n    type: bigint\n  - name: who\n    from: user.name\n");
    Files.writeString(
        dir.resolve("data/e.ndjson"),
        "{\"id\": 1, \"user\": {\"name\": \"ada\"}}\n{\"id\": 2, \"user\": \n{\"id\": \"x\"}\n");
    Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("3 rows read, 1 landed, 2 quarantined");
    assertThat(run.out()).contains("parse 1").contains("type(id) 1");
    Sluice.Result clean =
        sluice("query", "-p", dir.toString(), "--format", "csv", "SELECT id, who FROM lake.events");
    assertThat(clean.out()).isEqualTo("id,who\n1,ada\n");
  }

  @Test
  void brokenConfigIsReportedWithFileLineAndSuggestionAndExitCode2() throws IOException {
    Path dir = initProject();
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        Files.readString(dir.resolve("sources/events.yaml")).replace("format: csv", "formt: csv"));
    Sluice.Result validate = sluice("validate", "-p", dir.toString());
    assertThat(validate.exit()).isEqualTo(2);
    assertThat(validate.err())
        .contains("sources/events.yaml:4:1: unknown key 'formt'")
        .contains("did you mean 'format'?");
    Sluice.Result run = sluice("run", "-p", dir.toString());
    assertThat(run.exit()).isEqualTo(2);
  }

  @Test
  void missingProjectTellsTheUserWhatToDo() {
    Sluice.Result result = sluice("status", "-p", temp.resolve("nowhere").toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("no sluice.yaml").contains("sluice init");
  }

  @Test
  void badSqlIsAUserErrorWithTheEnginesMessage() {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");
    Sluice.Result result = sluice("query", "-p", dir.toString(), "SELECT nope FROM lake.events");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).contains("Query failed").contains("nope");
  }

  @Test
  void queryAndStatusWorkBeforeTheFirstRun() {
    Path dir = initProject();

    Sluice.Result query = sluice("query", "-p", dir.toString(), "SELECT 6 * 7 AS answer");
    assertThat(query.exit()).as(query.err()).isZero();
    assertThat(query.out()).contains("42");
    Sluice.Result model = sluice("query", "-p", dir.toString(), "SELECT * FROM daily_events");
    assertThat(model.exit()).isEqualTo(2);
    assertThat(model.err()).contains("Query failed").contains("daily_events");
    Sluice.Result status = sluice("status", "-p", dir.toString());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.err()).doesNotContain("Cannot open");
    assertThat(dir.resolve(".sluice/warehouse.duckdb")).doesNotExist();
  }

  @Test
  void unknownOptionIsAUsageError() {
    Sluice.Result result = sluice("run", "--no-such-option");
    assertThat(result.exit()).isEqualTo(64);
    assertThat(result.err()).contains("Unknown option");
  }

  @Test
  void statusShowsDatasetsAndRuns() {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");
    Sluice.Result status = sluice("status", "-p", dir.toString());
    assertThat(status.exit()).isZero();
    assertThat(status.out())
        .contains("events")
        .contains("50.00%")
        .contains("Last runs")
        .contains("ok");
  }

  @Test
  void quarantineListAndShowExplainWhatWasQuarantined() {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");
    Sluice.Result list = sluice("quarantine", "list", "-p", dir.toString());
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains("range(amount)").contains("type(occurred_at)");

    Sluice.Result show =
        sluice(
            "quarantine", "show", "events", "--rule", "range", "-p", dir.toString(), "-f", "csv");
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out())
        .startsWith("_batch,_ingested_at,_file,_line,_rules,_record,_errors\n")
        .containsPattern(
            "b-000001,\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z,data/events/events-0001.csv,4,range,"
                + "\"3,2026-11-02T10:00:00Z,purchase,-5\"")
        .doesNotContain(",5,type,");

    Sluice.Result unknown = sluice("quarantine", "show", "event", "-p", dir.toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("No source 'event'").contains("did you mean 'events'?");
  }

  @Test
  void quarantineShowTakesTheRuleAsListPrintsItAndRefusesAnUnknownOne() {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");

    Sluice.Result named =
        sluice(
            "quarantine",
            "show",
            "events",
            "--rule",
            "range(amount)",
            "-p",
            dir.toString(),
            "-f",
            "csv");
    assertThat(named.exit()).as(named.err()).isZero();
    assertThat(named.out()).contains(",4,range,").doesNotContain(",5,type,");

    Sluice.Result typo =
        sluice("quarantine", "show", "events", "--rule", "rang", "-p", dir.toString());
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err())
        .contains("Unknown rule 'rang' for source 'events' (did you mean 'range'?)")
        .contains("type(occurred_at)");
  }

  @Test
  void statusNeverShowsFullQualityWhenRowsWereQuarantined() throws IOException {
    Path dir = temp.resolve("many");
    Files.createDirectories(dir.resolve("sources"));
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("sluice.yaml"), "name: many\n");
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        "path: data/*.csv\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: amount, type: bigint, checks: [{range: {min: 0}}]}\n");
    StringBuilder csv = new StringBuilder("id,amount\n");
    for (int i = 1; i <= 50_000; i++) {
      csv.append(i).append(',').append(i == 7 ? -1 : 1).append('\n');
    }
    Files.writeString(dir.resolve("data/events.csv"), csv);
    assertThat(sluice("run", "-p", dir.toString(), "--progress=never").exit()).isZero();

    Sluice.Result status = sluice("status", "-p", dir.toString());

    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("99.99%").doesNotContain("100.00%");
  }

  @Test
  void debugPrintsTheStackTraceWhereverItIsOnTheCommandLine() {
    String missing = temp.resolve("missing").toString();
    for (String[] args :
        List.of(
            new String[] {"status", "-p", missing, "--debug"},
            new String[] {"--debug", "status", "-p", missing},
            new String[] {"quarantine", "list", "--debug", "-p", missing})) {
      Sluice.Result result = sluice(args);
      assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.err())
          .as(String.join(" ", args))
          .startsWith("error: ")
          .contains("\tat io.sluice.");
    }
    Sluice.Result plain = sluice("status", "-p", missing);
    assertThat(plain.exit()).isEqualTo(2);
    assertThat(plain.err()).startsWith("error: ").doesNotContain("\tat ");
  }

  @Test
  void versionIsTheBuildsVersion() {
    Sluice.Result version = sluice("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out())
        .containsPattern("^sluice \\d+\\.\\d+\\.\\d+")
        .doesNotContain("development");
    assertThat(sluice("run", "-V").out()).isEqualTo(version.out());
  }

  @Test
  void helpShowsEveryCommandsSummaryWhole() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"quarantine", "--help"})) {
      Sluice.Result help = sluice(args);
      assertThat(help.exit()).isZero();
      List<String> summaries = commandSummaries(help.out());
      assertThat(summaries).as(help.out()).hasSizeGreaterThan(2);
      assertThat(summaries).allSatisfy(summary -> assertThat(summary).endsWith("."));
    }
    assertThat(String.join(" ", commandSummaries(sluice("--help").out())))
        .contains(
            "run Run one incremental pass: land the files no earlier run landed (validated into"
                + " clean and quarantine lake tables), rebuild the models whose inputs changed, run"
                + " the model tests, and print a summary.");
  }

  /** The entries of a help's command list, each {@code name summary} on one line. */
  private static List<String> commandSummaries(String help) {
    List<String> entries = new java.util.ArrayList<>();
    boolean inList = false;
    for (String line : help.split("\n")) {
      if (line.equals("Commands:")) {
        inList = true;
      } else if (inList && line.isBlank()) {
        break;
      } else if (inList && line.matches("  \\S.*")) {
        entries.add(line.strip().replaceAll("\\s+", " "));
      } else if (inList) {
        int last = entries.size() - 1;
        entries.set(last, entries.get(last) + " " + line.strip());
      }
    }
    return entries;
  }

  @Test
  void jsonOutputUsesKebabCaseKeysOnly() {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");
    for (String command : List.of("status", "quality")) {
      Sluice.Result json = sluice(command, "-p", dir.toString(), "--format", "json");
      assertThat(json.exit()).as(json.err()).isZero();
      assertThat(json.out())
          .as(command)
          .contains("\"rows-read\" : 4")
          .doesNotContainPattern("\"[a-z]+[A-Z][A-Za-z]*\" :");
    }
    assertThat(sluice("status", "-p", dir.toString(), "--format", "json").out())
        .contains("\"run-id\" :")
        .contains("\"failures-by-rule\" :");
  }

  @Test
  void timestampsPrintAsIso8601() {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");
    String sql =
        "SELECT TIMESTAMP '2026-11-25 11:50:00' AS t, TIMESTAMP '2026-11-25 11:50:01.25' AS u";
    assertThat(sluice("query", "-p", dir.toString(), "-f", "csv", sql).out())
        .isEqualTo("t,u\n2026-11-25T11:50:00,2026-11-25T11:50:01.25\n");
    assertThat(sluice("query", "-p", dir.toString(), "-f", "json", sql).out())
        .contains("\"t\":\"2026-11-25T11:50:00\"");
    assertThat(sluice("query", "-p", dir.toString(), sql).out()).contains("2026-11-25T11:50:00  ");

    Sluice.Result status = sluice("status", "-p", dir.toString());
    assertThat(status.out())
        .containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d")
        .doesNotContainPattern(":\\d\\d\\.0\\b");
  }

  @Test
  void initScaffoldLandsAnUpdatedRowInsteadOfQuarantiningIt() throws IOException {
    Path dir = initProject();
    sluice("run", "-p", dir.toString(), "--progress=never");
    Files.writeString(
        dir.resolve("data/events/events-0002.csv"),
        "event_id,occurred_at,kind,amount\n2,2026-11-01T09:05:00Z,purchase,24.90\n");

    Sluice.Result run = sluice("run", "-p", dir.toString(), "--progress=never");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("1 rows read, 1 landed, 0 quarantined");
  }
}
