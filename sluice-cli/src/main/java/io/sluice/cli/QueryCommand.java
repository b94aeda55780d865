package io.sluice.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.core.run.ProjectRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice query}. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Run SQL against the warehouse and print the result.",
      "Models are in the default schema; lake tables are lake.<source> (clean rows),",
      "quarantine.<source> and raw.<source>."
    })
final class QueryCommand implements Callable<Integer> {
  @Mixin ProjectOptions options;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SQL", description = "The query.")
  String sql;

  @Option(
      names = {"-f", "--format"},
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "table")
  OutputFormat format;

  @Option(
      names = "--max-rows",
      paramLabel = "N",
      description =
          "Print at most N rows; 0 for all (default: 1000 for table, all for csv and json). When"
              + " rows are left out, a warning goes to stderr and the exit code is 1.")
  Integer maxRows;

  static final int TABLE_ROWS = 1000;

  enum OutputFormat {
    table,
    csv,
    json
  }

  @Override
  public Integer call() throws IOException {
    int limit = maxRows != null ? maxRows : format == OutputFormat.table ? TABLE_ROWS : 0;
    if (limit < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--max-rows must be 0 (all rows) or more, found " + limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean truncated;
    try (WarehouseReader reader =
        ProjectRuntime.openReader(options.load(), java.time.Duration.ZERO, 0, true)) {
      Readers.notice(err, reader.snapshotTime());
      try (QueryCursor cursor = reader.query(sql)) {
        truncated = print(out, cursor, format, limit);
      }
    }
    if (truncated) {
      err.printf(
          "Warning: output stopped at %d rows, more rows were left out; use --max-rows N for more"
              + " or --max-rows 0 for all (exit code 1)%n",
          limit);
      err.flush();
      return 1;
    }
    return 0;
  }

  /**
   * Prints the rows of {@code cursor} as they come (a table waits for its rows to size columns).
   *
   * @param limit rows to print at most, 0 for all
   * @return whether rows were left out
   */
  static boolean print(PrintWriter out, QueryCursor cursor, OutputFormat format, int limit)
      throws IOException {
    int printed = 0;
    boolean truncated = false;
    switch (format) {
      case table -> {
        TextTable table = new TextTable(cursor.columns());
        while (cursor.next()) {
          if (limit > 0 && printed >= limit) {
            truncated = true;
            break;
          }
          List<String> cells = new ArrayList<>();
          for (Object value : cursor.row()) {
            cells.add(Format.value(value));
          }
          table.add(cells);
          printed++;
        }
        table.print(out);
        out.printf("(%d row%s)%n", printed, printed == 1 ? "" : "s");
      }
      case csv -> {
        out.println(String.join(",", cursor.columns().stream().map(QueryCommand::csv).toList()));
        while (cursor.next()) {
          if (limit > 0 && printed >= limit) {
            truncated = true;
            break;
          }
          out.println(
              String.join(
                  ",",
                  cursor.row().stream().map(v -> v == null ? "" : csv(Format.value(v))).toList()));
          printed++;
        }
      }
      case json -> {
        ObjectMapper mapper = new ObjectMapper();
        JsonGenerator json = mapper.getFactory().createGenerator(out);
        json.writeStartArray();
        while (cursor.next()) {
          if (limit > 0 && printed >= limit) {
            truncated = true;
            break;
          }
          List<Object> row = cursor.row();
          json.writeStartObject();
          for (int i = 0; i < row.size(); i++) {
            Object value = row.get(i);
            json.writeFieldName(cursor.columns().get(i));
            if (value == null) {
              json.writeNull();
            } else if (value instanceof Number || value instanceof Boolean) {
              json.writeObject(value);
            } else {
              json.writeString(Format.value(value));
            }
          }
          json.writeEndObject();
          printed++;
        }
        json.writeEndArray();
        json.flush();
        out.println();
      }
    }
    out.flush();
    return truncated;
  }

  /** Prints a result held in memory (internal queries of other commands). */
  static void print(PrintWriter out, QueryResult result, OutputFormat format) throws IOException {
    print(out, QueryCursor.of(result), format, 0);
  }

  private static String csv(String value) {
    if (value.contains(",")
        || value.contains("\"")
        || value.contains("\n")
        || value.contains("\r")) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }
}
