package io.sluice.connect.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.Plugins;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.core.testing.CollectingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream connector over the real embedded ingest log. */
class StreamConnectorTest {
  @TempDir Path dir;
  private IngestLog log;

  @BeforeEach
  void openLog() {
    log =
        Plugins.find(IngestLogFactory.class, IngestLogFactory::name, "local")
            .create(
                new IngestLogSettings(
                    dir.resolve("log"), 2, 1 << 20, 0, Duration.ofDays(7), Clock.systemUTC()));
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  private SourceConnector connector(RecordTransform transform, int maxBatchRecords) {
    return new StreamConnectorFactory()
        .create(
            new SourceContext(
                "clicks",
                dir,
                Map.of("format", "json", "max-batch-records", maxBatchRecords),
                List.of(new SourceField("id", "id"), new SourceField("os", "device.os")),
                transform,
                () -> log,
                Map.of(),
                dir.resolve("sources/clicks.yaml"),
                dir.resolve("state")));
  }

  private void append(int partition, String... records) {
    log.append("clicks", partition, Stream.of(records).map(r -> r.getBytes(UTF_8)).toList()).join();
  }

  private static CollectingSink read(SourceConnector connector, SplitPlan plan) {
    CollectingSink sink = new CollectingSink();
    plan.splits().forEach(split -> connector.read(split, sink));
    return sink;
  }

  @Test
  void plansOneSplitPerPartitionWithRecordsAndReadsTheirFields() {
    append(0, "{\"id\":1,\"device\":{\"os\":\"ios\"}}", "{\"id\":2}");
    append(1, "{\"id\":3,\"device\":{\"os\":\"android\"}}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);

    SplitPlan plan = connector.plan(Map.of());

    assertThat(plan.splits())
        .containsExactly(
            new Split("partition-0", "2", "stream:clicks/0@0..2", 0),
            new Split("partition-1", "1", "stream:clicks/1@0..1", 0));
    CollectingSink sink = read(connector, plan);
    assertThat(sink.values())
        .containsExactly(
            List.of("1", "ios"), java.util.Arrays.asList("2", null), List.of("3", "android"));
    assertThat(sink.positions()).containsExactly(0L, 1L, 0L);
  }

  @Test
  void resumesFromTheCommittedPositionsAndReleasesWhatIsBelowThem() {
    append(0, "{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);

    SplitPlan plan = connector.plan(Map.of("partition-0", "2"));

    assertThat(plan.splits())
        .containsExactly(new Split("partition-0", "3", "stream:clicks/0@2..3", 0));
    assertThat(read(connector, plan).values()).containsExactly(java.util.Arrays.asList("3", null));
    assertThat(log.releasedOffset("clicks", 0)).isEqualTo(2);
    connector.committed(Map.of("partition-0", "3"));
    assertThat(log.releasedOffset("clicks", 0)).isEqualTo(3);
    assertThat(connector.plan(Map.of("partition-0", "3")).splits()).isEmpty();
  }

  @Test
  void capsABatchAtMaxBatchRecordsSharedOverThePartitions() {
    append(0, "{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}");
    append(1, "{\"id\":5}", "{\"id\":6}", "{\"id\":7}", "{\"id\":8}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 4);

    SplitPlan first = connector.plan(Map.of());
    assertThat(first.splits())
        .extracting(Split::location)
        .containsExactly("stream:clicks/0@0..2", "stream:clicks/1@0..2");
    SplitPlan second = connector.plan(Map.of("partition-0", "2", "partition-1", "2"));
    assertThat(second.splits())
        .extracting(Split::location)
        .containsExactly("stream:clicks/0@2..4", "stream:clicks/1@2..4");
  }

  @Test
  void rereadsTheSameRecordsForTheSameSplit() {
    append(0, "{\"id\":1}", "{\"id\":2}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);
    SplitPlan plan = connector.plan(Map.of());
    append(0, "{\"id\":3}");

    assertThat(read(connector, plan).values()).hasSize(2);
    assertThat(read(connector(RecordTransform.IDENTITY, 1000), plan).values()).hasSize(2);
  }

  @Test
  void appliesRecordFunctionsAndQuarantinesTheRecordsTheyReject() {
    append(0, "{\"id\":1,\"device\":{\"os\":\"ios\"}}", "{\"id\":2,\"device\":{\"os\":\"bot\"}}");
    RecordTransform functions =
        new RecordTransform() {
          @Override
          public Result apply(String json) {
            return json.contains("bot")
                ? new Reject("dropped", "drop-when: device.os is bot")
                : new Keep(json.replace("ios", "iOS"));
          }

          @Override
          public boolean isIdentity() {
            return false;
          }
        };
    SourceConnector connector = connector(functions, 1000);

    CollectingSink sink = read(connector, connector.plan(Map.of()));

    assertThat(sink.values()).containsExactly(List.of("1", "iOS"));
    assertThat(sink.malformed())
        .singleElement()
        .satisfies(
            rejected -> {
              assertThat(rejected.position()).isEqualTo(1);
              assertThat(rejected.reason()).isEqualTo("dropped: drop-when: device.os is bot");
            });
  }

  @Test
  void observesTheFieldsOfEachPartitionsRecordsWithTheWidestKindSeen() {
    append(
        0,
        "{\"id\":1,\"device\":{\"os\":\"ios\"},\"amount\":5}",
        "{\"id\":2,\"amount\":3000000000,\"tags\":[\"a\"]}",
        "not json");
    append(1, "{\"id\":\"x\"}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);
    List<Split> splits = connector.plan(Map.of()).splits();

    assertThat(connector.observe(splits.get(0)))
        .contains(
            List.of(
                new ObservedField("id", "integer"),
                new ObservedField("device.os", "string"),
                new ObservedField("amount", "bigint"),
                new ObservedField("tags", "array")));
    assertThat(connector.observe(splits.get(1)))
        .contains(List.of(new ObservedField("id", "string")));
  }

  @Test
  void observesNothingWhenRecordFunctionsReshapeTheRecords() {
    append(0, "{\"id\":1}");
    RecordTransform functions =
        new RecordTransform() {
          @Override
          public Result apply(String json) {
            return new Keep(json);
          }

          @Override
          public boolean isIdentity() {
            return false;
          }
        };
    SourceConnector connector = connector(functions, 1000);

    assertThat(connector.observe(connector.plan(Map.of()).splits().get(0))).isEmpty();
  }

  @Test
  void handsTheEngineTheRecordsByteForByteOnePerLineNumberedFromTheirFirstOffset()
      throws Exception {
    append(0, "{\"id\":1}", "{\"id\":2}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);
    connector.committed(Map.of());
    connector.plan(Map.of());
    append(0, "{\"id\":3,\"device\":{\"os\":\"é\"}}", "{ \"id\" :\t4 }");
    Split split = connector.plan(Map.of("partition-0", "2")).splits().get(0);

    assertThat(connector.observe(split))
        .contains(
            List.of(new ObservedField("id", "integer"), new ObservedField("device.os", "string")));
    NativeFormat format = connector.nativeFormat(split).orElseThrow();

    assertThat(format.format()).isEqualTo("ndjson");
    assertThat(format.firstPosition()).isEqualTo(2);
    Path copy = Path.of(format.path(split));
    assertThat(copy).startsWith(dir.resolve("state").resolve("tmp"));
    assertThat(Files.readAllBytes(copy))
        .isEqualTo("{\"id\":3,\"device\":{\"os\":\"é\"}}\n{ \"id\" :\t4 }\n".getBytes(UTF_8));
    assertThat(connector.nativeFormat(split)).contains(format);

    connector.committed(Map.of("partition-0", "4"));
    assertThat(copy).doesNotExist();
  }

  @Test
  void deletesItsCopiesAtTheNextPlanAndWhenClosed() {
    append(0, "{\"id\":1}");
    append(1, "{\"id\":2}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);
    List<Split> splits = connector.plan(Map.of()).splits();
    Path first = Path.of(connector.nativeFormat(splits.get(0)).orElseThrow().path(splits.get(0)));
    Path second = Path.of(connector.nativeFormat(splits.get(1)).orElseThrow().path(splits.get(1)));

    connector.plan(Map.of());
    assertThat(first).doesNotExist();
    assertThat(second).doesNotExist();

    Split again = connector.plan(Map.of()).splits().get(0);
    Path third = Path.of(connector.nativeFormat(again).orElseThrow().path(again));
    connector.close();
    assertThat(third).doesNotExist();
  }

  @Test
  void aCrashedProcesssCopiesGoWithTheFirstCopyOfTheNext() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("state").resolve("tmp"));
    Path stale = Files.writeString(tmp.resolve("partition-0@0-123.ndjson"), "{}\n");
    append(0, "{\"id\":1}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);
    Split split = connector.plan(Map.of()).splits().get(0);

    assertThat(connector.nativeFormat(split)).isPresent();
    assertThat(stale).doesNotExist();
  }

  @Test
  void aProcessThatCannotOpenTheLogLeavesTheCopiesOfTheOneThatHoldsIt() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("other-state").resolve("tmp"));
    Path live = Files.writeString(tmp.resolve("partition-0@0-1.ndjson"), "{}\n");
    SourceConnector connector =
        new StreamConnectorFactory()
            .create(
                new SourceContext(
                    "clicks",
                    dir,
                    Map.of("max-batch-records", 1000),
                    List.of(new SourceField("id", "id")),
                    RecordTransform.IDENTITY,
                    () -> {
                      throw new IllegalStateException("another process has the log open");
                    },
                    Map.of(),
                    dir.resolve("sources/clicks.yaml"),
                    dir.resolve("other-state")));

    assertThatThrownBy(
            () -> connector.nativeFormat(new Split("partition-0", "1", "stream:clicks/0@0..1", 0)))
        .hasMessageContaining("another process");
    assertThat(live).exists();
  }

  @Test
  void readsASplitRecordByRecordWhenARecordSpansLinesAndObservesItAllTheSame() {
    append(0, "{\"id\":1}", "{\"id\":\n\"two\"}", "{\"id\":3}");
    SourceConnector connector = connector(RecordTransform.IDENTITY, 1000);
    Split split = connector.plan(Map.of()).splits().get(0);

    assertThat(connector.observe(split)).contains(List.of(new ObservedField("id", "mixed")));
    assertThat(connector.nativeFormat(split)).isEmpty();
    assertThat(dir.resolve("state").resolve("tmp")).isEmptyDirectory();
    CollectingSink sink = new CollectingSink();
    connector.read(split, sink);
    assertThat(sink.positions()).containsExactly(0L, 1L, 2L);
  }

  @Test
  void readsRecordByRecordWithRecordFunctionsOrFieldsThatAreNotPlainKeys() {
    append(0, "{\"id\":1}");
    RecordTransform functions =
        new RecordTransform() {
          @Override
          public Result apply(String json) {
            return new Keep(json);
          }

          @Override
          public boolean isIdentity() {
            return false;
          }
        };
    SourceConnector withFunctions = connector(functions, 1000);
    assertThat(withFunctions.nativeFormat(withFunctions.plan(Map.of()).splits().get(0))).isEmpty();

    SourceConnector indexed =
        new StreamConnectorFactory()
            .create(
                new SourceContext(
                    "clicks",
                    dir,
                    Map.of("max-batch-records", 1000),
                    List.of(new SourceField("first", "tags.0")),
                    RecordTransform.IDENTITY,
                    () -> log,
                    Map.of(),
                    dir.resolve("sources/clicks.yaml"),
                    dir.resolve("state")));
    Split split = indexed.plan(Map.of()).splits().get(0);
    assertThat(indexed.nativeFormat(split)).isEmpty();
    assertThat(indexed.observe(split)).contains(List.of(new ObservedField("id", "integer")));
  }
}
