package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeContext;
import io.sluice.api.lake.TableId;
import io.sluice.lake.iceberg.IcebergLakeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A files source with a primary key: each run merges its new files into the clean table (upserts
 * from files), raw keeps every change, and nothing is doubled or lost.
 */
class PrimaryKeyMergeTest {
  @TempDir Path temp;

  private Path project() throws Exception {
    Path project = temp.resolve("shop");
    Files.createDirectories(project.resolve("sources"));
    Files.createDirectories(project.resolve("data"));
    Files.writeString(project.resolve("sluice.yaml"), "name: shop\n");
    Files.writeString(
        project.resolve("sources/customers.yaml"),
        "path: data/*.csv\n"
            + "primary-key: [id]\n"
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: name, type: string}\n"
            + "  - name: tier\n"
            + "    type: string\n"
            + "    checks: [{accepted_values: {values: [gold, silver]}}]\n");
    return project;
  }

  private static void run(Path project) {
    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
  }

  private static String query(Path project, String sql) {
    Sluice.Result result = sluice("query", "-p", project.toString(), "--format", "csv", sql);
    assertThat(result.exit()).as(result.err()).isZero();
    return result.out();
  }

  @Test
  void runsTwiceWithOverlappingKeysKeepTheLatestValueOfEachKeyOnce() throws Exception {
    Path project = project();
    // Key 2 twice in one file: the later line wins, and it is not a duplicate.
    Files.writeString(
        project.resolve("data/a.csv"),
        "id,name,tier\n1,Ann,gold\n2,Bob,silver\n3,Cy,gold\n2,Bobby,gold\n");
    run(project);
    assertThat(query(project, "SELECT id, name, tier FROM lake.customers ORDER BY id"))
        .isEqualTo("id,name,tier\n1,Ann,gold\n2,Bobby,gold\n3,Cy,gold\n");

    // Second run: update 1 and 3, add 4; an invalid update of 2 is quarantined and leaves 2 as
    // it was.
    Files.writeString(
        project.resolve("data/b.csv"),
        "id,name,tier\n3,Cyrus,silver\n4,Dee,gold\n1,Annie,silver\n2,Bob,bronze\n");
    run(project);
    assertThat(query(project, "SELECT id, name, tier, _file FROM lake.customers ORDER BY id"))
        .isEqualTo(
            "id,name,tier,_file\n"
                + "1,Annie,silver,data/b.csv\n"
                + "2,Bobby,gold,data/a.csv\n"
                + "3,Cyrus,silver,data/b.csv\n"
                + "4,Dee,gold,data/b.csv\n");
    assertThat(query(project, "SELECT _line, _rules FROM quarantine.customers"))
        .isEqualTo("_line,_rules\n5,accepted_values\n");
    // Raw keeps every change, marked.
    assertThat(query(project, "SELECT count(*) AS n, min(_op) AS op FROM raw.customers"))
        .isEqualTo("n,op\n8,upsert\n");

    // A third run with nothing new changes nothing.
    run(project);
    assertThat(query(project, "SELECT count(*) AS n FROM lake.customers")).isEqualTo("n\n4\n");
  }

  @Test
  void anIncrementalModelOnAMergedSourceIsRebuiltAfterABatchReplacedRows() throws Exception {
    Path project = project();
    Files.createDirectories(project.resolve("models"));
    Files.writeString(
        project.resolve("models/tiers.sql"),
        "{{ config(materialized='incremental') }}\n"
            + "SELECT id, tier FROM {{ changes('customers') }}\n");
    Files.writeString(project.resolve("data/a.csv"), "id,name,tier\n1,Ann,gold\n2,Bob,silver\n");
    run(project);
    // Only new keys: the model adds them incrementally.
    Files.writeString(project.resolve("data/b.csv"), "id,name,tier\n3,Cy,gold\n");
    run(project);
    assertThat(query(project, "SELECT id, tier FROM tiers ORDER BY id"))
        .isEqualTo("id,tier\n1,gold\n2,silver\n3,gold\n");

    // An update replaces a row: appending the changes would keep the old row too.
    Files.writeString(project.resolve("data/c.csv"), "id,name,tier\n1,Ann,silver\n");
    run(project);

    assertThat(query(project, "SELECT id, tier FROM tiers ORDER BY id"))
        .isEqualTo("id,tier\n1,silver\n2,silver\n3,gold\n");
  }

  /**
   * Deletes through {@code sluice run}, from {@link ChangesConnectorFactory}: a test-only changelog
   * connector, since no connector of this repository reads deletes yet.
   */
  private Path changesProject(String primaryKey) throws Exception {
    Path project = temp.resolve("changes");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(project.resolve("sluice.yaml"), "name: changes\n");
    Files.writeString(
        project.resolve("sources/customers.yaml"),
        "connector: changes\n"
            + "changes: {path: changes.txt}\n"
            + primaryKey
            + "columns:\n"
            + "  - {name: id, type: bigint}\n"
            + "  - {name: name, type: string}\n"
            + "  - {name: tier, type: string}\n");
    return project;
  }

  @Test
  void deletesOfAChangelogConnectorRemoveKeysAndRawKeepsEveryChange() throws Exception {
    Path project = changesProject("primary-key: [id]\n");
    Path changes = project.resolve("changes.txt");
    Files.writeString(changes, "+,1,Ann,gold\n+,2,Bob,silver\n+,3,Cy,gold\n");
    run(project);
    Files.writeString(
        changes,
        "-,2\n+,3,Cyrus,silver\n+,4,Dee,gold\n-,4\n-,9\n",
        java.nio.file.StandardOpenOption.APPEND);
    run(project);

    assertThat(query(project, "SELECT id, name, tier FROM lake.customers ORDER BY id"))
        .isEqualTo("id,name,tier\n1,Ann,gold\n3,Cyrus,silver\n");
    assertThat(query(project, "SELECT _op, count(*) AS n FROM raw.customers GROUP BY 1 ORDER BY 1"))
        .isEqualTo("_op,n\ndelete,3\nupsert,5\n");
    assertThat(query(project, "SELECT count(*) AS n FROM quarantine.customers"))
        .isEqualTo("n\n0\n");
  }

  @Test
  void oneRunDrainsAChangeStreamBatchByBatch() throws Exception {
    Path project = changesProject("primary-key: [id]\n");
    Path source = project.resolve("sources/customers.yaml");
    Files.writeString(
        source,
        Files.readString(source)
            .replace(
                "changes: {path: changes.txt}", "changes: {path: changes.txt, batch-lines: 2}"));
    Files.writeString(
        project.resolve("changes.txt"),
        "+,1,Ann,gold\n+,2,Bob,silver\n+,3,Cy,gold\n-,2\n+,3,Cyrus,silver\n");

    Sluice.Result run = sluice("run", "-p", project.toString(), "--progress=never");

    // three batches of at most two changes each, in one run, in order
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(query(project, "SELECT id, name, tier FROM lake.customers ORDER BY id"))
        .isEqualTo("id,name,tier\n1,Ann,gold\n3,Cyrus,silver\n");
    assertThat(query(project, "SELECT count(DISTINCT _batch) AS batches FROM raw.customers"))
        .isEqualTo("batches\n3\n");
  }

  @Test
  void aChangelogSourceWithoutAPrimaryKeyIsALoadError() throws Exception {
    Path project = changesProject("");

    Sluice.Result result = sluice("validate", "-p", project.toString());

    assertThat(result.exit()).isNotZero();
    assertThat(result.out() + result.err())
        .contains("customers.yaml:1")
        .contains(
            "connector 'changes' reads changes (inserts, updates and deletes), so the source"
                + " needs a primary-key");
  }

  @Test
  void validateReportsAPrimaryKeyColumnThatIsNotAColumn() throws Exception {
    Path project = project();
    Files.writeString(
        project.resolve("sources/customers.yaml"),
        "path: data/*.csv\n"
            + "primary-key: [idd]\n"
            + "columns:\n"
            + "  - {name: id, type: bigint, checks: [unique]}\n");

    Sluice.Result result = sluice("validate", "-p", project.toString());

    assertThat(result.exit()).isNotZero();
    assertThat(result.out() + result.err())
        .contains("customers.yaml:2")
        .contains("primary-key column 'idd' is not a column (did you mean 'id'?)")
        .contains("customers.yaml:4")
        .contains("has a unique check, but the source declares a primary-key");
  }

  private static List<String> batches(Lake lake, String namespace) {
    return lake.load(new TableId(namespace, "customers")).orElseThrow().snapshots().stream()
        .map(snapshot -> snapshot.summary().get("sluice.batch-id"))
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  @Test
  void aMergedBatchThatDiedBetweenItsRawAndCleanCommitsIsRedoneExactlyOnce() throws Exception {
    Path project = project();
    Files.writeString(project.resolve("data/a.csv"), "id,name,tier\n1,Ann,gold\n2,Bob,silver\n");
    run(project);
    Files.writeString(project.resolve("data/b.csv"), "id,name,tier\n2,Bobby,gold\n3,Cy,gold\n");
    // The second batch commits raw, then dies before its clean commit (the merge).
    Files.writeString(
        project.resolve("sluice.yaml"),
        "name: shop\nlake:\n  type: "
            + CrashingLakeFactory.NAME
            + "\n  options: {die-before-merge: \"true\"}\n");
    Sluice.Result died = sluice("run", "-p", project.toString(), "--progress=never");
    assertThat(died.exit()).as(died.out() + died.err()).isNotZero();
    assertThat(died.err()).contains("died before committing the merge");
    assertThat(project.resolve(".sluice/intents/customers.json")).exists();
    try (Lake lake =
        new IcebergLakeFactory().create(new LakeContext(project.resolve(".sluice"), Map.of()))) {
      assertThat(batches(lake, "raw")).hasSize(2);
      assertThat(batches(lake, "clean")).hasSize(1);
    }

    Files.writeString(project.resolve("sluice.yaml"), "name: shop\n");
    run(project);

    assertThat(query(project, "SELECT id, name FROM lake.customers ORDER BY id"))
        .isEqualTo("id,name\n1,Ann\n2,Bobby\n3,Cy\n");
    // Raw got the batch once: the redo committed only to the table that lacked it.
    assertThat(query(project, "SELECT count(*) AS n FROM raw.customers")).isEqualTo("n\n4\n");
    assertThat(query(project, "SELECT count(DISTINCT _batch) AS n FROM raw.customers"))
        .isEqualTo("n\n2\n");
  }
}
