package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A project folder written by a test, file by file. */
public final class TestProject {
  private final Path directory;

  public TestProject(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  public Path directory() {
    return directory;
  }

  public Path path(String relative) {
    return directory.resolve(relative);
  }

  /** Writes {@code content} to {@code relative}, creating folders. */
  public TestProject file(String relative, String content) {
    Path file = path(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public TestProject files(Map<String, String> files) {
    files.forEach(this::file);
    return this;
  }

  /** {@code sluice.yaml} with just a name. */
  public TestProject minimal() {
    return file("sluice.yaml", "name: shop\n");
  }

  /** A valid CSV source with one column. */
  public TestProject source(String name) {
    return file(
        "sources/" + name + ".yaml", "path: data/" + name + ".csv\ncolumns:\n  - name: id\n");
  }

  public Project load() {
    return ProjectLoader.load(directory);
  }

  /** Loads, expecting failure: the problems as shown to a person, file relative to the project. */
  public List<String> problems() {
    ProjectException[] thrown = new ProjectException[1];
    assertThatThrownBy(this::load)
        .isInstanceOfSatisfying(ProjectException.class, e -> thrown[0] = e);
    return thrown[0].problems().stream().map(p -> p.display(directory)).toList();
  }

  /** Loads, expecting exactly one problem. */
  public String problem() {
    List<String> problems = problems();
    assertThat(problems).hasSize(1);
    return problems.get(0);
  }
}
