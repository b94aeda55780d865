package io.sluice.core.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core checks source files through the installed connectors, and names none itself. */
class ConnectorBoundaryTest {
  @TempDir Path directory;
  TestProject project;

  @BeforeEach
  void setUp() {
    project = new TestProject(directory);
  }

  @Test
  void aTsvPathIsReadAsCsvAsTheConnectorSays() {
    project.minimal().file("sources/orders.yaml", "path: data/orders.tsv\ncolumns: [{name: id}]\n");

    SourceDef source = project.load().sources().get(0);

    assertThat(source.connector()).isEqualTo("files");
    assertThat(source.options()).containsEntry("format", "csv");
  }

  @Test
  void aMisspeltOptionOfAnyConnectorIsReportedWithItsLineAndADidYouMean() {
    project
        .minimal()
        .file(
            "sources/clicks.yaml",
            "connector: stream\nstream:\n  auth: none\n  max-batch-record: 10\ncolumns: [{name: id}]\n")
        .file("sources/orders.yaml", "path: a.csv\nformt: csv\ncolumns: [{name: id}]\n");

    assertThat(project.problems())
        .containsExactly(
            "sources/clicks.yaml:4:3: unknown key 'max-batch-record' in stream (did you mean"
                + " 'max-batch-records'?)",
            "sources/orders.yaml:2:1: unknown key 'formt' in source (did you mean 'format'?)");
  }

  @Test
  void theConnectorsOptionsAreErrorsUnderAnUnknownConnectorButTheCommonKeysAreStillChecked() {
    project
        .minimal()
        .file(
            "sources/orders.yaml",
            "connector: jdbcc\npath: a.csv\ncolumns: [{name: id, type: integr}]\n");

    assertThat(project.problems())
        .containsExactly(
            "sources/orders.yaml:1:12: unknown connector 'jdbcc' (did you mean 'jdbc'?); installed:"
                + " cdc, files, jdbc, s3, stream",
            "sources/orders.yaml:3:28: unknown type 'integr' (did you mean"
                + " 'integer'?); expected one of: "
                + io.sluice.api.type.DataType.NAMES);
  }

  @Test
  void noInstalledConnectorIsNamedInTheCoresSources() throws IOException {
    Path core = Path.of("..", "sluice-core", "src", "main", "java");
    List<String> mentions = new ArrayList<>();
    try (Stream<Path> files = Files.walk(core)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        for (String name : Connectors.installed().names()) {
          if (text.contains("\"" + name + "\"") || text.contains("connector: " + name)) {
            mentions.add(core.relativize(file) + " names connector " + name);
          }
        }
      }
    }

    assertThat(Connectors.installed().names()).contains("files", "stream");
    assertThat(mentions).isEmpty();
  }
}
