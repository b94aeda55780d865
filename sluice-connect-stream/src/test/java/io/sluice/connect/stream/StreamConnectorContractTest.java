package io.sluice.connect.stream;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.api.Plugins;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.IngestLogFactory;
import io.sluice.api.log.IngestLogSettings;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.core.testing.ConnectorContractTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The connector contract for the {@code stream} connector, over the real embedded ingest log with
 * two partitions: each call appends to the next partition in turn. Batches hold at most 4 records,
 * so that draining takes several batches. A crash closes the log and opens it again from its files,
 * as a new process would.
 */
class StreamConnectorContractTest extends ConnectorContractTest {
  private static final int PARTITIONS = 2;

  private IngestLog log;
  private int appends;

  @BeforeEach
  void openLog() {
    log = openLog(temp.resolve("log"));
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  private static IngestLog openLog(Path directory) {
    return Plugins.find(IngestLogFactory.class, IngestLogFactory::name, "local")
        .create(
            new IngestLogSettings(
                directory, PARTITIONS, 1 << 20, 0, Duration.ofDays(7), Clock.systemUTC()));
  }

  @Override
  protected ConnectorFactory factory() {
    return new StreamConnectorFactory();
  }

  @Override
  protected String optionsYaml() {
    return """
        stream:
          auth: none
          max-batch-records: 4
        """;
  }

  @Override
  protected Supplier<IngestLog> ingestLog() {
    return () -> log;
  }

  @Override
  protected void crash(SourceConnector abandoned) {
    log.close();
    log = openLog(temp.resolve("log"));
  }

  @Override
  protected void addRecords(int firstId, int count) {
    append(count, i -> json(firstId + i, "\"name\":\"" + name(firstId + i) + "\""));
  }

  @Override
  protected Malformed addMalformed(int firstId) {
    int partition = appends % PARTITIONS;
    long offset = log.endOffset(SOURCE, partition) + 1;
    String bad = "{\"id\": 99, \"name\": ";
    List<String> records =
        List.of(
            json(firstId, "\"name\":\"" + name(firstId) + "\""),
            bad,
            json(firstId + 1, "\"name\":\"" + name(firstId + 1) + "\""));
    append(records.size(), records::get);
    return new Malformed("partition-" + partition, offset, bad);
  }

  @Override
  protected void addRecordsWithExtraField(int firstId, int count) {
    append(
        count,
        i ->
            json(
                firstId + i,
                "\"name\":\"" + name(firstId + i) + "\",\"extra\":\"x-" + (firstId + i) + "\""));
  }

  @Override
  protected void addRecordsWithoutName(int firstId, int count) {
    append(count, i -> "{\"id\":" + (firstId + i) + "}");
  }

  private static String json(int id, String rest) {
    return "{\"id\":" + id + "," + rest + "}";
  }

  private void append(int count, IntFunction<String> record) {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(record.apply(i).getBytes(UTF_8));
    }
    log.append(SOURCE, appends++ % PARTITIONS, records).join();
  }
}
