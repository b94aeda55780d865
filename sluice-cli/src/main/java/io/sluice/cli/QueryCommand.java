package io.sluice.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.engine.QueryResult;
import io.sluice.core.run.ProjectRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
      description = "Print at most this many rows (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  int maxRows;

  enum OutputFormat {
    table,
    csv,
    json
  }

  @Override
  public Integer call() throws IOException {
    QueryResult result;
    try (ProjectRuntime runtime = ProjectRuntime.open(options.load(), true)) {
      result = runtime.engine().query(sql, maxRows);
    }
    print(spec.commandLine().getOut(), result, format);
    if (result.truncated()) {
      spec.commandLine()
          .getErr()
          .printf("(output stopped at %d rows; use --max-rows to see more)%n", maxRows);
    }
    return 0;
  }

  static void print(PrintWriter out, QueryResult result, OutputFormat format) throws IOException {
    switch (format) {
      case table -> {
        TextTable table = new TextTable(result.columns());
        for (List<Object> row : result.rows()) {
          List<String> cells = new ArrayList<>();
          for (Object value : row) {
            cells.add(Format.value(value));
          }
          table.add(cells);
        }
        table.print(out);
        out.printf("(%d row%s)%n", result.rows().size(), result.rows().size() == 1 ? "" : "s");
      }
      case csv -> {
        out.println(String.join(",", result.columns().stream().map(QueryCommand::csv).toList()));
        for (List<Object> row : result.rows()) {
          out.println(
              String.join(
                  ",", row.stream().map(v -> v == null ? "" : csv(Format.value(v))).toList()));
        }
      }
      case json -> {
        ObjectMapper mapper = new ObjectMapper();
        JsonGenerator json = mapper.getFactory().createGenerator(out);
        json.writeStartArray();
        for (List<Object> row : result.rows()) {
          json.writeStartObject();
          for (int i = 0; i < row.size(); i++) {
            Object value = row.get(i);
            json.writeFieldName(result.columns().get(i));
            if (value == null) {
              json.writeNull();
            } else if (value instanceof Number || value instanceof Boolean) {
              json.writeObject(value);
            } else {
              json.writeString(Format.value(value));
            }
          }
          json.writeEndObject();
        }
        json.writeEndArray();
        json.flush();
        out.println();
      }
    }
    out.flush();
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
