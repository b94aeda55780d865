package io.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.log.IngestLog;
import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorCapabilities.Delivery;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import io.sluice.config.YamlNodes;
import io.sluice.core.config.ConnectorReference;
import io.sluice.core.config.ReferenceDocs;
import io.sluice.core.testing.RecordingSink.Event;
import io.sluice.core.testing.RecordingSink.Kind;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The source connector SPI contract, written once and run against every connector: a connector
 * module's test extends it with a small fixture (how to make records available in the source, a
 * malformed one, a drifted input, what a crash is) and the suite drives the real {@link
 * SourceConnector} through the SPI alone, as the core's run loop does: plan, read each split,
 * commit the splits' positions, and hand the committed positions back to the next plan.
 *
 * <p>Every record of the fixture has two fields, {@code id} (a whole number, unique) and {@code
 * name} ({@code name-<id>}), read as {@link #FIELDS}. Capabilities decide what is checked: a
 * connector that declares {@code rereadsQuarantined} must replay the originals it gave; one that
 * declares {@code changelog} must deliver the fixture's delete, and one that does not must never
 * deliver a delete; an {@code exactly once} connector reads no committed record twice.
 *
 * <p>The suite also keeps the connector's generated reference page and JSON Schema ({@link
 * ConnectorReference}) up to date: run the subclass with {@code -Dsluice.regenerate-docs=true} to
 * write them.
 */
public abstract class ConnectorContractTest {
  /** The name of the source under test. */
  protected static final String SOURCE = "contract";

  /** The fields every test reads: {@code id} and {@code name}. */
  protected static final List<SourceField> FIELDS =
      List.of(new SourceField("id", "id"), new SourceField("name", "name"));

  /** The field that {@link #addRecordsWithExtraField} adds to each record. */
  protected static final String EXTRA_FIELD = "extra";

  private static final int MAX_BATCHES = 1_000;
  private static final long THREAD_END_MILLIS = 5_000;
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  private static final Set<String> INLINE_SECRETS =
      Set.of(
          "password",
          "passwd",
          "secret",
          "token",
          "api-key",
          "access-key",
          "secret-key",
          "secret-access-key",
          "private-key",
          "credentials");

  @TempDir protected Path temp;

  /** The project folder of the source under test; created before each test. */
  protected Path project;

  private final List<SourceConnector> opened = new ArrayList<>();

  @BeforeEach
  void createProject() throws IOException {
    project = Files.createDirectories(temp.resolve("project"));
  }

  @AfterEach
  void closeConnectors() {
    for (SourceConnector connector : opened) {
      connector.close();
    }
  }

  // ---- the fixture

  /** The factory of the connector under test. */
  protected abstract ConnectorFactory factory();

  /**
   * The connector's keys of the source under test, as written in its source file ({@code path:
   * data/*.csv}, {@code jdbc: {url: ...}}); paths in them are relative to {@link #project}. The
   * suite checks them against the factory's {@link ConnectorFactory#options} and creates connectors
   * with what {@link ConnectorFactory#resolve} makes of them, as the core does.
   */
  protected abstract String optionsYaml();

  /** The ingest log of the project, for connectors that read pushed records. */
  protected Supplier<IngestLog> ingestLog() {
    return () -> {
      throw new IllegalStateException("the fixture provides no ingest log");
    };
  }

  /** The environment the connector reads credentials from. */
  protected Map<String, String> environment() {
    return Map.of();
  }

  /**
   * Makes {@code count} well-formed records available in the source, with ids {@code firstId}
   * onwards (in order) and names {@link #name(int)}. Each call adds new input (a new file, new
   * rows, new log records): the records are in no split read before.
   */
  protected abstract void addRecords(int firstId, int count);

  /**
   * Adds new input with the well-formed record {@code firstId}, then one malformed record, then the
   * well-formed record {@code firstId + 1}; returns where the malformed one is.
   */
  protected abstract Malformed addMalformed(int firstId);

  /**
   * Adds new input whose records have the field {@link #EXTRA_FIELD} (value {@code x-<id>}) beside
   * {@code id} and {@code name}.
   */
  protected abstract void addRecordsWithExtraField(int firstId, int count);

  /** Adds new input whose records lack the field {@code name}. */
  protected abstract void addRecordsWithoutName(int firstId, int count);

  /**
   * Makes a delete of the record with {@code id} available in the source (a changelog connector's).
   * The default fails: a fixture of a connector that declares {@code changelog} must provide one.
   */
  protected void addDelete(int id) {
    throw new UnsupportedOperationException(
        "the connector declares changelog: its fixture must override addDelete");
  }

  /**
   * Whether {@link SourceConnector#observe} reports the fields of the fixture's inputs, for schema
   * drift; true unless the connector cannot tell.
   */
  protected boolean observesSchema() {
    return true;
  }

  /**
   * What a crash of the process does besides abandoning {@code abandoned} unclosed (its positions
   * were read, not committed): for example closing and reopening what the process held open (an
   * ingest log). The default does nothing more.
   */
  protected void crash(SourceConnector abandoned) {}

  /**
   * Checks, after {@code close()}, what the base class cannot see (a server's open connections).
   * The base class already checks that no file under the project folder is open and that no thread
   * the connector started is alive. The default checks nothing more.
   */
  protected void assertReleased() {}

  /**
   * Whether {@code thread}, started while the connector ran, belongs to the JVM or a library rather
   * than to the connector, so that it may outlive {@code close()} (say a JDBC driver's shared
   * cleaner thread). The default: none does.
   */
  protected boolean isSharedThread(Thread thread) {
    return false;
  }

  /**
   * Whether the connector's generated reference page and schema are committed under {@code docs/}
   * and checked; true for every installed connector.
   */
  protected boolean keepsReferencePage() {
    return true;
  }

  /** The name of record {@code id}. */
  protected static String name(int id) {
    return "name-" + id;
  }

  /**
   * Where a malformed record is.
   *
   * @param splitKey the key of the split it is in
   * @param position its position in that split (the line of a text file, the row, the offset)
   * @param original its text as the input has it, without a line terminator
   */
  public record Malformed(String splitKey, long position, String original) {}

  // ---- the contract

  @Test
  void readsEveryRecordOnceAndCommittedPositionsPlanNothingMore() {
    addRecords(0, 5);
    addRecords(5, 3);
    SourceConnector connector = open();
    Map<String, String> committed = new HashMap<>();

    List<Event> events = drain(connector, committed);

    assertRecords(events, 0, 8);
    assertThat(connector.sample(1)).as("sample(1)").hasSizeLessThanOrEqualTo(1);
    assertThat(connector.plan(committed).splits())
        .as("a plan from the positions committed after reading everything")
        .isEmpty();
    assertThat(drain(open(), committed)).as("a new connector from the same positions").isEmpty();
  }

  @Test
  void aRestartFromCommittedPositionsReadsTheNewRecordsOnly() {
    addRecords(0, 4);
    Map<String, String> committed = new HashMap<>();
    SourceConnector first = open();
    assertRecords(drain(first, committed), 0, 4);
    first.close();

    addRecords(4, 3);
    addRecords(7, 2);
    SourceConnector second = open();
    List<Event> events = drain(second, committed);

    assertNewRecords(events, 4, 9);
  }

  @Test
  void aCrashBetweenReadAndCommitReadsExactlyTheUncommittedRecordsAgain() {
    addRecords(0, 4);
    Map<String, String> committed = new HashMap<>();
    SourceConnector first = open();
    assertRecords(drain(first, committed), 0, 4);
    addRecords(4, 3);
    Batch uncommitted = readBatch(first, committed);
    assertThat(ids(uncommitted.events()))
        .as("the batch read before the crash")
        .isNotEmpty()
        .allSatisfy(id -> assertThat(id).isBetween(4, 6));

    crash(first);
    SourceConnector second = open();
    List<Event> events = drain(second, committed);

    assertNewRecords(events, 4, 7);
    assertThat(ids(events)).containsAll(ids(uncommitted.events()));
  }

  @Test
  void aMalformedRecordReachesTheSinkWithItsSplitAndPosition() {
    addRecords(0, 2);
    Malformed expected = addMalformed(2);
    SourceConnector connector = open();

    List<Event> events = drain(connector, new HashMap<>());

    assertRecords(events.stream().filter(e -> e.kind() != Kind.MALFORMED).toList(), 0, 4);
    List<Event> malformed = events.stream().filter(e -> e.kind() == Kind.MALFORMED).toList();
    assertThat(malformed).as("malformed records").hasSize(1);
    Event bad = malformed.get(0);
    assertThat(bad.splitKey())
        .as("the split of the malformed record")
        .isEqualTo(expected.splitKey());
    assertThat(bad.position())
        .as("the position (line, row, offset) of the malformed record in its split")
        .isEqualTo(expected.position());
    assertThat(stripLineEnd(bad.original())).isEqualTo(expected.original());
    assertThat(bad.reason()).as("why it is malformed").isNotBlank();
    Event before = record(events, 2);
    Event after = record(events, 3);
    assertThat(List.of(before.splitKey(), after.splitKey()))
        .as("the records around it are in its split")
        .containsOnly(expected.splitKey());
    assertThat(bad.position()).isGreaterThan(before.position()).isLessThan(after.position());
  }

  @Test
  void quarantinedRecordsAreReadAgainWhenTheConnectorSaysItCan() {
    Malformed expected = addMalformed(0);
    SourceConnector connector = open();
    List<Event> events = drain(connector, new HashMap<>());
    Event bad = events.stream().filter(e -> e.kind() == Kind.MALFORMED).findFirst().orElseThrow();
    Event good = record(events, 1);
    List<SourceConnector.Original> originals =
        List.of(
            new SourceConnector.Original(bad.position(), bad.original(), false),
            new SourceConnector.Original(good.position(), good.original(), true));
    RecordingSink sink = newSink().split(expected.splitKey());

    if (!capabilities().rereadsQuarantined()) {
      assertThatThrownBy(() -> connector.reread(expected.splitKey(), originals, sink))
          .as("a connector that declares it cannot re-read quarantined records")
          .isInstanceOfSatisfying(
              SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
          .hasMessageContaining(expected.splitKey());
      return;
    }
    connector.reread(expected.splitKey(), originals, sink);

    assertThat(sink.events())
        .as("each original reaches the sink once, at its position, in order")
        .extracting(Event::kind, Event::position)
        .containsExactly(
            tuple(Kind.MALFORMED, bad.position()), tuple(Kind.RECORD, good.position()));
    assertThat(sink.events().get(1).values()).containsExactly("1", name(1));
  }

  @Test
  void schemaDriftAnExtraFieldIsObservedAndTheRecordsAreStillRead() {
    assumeTrue(observesSchema(), "the connector cannot observe its inputs' fields");
    addRecordsWithExtraField(0, 3);
    SourceConnector connector = open();

    SplitPlan plan = connector.plan(Map.of());

    assertThat(plan.splits()).isNotEmpty();
    for (Split split : plan.splits()) {
      Optional<List<ObservedField>> observed = connector.observe(split);
      assertThat(observed).as("the fields observed in split %s", split.key()).isPresent();
      assertThat(observed.get())
          .extracting(ObservedField::path)
          .as("the fields observed in split %s", split.key())
          .contains("id", "name", EXTRA_FIELD);
    }
    assertRecords(drain(connector, new HashMap<>()), 0, 3);
  }

  @Test
  void schemaDriftAMissingFieldIsObserved() {
    assumeTrue(observesSchema(), "the connector cannot observe its inputs' fields");
    addRecordsWithoutName(0, 2);
    SourceConnector connector = open();

    SplitPlan plan = connector.plan(Map.of());

    assertThat(plan.splits()).isNotEmpty();
    for (Split split : plan.splits()) {
      Optional<List<ObservedField>> observed = connector.observe(split);
      assertThat(observed).as("the fields observed in split %s", split.key()).isPresent();
      assertThat(observed.get())
          .extracting(ObservedField::path)
          .as("the fields observed in split %s", split.key())
          .contains("id")
          .doesNotContain("name");
    }
  }

  @Test
  void aChangelogConnectorDeliversDeletes() {
    assumeTrue(capabilities().changelog(), "the connector declares no changelog");
    addRecords(0, 3);
    addDelete(1);
    SourceConnector connector = open();

    List<Event> events = drain(connector, new HashMap<>());

    assertThat(events.stream().filter(e -> e.kind() == Kind.DELETED))
        .as("deletes")
        .extracting(e -> e.value(0))
        .containsExactly("1");
    assertThat(ids(events)).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void closeReleasesEverythingAndMayBeCalledTwice() throws IOException {
    addRecords(0, 3);
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    SourceConnector connector = open();
    Map<String, String> committed = new HashMap<>();
    drain(connector, committed);
    addRecords(3, 1);
    for (Split split : connector.plan(committed).splits()) {
      connector.observe(split);
    }

    connector.close();
    connector.close();

    assertReleasedSince(threadsBefore);
    // After close, the connector either refuses clearly or still works and still releases.
    boolean worked;
    try {
      connector.plan(committed);
      worked = true;
    } catch (RuntimeException e) {
      assertThat(e)
          .as("what using a closed connector throws")
          .isInstanceOfAny(SluiceException.class, IllegalStateException.class);
      assertThat(e.getMessage()).as("why a closed connector refuses").isNotBlank();
      worked = false;
    }
    if (worked) {
      connector.close();
      assertReleasedSince(threadsBefore);
    }
  }

  @Test
  void theFactoryDocumentsEveryOptionAndKeepsSecretsOutOfSourceFiles() {
    ConnectorFactory factory = factory();
    assertThat(factory.name()).as("the connector name").matches(NAME);
    assertThat(factory.description()).as("the description of %s", factory.name()).isNotBlank();
    Map<String, ConfigKey<?>> keys = ConnectorReference.allKeys(factory.options());
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ConfigKey<?>> entry : keys.entrySet()) {
      ConfigKey<?> key = entry.getValue();
      if (key.doc().isBlank()) {
        problems.add(entry.getKey() + ": no doc");
      }
      if (!KEY.matcher(key.name()).matches()) {
        problems.add(entry.getKey() + ": not a kebab-case key");
      }
      if (INLINE_SECRETS.contains(key.name())) {
        problems.add(
            entry.getKey()
                + ": a secret written in the source file; name where it is instead ("
                + key.name()
                + "-env, "
                + key.name()
                + "-file)");
      }
    }
    assertThat(problems).as("the options of connector %s", factory.name()).isEmpty();
    assertThat(factory.create(context()))
        .as("a connector created from the fixture's options")
        .isNotNull()
        .satisfies(opened::add);
  }

  @Test
  void aMisspeltOptionIsReportedWithItsLineAndADidYouMean() {
    ConnectorFactory factory = factory();
    String written = optionsYaml();
    Node document = new Yaml().compose(new StringReader(written));
    assertThat(document).as("the fixture's options").isInstanceOf(MappingNode.class);
    String key = ((ScalarNode) ((MappingNode) document).getValue().get(0).getKeyNode()).getValue();
    String misspelt = key.substring(0, key.length() - 1);
    Node wrong =
        new Yaml().compose(new StringReader(written.replaceFirst(Pattern.quote(key), misspelt)));
    List<String> problems = new ArrayList<>();

    factory
        .options()
        .parse(wrong, (node, message) -> problems.add(YamlNodes.line(node) + ": " + message));

    assertThat(problems)
        .as("the problems of the fixture's options with '%s' misspelt '%s'", key, misspelt)
        .anySatisfy(
            problem ->
                assertThat(problem)
                    .contains("unknown key '" + misspelt + "'")
                    .contains("did you mean '" + key + "'?"));
  }

  @Test
  void theGeneratedReferencePageAndSchemaOfTheConnectorAreUpToDate() throws IOException {
    assumeTrue(keepsReferencePage(), "the connector is not installed: it has no page");
    Path root = ReferenceDocs.repositoryRoot(Path.of(""));
    String regenerate = regenerateCommand(root);
    Map<String, String> generated = ConnectorReference.generate(factory(), regenerate);
    if (Boolean.getBoolean(ReferenceDocs.REGENERATE_PROPERTY)) {
      ConnectorReference.write(root, generated);
    }
    for (Map.Entry<String, String> file : generated.entrySet()) {
      Path path = root.resolve(file.getKey());
      String committed =
          Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "(missing)";
      assertThat(committed)
          .as(
              "%s is out of date: run `%s` from the repository root to regenerate it",
              file.getKey(), regenerate)
          .isEqualTo(file.getValue());
    }
  }

  // ---- driving the connector

  /** The capabilities the factory declares. */
  protected final ConnectorCapabilities capabilities() {
    return factory().capabilities();
  }

  /**
   * The options a connector of the source under test is created with: {@link #optionsYaml} checked
   * against the factory's options and resolved by the factory; any problem fails the test.
   */
  protected final Map<String, Object> resolvedOptions() {
    ConnectorFactory factory = factory();
    List<String> problems = new ArrayList<>();
    ProblemReporter reporter =
        (node, message) ->
            problems.add(YamlNodes.line(node) + ":" + YamlNodes.column(node) + ": " + message);
    Node document = new Yaml().compose(new StringReader(optionsYaml()));
    Optional<ConfigValues> values = factory.options().parse(document, reporter);
    Map<String, Object> options =
        values.isEmpty() || !problems.isEmpty()
            ? Map.of()
            : factory.resolve(values.get(), reporter);
    assertThat(problems)
        .as(
            "problems of the fixture's options for connector %s:%n%s",
            factory.name(), optionsYaml())
        .isEmpty();
    return options;
  }

  /** A context for the source under test, reading {@link #FIELDS}. */
  protected SourceContext context() {
    return new SourceContext(
        SOURCE,
        project,
        resolvedOptions(),
        FIELDS,
        RecordTransform.IDENTITY,
        ingestLog(),
        environment(),
        project.resolve("sources").resolve(SOURCE + ".yaml"),
        temp.resolve("state"));
  }

  /** A new connector (a new instance, as after a restart), closed after the test. */
  protected final SourceConnector open() {
    SourceConnector connector = factory().create(context());
    opened.add(connector);
    return connector;
  }

  /** What one plan read, and the positions its splits would commit. */
  public record Batch(List<Event> events, Map<String, String> positions) {}

  private RecordingSink newSink() {
    return new RecordingSink(capabilities().changelog());
  }

  /** Plans from {@code committed} and reads every split; commits nothing. */
  protected final Batch readBatch(SourceConnector connector, Map<String, String> committed) {
    SplitPlan plan = connector.plan(Map.copyOf(committed));
    assertThat(plan.splits())
        .extracting(Split::key)
        .as("split keys of one plan")
        .doesNotHaveDuplicates();
    RecordingSink sink = newSink();
    Map<String, String> positions = new LinkedHashMap<>();
    for (Split split : plan.splits()) {
      Optional<NativeFormat> nativeFormat = connector.nativeFormat(split);
      nativeFormat.ifPresent(
          format ->
              assertThat(capabilities().nativeFormats())
                  .as("native formats declared by the capabilities")
                  .contains(format.format()));
      connector.read(split, sink.split(split.key()));
      positions.put(split.key(), split.position());
    }
    return new Batch(sink.events(), positions);
  }

  /**
   * Plans, reads and commits until a plan has nothing more, as the run loop does: each batch's
   * positions go into {@code committed} and to {@link SourceConnector#committed}.
   */
  protected final List<Event> drain(SourceConnector connector, Map<String, String> committed) {
    List<Event> events = new ArrayList<>();
    for (int batch = 0; batch < MAX_BATCHES; batch++) {
      Batch read = readBatch(connector, committed);
      if (read.positions().isEmpty()) {
        return events;
      }
      events.addAll(read.events());
      committed.putAll(read.positions());
      connector.committed(Map.copyOf(read.positions()));
    }
    return fail("the connector still planned splits after %d batches", MAX_BATCHES);
  }

  // ---- checks

  /**
   * Every event is a record; their ids are exactly {@code from} (inclusive) to {@code to}
   * (exclusive), each once, with its name; positions are distinct within a split.
   */
  private static void assertRecords(List<Event> events, int from, int to) {
    assertThat(events)
        .as("what the connector delivered")
        .allSatisfy(e -> assertThat(e.kind()).isEqualTo(Kind.RECORD));
    assertThat(ids(events))
        .as("the ids of the records read")
        .containsExactlyInAnyOrderElementsOf(IntStream.range(from, to).boxed().toList());
    assertNamesAndPositions(events);
  }

  /**
   * The records read after a restart: exactly the new ones for an exactly-once connector; for an
   * at-least-once one, every new one and possibly some read before.
   */
  private void assertNewRecords(List<Event> events, int from, int to) {
    List<Integer> expected = IntStream.range(from, to).boxed().toList();
    if (capabilities().delivery() == Delivery.EXACTLY_ONCE) {
      assertRecords(events, from, to);
      return;
    }
    assertThat(events).allSatisfy(e -> assertThat(e.kind()).isEqualTo(Kind.RECORD));
    assertThat(ids(events))
        .as("an at-least-once connector loses no record")
        .containsAll(expected)
        .allSatisfy(id -> assertThat(id).isBetween(0, to - 1));
    assertNamesAndPositions(events);
  }

  private static void assertNamesAndPositions(List<Event> events) {
    for (Event event : events) {
      assertThat(event.value(1))
          .as("the name of record %s", event.value(0))
          .isEqualTo(name(Integer.parseInt(event.value(0))));
    }
    Set<String> seen = new HashSet<>();
    for (Event event : events) {
      assertThat(seen.add(event.splitKey() + "@" + event.position()))
          .as("position %d of split %s is given once", event.position(), event.splitKey())
          .isTrue();
    }
  }

  private static List<Integer> ids(List<Event> events) {
    return events.stream()
        .filter(e -> e.kind() == Kind.RECORD)
        .map(e -> Integer.parseInt(e.value(0)))
        .toList();
  }

  private static Event record(List<Event> events, int id) {
    return events.stream()
        .filter(e -> e.kind() == Kind.RECORD && String.valueOf(id).equals(e.value(0)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record with id " + id + " in " + events));
  }

  private static String stripLineEnd(String text) {
    return text.endsWith("\r\n")
        ? text.substring(0, text.length() - 2)
        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  /**
   * No file under the project folder is open (Linux: {@code /proc/self/fd}), no thread started
   * since {@code threadsBefore} is alive (but the JVM's shared pools), and the fixture's own check.
   */
  private void assertReleasedSince(Set<Thread> threadsBefore) throws IOException {
    Path descriptors = Path.of("/proc/self/fd");
    if (Files.isDirectory(descriptors)) {
      Path root = project.toRealPath();
      List<Path> open = new ArrayList<>();
      try (Stream<Path> fds = Files.list(descriptors)) {
        for (Path fd : fds.toList()) {
          try {
            Path target = Files.readSymbolicLink(fd);
            if (target.startsWith(root)) {
              open.add(target);
            }
          } catch (IOException e) {
            // closed while listing
          }
        }
      }
      assertThat(open).as("files under the project folder still open after close()").isEmpty();
    }
    List<String> threads = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (threadsBefore.contains(thread)
          || thread.getName().startsWith("ForkJoinPool.commonPool")
          || isSharedThread(thread)) {
        continue;
      }
      try {
        // a thread told to stop by close() may take a moment to end; it must end, not linger
        thread.join(THREAD_END_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + thread.getName(), e);
      }
      if (thread.isAlive()) {
        threads.add(thread.getName());
      }
    }
    assertThat(threads).as("threads started by the connector still alive after close()").isEmpty();
    assertReleased();
  }

  /** The command that runs the module's contract tests with regeneration on. */
  private static String regenerateCommand(Path root) {
    Path module = Path.of("").toAbsolutePath();
    String relative = root.relativize(module).toString();
    return "./mvnw -q -B -o test -pl "
        + (relative.isEmpty() ? "." : relative)
        + " -am -Dtest='*ConnectorContractTest' -Dsurefire.failIfNoSpecifiedTests=false -D"
        + ReferenceDocs.REGENERATE_PROPERTY
        + "=true";
  }
}
