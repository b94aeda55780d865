package io.sluice.engine.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.ProjectRuntime;
import io.sluice.core.run.RunListener;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The shop example on either engine, and what a run left: every table and model, row by row. */
final class Pipelines {
  static final ShopGenerator.Options OPTIONS =
      ShopGenerator.Options.defaults().withOrders(1_500).withDefectRate(0.05).withFiles(3);

  /**
   * A second incremental model that merges rows whose keys are already there: per customer, the
   * orders of the latest changes (a re-landed customer replaces its row).
   */
  private static final String CUSTOMER_LATEST =
      """
      {{ config(materialized='incremental', unique_key='customer_id') }}
      SELECT customer_id, count(*) AS orders, sum(amount) AS amount, max(ordered_at) AS last_order
      FROM {{ changes('orders') }}
      GROUP BY customer_id
      """;

  /** The model whose rows depend on how many incremental runs built it. */
  static final String CHANGES_ONLY_MODEL = "customer_latest";

  private Pipelines() {}

  /** The example project with its first batch of data, on {@code engine}. */
  static void create(Path dir, String engine) {
    ExampleProject.copyTo(dir);
    ShopGenerator.generate(dir, OPTIONS);
    write(dir.resolve("models/" + CHANGES_ONLY_MODEL + ".sql"), CUSTOMER_LATEST);
    useEngine(dir, engine);
  }

  /** Switches the project to {@code engine}; the lake stays, each engine has its warehouse. */
  static void useEngine(Path dir, String engine) {
    Path file = dir.resolve("sluice.yaml");
    try {
      List<String> lines = new ArrayList<>();
      boolean skipping = false;
      for (String line : Files.readAllLines(file)) {
        if (skipping && line.startsWith("  ")) {
          continue;
        }
        skipping = false;
        if (line.startsWith("engine:")) {
          lines.add("engine: " + engine);
          if (engine.equals("spark")) {
            lines.add("engine-options:");
            lines.add("  master: local[2]");
          } else {
            lines.add("engine-options:");
            lines.add("  threads: \"2\"");
          }
        } else if (line.startsWith("engine-options:")) {
          skipping = true;
        } else {
          lines.add(line);
        }
      }
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds the generator's next batch of files (the same files for the same batch number). */
  static void append(Path dir, int batch) {
    ShopGenerator.appendBatch(dir, OPTIONS, batch);
  }

  /** Copies a project folder (definition, data and state). */
  static void copy(Path from, Path to) {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path path : walk.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What one run did and left behind. */
  record Outcome(Map<String, Object> summary, Map<String, List<String>> tables) {}

  /** Runs one pass and reads back every lake table and model. */
  static Outcome run(Path dir) {
    try (ProjectRuntime runtime = ProjectRuntime.open(ProjectLoader.load(dir), false)) {
      RunSummary summary = runtime.run(Clock.systemUTC(), RunListener.NONE);
      assertThat(summary.error()).as("run error").isEmpty();
      return new Outcome(summary(summary), tables(runtime));
    }
  }

  private static Map<String, Object> summary(RunSummary summary) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (RunSummary.SourceRun source : summary.sources()) {
      result.put(
          source.source(),
          List.of(
              source.files(),
              source.rowsRead(),
              source.rowsValid(),
              source.rowsQuarantined(),
              new TreeMap<>(source.failuresByRule()),
              source.score()));
    }
    for (RunSummary.ModelRun model : summary.models()) {
      result.put("model " + model.model(), model.action() + " " + model.rows());
    }
    result.put("score", summary.score());
    return result;
  }

  /**
   * Every row of every lake table and model, as text with the Java type of each value, sorted. The
   * batch id is left out: it names the run, not the data.
   */
  static Map<String, List<String>> tables(ProjectRuntime runtime) {
    Map<String, List<String>> tables = new TreeMap<>();
    for (SourceDef source : runtime.project().sources()) {
      for (String schema : List.of("lake", "raw", "quarantine")) {
        tables.put(schema + "." + source.name(), rows(runtime, schema + "." + source.name()));
      }
    }
    for (ModelDef model : runtime.project().models()) {
      tables.put(model.name(), rows(runtime, model.name()));
    }
    return tables;
  }

  private static List<String> rows(ProjectRuntime runtime, String relation) {
    var result = runtime.engine().query("SELECT * FROM " + relation, Integer.MAX_VALUE);
    List<String> rows = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (result.columns().get(i).equals("_batch")) {
          continue;
        }
        Object value = row.get(i);
        text.append(result.columns().get(i))
            .append('=')
            .append(value)
            .append(value == null ? "" : ":" + value.getClass().getSimpleName())
            .append(' ');
      }
      rows.add(text.toString());
    }
    rows.sort(Comparator.naturalOrder());
    return rows;
  }
}
