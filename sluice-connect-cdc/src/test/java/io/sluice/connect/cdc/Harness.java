package io.sluice.connect.cdc;

import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plays the core's part for one cdc source: plans, reads, "lands" a batch by merging it on the key
 * (the first field) into an in-memory clean table and keeping every change as raw, then commits the
 * positions, as {@code sluice run} does with the lake.
 */
final class Harness {
  final String source;
  final List<SourceField> fields;
  final Map<String, Object> options;
  final Path project;
  final Map<String, String> committed = new HashMap<>();
  final Map<String, List<String>> clean = new TreeMap<>();
  final List<CollectingSink.Delivered> raw = new ArrayList<>();

  Harness(String source, Path project, Map<String, Object> cdc, String... columns) {
    this.source = source;
    this.project = project;
    List<SourceField> list = new ArrayList<>();
    for (String column : columns) {
      list.add(new SourceField(column, column, true));
    }
    this.fields = List.copyOf(list);
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("url", TestPostgres.url());
    section.put("user", "postgres");
    section.putAll(cdc);
    this.options = Map.of(CdcOptions.SECTION, section);
  }

  SourceConnector open() {
    return new CdcConnectorFactory().create(context(Map.of()));
  }

  SourceContext context(Map<String, String> environment) {
    return new SourceContext(
        source,
        project,
        options,
        fields,
        io.sluice.api.source.RecordTransform.IDENTITY,
        () -> {
          throw new IllegalStateException("no ingest log");
        },
        environment,
        project.resolve("sources").resolve(source + ".yaml"),
        project.resolve(".sluice"));
  }

  /** Reads the plan's splits without landing them. */
  static CollectingSink read(SourceConnector connector, SplitPlan plan) {
    CollectingSink sink = new CollectingSink();
    for (Split split : plan.splits()) {
      connector.read(split, sink);
    }
    return sink;
  }

  /** One batch: plan, read, land, commit. Returns what it read (empty when nothing was new). */
  CollectingSink batch(SourceConnector connector) {
    SplitPlan plan = connector.plan(Map.copyOf(committed));
    CollectingSink sink = read(connector, plan);
    land(plan, sink);
    connector.committed(positions(plan));
    return sink;
  }

  /** Lands a batch in the "lake" (clean and raw) with its positions, atomically. */
  void land(SplitPlan plan, CollectingSink sink) {
    for (CollectingSink.Delivered change : sink.delivered) {
      raw.add(change);
      switch (change.kind()) {
        case "record" -> clean.put(change.values().get(0), change.values());
        case "deleted" -> clean.remove(change.values().get(0));
        default -> throw new AssertionError("unexpected " + change);
      }
    }
    committed.putAll(positions(plan));
  }

  static Map<String, String> positions(SplitPlan plan) {
    Map<String, String> positions = new HashMap<>();
    for (Split split : plan.splits()) {
      positions.put(split.key(), split.position());
    }
    return positions;
  }

  /** Batches until one finds nothing new, at most {@code max} batches. */
  int drain(SourceConnector connector, int max) {
    for (int i = 0; i < max; i++) {
      SplitPlan plan = connector.plan(Map.copyOf(committed));
      if (plan.splits().isEmpty()) {
        return i;
      }
      CollectingSink sink = read(connector, plan);
      land(plan, sink);
      connector.committed(positions(plan));
    }
    throw new AssertionError("still changes after " + max + " batches");
  }
}
