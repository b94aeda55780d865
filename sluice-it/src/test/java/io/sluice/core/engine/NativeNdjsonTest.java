package io.sluice.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.engine.Engine;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.IngestResult;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.engine.TableTarget;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.Split;
import io.sluice.api.type.DataType;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.CompiledSource;
import io.sluice.core.rules.RuleCompiler;
import io.sluice.core.run.ProjectRuntime;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB engine reads clean NDJSON files itself, in parallel; the result must be exactly what
 * the connector's record-by-record reading gives: same rows, same line numbers, same quarantine.
 */
class NativeNdjsonTest {
  @TempDir Path dir;

  @Test
  void engineReadingEqualsConnectorReadingOnALargeFile() throws IOException {
    Files.createDirectories(dir.resolve("sources"));
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("sluice.yaml"), "name: n\n");
    Files.writeString(
        dir.resolve("sources/events.yaml"),
        """
        path: data/*.ndjson
        event-time: ts
        columns:
          - name: id
            type: bigint
            checks: [not_null, unique]
          - name: ts
            type: timestamp
          - name: who
            from: user.name
          - name: amount
            type: decimal(10,2)
            checks:
              - range: {min: 0}
          - name: flag
            type: boolean
          - name: tags
          - name: note
        """);
    writeEvents(dir.resolve("data/events.ndjson"), 150_000);

    Project project = ProjectLoader.load(dir);
    SourceDef source = project.sources().get(0);
    try (ProjectRuntime runtime = ProjectRuntime.open(project, false)) {
      SourceConnector connector = runtime.connector(source);
      Split split = connector.plan(java.util.Map.of()).splits().get(0);
      Optional<NativeFormat> format = connector.nativeFormat(split);
      assertThat(format).contains(new NativeFormat("ndjson", java.util.Map.of()));

      Engine engine = runtime.engine();
      IngestResult nativeResult =
          ingest(
              engine,
              source,
              new SourceInput(List.of(new SourceInput.SplitInput(split, format)), connector::read),
              "n");
      IngestResult pushedResult =
          ingest(engine, source, SourceInput.pushed(List.of(split), connector::read), "p");

      assertThat(nativeResult.rowsRead()).isEqualTo(pushedResult.rowsRead());
      assertThat(nativeResult.failuresByRule()).isEqualTo(pushedResult.failuresByRule());
      assertThat(nativeResult.rowsQuarantined()).isGreaterThan(0);
      assertThat(rows(engine, source, nativeResult.clean(), "SELECT * FROM $x ORDER BY _line"))
          .isEqualTo(rows(engine, source, pushedResult.clean(), "SELECT * FROM $x ORDER BY _line"));
      assertThat(
              rows(
                  engine,
                  source,
                  nativeResult.quarantine(),
                  "SELECT _line, _record, _rules FROM $x ORDER BY _line"))
          .isEqualTo(
              rows(
                  engine,
                  source,
                  pushedResult.quarantine(),
                  "SELECT _line, _record, _rules FROM $x ORDER BY _line"));
      assertThat(
              rows(
                  engine,
                  source,
                  nativeResult.raw(),
                  "SELECT _line, _record FROM $x ORDER BY _line"))
          .isEqualTo(
              rows(
                  engine,
                  source,
                  pushedResult.raw(),
                  "SELECT _line, _record FROM $x ORDER BY _line"));
    }
  }

  private static void writeEvents(Path file, int lines) throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= lines; i++) {
        int kind = random.nextInt(100);
        String line;
        if (kind == 0) {
          line = "";
        } else if (kind == 1) {
          line = "   \t ";
        } else if (kind == 2) {
          line = "{\"id\": " + i + ", \"user\": ";
        } else if (kind == 3) {
          line = "[" + i + ", 2]";
        } else if (kind == 4) {
          line = "\"just a string\"";
        } else {
          StringBuilder b = new StringBuilder("{");
          b.append("\"id\": ")
              .append(kind == 5 ? "\"x" + i + "\"" : Integer.toString(kind == 6 ? 7 : i));
          b.append(", \"ts\": \"2026-11-0")
              .append(1 + random.nextInt(7))
              .append("T1")
              .append(random.nextInt(10))
              .append(":00:00")
              .append(kind == 7 ? "+02:00" : "Z")
              .append('"');
          if (kind != 8) {
            b.append(", \"user\": {\"name\": \"")
                .append(kind == 9 ? "Zoë \\\"Q\\\" \u20ac" : "u" + random.nextInt(1000))
                .append("\"}");
          }
          b.append(", \"amount\": ")
              .append(
                  kind == 10
                      ? "-1"
                      : random.nextInt(100000) / 100 + "." + (10 + random.nextInt(90)));
          b.append(", \"flag\": ").append(kind == 11 ? "null" : random.nextBoolean());
          b.append(", \"tags\": ")
              .append(kind == 12 ? "[\"a\",\"b\"]" : "\"t" + random.nextInt(5) + "\"");
          if (kind == 13) {
            b.append(", \"note\": {\"deep\": {\"er\": true}}");
          }
          line = b.append('}').toString();
        }
        out.write(line);
        out.write('\n');
      }
    }
  }

  private int targets;

  private IngestResult ingest(Engine engine, SourceDef source, SourceInput input, String batch) {
    CompiledSource compiled = new RuleCompiler(engine.dialect()).compile(source);
    return engine.ingest(
        new IngestRequest(
            source.name(),
            batch,
            compiled.fieldNames(),
            input,
            compiled.columns(),
            compiled.rules(),
            List.of(),
            target(raw()),
            target(clean(source)),
            target(quarantine())));
  }

  private TableTarget target(List<LakeColumn> columns) {
    return new TableTarget(columns, List.<PartitionField>of(), dir.resolve("out" + targets++));
  }

  private static List<LakeColumn> ids(List<String> names, List<DataType> types) {
    List<LakeColumn> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      columns.add(new LakeColumn(i + 1, names.get(i), types.get(i)));
    }
    return columns;
  }

  private static List<LakeColumn> raw() {
    return ids(
        List.of("_batch", "_file", "_line", "_record"),
        List.of(DataType.STRING, DataType.STRING, DataType.BIGINT, DataType.STRING));
  }

  private static List<LakeColumn> quarantine() {
    return ids(
        List.of("_batch", "_file", "_line", "_record", "_rules", "_errors"),
        List.of(
            DataType.STRING,
            DataType.STRING,
            DataType.BIGINT,
            DataType.STRING,
            DataType.STRING,
            DataType.STRING));
  }

  private static List<LakeColumn> clean(SourceDef source) {
    List<String> names = new ArrayList<>();
    List<DataType> types = new ArrayList<>();
    for (ColumnDef column : source.columns()) {
      names.add(column.name());
      types.add(column.type());
    }
    names.add("_file");
    types.add(DataType.STRING);
    names.add("_line");
    types.add(DataType.BIGINT);
    return ids(names, types);
  }

  private static List<List<Object>> rows(
      Engine engine, SourceDef source, List<DataFile> files, String sql) {
    List<LakeColumn> columns =
        sql.contains("_rules") ? quarantine() : sql.contains("_record") ? raw() : clean(source);
    engine.exposeLakeRelations(
        List.of(new LakeRelation("t", "x", columns, files.stream().map(DataFile::path).toList())));
    return engine.query(sql.replace("$x", "t.x"), 1_000_000).rows();
  }
}
