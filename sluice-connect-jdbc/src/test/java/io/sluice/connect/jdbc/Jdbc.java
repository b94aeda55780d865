package io.sluice.connect.jdbc;

import io.sluice.api.source.RecordSink;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: contexts, a collecting sink and a run that plans, reads and commits. */
final class Jdbc {
  private Jdbc() {}

  static SourceContext context(
      Path project, Map<String, Object> jdbc, List<String> fields, Map<String, String> env) {
    return new SourceContext(
        "orders",
        project,
        Map.of("jdbc", jdbc),
        fields.stream().map(f -> new SourceField(f, f)).toList(),
        RecordTransform.IDENTITY,
        () -> {
          throw new IllegalStateException("no ingest log");
        },
        env,
        project.resolve("sources/orders.yaml"),
        project.resolve(".sluice/connectors/orders"));
  }

  static SourceConnector connector(
      Path project, Map<String, Object> jdbc, List<String> fields, Map<String, String> env) {
    return new JdbcConnectorFactory().create(context(project, jdbc, fields, env));
  }

  static SourceConnector connector(Path project, Map<String, Object> jdbc, String... fields) {
    return connector(project, jdbc, List.of(fields), Map.of());
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a sink received. */
  static final class Collected implements RecordSink {
    final List<String[]> records = new ArrayList<>();
    final List<Long> positions = new ArrayList<>();
    final List<String> originals = new ArrayList<>();
    final List<String> malformed = new ArrayList<>();

    @Override
    public void record(long position, String original, String[] values) {
      positions.add(position);
      originals.add(original);
      records.add(values.clone());
    }

    @Override
    public void malformed(long position, String original, String reason) {
      malformed.add(position + " " + reason + " | " + original);
    }

    List<List<String>> rows() {
      return records.stream().map(Arrays::asList).toList();
    }
  }

  /** One run: plan from the committed positions, read every split, commit. */
  static final class Runs {
    final SourceConnector connector;
    final Map<String, String> committed = new HashMap<>();

    /** The clean table of a source with primary key = the first field: latest read wins. */
    final Map<String, List<String>> clean = new LinkedHashMap<>();

    Runs(SourceConnector connector) {
      this.connector = connector;
    }

    Collected run() {
      SplitPlan plan = connector.plan(Map.copyOf(committed));
      Collected collected = new Collected();
      for (Split split : plan.splits()) {
        connector.read(split, collected);
      }
      for (Split split : plan.splits()) {
        committed.put(split.key(), split.position());
      }
      connector.committed(Map.copyOf(committed));
      for (String[] values : collected.records) {
        clean.put(values[0], Arrays.asList(values));
      }
      return collected;
    }
  }
}
