package io.sluice.engine.contract;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.project.ProjectException;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.run.ProjectCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary-key source on an engine that does not merge (spark) is refused before anything runs, by
 * {@code sluice validate} and {@code sluice run} alike; on duckdb it is accepted.
 */
class PrimaryKeyNeedsAMergingEngineTest {
  @TempDir Path dir;

  private void project(String engine) throws IOException {
    Files.createDirectories(dir.resolve("sources"));
    Files.writeString(dir.resolve("sluice.yaml"), "name: keyed\nengine: " + engine + "\n");
    Files.writeString(
        dir.resolve("sources/customers.yaml"),
        "path: data/*.csv\nprimary-key: [id]\ncolumns:\n  - {name: id, type: bigint}\n");
  }

  @Test
  void sparkRefusesAPrimaryKeySourceAtValidate() throws IOException {
    project("spark");

    assertThatThrownBy(() -> ProjectCheck.verify(ProjectLoader.load(dir)))
        .isInstanceOf(ProjectException.class)
        .hasMessageContaining("sources/customers.yaml")
        .hasMessageContaining(
            "source 'customers' declares a primary-key, and the spark engine does not merge"
                + " batches on a primary key");
  }

  @Test
  void duckdbAcceptsIt() throws IOException {
    project("duckdb");

    assertThatCode(() -> ProjectCheck.verify(ProjectLoader.load(dir))).doesNotThrowAnyException();
  }
}
