package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.LakeLayout;
import io.sluice.core.run.ProjectRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice quarantine replay}: after a rule is fixed, the quarantined rows that now pass land
 * in clean exactly once; the others stay quarantined.
 */
class QuarantineReplayTest {
  @TempDir Path temp;

  private static final String STRICT = "[paid, shipped]";
  private static final String FIXED = "[paid, shipped, refunded]";

  /** Orders with a status rule that misses {@code refunded}, and an amount range. */
  private Path project(String name, String data, String path, String statuses) throws Exception {
    Path project = temp.resolve(name);
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: " + name + "\n");
    Files.writeString(project.resolve(path), data);
    writeSource(project, path, statuses);
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    return project;
  }

  private static void writeSource(Path project, String path, String statuses) throws Exception {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        "path: "
            + path
            + "\n"
            + "columns:\n"
            + "  - {name: id, type: bigint, checks: [unique]}\n"
            + "  - {name: status, type: string, checks: [{accepted_values: "
            + statuses
            + "}]}\n"
            + "  - {name: amount, type: bigint, checks: [{range: {min: 0}}]}\n");
  }

  private static final String JSON =
      "{\"id\":1,\"status\":\"paid\",\"amount\":10}\n"
          + "{\"id\":2,\"status\":\"refunded\",\"amount\":20}\n"
          + "{\"id\":3,\"status\":\"refunded\",\"amount\":-5}\n"
          + "{\"id\":4,\"status\":\"lost\",\"amount\":40}\n"
          + "{\"id\":5,\"status\":\"refunded\",\"amount\":50}\n";

  private static String query(Path project, String sql) {
    Sluice.Result result = sluice("query", "-p", project.toString(), "--format", "csv", sql);
    assertThat(result.exit()).as(result.err()).isZero();
    return result.out();
  }

  private static Sluice.Result replay(Path project, String... options) {
    String[] args = new String[4 + options.length];
    args[0] = "quarantine";
    args[1] = "replay";
    args[2] = "orders";
    args[3] = "-p=" + project;
    System.arraycopy(options, 0, args, 4, options.length);
    Sluice.Result result = sluice(args);
    assertThat(result.exit()).as(result.out() + result.err()).isZero();
    return result;
  }

  private static List<Snapshot> cleanSnapshots(Path project) {
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(project), true)) {
      return runtime.lake().load(new TableId(LakeLayout.CLEAN, "orders")).orElseThrow().snapshots();
    }
  }

  @Test
  void replayAfterAFixLandsTheFixedRowsOnceAndKeepsTheOthersQuarantined() throws Exception {
    Path project = project("json", JSON, "data/orders.ndjson", STRICT);
    assertThat(query(project, "SELECT id FROM lake.orders ORDER BY id")).isEqualTo("id\n1\n");
    assertThat(query(project, "SELECT _line FROM quarantine.orders ORDER BY _line"))
        .isEqualTo("_line\n2\n3\n4\n5\n");

    writeSource(project, "data/orders.ndjson", FIXED);
    Sluice.Result first = replay(project);

    assertThat(first.out())
        .contains("b-000002")
        .contains("2 of 4 quarantined records landed, 2 stay quarantined")
        .contains("still failing in orders: accepted_values(status) 1, range(amount) 1");
    assertThat(query(project, "SELECT id, status, _file, _line FROM lake.orders ORDER BY id"))
        .isEqualTo(
            "id,status,_file,_line\n"
                + "1,paid,data/orders.ndjson,1\n"
                + "2,refunded,data/orders.ndjson,2\n"
                + "5,refunded,data/orders.ndjson,5\n");
    // The rows that stay keep the reasons of the batch that quarantined them.
    assertThat(query(project, "SELECT _line, _rules FROM quarantine.orders ORDER BY _line"))
        .isEqualTo("_line,_rules\n3,\"accepted_values,range\"\n4,accepted_values\n");
    Sluice.Result show = sluice("quarantine", "show", "orders", "-p", project.toString());
    assertThat(show.out()).contains("\"id\":3").contains("\"id\":4").doesNotContain("\"id\":2");
    assertThat(sluice("quarantine", "list", "-p", project.toString()).out())
        .contains("accepted_values(status)")
        .contains("range(amount)");
    int snapshots = cleanSnapshots(project).size();

    Sluice.Result second = replay(project);

    assertThat(second.out()).contains("committed nothing: 0 of 2 quarantined records landed");
    assertThat(cleanSnapshots(project)).hasSize(snapshots);
    assertThat(query(project, "SELECT count(*) AS n, count(DISTINCT id) AS d FROM lake.orders"))
        .isEqualTo("n,d\n3,3\n");
    assertThat(query(project, "SELECT count(*) AS n FROM quarantine.orders")).isEqualTo("n\n2\n");

    // Status counts the landed rows as valid, no longer as quarantined; the replay is a batch.
    assertThat(sluice("status", "-p", project.toString()).out())
        .containsPattern("orders\\s+2\\s+5\\s+3\\s+2\\s");

    // A normal run afterwards reads nothing again and keeps counting batches.
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(query(project, "SELECT count(*) AS n FROM lake.orders")).isEqualTo("n\n3\n");
  }

  @Test
  void replayedRowsAreCheckedForUniquenessLikeAnyOther() throws Exception {
    Path project =
        project(
            "unique",
            "{\"id\":1,\"status\":\"paid\",\"amount\":10}\n"
                + "{\"id\":1,\"status\":\"refunded\",\"amount\":20}\n",
            "data/orders.ndjson",
            STRICT);

    writeSource(project, "data/orders.ndjson", FIXED);
    Sluice.Result result = replay(project);

    assertThat(result.out()).contains("still failing in orders: unique(id) 1");
    assertThat(query(project, "SELECT id, status FROM lake.orders"))
        .isEqualTo("id,status\n1,paid\n");
    assertThat(query(project, "SELECT _line FROM quarantine.orders")).isEqualTo("_line\n2\n");
  }

  @Test
  void replaysCsvRecordsWithTheHeaderOfTheirFile() throws Exception {
    Path project =
        project(
            "csv",
            "amount,status,id\n10,paid,1\n20,refunded,2\n-5,\"refunded\",3\n",
            "data/orders.csv",
            STRICT);
    assertThat(query(project, "SELECT _line FROM quarantine.orders ORDER BY _line"))
        .isEqualTo("_line\n3\n4\n");

    writeSource(project, "data/orders.csv", FIXED);
    Sluice.Result result = replay(project);

    assertThat(result.out()).contains("1 of 2 quarantined records landed");
    assertThat(query(project, "SELECT id, status, amount, _line FROM lake.orders ORDER BY id"))
        .isEqualTo("id,status,amount,_line\n1,paid,10,2\n2,refunded,20,3\n");
    assertThat(result.out()).contains("still failing in orders: range(amount) 1");
    assertThat(query(project, "SELECT _line, _record FROM quarantine.orders"))
        .isEqualTo("_line,_record\n4,\"-5,\"\"refunded\"\",3\"\n");
  }

  @Test
  void ruleOptionReplaysOnlyRowsThatFailedThatRule() throws Exception {
    Path project = project("rule", JSON, "data/orders.ndjson", STRICT);
    writeSource(project, "data/orders.ndjson", FIXED);
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        Files.readString(project.resolve("sources/orders.yaml")).replace("min: 0", "min: -10"));

    Sluice.Result result = replay(project, "--rule", "range");

    assertThat(result.out()).contains("1 of 1 quarantined records landed");
    assertThat(query(project, "SELECT id FROM lake.orders ORDER BY id")).isEqualTo("id\n1\n3\n");
    assertThat(query(project, "SELECT _line FROM quarantine.orders ORDER BY _line"))
        .isEqualTo("_line\n2\n4\n5\n");
  }

  @Test
  void ruleOptionTakesTheRuleAsQuarantineListPrintsIt() throws Exception {
    Path project = project("listed", JSON, "data/orders.ndjson", STRICT);
    assertThat(sluice("quarantine", "list", "-p", project.toString()).out())
        .contains("range(amount)");
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        Files.readString(project.resolve("sources/orders.yaml")).replace("min: 0", "min: -10"));

    Sluice.Result result = replay(project, "--rule", "range(amount)");

    assertThat(result.out()).contains("0 of 1 quarantined records landed");
    assertThat(result.out()).contains("still failing in orders: accepted_values(status) 1");
  }

  @Test
  void unknownRuleIsAnErrorWithTheKnownRules() throws Exception {
    Path project = project("typo", JSON, "data/orders.ndjson", STRICT);

    Sluice.Result result =
        sluice("quarantine", "replay", "orders", "-p", project.toString(), "--rule", "rnge");

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err())
        .contains("Unknown rule 'rnge' for source 'orders' (did you mean 'range'?)")
        .contains("accepted_values(status)")
        .contains("range(amount)");
    assertThat(query(project, "SELECT count(*) AS n FROM quarantine.orders")).isEqualTo("n\n4\n");
  }

  @Test
  void dryRunShowsWhatWouldLandAndChangesNothing() throws Exception {
    Path project = project("dry", JSON, "data/orders.ndjson", STRICT);
    writeSource(project, "data/orders.ndjson", FIXED);
    int snapshots = cleanSnapshots(project).size();

    Sluice.Result result = replay(project, "--dry-run");

    assertThat(result.out())
        .contains(
            "dry run: 2 of 4 quarantined records would land, 2 would stay; nothing committed");
    assertThat(cleanSnapshots(project)).hasSize(snapshots);
    assertThat(query(project, "SELECT id FROM lake.orders")).isEqualTo("id\n1\n");
    assertThat(query(project, "SELECT count(*) AS n FROM quarantine.orders")).isEqualTo("n\n4\n");
    assertThat(replay(project).out()).contains("2 of 4 quarantined records landed");
  }

  @Test
  void replayedRowsStayLandedOnceAfterSnapshotExpiry() throws Exception {
    Path project = project("expiry", JSON, "data/orders.ndjson", STRICT);
    writeSource(project, "data/orders.ndjson", FIXED);
    replay(project);
    Sluice.Result maintain =
        sluice(
            "maintain",
            "-p",
            project.toString(),
            "--keep-snapshots",
            "1",
            "--snapshot-max-age",
            "0s");
    assertThat(maintain.exit()).as(maintain.out() + maintain.err()).isZero();
    assertThat(cleanSnapshots(project))
        .noneMatch(s -> s.summary().containsKey(io.sluice.core.run.QuarantineReplay.RESOLVED));

    Sluice.Result again = replay(project);

    assertThat(again.out()).contains("committed nothing: 0 of 2 quarantined records landed");
    assertThat(query(project, "SELECT count(*) AS n, count(DISTINCT id) AS d FROM lake.orders"))
        .isEqualTo("n,d\n3,3\n");
    assertThat(query(project, "SELECT _line FROM quarantine.orders ORDER BY _line"))
        .isEqualTo("_line\n3\n4\n");
  }

  @Test
  void tellsApartRecordsThatShareALine() throws Exception {
    Path project =
        project(
            "array",
            "[{\"id\":1,\"status\":\"refunded\",\"amount\":1},"
                + "{\"id\":2,\"status\":\"lost\",\"amount\":2}]\n",
            "data/orders.json",
            STRICT);
    assertThat(query(project, "SELECT _line FROM quarantine.orders")).isEqualTo("_line\n1\n1\n");

    writeSource(project, "data/orders.json", FIXED);
    replay(project);

    assertThat(query(project, "SELECT id FROM lake.orders")).isEqualTo("id\n1\n");
    assertThat(query(project, "SELECT _line, _record FROM quarantine.orders"))
        .contains("\"id\"\":2")
        .doesNotContain("\"id\"\":1");
    assertThat(replay(project).out()).contains("0 of 1 quarantined records landed");
  }

  @Test
  void refusesWhileABatchOfTheSourceIsUnfinished() throws Exception {
    Path project = project("intent", JSON, "data/orders.ndjson", STRICT);
    Path intents = project.resolve(".sluice/intents");
    Files.createDirectories(intents);
    Files.writeString(intents.resolve("orders.json"), "{\"batchId\":\"b-000002\",\"splits\":[]}");

    Sluice.Result result = sluice("quarantine", "replay", "orders", "-p", project.toString());

    assertThat(result.exit()).isNotZero();
    assertThat(result.err())
        .contains("Source 'orders' has an unfinished batch b-000002: run `sluice run`");
  }

  @Test
  void replayRunsTheFunctionsOnlyOnRecordsTheyDidNotKeep() throws Exception {
    Path project = temp.resolve("functions");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: functions\n");
    Files.writeString(
        project.resolve("data/orders.ndjson"),
        "{\"id\":1,\"status\":\"paid\",\"card\":\"4111111111111111\"}\n"
            + "{\"id\":2,\"status\":\"refunded\",\"card\":\"5500000000000004\"}\n"
            + "{\"id\":3,\"status\":\"lost\",\"card\":\"340000000000009\"}\n");
    String source =
        "path: data/orders.ndjson\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: status, type: string, checks: [{accepted_values: STATUSES}]}\n"
            + "  - {name: card, type: string}\n"
            + "functions:\n"
            + "  - function: drop-when\n"
            + "    options: {field: status, values: [DROPPED]}\n"
            + "  - function: mask\n"
            + "    options: {fields: [card], keep-last: 4}\n";
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        source.replace("STATUSES", "[paid, refunded]").replace("DROPPED", "refunded"));
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(query(project, "SELECT _line, _rules FROM quarantine.orders ORDER BY _line"))
        .isEqualTo("_line,_rules\n2,dropped\n3,accepted_values\n");

    Files.writeString(
        project.resolve("sources/orders.yaml"),
        source.replace("STATUSES", "[paid, refunded, lost]").replace("DROPPED", "test"));
    Sluice.Result result = replay(project);

    assertThat(result.out()).contains("2 of 2 quarantined records landed");
    // The dropped record was kept whole in quarantine: the functions mask it now. The other one
    // was quarantined as the functions left it, masked already.
    assertThat(query(project, "SELECT id, card FROM lake.orders ORDER BY id"))
        .isEqualTo("id,card\n1,************1111\n2,************0004\n3,***********0009\n");
    assertThat(query(project, "SELECT count(*) AS n FROM quarantine.orders")).isEqualTo("n\n0\n");
  }

  @Test
  void aRecordTheFunctionsNowKeepButARuleFailsStaysQuarantined() throws Exception {
    Path project = temp.resolve("kept");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: kept\n");
    Files.writeString(
        project.resolve("data/orders.ndjson"),
        "{\"id\":1,\"status\":\"lost\",\"card\":\"4111111111111111\"}\n"
            + "{\"id\":2,\"status\":\"paid\",\"card\":\"5500000000000004\"}\n");
    String source =
        "path: data/orders.ndjson\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: status, type: string, checks: [{accepted_values: [paid]}]}\n"
            + "  - {name: card, type: string}\n"
            + "functions:\n"
            + "  - function: drop-when\n"
            + "    options: {field: status, values: [DROPPED]}\n"
            + "  - function: mask\n"
            + "    options: {fields: [card], keep-last: 4}\n";
    Files.writeString(
        project.resolve("sources/orders.yaml"), source.replace("DROPPED", "lost, paid"));
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();

    Files.writeString(project.resolve("sources/orders.yaml"), source.replace("DROPPED", "test"));
    Sluice.Result result = replay(project);

    // The functions now keep (and mask) the record, but its status still fails: it stays, and is
    // replayed again next time, not taken for landed.
    assertThat(result.out())
        .contains("1 of 2 quarantined records landed")
        .contains("still failing in orders: accepted_values(status) 1");
    assertThat(query(project, "SELECT id, card FROM lake.orders"))
        .isEqualTo("id,card\n2,************0004\n");
    assertThat(query(project, "SELECT _line, _rules FROM quarantine.orders"))
        .isEqualTo("_line,_rules\n1,dropped\n");
    assertThat(replay(project).out()).contains("0 of 1 quarantined records landed");
  }

  @Test
  void unknownSourceIsAUserError() throws Exception {
    Path project = project("unknown", JSON, "data/orders.ndjson", STRICT);

    Sluice.Result result = sluice("quarantine", "replay", "ordrs", "-p", project.toString());

    assertThat(result.exit()).isNotZero();
    assertThat(result.err()).contains("No source 'ordrs' in the project").contains("orders");
  }
}
