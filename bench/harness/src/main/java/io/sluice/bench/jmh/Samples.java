package io.sluice.bench.jmh;

import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.connect.files.FilesConnectorFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sample input for the benchmarks: the bench clickstream as NDJSON and as CSV, and its fields. */
final class Samples {
  static final List<String> FIELDS =
      List.of(
          "event_id",
          "user_id",
          "session_id",
          "event_type",
          "url",
          "amount",
          "currency",
          "ts",
          "device",
          "country",
          "user_agent");

  private Samples() {}

  static List<SourceField> fields() {
    return FIELDS.stream().map(f -> new SourceField(f, f)).toList();
  }

  /** A connector of the files connector over {@code path}, through its public factory. */
  static SourceConnector connector(Path project, String path, Map<String, Object> extra) {
    Map<String, Object> options = new java.util.HashMap<>(extra);
    options.put("path", path);
    return new FilesConnectorFactory()
        .create(new SourceContext("events", project, options, fields()));
  }

  static Split onlySplit(SourceConnector connector) {
    List<Split> splits = connector.plan(Map.of()).splits();
    if (splits.size() != 1) {
      throw new IllegalStateException("expected one file, found " + splits.size());
    }
    return splits.get(0);
  }

  /** Writes {@code events} generated events as {@code events.ndjson} and {@code events.csv}. */
  static void write(Path dir, int events) throws IOException, InterruptedException {
    io.sluice.bench.GenerateAccess.generate(dir, events);
    Path ndjson = dir.resolve("events.ndjson");
    List<String[]> rows = new ArrayList<>();
    SourceConnector json = connector(dir, "events.ndjson", Map.of());
    json.read(
        onlySplit(json),
        new RecordSink() {
          @Override
          public void record(long position, String original, String[] values) {
            rows.add(values);
          }

          @Override
          public void malformed(long position, String original, String reason) {}
        });
    StringBuilder csv = new StringBuilder(String.join(",", FIELDS)).append('\n');
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          csv.append(',');
        }
        String v = row[i] == null ? "" : row[i];
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0) {
          csv.append('"').append(v.replace("\"", "\"\"")).append('"');
        } else {
          csv.append(v);
        }
      }
      csv.append('\n');
    }
    Files.writeString(dir.resolve("events.csv"), csv, StandardCharsets.UTF_8);
    if (!Files.exists(ndjson)) {
      throw new IllegalStateException("no " + ndjson);
    }
  }

  /** The records of the NDJSON sample, as the connector gives them. */
  static List<String[]> records(Path dir) {
    List<String[]> rows = new ArrayList<>();
    SourceConnector json = connector(dir, "events.ndjson", Map.of());
    json.read(
        onlySplit(json),
        new RecordSink() {
          @Override
          public void record(long position, String original, String[] values) {
            String[] withOriginal = new String[values.length + 1];
            withOriginal[0] = original;
            System.arraycopy(values, 0, withOriginal, 1, values.length);
            rows.add(withOriginal);
          }

          @Override
          public void malformed(long position, String original, String reason) {}
        });
    return rows;
  }
}
