package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectException;
import io.sluice.core.project.TestProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run skips compiling a project that passed before with the same definition and the same build of
 * Sluice ({@link ProjectCheck#verifyUnlessVerified}), and verifies again when either changed.
 */
class VerifiedProjectTest {
  @TempDir Path directory;
  @TempDir Path build;
  private TestProject project;
  private Path jar;

  @BeforeEach
  void setUp() throws IOException {
    project = new TestProject(directory).minimal().source("orders");
    project.file("models/ids.sql", "SELECT id FROM {{ source('orders') }}");
    jar = Files.writeString(build.resolve("sluice-core.jar"), "a build");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-01T12:00:00Z")));
    Files.createDirectories(project.load().stateDirectory());
  }

  @Test
  void recordsTheVerifiedProjectAndKeepsTheRecordWhileNothingChanged() throws IOException {
    ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar));
    String first = record();

    ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar));

    assertThat(first).matches("[0-9a-f]{64}");
    assertThat(record()).isEqualTo(first);
  }

  @Test
  void theRecordDoesNotDependOnTheOrderOfMapEntries() throws IOException {
    // The JDK's immutable maps iterate in an order that changes from one JVM to the next: the
    // record must not, or every run would verify again.
    project.file("sluice.yaml", "name: shop\nvars:\n  a: 1\n  b: 2\n");
    ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar));
    String first = record();

    project.file("sluice.yaml", "name: shop\nvars:\n  b: 2\n  a: 1\n");
    ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar));

    assertThat(record()).isEqualTo(first);
  }

  @Test
  void aChangedModelIsVerifiedAgainAndItsMistakeReported() throws IOException {
    ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar));
    String verified = record();

    project.file("models/ids.sql", "SELECT no_such_column FROM {{ source('orders') }}");

    assertThatThrownBy(() -> ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar)))
        .isInstanceOf(ProjectException.class)
        .hasMessageContaining("no_such_column");
    assertThat(record()).isEqualTo(verified);
  }

  @Test
  void anotherBuildOfSluiceVerifiesAgain() throws IOException {
    ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar));
    String before = record();

    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-02T12:00:00Z")));
    ProjectCheck.verifyUnlessVerified(project.load(), List.of(jar));

    assertThat(record()).isNotEqualTo(before);
  }

  private String record() throws IOException {
    Project loaded = project.load();
    return Files.readString(loaded.stateDirectory().resolve(ProjectCheck.VERIFIED_FILE));
  }
}
