package io.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.CompiledRule;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.IngestResult;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.ModelRequest;
import io.sluice.api.engine.ModelRequest.Materialization;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.engine.TableTarget;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.lake.PartitionField;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.Split;
import io.sluice.api.type.DataType;
import io.sluice.core.project.CheckDef;
import io.sluice.core.project.ColumnDef;
import io.sluice.core.project.Location;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.CompiledSource;
import io.sluice.core.rules.RuleCompiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine SPI contract, written once and run against every engine: subclass it and implement
 * {@link #createEngine}. Everything is checked through the SPI alone (files written by {@code
 * ingest} are read back through {@code exposeLakeRelations} and {@code query}).
 */
public abstract class EngineContractTest {
  @TempDir protected Path temp;
  protected Engine engine;
  private int directories;

  /** Opens a fresh engine with its warehouse under {@code stateDirectory}. */
  protected abstract Engine createEngine(Path stateDirectory);

  @BeforeEach
  void openEngine() {
    engine = createEngine(temp.resolve("state"));
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  private static final Location HERE = Location.of(Path.of("sources/orders.yaml"));

  private static ColumnDef column(String name, DataType type, CheckDef... checks) {
    return new ColumnDef(
        name,
        type,
        Optional.of(name),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "",
        List.of(checks),
        HERE);
  }

  private static CheckDef check(CheckDef.Kind kind) {
    return CheckDef.simple(kind, HERE);
  }

  private static SourceDef orders(List<ColumnDef> columns, Optional<String> eventTime) {
    return new SourceDef(
        "orders",
        HERE,
        "",
        "files",
        Map.of(),
        eventTime,
        SourceDef.Granularity.DAY,
        List.of(),
        columns,
        List.of(),
        List.of(),
        SourceDef.LatePolicy.ACCEPT,
        List.of());
  }

  private static final List<ColumnDef> ORDER_COLUMNS =
      List.of(
          column("id", DataType.BIGINT, check(CheckDef.Kind.NOT_NULL), check(CheckDef.Kind.UNIQUE)),
          column("ts", DataType.TIMESTAMP),
          column(
              "amount",
              DataType.decimal(10, 2),
              new CheckDef(
                  CheckDef.Kind.RANGE,
                  Optional.of("0"),
                  Optional.empty(),
                  List.of(),
                  true,
                  Optional.empty(),
                  HERE)),
          column(
              "status",
              DataType.STRING,
              new CheckDef(
                  CheckDef.Kind.ACCEPTED_VALUES,
                  Optional.empty(),
                  Optional.empty(),
                  List.of("paid", "shipped"),
                  true,
                  Optional.empty(),
                  HERE)));

  /** A record of test input: position, fields in order (null = absent); or malformed. */
  private record Row(long line, String[] values, String malformed, boolean delete) {
    Row(long line, String[] values, String malformed) {
      this(line, values, malformed, false);
    }
  }

  /** A change that deletes its key (only the key's value needs to be set). */
  private static Row deleted(long line, String... values) {
    return new Row(line, values, null, true);
  }

  /**
   * Whether the engine merges batches on a primary key ({@link IngestRequest#merge()}); an engine
   * that does not must refuse such a batch with a USER error rather than append it.
   */
  protected boolean supportsMerge() {
    return true;
  }

  private static Row row(long line, String... values) {
    return new Row(line, values, null);
  }

  private static Row malformed(long line, String reason) {
    return new Row(line, new String[0], reason);
  }

  private List<LakeColumn> withIds(List<io.sluice.api.type.Column> columns) {
    List<LakeColumn> result = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      result.add(new LakeColumn(i + 1, columns.get(i).name(), columns.get(i).type()));
    }
    return result;
  }

  private TableTarget target(List<LakeColumn> columns, List<PartitionField> partitioning) {
    return new TableTarget(
        columns, partitioning, temp.resolve("data").resolve("d" + directories++));
  }

  private List<LakeColumn> cleanColumns(SourceDef source) {
    List<io.sluice.api.type.Column> columns = new ArrayList<>();
    for (ColumnDef c : source.columns()) {
      columns.add(new io.sluice.api.type.Column(c.name(), c.type()));
    }
    columns.add(new io.sluice.api.type.Column("_batch", DataType.STRING));
    columns.add(new io.sluice.api.type.Column("_file", DataType.STRING));
    columns.add(new io.sluice.api.type.Column("_line", DataType.BIGINT));
    return withIds(columns);
  }

  private List<LakeColumn> quarantineColumns() {
    return withIds(
        List.of(
            new io.sluice.api.type.Column("_batch", DataType.STRING),
            new io.sluice.api.type.Column("_file", DataType.STRING),
            new io.sluice.api.type.Column("_line", DataType.BIGINT),
            new io.sluice.api.type.Column("_record", DataType.STRING),
            new io.sluice.api.type.Column("_rules", DataType.STRING),
            new io.sluice.api.type.Column("_errors", DataType.STRING)));
  }

  private List<LakeColumn> rawColumns(CompiledSource compiled) {
    List<io.sluice.api.type.Column> columns = new ArrayList<>();
    columns.add(new io.sluice.api.type.Column("_batch", DataType.STRING));
    columns.add(new io.sluice.api.type.Column("_file", DataType.STRING));
    columns.add(new io.sluice.api.type.Column("_line", DataType.BIGINT));
    columns.add(new io.sluice.api.type.Column("_record", DataType.STRING));
    for (String field : compiled.fieldNames()) {
      columns.add(new io.sluice.api.type.Column("s$" + field, DataType.STRING));
    }
    return withIds(columns);
  }

  private IngestResult ingest(
      SourceDef source, String batch, List<Row> rows, List<DataFile> existing) {
    CompiledSource compiled = new RuleCompiler(engine.dialect()).compile(source);
    Split split = new Split("data/orders-1.csv", "p", "/nowhere/orders-1.csv", 0);
    BiConsumer<Split, RecordSink> reader =
        (s, sink) -> {
          for (Row r : rows) {
            if (r.malformed() != null) {
              sink.malformed(r.line(), "broken line " + r.line(), r.malformed());
            } else if (r.delete()) {
              sink.deleted(r.line(), "delete " + r.line(), r.values());
            } else {
              sink.record(r.line(), "line " + r.line(), r.values());
            }
          }
        };
    List<PartitionField> partitioning =
        source.eventTime().isPresent()
            ? List.of(new PartitionField(source.eventTime().get(), PartitionField.Transform.DAY))
            : List.of();
    return engine.ingest(
        new IngestRequest(
            source.name(),
            batch,
            compiled.fieldNames(),
            SourceInput.pushed(List.of(split), reader),
            compiled.columns(),
            compiled.rules(),
            existing,
            target(rawColumns(compiled), List.of()),
            target(cleanColumns(source), partitioning),
            target(quarantineColumns(), List.of())));
  }

  /** Ingests splits the engine reads itself as NDJSON; none is pushed. */
  private IngestResult ingestNative(
      SourceDef source, String batch, List<SourceInput.SplitInput> splits) {
    CompiledSource compiled = new RuleCompiler(engine.dialect()).compile(source);
    return engine.ingest(
        new IngestRequest(
            source.name(),
            batch,
            compiled.fieldNames(),
            new SourceInput(
                splits,
                (split, sink) -> {
                  throw new AssertionError("split " + split.key() + " was to be read natively");
                }),
            compiled.columns(),
            compiled.rules(),
            List.of(),
            target(rawColumns(compiled), List.of()),
            target(cleanColumns(source), List.of()),
            target(quarantineColumns(), List.of())));
  }

  private static String order(String id, String status) {
    return "{\"id\":\""
        + id
        + "\",\"ts\":\"2026-11-01T10:00:00Z\",\"amount\":\"1.50\","
        + "\"status\":\""
        + status
        + "\"}";
  }

  @Test
  void readsNdjsonFromItsPathNumberingLinesFromTheFirstPosition() throws java.io.IOException {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    // A connector's copy of log records 100..104: the location names the records, not the file.
    Path copy = temp.resolve("copy.ndjson");
    java.nio.file.Files.writeString(
        copy,
        String.join(
            "\n", order("1", "paid"), order("2", "lost"), "{\"id\":", order("3", "shipped"), ""));
    Split stream = new Split("partition-0", "104", "stream:orders/0@100..104", 0);
    Path file = temp.resolve("orders-2.ndjson");
    java.nio.file.Files.writeString(file, "\n" + order("4", "paid") + "\n");
    Split plain = new Split("data/orders-2.ndjson", "p", file.toString(), 0);

    IngestResult result =
        ingestNative(
            source,
            "b-1",
            List.of(
                new SourceInput.SplitInput(
                    stream,
                    Optional.of(
                        new NativeFormat(
                            "ndjson",
                            Map.of(
                                NativeFormat.PATH,
                                copy.toString(),
                                NativeFormat.FIRST_POSITION,
                                "100")))),
                new SourceInput.SplitInput(
                    plain, Optional.of(new NativeFormat("ndjson", Map.of())))));

    assertThat(result.rowsRead()).isEqualTo(5);
    assertThat(
            read(
                cleanColumns(source),
                result.clean(),
                "SELECT id, _file, _line FROM $x ORDER BY id"))
        .containsExactly(
            List.of(1L, "partition-0", 100L),
            List.of(3L, "partition-0", 103L),
            List.of(4L, "data/orders-2.ndjson", 2L));
    assertThat(
            read(
                quarantineColumns(),
                result.quarantine(),
                "SELECT _file, _line, _record, _rules FROM $x ORDER BY _line"))
        .containsExactly(
            List.of("partition-0", 101L, order("2", "lost"), "accepted_values"),
            List.of("partition-0", 102L, "{\"id\":", "parse"));
  }

  @Test
  void refusesANativeOptionItDoesNotHonour() throws java.io.IOException {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    Path file = temp.resolve("orders-1.ndjson");
    java.nio.file.Files.writeString(file, order("1", "paid") + "\n");
    Split split = new Split("data/orders-1.ndjson", "p", file.toString(), 0);

    assertThatThrownBy(
            () ->
                ingestNative(
                    source,
                    "b-1",
                    List.of(
                        new SourceInput.SplitInput(
                            split,
                            Optional.of(
                                new NativeFormat(
                                    "ndjson", Map.of("sluice.no-such-option", "x")))))))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("sluice.no-such-option");
  }

  private List<List<Object>> read(List<LakeColumn> columns, List<DataFile> files, String sql) {
    engine.exposeLakeRelations(
        List.of(new LakeRelation("t", "x", columns, files.stream().map(DataFile::path).toList())));
    return engine.query(sql.replace("$x", "t.x"), 10_000).rows();
  }

  @Test
  void landsValidRowsAndQuarantinesEachFailureWithItsRule() {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    IngestResult result =
        ingest(
            source,
            "b-1",
            List.of(
                row(2, "1", "2026-11-01T10:00:00Z", "10.50", "paid"),
                row(3, "", "2026-11-01T10:00:00Z", "1", "paid"),
                row(4, "3", "2026-11-01T10:00:00Z", "-1", "paid"),
                row(5, "4", "2026-11-01T10:00:00Z", "1", "lost"),
                row(6, "5x", "2026-11-01T10:00:00Z", "1", "paid"),
                malformed(7, "expected 4 fields but found 3"),
                row(8, "1", "2026-11-02T10:00:00Z", "2", "shipped")),
            List.of());

    assertThat(result.rowsRead()).isEqualTo(7);
    assertThat(result.rowsValid()).isEqualTo(1);
    assertThat(result.rowsQuarantined()).isEqualTo(6);
    assertThat(result.failuresByRule())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "not_null(id)", 1L,
                "range(amount)", 1L,
                "accepted_values(status)", 1L,
                "type(id)", 1L,
                "parse", 1L,
                "unique(id)", 1L));
    assertThat(
            read(
                quarantineColumns(),
                result.quarantine(),
                "SELECT _line, _rules FROM $x ORDER BY _line"))
        .containsExactly(
            List.of(3L, "not_null"),
            List.of(4L, "range"),
            List.of(5L, "accepted_values"),
            List.of(6L, "type"),
            List.of(7L, "parse"),
            List.of(8L, "unique"));
    assertThat(
            read(
                cleanColumns(source),
                result.clean(),
                "SELECT id, CAST(amount AS STRING), status, _batch, _file, _line FROM $x"))
        .containsExactly(List.of(1L, "10.50", "paid", "b-1", "data/orders-1.csv", 2L));
  }

  @Test
  void warnSeverityCountsFailuresButLandsTheRow() {
    List<ColumnDef> columns =
        List.of(
            column(
                "id",
                DataType.BIGINT,
                check(CheckDef.Kind.NOT_NULL),
                check(CheckDef.Kind.UNIQUE).withSeverity(CompiledRule.Severity.WARN)),
            column("ts", DataType.TIMESTAMP),
            column(
                "amount",
                DataType.decimal(10, 2),
                new CheckDef(
                        CheckDef.Kind.RANGE,
                        Optional.of("0"),
                        Optional.empty(),
                        List.of(),
                        true,
                        Optional.empty(),
                        HERE)
                    .withSeverity(CompiledRule.Severity.WARN)),
            ORDER_COLUMNS.get(3));
    SourceDef source = orders(columns, Optional.empty());
    IngestResult result =
        ingest(
            source,
            "b-1",
            List.of(
                row(2, "1", "2026-11-01T10:00:00Z", "10.50", "paid"),
                row(3, "2", "2026-11-01T10:00:00Z", "-1", "paid"),
                row(4, "2", "2026-11-01T10:00:00Z", "-2", "lost"),
                row(5, "1", "2026-11-01T10:00:00Z", "3", "shipped")),
            List.of());

    // Line 4 fails accepted_values (quarantine) and range (warn): it is quarantined. Line 5
    // repeats id 1 (unique, warn) and lands; line 3's negative amount (warn) lands.
    assertThat(result.rowsRead()).isEqualTo(4);
    assertThat(result.rowsValid()).isEqualTo(3);
    assertThat(result.rowsQuarantined()).isEqualTo(1);
    assertThat(result.rowsWarned()).isEqualTo(2);
    assertThat(result.failuresByRule())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("range(amount)", 2L, "accepted_values(status)", 1L, "unique(id)", 1L));
    assertThat(
            read(
                quarantineColumns(),
                result.quarantine(),
                "SELECT _line, _rules FROM $x ORDER BY _line"))
        .containsExactly(List.of(4L, "accepted_values"));
    assertThat(read(cleanColumns(source), result.clean(), "SELECT _line FROM $x ORDER BY _line"))
        .containsExactly(List.of(2L), List.of(3L), List.of(5L));
  }

  @Test
  void quarantineRecordKeepsTheOriginalRecordAndEveryReason() {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    IngestResult result = ingest(source, "b-1", List.of(row(9, "", "x", "-3", "lost")), List.of());
    List<List<Object>> rows =
        read(quarantineColumns(), result.quarantine(), "SELECT _record, _rules, _errors FROM $x");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get(0)).isEqualTo("line 9");
    assertThat((String) rows.get(0).get(1))
        .contains("not_null", "type", "range", "accepted_values");
    assertThat((String) rows.get(0).get(2))
        .contains("\"value\":\"x\"")
        .contains("not a valid timestamp");
  }

  private static CheckDef format(String name) {
    return new CheckDef(
        CheckDef.Kind.FORMAT,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        true,
        Optional.of(name),
        HERE);
  }

  @Test
  void lengthAndNamedFormatsFailExactlyOutsideTheirDefinition() {
    SourceDef source =
        orders(
            List.of(
                column(
                    "code",
                    DataType.STRING,
                    new CheckDef(
                        CheckDef.Kind.LENGTH,
                        Optional.of("2"),
                        Optional.of("3"),
                        List.of(),
                        true,
                        Optional.empty(),
                        HERE)),
                column("email", DataType.STRING, format("email")),
                column("id", DataType.STRING, format("uuid")),
                column("day", DataType.STRING, format("iso-date")),
                column("site", DataType.STRING, format("url")),
                column("addr", DataType.STRING, format("ip"))),
            Optional.empty());
    String[] valid = {
      "ab",
      "a.b+c@x-y.example.org",
      "123E4567-e89b-12d3-a456-426614174000",
      "2026-02-29",
      "https://x.example/p?q=1",
      "255.0.10.1"
    };
    List<Row> rows = new ArrayList<>();
    rows.add(row(2, valid));
    rows.add(row(3, "äöü", null, null, null, "ftp://h", "0.0.0.0"));
    String[][] invalid = {
      {"a", "abcd"},
      {"a@b", "a b@x.org", "@x.org"},
      {"123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g"},
      {"2026-13-01", "2026-1-01", "2026-01-32"},
      {"www.example.org", "http://", "mailto:a@b.org", "http://a b"},
      {"256.1.1.1", "1.2.3", "01.2.3.4", "::1"}
    };
    long line = 4;
    for (int c = 0; c < invalid.length; c++) {
      for (String bad : invalid[c]) {
        String[] values = valid.clone();
        values[c] = bad;
        rows.add(row(line++, values));
      }
    }

    IngestResult result = ingest(source, "b-1", rows, List.of());

    assertThat(result.rowsValid()).isEqualTo(2);
    assertThat(result.failuresByRule())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "length(code)", 2L,
                "format(email)", 3L,
                "format(id)", 2L,
                "format(day)", 3L,
                "format(site)", 4L,
                "format(addr)", 4L));
  }

  @Test
  void uniqueHoldsAgainstRowsLandedByEarlierBatches() {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    IngestResult first =
        ingest(source, "b-1", List.of(row(2, "1", "2026-11-01T10:00:00Z", "1", "paid")), List.of());
    IngestResult second =
        ingest(
            source,
            "b-2",
            List.of(
                row(2, "1", "2026-11-01T10:00:00Z", "1", "paid"),
                row(3, "2", "2026-11-01T10:00:00Z", "1", "paid")),
            first.clean());
    assertThat(second.rowsValid()).isEqualTo(1);
    assertThat(second.failuresByRule()).containsExactly(Map.entry("unique(id)", 1L));
  }

  @Test
  void aBatchRedoneAfterACrashIsNotADuplicateOfItself() {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    List<Row> rows = List.of(row(2, "1", "2026-11-01T10:00:00Z", "1", "paid"));
    // The first attempt got as far as computing its clean rows, then the process died before the
    // clean commit: the lake has no file of it, and the batch is redone with the same id.
    ingest(source, "b-1", rows, List.of());
    IngestResult redo = ingest(source, "b-1", rows, List.of());
    assertThat(redo.rowsValid()).isEqualTo(1);

    // A batch that was never redone (its intent lost) leaves keys no clean file has.
    IngestResult next =
        ingest(source, "b-2", List.of(row(2, "1", "2026-11-01T10:00:00Z", "1", "paid")), List.of());
    assertThat(next.rowsValid()).isEqualTo(1);
  }

  @Test
  void uniqueHoldsAcrossManyBatches() {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    List<DataFile> clean = new java.util.ArrayList<>();
    for (int batch = 1; batch <= 5; batch++) {
      IngestResult result =
          ingest(
              source,
              "b-" + batch,
              List.of(
                  row(2, Integer.toString(batch), "2026-11-01T10:00:00Z", "1", "paid"),
                  row(3, Integer.toString(batch - 1), "2026-11-01T10:00:00Z", "1", "paid")),
              clean);
      assertThat(result.rowsValid()).as("batch %d", batch).isEqualTo(batch == 1 ? 2 : 1);
      clean.addAll(result.clean());
    }
  }

  @Test
  void writesOneFilePerEventDayWithItsPartitionValue() {
    SourceDef source = orders(ORDER_COLUMNS, Optional.of("ts"));
    IngestResult result =
        ingest(
            source,
            "b-1",
            List.of(
                row(2, "1", "1970-01-02T10:00:00Z", "1", "paid"),
                row(3, "2", "1970-01-03T00:00:00+02:00", "1", "paid"),
                row(4, "3", "1970-01-03T10:00:00Z", "1", "paid")),
            List.of());
    assertThat(result.clean()).hasSize(2);
    assertThat(result.clean().stream().map(f -> f.partition().get(0)).sorted().toList())
        .containsExactly(1, 2);
    assertThat(result.clean().stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(3);
    // An explicit offset is converted to UTC: 1970-01-03T00:00+02:00 is on day 1.
    assertThat(
            read(
                cleanColumns(source),
                result.clean(),
                "SELECT id FROM $x WHERE CAST(ts AS DATE) = DATE '1970-01-02' ORDER BY id"))
        .containsExactly(List.of(1L), List.of(2L));
  }

  @Test
  void ingestingTheSameInputTwiceWritesEqualRows() {
    SourceDef source = orders(ORDER_COLUMNS, Optional.empty());
    List<Row> rows =
        List.of(row(2, "1", "2026-11-01T10:00:00Z", "1", "paid"), row(3, "", "x", "1", "paid"));
    IngestResult a = ingest(source, "b-1", rows, List.of());
    IngestResult b = ingest(source, "b-1", rows, List.of());
    assertThat(read(cleanColumns(source), b.clean(), "SELECT * FROM $x"))
        .isEqualTo(read(cleanColumns(source), a.clean(), "SELECT * FROM $x"));
    assertThat(read(quarantineColumns(), b.quarantine(), "SELECT * FROM $x"))
        .isEqualTo(read(quarantineColumns(), a.quarantine(), "SELECT * FROM $x"));
  }

  @Test
  void materializesViewsTablesAndIncrementalModelsWithState() {
    engine.materialize(
        model("v", "SELECT 1 AS k, 'a' AS v", Materialization.VIEW, List.of(), false));
    engine.materialize(model("t", "SELECT * FROM v", Materialization.TABLE, List.of(), false));
    engine.materialize(
        model("i", "SELECT 1 AS k, 'a' AS v", Materialization.INCREMENTAL, List.of("k"), false));
    engine.materialize(
        model(
            "i",
            "SELECT 1 AS k, 'b' AS v UNION ALL SELECT 2, 'c'",
            Materialization.INCREMENTAL,
            List.of("k"),
            true));
    engine.materialize(model("a", "SELECT 1 AS k", Materialization.INCREMENTAL, List.of(), false));
    engine.materialize(model("a", "SELECT 1 AS k", Materialization.INCREMENTAL, List.of(), true));

    assertThat(engine.query("SELECT * FROM t", 10).rows()).containsExactly(List.of(1, "a"));
    assertThat(engine.query("SELECT k, v FROM i ORDER BY k", 10).rows())
        .containsExactly(List.of(1, "b"), List.of(2, "c"));
    assertThat(engine.query("SELECT count(*) FROM a", 10).rows().get(0).get(0)).isEqualTo(2L);
    assertThat(engine.state("model:i")).contains("state of i");
    assertThat(engine.relationExists("v")).isTrue();
    assertThat(engine.relationExists("missing")).isFalse();
  }

  @Test
  void failedModelLeavesDataAndStateUnchanged() {
    engine.materialize(model("t", "SELECT 1 AS k", Materialization.TABLE, List.of(), false));
    assertThatThrownBy(
            () ->
                engine.materialize(
                    new ModelRequest(
                        "t",
                        "SELECT no_such_column FROM t",
                        Materialization.TABLE,
                        List.of(),
                        false,
                        "model:t",
                        "new state")))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("Model 't' failed");
    assertThat(engine.query("SELECT k FROM t", 10).rows()).containsExactly(List.of(1));
    assertThat(engine.state("model:t")).contains("state of t");
  }

  @Test
  void emptyLakeRelationHasTheTableColumns() {
    engine.exposeLakeRelations(
        List.of(
            new LakeRelation(
                "lake", "empty", List.of(new LakeColumn(1, "a", DataType.BIGINT)), List.of())));
    assertThat(engine.query("SELECT count(*) FROM lake.empty", 1).rows().get(0).get(0))
        .isEqualTo(0L);
  }

  @Test
  void rejectedSqlIsAUserError() {
    assertThatThrownBy(() -> engine.query("SELEC 1", 1))
        .isInstanceOf(SluiceException.class)
        .satisfies(
            e ->
                assertThat(((SluiceException) e).category())
                    .isEqualTo(io.sluice.api.ErrorCategory.USER));
  }

  private static ModelRequest model(
      String name,
      String sql,
      Materialization materialization,
      List<String> key,
      boolean incremental) {
    return new ModelRequest(
        name, sql, materialization, key, incremental, "model:" + name, "state of " + name);
  }

  // ---------------------------------------------------------------------------------------------
  // Merge on a primary key
  //
  // Deletes are tested here at the engine, through RecordSink.deleted, for every engine: no
  // connector of this repository reads deletes yet (the files connector only upserts); sluice-cli's
  // PrimaryKeyMergeTest runs them through `sluice run` with a test-only changelog connector.

  private static final List<ColumnDef> CUSTOMER_COLUMNS =
      List.of(
          column("id", DataType.BIGINT),
          column("ts", DataType.TIMESTAMP),
          column("amount", DataType.decimal(10, 2)),
          ORDER_COLUMNS.get(3));

  private List<LakeColumn> rawColumnsWithOp(CompiledSource compiled) {
    List<io.sluice.api.type.Column> columns = new ArrayList<>();
    columns.add(new io.sluice.api.type.Column("_batch", DataType.STRING));
    columns.add(new io.sluice.api.type.Column("_file", DataType.STRING));
    columns.add(new io.sluice.api.type.Column("_line", DataType.BIGINT));
    columns.add(new io.sluice.api.type.Column("_record", DataType.STRING));
    columns.add(new io.sluice.api.type.Column("_op", DataType.STRING));
    return withIds(columns);
  }

  /** Ingests a batch of {@code source} merged on {@code id}; candidates are every existing file. */
  private IngestResult merge(
      SourceDef source,
      String batch,
      List<Row> rows,
      List<DataFile> existing,
      List<List<io.sluice.api.lake.KeyRange>> asked) {
    CompiledSource compiled = new RuleCompiler(engine.dialect()).compile(source);
    Split split = new Split("data/customers-1.csv", "p", "/nowhere/customers-1.csv", 0);
    BiConsumer<Split, RecordSink> reader =
        (s, sink) -> {
          for (Row r : rows) {
            if (r.malformed() != null) {
              sink.malformed(r.line(), "broken line " + r.line(), r.malformed());
            } else if (r.delete()) {
              sink.deleted(r.line(), "delete " + r.line(), r.values());
            } else {
              sink.record(r.line(), "line " + r.line(), r.values());
            }
          }
        };
    return engine.ingest(
        new IngestRequest(
            source.name(),
            batch,
            compiled.fieldNames(),
            SourceInput.pushed(List.of(split), reader),
            compiled.columns(),
            compiled.rules(),
            existing,
            target(rawColumnsWithOp(compiled), List.of()),
            target(cleanColumns(source), List.of()),
            target(quarantineColumns(), List.of()),
            Optional.of(
                new IngestRequest.Merge(
                    List.of("id"),
                    ranges -> {
                      asked.add(ranges);
                      return existing;
                    }))));
  }

  @Test
  void mergeKeepsEachKeysLastChangeInReadOrderAndDeletesRemoveKeys() {
    org.junit.jupiter.api.Assumptions.assumeTrue(supportsMerge(), "the engine does not merge");
    SourceDef source = orders(CUSTOMER_COLUMNS, Optional.empty());
    List<List<io.sluice.api.lake.KeyRange>> asked = new ArrayList<>();
    IngestResult first =
        merge(
            source,
            "b-1",
            List.of(
                row(2, "1", "2026-11-01T10:00:00Z", "1", "paid"),
                row(3, "2", "2026-11-01T10:00:00Z", "2", "paid"),
                row(4, "3", "2026-11-01T10:00:00Z", "3", "paid"),
                row(5, "7", "2026-11-01T10:00:00Z", "7", "paid"),
                // A key twice in one batch is no failure: the later line wins.
                row(6, "2", "2026-11-01T10:00:00Z", "22", "shipped")),
            List.of(),
            asked);
    assertThat(first.cleanRemoved()).isEmpty();
    assertThat(first.rowsValid()).isEqualTo(5);
    assertThat(read(cleanColumns(source), first.clean(), "SELECT id, amount FROM $x ORDER BY id"))
        .containsExactly(
            List.of(1L, new java.math.BigDecimal("1.00")),
            List.of(2L, new java.math.BigDecimal("22.00")),
            List.of(3L, new java.math.BigDecimal("3.00")),
            List.of(7L, new java.math.BigDecimal("7.00")));

    IngestResult second =
        merge(
            source,
            "b-2",
            List.of(
                row(2, "2", "2026-11-02T10:00:00Z", "20", "paid"),
                deleted(3, "3", null, null, null),
                row(4, "4", "2026-11-02T10:00:00Z", "4", "paid"),
                deleted(5, "5", null, null, null),
                row(6, "6", "2026-11-02T10:00:00Z", "6", "paid"),
                deleted(7, "6", null, null, null),
                deleted(8, "1", null, null, null),
                row(9, "1", "2026-11-02T10:00:00Z", "100", "shipped"),
                row(10, "", "2026-11-02T10:00:00Z", "9", "paid"),
                row(11, "2", "2026-11-02T10:00:00Z", "21", "lost")),
            first.clean(),
            asked);

    assertThat(second.rowsRead()).isEqualTo(10);
    assertThat(second.rowsQuarantined()).isEqualTo(2);
    assertThat(second.failuresByRule())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("primary-key(id)", 1L, "accepted_values(status)", 1L));
    assertThat(second.cleanRemoved()).containsExactlyElementsOf(first.clean());
    assertThat(asked.get(asked.size() - 1))
        .containsExactly(new io.sluice.api.lake.KeyRange("id", 1L, 6L));
    // 7 untouched (from b-1), 2 updated by its last valid change, 3 deleted, 4 inserted, 6
    // inserted then deleted, 1 deleted then inserted again.
    assertThat(
            read(
                cleanColumns(source),
                second.clean(),
                "SELECT id, CAST(amount AS STRING), _batch, _line FROM $x ORDER BY id"))
        .containsExactly(
            List.of(1L, "100.00", "b-2", 9L),
            List.of(2L, "20.00", "b-2", 2L),
            List.of(4L, "4.00", "b-2", 4L),
            List.of(7L, "7.00", "b-1", 5L));
    assertThat(
            read(
                rawColumnsWithOp(new RuleCompiler(engine.dialect()).compile(source)),
                second.raw(),
                "SELECT _op, count(*) FROM $x GROUP BY _op ORDER BY _op"))
        .containsExactly(List.of("delete", 4L), List.of("upsert", 6L));
  }

  @Test
  void aMergedBatchWhoseKeysNoCleanFileHoldsReplacesNothing() {
    org.junit.jupiter.api.Assumptions.assumeTrue(supportsMerge(), "the engine does not merge");
    SourceDef source = orders(CUSTOMER_COLUMNS, Optional.empty());
    List<List<io.sluice.api.lake.KeyRange>> asked = new ArrayList<>();
    IngestResult first =
        merge(
            source,
            "b-1",
            List.of(row(2, "1", "2026-11-01T10:00:00Z", "1", "paid")),
            List.of(),
            asked);
    IngestResult second =
        merge(
            source,
            "b-2",
            List.of(row(2, "5", "2026-11-01T10:00:00Z", "5", "paid")),
            first.clean(),
            asked);

    assertThat(second.cleanRemoved()).isEmpty();
    assertThat(read(cleanColumns(source), second.clean(), "SELECT id FROM $x"))
        .containsExactly(List.of(5L));
  }

  @Test
  void anEngineThatDoesNotMergeRefusesAPrimaryKeyBatch() {
    org.junit.jupiter.api.Assumptions.assumeFalse(supportsMerge(), "the engine merges");
    SourceDef source = orders(CUSTOMER_COLUMNS, Optional.empty());
    assertThatThrownBy(
            () ->
                merge(
                    source,
                    "b-1",
                    List.of(row(2, "1", "2026-11-01T10:00:00Z", "1", "paid")),
                    List.of(),
                    new ArrayList<>()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("primary-key")
        .hasMessageContaining("does not merge");
  }
}
