package io.sluice.cli;

import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test only: a changelog connector, {@code connector: changes}, so that deletes can be tested end
 * to end through {@code sluice run}. It reads a text file of changes ({@code changes: {path:
 * ...}}), one per line: {@code +,<id>,<name>,<tier>} upserts, {@code -,<id>} deletes. Its position
 * is the number of lines landed; each batch reads the lines after it as one split. It is continuous
 * and not pushed, as a change stream is: {@code sluice serve} polls it.
 */
public final class ChangesConnectorFactory implements ConnectorFactory {
  static final String NAME = "changes";
  private static final ConfigKey<String> PATH =
      ConfigKey.builder("path", ConfigType.string()).doc("The changes file.").required().build();
  private static final ConfigKey<Integer> BATCH_LINES =
      ConfigKey.builder("batch-lines", ConfigType.integer(1))
          .doc("Most lines one batch reads.")
          .defaultValue(Integer.MAX_VALUE)
          .build();
  private static final ConfigDef SECTION =
      ConfigDef.builder(NAME, "Test changes").add(PATH, BATCH_LINES).build();
  private static final ConfigKey<ConfigValues> CHANGES =
      ConfigKey.builder(NAME, ConfigType.section(SECTION)).doc("Test changes").build();
  private static final List<String> COLUMNS = List.of("id", "name", "tier");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Test only: upserts and deletes from a text file.";
  }

  @Override
  public ConfigDef options() {
    return ConfigDef.builder(NAME, "Test changes").add(CHANGES).build();
  }

  @Override
  public ConnectorCapabilities capabilities() {
    return new ConnectorCapabilities(
        ConnectorCapabilities.PositionKind.LOG_SEQUENCE_NUMBER,
        ConnectorCapabilities.Delivery.EXACTLY_ONCE,
        Set.of(),
        false,
        true, // a change stream: sluice serve polls it
        true,
        false);
  }

  @Override
  public Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
    return Map.of(
        "path",
        source.get(CHANGES).find(PATH).orElse(""),
        "batch-lines",
        source.get(CHANGES).get(BATCH_LINES));
  }

  @Override
  public SourceConnector create(SourceContext context) {
    Path file = context.projectDirectory().resolve((String) context.options().get("path"));
    int batchLines = (Integer) context.options().getOrDefault("batch-lines", Integer.MAX_VALUE);
    return new SourceConnector() {
      @Override
      public SplitPlan plan(Map<String, String> committed) {
        long from = Long.parseLong(committed.getOrDefault(file.toString(), "0"));
        long lines = Math.min(lines().size(), from + batchLines);
        if (lines <= from) {
          return new SplitPlan(List.of(), List.of());
        }
        return new SplitPlan(
            List.of(new Split(file.toString(), Long.toString(lines), from + "", 0)), List.of());
      }

      @Override
      public Optional<NativeFormat> nativeFormat(Split split) {
        return Optional.empty();
      }

      @Override
      public void read(Split split, RecordSink sink) {
        List<String> lines = lines();
        int from = Integer.parseInt(split.location());
        int to = Integer.parseInt(split.position());
        for (int i = from; i < to; i++) {
          String[] parts = lines.get(i).split(",", -1);
          String[] values = new String[context.fields().size()];
          for (int f = 0; f < values.length; f++) {
            SourceField field = context.fields().get(f);
            int at = COLUMNS.indexOf(field.path()) + 1;
            values[f] = at > 0 && at < parts.length ? parts[at] : null;
          }
          if (parts[0].equals("-")) {
            sink.deleted(i + 1, lines.get(i), values);
          } else {
            sink.record(i + 1, lines.get(i), values);
          }
        }
      }

      private List<String> lines() {
        try {
          return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
