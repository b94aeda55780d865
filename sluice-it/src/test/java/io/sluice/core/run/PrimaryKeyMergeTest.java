package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * from files), raw keeps every change, and nothing is doubled or lost. Deletes of a changelog
 * connector and what validate says of primary keys: ChangelogPrimaryKeyTest in sluice-cli.
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
    assertThat(EndToEnd.run(project).status()).isEqualTo(RunStatus.OK);
  }

  private static String query(Path project, String sql) {
    return EndToEnd.queryCsv(project, sql);
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
    assertThatThrownBy(() -> EndToEnd.run(project))
        .hasMessageContaining("died before committing the merge");
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
