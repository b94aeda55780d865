package io.sluice.core.run;

import io.sluice.api.SluiceException;
import io.sluice.api.engine.CompiledRule;
import io.sluice.api.engine.Engine;
import io.sluice.api.engine.IngestRequest;
import io.sluice.api.engine.IngestResult;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.SourceInput;
import io.sluice.api.engine.TableTarget;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.Snapshot;
import io.sluice.api.lake.TableId;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.CompiledSource;
import io.sluice.core.rules.RuleCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backfill of one source: re-derives its records from the raw table with the current
 * declaration, functions and rules, then replaces its clean partitions one day at a time.
 *
 * <p><b>Derivation.</b> Once per backfill process, every record of {@code raw.<source>} is read
 * again through the connector ({@link SourceConnector#reread}, as a quarantine replay does) and run
 * through the engine, one call per original batch with that batch's id, so that a derived row keeps
 * the identity of the record it comes from ({@code _batch}, {@code _file}, {@code _line}). The
 * derived clean files are written, partitioned by event time, into the clean table's data folder;
 * those of the days the backfill covers are committed, the others deleted at the end.
 *
 * <p><b>A day.</b> Its scope is the records whose clean row is in the day now, plus those whose
 * derived row is. One Iceberg commit on clean removes every file of the day's partition and adds
 * the derived files of the day; the same commit records, as {@link QuarantineReplay#RESOLVED} keys,
 * the quarantined rows that now land (the quarantine view hides them, as after a replay). Records
 * of the day that the current rules reject are quarantined again (rows of the original batch),
 * appended to quarantine in a commit made before the clean one. Both commits carry the step's
 * marker ({@link #STEP}: backfill id, round, source, day): a step that finds its marker in a table
 * does not commit to it again, so a step redone after a crash commits each table once. The clean
 * replacement is itself idempotent: redoing it gives the same rows.
 *
 * <p>Not thread-safe by itself: {@link Backfills} calls {@link #derive} once (under a lock) and
 * {@link #replaceDay} from several threads; engine work runs through {@code exclusive}.
 */
final class SourceBackfill {
  private static final Logger LOG = LoggerFactory.getLogger(SourceBackfill.class);

  /** The step a commit belongs to: {@code <backfill id>#<round>/<source>/<day>}. */
  static final String STEP = "sluice.backfill.step";

  /** Clean rows a backfill commit removed with the partition's files. */
  static final String ROWS_REMOVED = "sluice.backfill.rows-removed";

  /** Clean rows a backfill commit added. */
  static final String ROWS_ADDED = "sluice.backfill.rows-added";

  private static final String SCRATCH_SCHEMA = "sluice_backfill";

  private final Project project;
  private final SourceDef declared;
  private final Engine engine;
  private final Lake lake;
  private final BiFunction<SourceDef, List<SourceField>, SourceConnector> connectors;
  private final Exclusive exclusive;
  private final String backfillId;
  private final Path scratch;
  private final RuleCompiler compiler;

  // Set by derive().
  private SourceDef source;
  private CompiledSource compiled;
  private Map<String, List<RawRecord>> rawByBatch;
  private Map<String, RawRecord> rawById;
  private Map<String, Instant> ingestedAt;
  private List<DataFile> derivedClean;
  private Set<String> derivedIds;
  // The derived files a step committed (or tried to): never deleted.
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  /** Runs engine work while no other thread uses the engine. */
  interface Exclusive {
    <T> T run(Supplier<T> work);
  }

  SourceBackfill(
      Project project,
      SourceDef declared,
      Engine engine,
      Lake lake,
      BiFunction<SourceDef, List<SourceField>, SourceConnector> connectors,
      Exclusive exclusive,
      String backfillId) {
    this.project = project;
    this.declared = declared;
    this.engine = engine;
    this.lake = lake;
    this.connectors = connectors;
    this.exclusive = exclusive;
    this.backfillId = backfillId;
    this.scratch =
        project
            .stateDirectory()
            .resolve("tmp")
            .resolve("backfill-" + backfillId + "-" + declared.name());
    this.compiler = new RuleCompiler(engine.dialect());
  }

  /** A record of the raw table. */
  private record RawRecord(String batch, String file, long line, String text) {
    String id() {
      return identity(batch, file, line);
    }
  }

  private static String identity(String batch, String file, long line) {
    return batch + "\u0000" + file + "\u0000" + line;
  }

  /** What a day's step did. */
  record DayResult(long rowsRemoved, long rowsAdded, long rowsQuarantined, long rowsResolved) {}

  /** Reads the raw table and derives every record again; once, before {@link #replaceDay}. */
  synchronized void derive() {
    if (derivedClean != null) {
      return;
    }
    LakeTable clean = table(LakeLayout.CLEAN);
    LakeTable raw = table(LakeLayout.RAW);
    source = SchemaDrift.effective(declared, clean.columns());
    compiled = compiler.compile(source);
    ingestedAt = new TreeMap<>();
    for (Snapshot snapshot : raw.snapshots()) {
      String batch = snapshot.summary().get(PipelineRunner.BATCH_ID);
      if (batch != null) {
        String at = snapshot.summary().get(PipelineRunner.INGESTED_AT);
        ingestedAt.put(
            batch,
            at != null ? Instant.parse(at) : Instant.ofEpochMilli(snapshot.timestampMillis()));
      }
    }
    exclusive.run(
        () -> {
          readRaw(raw);
          derivedClean = deriveClean(clean);
          derivedIds = identities(derivedClean, clean, "derived");
          return null;
        });
  }

  private void readRaw(LakeTable raw) {
    String relation = "raw_" + declared.name();
    engine.exposeLakeRelations(
        List.of(
            new LakeRelation(
                SCRATCH_SCHEMA,
                relation,
                raw.columns(),
                raw.files().stream().map(DataFile::path).toList())));
    QueryResult rows =
        engine.query(
            "SELECT _batch, _file, _line, _record FROM "
                + quoted(SCRATCH_SCHEMA)
                + "."
                + quoted(relation)
                + " ORDER BY _batch, _file, _line",
            Integer.MAX_VALUE);
    rawByBatch = new TreeMap<>();
    rawById = new HashMap<>();
    for (List<Object> values : rows.rows()) {
      RawRecord record =
          new RawRecord(
              (String) values.get(0),
              (String) values.get(1),
              ((Number) values.get(2)).longValue(),
              values.get(3) == null ? "" : (String) values.get(3));
      rawByBatch.computeIfAbsent(record.batch(), b -> new ArrayList<>()).add(record);
      rawById.put(record.id(), record);
    }
  }

  private List<DataFile> deriveClean(LakeTable clean) {
    if (PipelineRunner.hasRelationships(source)) {
      // Its relationships rules read the referenced datasets as lake.<name>.
      LakeViews.expose(project, lake, engine);
    }
    List<DataFile> derived = new ArrayList<>();
    Path target = clean.newDataDirectory("backfill-" + backfillId);
    int call = 0;
    try (SourceConnector connector = connectors.apply(source, compiled.fields())) {
      for (Map.Entry<String, List<RawRecord>> batch : rawByBatch.entrySet()) {
        Path part = scratch.resolve("derive-" + call);
        IngestResult result =
            ingest(
                connector,
                batch.getKey(),
                batch.getValue(),
                derived,
                clean,
                target.resolve(Integer.toString(call)),
                part.resolve("quarantine"),
                part.resolve("raw"));
        call++;
        derived.addAll(result.clean());
      }
    }
    return derived;
  }

  private IngestResult ingest(
      SourceConnector connector,
      String batch,
      List<RawRecord> records,
      List<DataFile> existing,
      LakeTable clean,
      Path cleanDirectory,
      Path quarantineDirectory,
      Path rawDirectory) {
    LakeTable quarantine = table(LakeLayout.QUARANTINE);
    LakeTable raw = table(LakeLayout.RAW);
    IngestResult result =
        engine.ingest(
            new IngestRequest(
                source.name(),
                batch,
                compiled.fieldNames(),
                input(connector, records),
                compiled.columns(),
                rules(ingestedAt.getOrDefault(batch, Instant.EPOCH)),
                existing,
                new TableTarget(raw.columns(), List.of(), rawDirectory),
                new TableTarget(clean.columns(), clean.partitioning(), cleanDirectory),
                new TableTarget(quarantine.columns(), List.of(), quarantineDirectory)));
    if (result.rowsRead() != records.size()) {
      throw SluiceException.internal(
          String.format(
              "Backfilling source '%s': %d raw records of batch %s gave %d records; the connector"
                  + " must give one record per original",
              source.name(), records.size(), batch, result.rowsRead()),
          null);
    }
    return result;
  }

  /** One split per file, each read again from its raw texts, in order. */
  private static SourceInput input(SourceConnector connector, List<RawRecord> records) {
    Map<String, List<SourceConnector.Original>> byFile = new LinkedHashMap<>();
    for (RawRecord record : records) {
      byFile
          .computeIfAbsent(record.file(), f -> new ArrayList<>())
          .add(new SourceConnector.Original(record.line(), record.text(), false));
    }
    List<Split> splits =
        byFile.keySet().stream().map(file -> new Split(file, "", file, 0)).toList();
    return SourceInput.pushed(
        splits, (split, sink) -> connector.reread(split.key(), byFile.get(split.key()), sink));
  }

  private List<CompiledRule> rules(Instant batchIngestedAt) {
    // The late-event rule judges a record as it was judged when its batch landed.
    Optional<CompiledRule> late = compiler.late(source, batchIngestedAt);
    if (late.isEmpty()) {
      return compiled.rules();
    }
    List<CompiledRule> rules = new ArrayList<>(compiled.rules());
    rules.add(late.get());
    return rules;
  }

  /** The files of {@code files} (of {@code source}'s clean table) holding rows of {@code day}. */
  static List<DataFile> inDay(SourceDef source, List<DataFile> files, LocalDate day) {
    long epochDay = day.toEpochDay();
    boolean hours = source.granularity() == SourceDef.Granularity.HOUR;
    List<DataFile> selected = new ArrayList<>();
    for (DataFile file : files) {
      // The event-time partition comes first (LakeLayout.clean): days or hours since the epoch.
      if (file.partition().isEmpty() || !(file.partition().get(0) instanceof Number value)) {
        continue;
      }
      long partition = value.longValue();
      if ((hours ? Math.floorDiv(partition, 24) : partition) == epochDay) {
        selected.add(file);
      }
    }
    return selected;
  }

  /** Whether the step's marker is in the clean table (the step committed). */
  boolean committed(String step) {
    return hasMarker(table(LakeLayout.CLEAN), step);
  }

  /**
   * Replaces the clean partition of {@code day} with the derived rows (see the class comment).
   *
   * @param step the marker of this step's commits
   */
  DayResult replaceDay(LocalDate day, String step) {
    LakeTable clean = table(LakeLayout.CLEAN);
    LakeTable quarantine = table(LakeLayout.QUARANTINE);
    List<DataFile> before = inDay(declared, clean.files(), day);
    List<DataFile> after = inDay(declared, derivedClean, day);
    long removed = before.stream().mapToLong(DataFile::recordCount).sum();
    long added = after.stream().mapToLong(DataFile::recordCount).sum();
    if (hasMarker(clean, step)) {
      return new DayResult(0, 0, 0, 0);
    }
    boolean quarantined = quarantinedBefore(quarantine, clean, step, day);
    String tag = "backfill-" + backfillId + "-" + day.toString().replace("-", "");
    record Work(List<DataFile> rejected, long rejectedRows, Set<String> resolved) {}
    Work work =
        exclusive.run(
            () -> {
              Set<String> rejectedIds = new TreeSet<>(identities(before, clean, "before"));
              rejectedIds.removeAll(derivedIds);
              rejectedIds.retainAll(rawById.keySet());
              List<DataFile> rejected = new ArrayList<>();
              long rows = 0;
              if (!rejectedIds.isEmpty() && !quarantined) {
                Path directory = quarantine.newDataDirectory(tag);
                Map<String, List<RawRecord>> byBatch = new TreeMap<>();
                for (String id : rejectedIds) {
                  RawRecord record = rawById.get(id);
                  byBatch.computeIfAbsent(record.batch(), b -> new ArrayList<>()).add(record);
                }
                int call = 0;
                try (SourceConnector connector = connectors.apply(source, compiled.fields())) {
                  for (Map.Entry<String, List<RawRecord>> batch : byBatch.entrySet()) {
                    List<RawRecord> records = new ArrayList<>(batch.getValue());
                    records.sort(
                        Comparator.comparing(RawRecord::file).thenComparing(RawRecord::line));
                    Path part = scratch.resolve(tag + "-" + call);
                    IngestResult result =
                        ingest(
                            connector,
                            batch.getKey(),
                            records,
                            derivedClean,
                            clean,
                            part.resolve("clean"),
                            directory.resolve(Integer.toString(call)),
                            part.resolve("raw"));
                    call++;
                    rejected.addAll(result.quarantine());
                    rows += result.rowsQuarantined();
                  }
                }
              }
              return new Work(rejected, rows, resolvedKeys(quarantine, clean, after));
            });
    if (!work.rejected().isEmpty()) {
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put(STEP, step);
      summary.put(PipelineRunner.ROWS_QUARANTINED, Long.toString(work.rejectedRows()));
      quarantine.append(work.rejected(), summary);
    }
    // Kept from now on, even if the commit fails: a commit whose outcome is unknown may have
    // landed, and a file it references must not be deleted (a failed one leaves orphans).
    kept.addAll(after.stream().map(DataFile::path).toList());
    if (!before.isEmpty() || !after.isEmpty() || !work.resolved().isEmpty()) {
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put(STEP, step);
      summary.put(ROWS_REMOVED, Long.toString(removed));
      summary.put(ROWS_ADDED, Long.toString(added));
      // Rows changed in place: incremental models that read this table rebuild whole.
      summary.put(PipelineRunner.MERGE_REPLACED_FILES, Integer.toString(before.size()));
      if (!work.resolved().isEmpty()) {
        summary.put(QuarantineReplay.RESOLVED, StateStore.toJson(work.resolved()));
      }
      clean.replace(before, after, summary);
    }
    return new DayResult(removed, added, work.rejectedRows(), work.resolved().size());
  }

  /**
   * The keys of the quarantined rows, not resolved yet, whose record now lands in {@code landing}.
   */
  private Set<String> resolvedKeys(LakeTable quarantine, LakeTable clean, List<DataFile> landing) {
    if (landing.isEmpty() || quarantine.files().isEmpty()) {
      return Set.of();
    }
    String q = "q_" + declared.name();
    String d = "d_" + declared.name();
    engine.exposeLakeRelations(
        List.of(
            new LakeRelation(
                SCRATCH_SCHEMA,
                q,
                quarantine.columns(),
                quarantine.files().stream().map(DataFile::path).toList()),
            new LakeRelation(
                SCRATCH_SCHEMA,
                d,
                clean.columns(),
                landing.stream().map(DataFile::path).toList())));
    QueryResult result =
        engine.query(
            "SELECT DISTINCT "
                + LakeViews.key(engine.dialect(), quoted("_batch"))
                + " FROM "
                + quoted(SCRATCH_SCHEMA)
                + "."
                + quoted(q)
                + " WHERE EXISTS (SELECT 1 FROM "
                + quoted(SCRATCH_SCHEMA)
                + "."
                + quoted(d)
                + " d WHERE d._batch = "
                + quoted(q)
                + "._batch AND d._file = "
                + quoted(q)
                + "._file AND d._line = "
                + quoted(q)
                + "._line)",
            Integer.MAX_VALUE);
    Set<String> keys = new TreeSet<>();
    for (List<Object> row : result.rows()) {
      keys.add((String) row.get(0));
    }
    keys.removeAll(BatchHistory.of(clean.snapshots()).resolved());
    return keys;
  }

  /** The record identities of the rows of {@code files} (clean rows). */
  private Set<String> identities(List<DataFile> files, LakeTable clean, String name) {
    if (files.isEmpty()) {
      return Set.of();
    }
    String relation = name + "_" + declared.name();
    engine.exposeLakeRelations(
        List.of(
            new LakeRelation(
                SCRATCH_SCHEMA,
                relation,
                clean.columns(),
                files.stream().map(DataFile::path).toList())));
    QueryResult result =
        engine.query(
            "SELECT DISTINCT _batch, _file, _line FROM "
                + quoted(SCRATCH_SCHEMA)
                + "."
                + quoted(relation),
            Integer.MAX_VALUE);
    Set<String> ids = new HashSet<>();
    for (List<Object> row : result.rows()) {
      ids.add(
          identity((String) row.get(0), (String) row.get(1), ((Number) row.get(2)).longValue()));
    }
    return ids;
  }

  /**
   * Deletes the derived files no step committed and the scratch folder: called once the backfill's
   * steps of this source are over. A crash leaves them, as orphans that {@code sluice maintain}
   * removes.
   */
  void cleanUp() {
    if (derivedClean != null) {
      for (DataFile file : derivedClean) {
        if (!kept.contains(file.path())) {
          try {
            Files.deleteIfExists(Path.of(file.path()));
          } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot delete the uncommitted backfill file " + file.path(), e);
          }
        }
      }
    }
    ScratchFolder.deleteQuietly(scratch, "the backfill");
  }

  private LakeTable table(String namespace) {
    return lake.load(new TableId(namespace, declared.name()))
        .orElseThrow(
            () ->
                SluiceException.user(
                    "Nothing of source '%s' has landed yet (no %s table): run `sluice run` before"
                        + " backfilling it",
                    declared.name(), namespace));
  }

  /**
   * Whether the day's rejected rows are in quarantine already: this step appended them, or a step
   * of the day (of any round or backfill) did and died before its clean commit, which would have
   * taken the rows out of clean. Appending them again would quarantine them twice.
   */
  private boolean quarantinedBefore(
      LakeTable quarantine, LakeTable clean, String step, LocalDate day) {
    Set<String> done = new HashSet<>();
    for (Snapshot snapshot : clean.snapshots()) {
      String marker = snapshot.summary().get(STEP);
      if (marker != null) {
        done.add(marker);
      }
    }
    String suffix = "/" + declared.name() + "/" + day;
    for (Snapshot snapshot : quarantine.snapshots()) {
      String marker = snapshot.summary().get(STEP);
      if (marker != null
          && (marker.equals(step) || (marker.endsWith(suffix) && !done.contains(marker)))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasMarker(LakeTable table, String step) {
    return table.snapshots().stream().anyMatch(s -> step.equals(s.summary().get(STEP)));
  }

  private String quoted(String identifier) {
    return engine.dialect().quote(identifier);
  }
}
