package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.history.RunHistories;
import io.sluice.core.history.RunHistory;
import io.sluice.core.history.RunRecord;
import io.sluice.core.project.ProjectLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice run --log-format json} in a process of its own: every line of its log is a JSON
 * object, and the lines written while a batch is processed name its run, batch and source.
 */
class JsonLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path project() throws IOException {
    Path project = dir.resolve("shop");
    write(project.resolve("sluice.yaml"), "name: shop\n");
    write(
        project.resolve("sources/orders.yaml"),
        "path: data/orders.csv\ncolumns:\n  - name: id\n    type: int\n  - name: email\n");
    write(project.resolve("data/orders.csv"), "id,email\n1,a@example.com\n2,b@example.com\n");
    write(
        project.resolve("sources/customers.yaml"),
        "path: data/customers.csv\ncolumns:\n  - name: id\n    type: int\n  - name: name\n");
    write(project.resolve("data/customers.csv"), "id,name\n1,Ada\n");
    write(
        project.resolve("models/orders_per_customer.sql"),
        "{{ config(materialized='table') }}\n"
            + "SELECT c.name, count(*) AS orders FROM {{ source('orders') }} o"
            + " JOIN {{ source('customers') }} c ON c.id = o.id GROUP BY c.name\n");
    return project;
  }

  @Test
  void everyLineIsJsonAndBatchLinesNameTheirRunBatchAndSource() throws Exception {
    Path project = project();

    Run run = sluice(List.of(), "run", "-p", project.toString(), "--log-format", "json");

    assertThat(run.exit()).as(run.stderr()).isZero();
    List<JsonNode> lines = json(run.stderr());
    String runId = onlyRun(project).id();
    for (String source : List.of("orders", "customers")) {
      List<JsonNode> batch =
          lines.stream().filter(l -> source.equals(l.path("source").asText(null))).toList();
      assertThat(batch).as("lines about " + source).hasSizeGreaterThanOrEqualTo(2);
      for (JsonNode line : batch) {
        assertThat(line.path("run_id").asText()).isEqualTo(runId);
        assertThat(line.path("batch_id").asText()).isNotBlank();
        assertThat(line.path("logger").asText()).startsWith("io.sluice.");
      }
      assertThat(batch)
          .anyMatch(l -> l.get("message").asText().matches("Batch .* of " + source + " landed.*"));
    }
    assertThat(lines)
        .filteredOn(l -> l.get("message").asText().startsWith("Run " + runId + " (manual) ended"))
        .singleElement()
        .satisfies(l -> assertThat(l.path("run_id").asText()).isEqualTo(runId));
  }

  @Test
  void theCommandsErrorIsAJsonLineToo() throws Exception {
    Path project = project();
    write(
        project.resolve("models/orders_per_customer.sql"),
        "{{ config(materialized='table') }}\n"
            + "SELECT CAST(email AS INTEGER) AS n FROM {{ source('orders') }}\n");

    Run run = sluice(List.of("SLUICE_LOG_FORMAT=json"), "run", "-p", project.toString());

    assertThat(run.exit()).isNotZero();
    List<JsonNode> lines = json(run.stderr());
    JsonNode error = lines.get(lines.size() - 1);
    assertThat(error.get("level").asText()).isEqualTo("ERROR");
    assertThat(error.get("message").asText()).startsWith("error: ").contains("orders_per_customer");
    assertThat(error.get("category").asText()).isNotBlank();
    assertThat(lines)
        .anyMatch(
            l ->
                l.get("message").asText().contains("ended failed")
                    && l.path("run_id").asText().equals(onlyRun(project).id()));
  }

  @Test
  void textStaysTheDefaultLook() throws Exception {
    Path project = project();

    Run run = sluice(List.of(), "run", "-p", project.toString());

    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.stderr()).doesNotContain("{\"time\"");
    assertThat(run.stderr()).doesNotContain("INFO"); // Sluice's own loggers stay at warn
  }

  private record Run(int exit, String stderr) {}

  /** Runs {@code sluice ARGS} in a JVM of its own, with {@code environment} (NAME=value) added. */
  private Run sluice(List<String> environment, String... args) throws Exception {
    Path stderr = Files.createTempFile(dir, "stderr", ".log");
    Path stdout = Files.createTempFile(dir, "stdout", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + ChildSluice.childTemp(stderr));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(stderr.toFile()).redirectOutput(stdout.toFile());
    builder.environment().remove("SLUICE_LOG_FORMAT");
    builder.environment().remove("SLUICE_LOG_LEVEL");
    for (String variable : environment) {
      String[] parts = variable.split("=", 2);
      builder.environment().put(parts[0], parts[1]);
    }
    Process process = builder.start();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("sluice ended").isTrue();
    return new Run(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
  }

  /** Every line of {@code log}, each parsed as a JSON object with the fields every line has. */
  private static List<JsonNode> json(String log) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as(line).isTrue();
      for (String field : List.of("time", "level", "logger", "message")) {
        assertThat(node.hasNonNull(field)).as(field + " in " + line).isTrue();
      }
      lines.add(node);
    }
    assertThat(lines).isNotEmpty();
    return lines;
  }

  private static RunRecord onlyRun(Path project) {
    try (RunHistory history = RunHistories.open(ProjectLoader.load(project))) {
      List<RunRecord> runs = history.list(10, "");
      assertThat(runs).hasSize(1);
      return runs.get(0);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
