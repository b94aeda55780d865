package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Primary keys through the command: deletes of a changelog connector (the test-only {@code changes}
 * connector, which serve's ServePollsChangeStreamsTest shares) remove keys while raw keeps every
 * change, and {@code sluice validate} reports a primary key a source cannot have. The merge of
 * files sources and its exactly once: PrimaryKeyMergeTest in sluice-it.
 */
class ChangelogPrimaryKeyTest {
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
}
