package io.sluice.cli;

import io.sluice.api.SluiceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice init}. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create a new project: sluice.yaml, one CSV source with sample data, a model and its tests.",
      "Then: sluice run -p DIR"
    })
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "The folder to create (must be empty or absent).")
  Path directory;

  @Option(names = "--name", description = "Project name (default: the folder's name).")
  String name;

  @Override
  public Integer call() throws IOException {
    Path dir = directory.toAbsolutePath().normalize();
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw SluiceException.user("Cannot create a project in %s: the folder is not empty", dir);
        }
      }
    } else if (Files.exists(dir)) {
      throw SluiceException.user("Cannot create a project in %s: it is a file", dir);
    }
    String projectName =
        name != null ? name : dir.getFileName().toString().replaceAll("[^A-Za-z0-9_]", "_");
    if (!projectName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw SluiceException.user(
          "'%s' is not a valid project name: use letters, digits and _ (pass --name)", projectName);
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        "sluice.yaml",
        """
        name: %s
        engine: duckdb
        """
            .formatted(projectName));
    files.put(
        "sources/events.yaml",
        """
        description: Sample events; replace the path and columns with your own data.
        connector: files
        path: data/events/*.csv
        format: csv
        event-time: occurred_at
        columns:
          # No `unique` here: it would quarantine every later row with an id already landed,
          # a corrected or updated row included. To keep each id's latest row, merge in an
          # incremental model (unique_key='event_id'); see docs/rules/unique.md.
          - name: event_id
            type: bigint
            checks: [not_null]
          - name: occurred_at
            type: timestamp
          - name: kind
            type: string
            checks:
              - accepted_values: [signup, purchase]
          - name: amount
            type: decimal(10,2)
            checks:
              - range: {min: 0}
        """);
    files.put(
        "models/daily_events.sql",
        """
        {{ config(materialized='table') }}
        SELECT CAST(occurred_at AS DATE) AS day, kind, count(*) AS events, sum(amount) AS amount
        FROM {{ source('events') }}
        GROUP BY 1, 2
        """);
    files.put(
        "models/schema.yml",
        """
        version: 2
        models:
          - name: daily_events
            columns:
              - name: day
                tests: [not_null]
        """);
    files.put(
        "tests/purchases_have_amounts.sql",
        """
        -- A singular test: the rows it returns are failures; none means it passes.
        SELECT day, events
        FROM {{ ref('daily_events') }}
        WHERE kind = 'purchase' AND amount IS NULL
        """);
    files.put(
        "data/events/events-0001.csv",
        """
        event_id,occurred_at,kind,amount
        1,2026-11-01T09:00:00Z,signup,0
        2,2026-11-01T09:05:00Z,purchase,19.90
        3,2026-11-02T10:00:00Z,purchase,-5
        4,not a time,signup,0
        """);
    files.put(".gitignore", ".sluice/\n");
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = dir.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Created project '%s' in %s%n", projectName, dir);
    out.println("Next:");
    out.printf(
        "  sluice run -p %s        # land the sample data (2 rows are quarantined on purpose)%n",
        directory);
    out.printf("  sluice query -p %s \"SELECT * FROM quarantine.events\"%n", directory);
    out.printf("  sluice test -p %s       # the model tests again, on their own%n", directory);
    out.flush();
    return 0;
  }
}
