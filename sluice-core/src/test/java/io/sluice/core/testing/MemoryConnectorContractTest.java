package io.sluice.core.testing;

import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.section;

import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorCapabilities.Delivery;
import io.sluice.api.source.ConnectorCapabilities.PositionKind;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The connector contract on a small connector that keeps its input in memory: chunks of lines
 * {@code id=1;name=name-1}, a line starting with {@code !} a delete. It is the suite's reference:
 * it passes every test, and {@link ConnectorContractSelfTest} breaks it on purpose ({@link Fault})
 * to show that the suite notices.
 */
class MemoryConnectorContractTest extends ConnectorContractTest {
  /** A bug to build into the connector. */
  enum Fault {
    /** Plans every chunk again, whatever was committed. */
    IGNORES_COMMITTED,
    /** Remembers what it read as consumed, before the positions are committed. */
    CONSUMES_ON_READ,
    /** Gives a malformed record position 0. */
    LOSES_MALFORMED_POSITION,
    /** Starts a thread that close() does not stop. */
    LEAKS_THREAD
  }

  private final Map<String, List<String>> chunks = new LinkedHashMap<>();
  private final Set<String> consumed = new HashSet<>();
  private final CountDownLatch never = new CountDownLatch(1);

  /** The bugs of this run; none. */
  Set<Fault> faults() {
    return EnumSet.noneOf(Fault.class);
  }

  @Override
  protected MemoryFactory factory() {
    return new MemoryFactory();
  }

  @Override
  protected String optionsYaml() {
    return "memory:\n  chunks-per-batch: 1\n";
  }

  @Override
  protected boolean keepsReferencePage() {
    return false;
  }

  @Override
  protected void addRecords(int firstId, int count) {
    List<String> lines = new ArrayList<>();
    for (int id = firstId; id < firstId + count; id++) {
      lines.add("id=" + id + ";name=" + name(id));
    }
    add(lines);
  }

  @Override
  protected Malformed addMalformed(int firstId) {
    String key =
        add(
            List.of(
                "id=" + firstId + ";name=" + name(firstId),
                "broken",
                "id=" + (firstId + 1) + ";name=" + name(firstId + 1)));
    return new Malformed(key, 2, "broken");
  }

  @Override
  protected void addRecordsWithExtraField(int firstId, int count) {
    List<String> lines = new ArrayList<>();
    for (int id = firstId; id < firstId + count; id++) {
      lines.add("id=" + id + ";name=" + name(id) + ";" + EXTRA_FIELD + "=x-" + id);
    }
    add(lines);
  }

  @Override
  protected void addRecordsWithoutName(int firstId, int count) {
    List<String> lines = new ArrayList<>();
    for (int id = firstId; id < firstId + count; id++) {
      lines.add("id=" + id);
    }
    add(lines);
  }

  @Override
  protected void addDelete(int id) {
    add(List.of("!id=" + id));
  }

  private String add(List<String> lines) {
    String key = String.format("chunk-%03d", chunks.size());
    chunks.put(key, List.copyOf(lines));
    return key;
  }

  /** The factory of the in-memory connector, over this test's chunks. */
  final class MemoryFactory implements io.sluice.api.source.ConnectorFactory {
    private final ConfigKey<Integer> chunksPerBatch =
        ConfigKey.builder("chunks-per-batch", integer(1))
            .doc("Most chunks one batch reads.")
            .defaultValue(100)
            .build();
    private final ConfigDef memory =
        ConfigDef.builder("memory", "Options of the in-memory connector.")
            .add(chunksPerBatch)
            .build();
    private final ConfigKey<ConfigValues> memoryKey =
        ConfigKey.builder("memory", section(memory)).doc(memory.doc()).build();

    @Override
    public String name() {
      return "memory";
    }

    @Override
    public String description() {
      return "Lines kept in memory, for the connector contract's own tests.";
    }

    @Override
    public ConfigDef options() {
      return ConfigDef.builder("memory connector", "The keys of the in-memory connector.")
          .add(memoryKey)
          .build();
    }

    @Override
    public ConnectorCapabilities capabilities() {
      return new ConnectorCapabilities(
          PositionKind.OFFSET, Delivery.EXACTLY_ONCE, Set.of(), true, false, true, false);
    }

    @Override
    public Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
      return Map.of(chunksPerBatch.name(), source.get(memoryKey).get(chunksPerBatch));
    }

    @Override
    public SourceConnector create(SourceContext context) {
      if (faults().contains(Fault.LEAKS_THREAD)) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "memory-connector-poller");
        thread.setDaemon(true);
        thread.start();
      }
      return new MemoryConnector(context, (Integer) context.options().get(chunksPerBatch.name()));
    }
  }

  private final class MemoryConnector implements SourceConnector {
    private final List<SourceField> fields;
    private final int chunksPerBatch;
    private boolean closed;

    MemoryConnector(SourceContext context, int chunksPerBatch) {
      this.fields = context.fields();
      this.chunksPerBatch = chunksPerBatch;
    }

    @Override
    public SplitPlan plan(Map<String, String> committed) {
      checkOpen();
      List<Split> splits = new ArrayList<>();
      for (Map.Entry<String, List<String>> chunk : chunks.entrySet()) {
        boolean done =
            !faults().contains(Fault.IGNORES_COMMITTED) && committed.containsKey(chunk.getKey())
                || consumed.contains(chunk.getKey());
        if (!done && splits.size() < chunksPerBatch) {
          splits.add(
              new Split(
                  chunk.getKey(), "read", "memory:" + chunk.getKey(), chunk.getValue().size()));
        }
      }
      return new SplitPlan(splits, List.of());
    }

    @Override
    public Optional<NativeFormat> nativeFormat(Split split) {
      return Optional.empty();
    }

    @Override
    public void read(Split split, RecordSink sink) {
      checkOpen();
      List<String> lines = chunks.get(split.key());
      for (int i = 0; i < lines.size(); i++) {
        deliver(i + 1, lines.get(i), sink);
      }
      if (faults().contains(Fault.CONSUMES_ON_READ)) {
        consumed.add(split.key());
      }
    }

    @Override
    public Optional<List<ObservedField>> observe(Split split) {
      checkOpen();
      Set<String> names = new java.util.LinkedHashSet<>();
      for (String line : chunks.get(split.key())) {
        parse(line).ifPresent(values -> names.addAll(values.keySet()));
      }
      return Optional.of(names.stream().map(name -> new ObservedField(name, "text")).toList());
    }

    @Override
    public void reread(String splitKey, List<Original> originals, RecordSink sink) {
      checkOpen();
      for (Original original : originals) {
        deliver(original.position(), original.text(), sink);
      }
    }

    @Override
    public void close() {
      closed = true;
    }

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException("the memory connector is closed");
      }
    }

    private void deliver(long position, String line, RecordSink sink) {
      boolean delete = line.startsWith("!");
      Optional<Map<String, String>> values = parse(delete ? line.substring(1) : line);
      if (values.isEmpty()) {
        sink.malformed(
            faults().contains(Fault.LOSES_MALFORMED_POSITION) ? 0 : position,
            line,
            "expected name=value pairs separated by ';'");
        return;
      }
      String[] row = fields.stream().map(f -> values.get().get(f.path())).toArray(String[]::new);
      if (delete) {
        sink.deleted(position, line, row);
      } else {
        sink.record(position, line, row);
      }
    }

    private static Optional<Map<String, String>> parse(String line) {
      Map<String, String> values = new LinkedHashMap<>();
      for (String pair : line.split(";", -1)) {
        int equals = pair.indexOf('=');
        if (equals < 1) {
          return Optional.empty();
        }
        values.put(pair.substring(0, equals), pair.substring(equals + 1));
      }
      return Optional.of(values);
    }
  }
}
