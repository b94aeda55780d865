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
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import io.sluice.core.rules.CompiledSource;
import io.sluice.core.rules.RuleCompiler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a source's quarantined rows: reads their original texts again through the source's
 * connector and runs them through the current functions, mapping and rules, exactly as a batch
 * does; the rows that now pass land in clean, the others stay in quarantine as they are.
 *
 * <p><b>Exactly once.</b> A quarantined row is identified by its key (the batch that quarantined
 * it, its line, a hash of its text and its file; see {@link LakeViews#key}). A replay is one batch
 * with a new batch id and one commit: the clean append that adds the landed rows carries, in its
 * summary, the keys of the rows it landed ({@link #RESOLVED}). A replay only reads rows whose key
 * is not in the clean table's history (read through checkpoints, which fold the keys), so a row
 * lands at most once: a second replay finds its key, a replay that crashed before its commit left
 * nothing but unreferenced files. The replay holds the run lock, so no run or other replay commits
 * in between, and it refuses to start while a batch of the source is unfinished (its intent would
 * expect the batch id a replay would take).
 */
public final class QuarantineReplay {
  private static final Logger LOG = LoggerFactory.getLogger(QuarantineReplay.class);

  /** Keys of the quarantined rows a replay landed (JSON array), on its clean commit. */
  public static final String RESOLVED = "sluice.replay.resolved";

  /** Quarantined rows a replay read again. */
  public static final String ROWS_REPLAYED = "sluice.replay.rows-replayed";

  /** Quarantined rows a replay landed in clean. */
  public static final String ROWS_LANDED = "sluice.replay.rows-landed";

  private static final String OPERATION = "sluice.operation";
  private static final String SCRATCH_SCHEMA = "sluice_replay";

  /** Rules under which a record was quarantined before the record functions ran on it. */
  private static final Set<String> BEFORE_FUNCTIONS = Set.of("parse", "function", "dropped");

  private final Project project;
  private final Engine engine;
  private final Lake lake;
  private final BiFunction<SourceDef, List<SourceField>, SourceConnector> connectors;
  private final StateStore state;
  private final Clock clock;
  private final RuleCompiler compiler;

  public QuarantineReplay(
      Project project,
      Engine engine,
      Lake lake,
      BiFunction<SourceDef, List<SourceField>, SourceConnector> connectors,
      Clock clock) {
    this.project = project;
    this.engine = engine;
    this.lake = lake;
    this.connectors = connectors;
    this.state = new StateStore(project.stateDirectory());
    this.clock = clock;
    this.compiler = new RuleCompiler(engine.dialect());
  }

  /**
   * What a replay did (or, for a dry run, would do).
   *
   * @param source the source
   * @param batchId the replay's batch id; empty when nothing landed (or a dry run)
   * @param replayed quarantined rows read again
   * @param landed rows that now pass, landed in clean
   * @param stillQuarantined rows that still fail and stay in quarantine
   * @param failuresByRule failures of the rows that stay, per rule ({@code range(amount)})
   * @param dryRun whether nothing was committed
   * @param millis wall time
   */
  public record Result(
      String source,
      String batchId,
      long replayed,
      long landed,
      long stillQuarantined,
      Map<String, Long> failuresByRule,
      boolean dryRun,
      long millis) {
    public Result {
      failuresByRule = java.util.Collections.unmodifiableMap(new TreeMap<>(failuresByRule));
    }
  }

  /**
   * Replays the quarantined rows of {@code sourceName}, or only those that failed {@code rule}.
   *
   * @throws SluiceException (USER) for an unknown source, a source that has not run, an unfinished
   *     batch, or while another process holds the run lock
   */
  // The run lock is held for the duration of the try block and never referenced inside it.
  @SuppressWarnings("try")
  public Result replay(String sourceName, Optional<String> rule, boolean dryRun) {
    SourceDef source =
        project
            .source(sourceName)
            .orElseThrow(
                () ->
                    SluiceException.user(
                        "No source '%s' in the project%s",
                        sourceName,
                        DidYouMean.hint(
                            sourceName, project.sources().stream().map(SourceDef::name).toList())));
    try (AutoCloseable lock = state.lock()) {
      return replay(source, rule, dryRun);
    } catch (SluiceException e) {
      throw e;
    } catch (Exception e) {
      throw SluiceException.internal("Replay failed: " + e.getMessage(), e);
    }
  }

  private Result replay(SourceDef source, Optional<String> rule, boolean dryRun) {
    Instant start = clock.instant();
    if (source.merges()) {
      // A replayed change is older than what landed since for its key: merging it would bring an
      // old value back, appending it would break one row per key.
      throw SluiceException.user(
          "Source '%s' declares a primary-key: quarantine replay does not support merged sources"
              + " yet (a replayed change could undo a later one). Fix the input and have the"
              + " source read it again; see docs/primary-keys.md",
          source.name());
    }
    Optional<StateStore.Intent> pending = state.intent(source.name());
    if (pending.isPresent()) {
      throw SluiceException.user(
          "Source '%s' has an unfinished batch %s: run `sluice run` to finish it before replaying",
          source.name(), pending.get().batchId());
    }
    Optional<LakeTable> cleanTable = lake.load(new TableId(LakeLayout.CLEAN, source.name()));
    Optional<LakeTable> quarantineTable =
        lake.load(new TableId(LakeLayout.QUARANTINE, source.name()));
    if (cleanTable.isEmpty() || quarantineTable.isEmpty()) {
      throw SluiceException.user(
          "Nothing of source '%s' has landed yet: run `sluice run` first", source.name());
    }
    // With the columns schema evolution added: replayed rows read them too.
    source = SchemaDrift.effective(source, cleanTable.get().columns());
    LakeTable clean = lake.createOrLoad(LakeLayout.clean(source));
    LakeTable quarantine = quarantineTable.get();
    LakeTable raw = lake.createOrLoad(LakeLayout.raw(source));
    CompiledSource compiled = compiler.compile(source);
    BatchHistory history = BatchHistory.of(clean.snapshots());
    Map<String, List<Row>> byBatch = candidates(source, quarantine, history.resolved(), rule);
    long replayed = byBatch.values().stream().mapToLong(List::size).sum();
    if (replayed == 0) {
      return new Result(source.name(), "", 0, 0, 0, Map.of(), dryRun, millisSince(start));
    }
    String batchId = history.nextBatchId();
    SourceConnector connector = connectors.apply(source, compiled.fields());
    Path scratch = project.stateDirectory().resolve("tmp").resolve("replay-" + batchId);
    Path cleanDirectory = dryRun ? scratch.resolve("clean") : clean.newDataDirectory(batchId);
    List<DataFile> landedFiles = new ArrayList<>();
    Set<String> resolved = new TreeSet<>();
    Map<String, Long> failures = new TreeMap<>();
    long stillQuarantined = 0;
    boolean committed = false;
    if (PipelineRunner.hasRelationships(source)) {
      // Rows that failed a relationships rule pass once the referenced rows have landed.
      LakeViews.expose(project, lake, engine);
    }
    try {
      List<DataFile> existing = new ArrayList<>(clean.files());
      int call = 0;
      for (Map.Entry<String, List<Row>> entry : byBatch.entrySet()) {
        String original = entry.getKey();
        List<Row> rows = entry.getValue();
        Path part = scratch.resolve(Integer.toString(call));
        IngestResult result =
            engine.ingest(
                new IngestRequest(
                    source.name(),
                    batchId,
                    compiled.fieldNames(),
                    input(connector, rows),
                    compiled.columns(),
                    rules(source, compiled, ingestedAt(quarantine, original, start)),
                    existing,
                    new TableTarget(raw.columns(), List.of(), part.resolve("raw")),
                    new TableTarget(
                        clean.columns(),
                        clean.partitioning(),
                        cleanDirectory.resolve(Integer.toString(call))),
                    new TableTarget(quarantine.columns(), List.of(), part.resolve("quarantine"))));
        call++;
        if (result.rowsRead() != rows.size()) {
          throw SluiceException.internal(
              String.format(
                  "Replaying %d quarantined rows of batch %s of source '%s' gave %d records: the"
                      + " connector must give one record per original",
                  rows.size(), original, source.name(), result.rowsRead()),
              null);
        }
        Set<String> failing = failingKeys(quarantine, original, result.quarantine());
        for (Row row : rows) {
          if (!failing.contains(row.key())) {
            resolved.add(row.key());
          }
        }
        result.failuresByRule().forEach((name, count) -> failures.merge(name, count, Long::sum));
        stillQuarantined += result.rowsQuarantined();
        existing.addAll(result.clean());
        landedFiles.addAll(result.clean());
      }
      long landed = replayed - stillQuarantined;
      if (dryRun || landed == 0) {
        return new Result(
            source.name(),
            "",
            replayed,
            landed,
            stillQuarantined,
            failures,
            dryRun,
            millisSince(start));
      }
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put(PipelineRunner.BATCH_ID, batchId);
      summary.put(PipelineRunner.INGESTED_AT, start.toString());
      summary.put(OPERATION, "replay");
      summary.put(ROWS_REPLAYED, Long.toString(replayed));
      summary.put(ROWS_LANDED, Long.toString(landed));
      summary.put(RESOLVED, StateStore.toJson(resolved));
      clean.append(landedFiles, summary);
      committed = true;
      LakeViews.expose(project, lake, engine);
      return new Result(
          source.name(),
          batchId,
          replayed,
          landed,
          stillQuarantined,
          failures,
          false,
          millisSince(start));
    } finally {
      connector.close();
      // The scratch relations pointed at files about to be deleted.
      engine.exposeLakeRelations(
          List.of(
              new LakeRelation(SCRATCH_SCHEMA, "failed", quarantine.columns(), List.of()),
              new LakeRelation(
                  SCRATCH_SCHEMA, "q_" + source.name(), quarantine.columns(), List.of())));
      ScratchFolder.deleteQuietly(scratch, "the replay");
      if (!committed && !dryRun) {
        ScratchFolder.deleteQuietly(cleanDirectory, "the replay");
      }
    }
  }

  /** One quarantined row to replay. */
  private record Row(String file, long line, String text, String rules, String key) {
    /** Whether the text is what the functions produced (they ran on it and kept it). */
    boolean transformed() {
      for (String rule : rules.split(",")) {
        if (BEFORE_FUNCTIONS.contains(rule)) {
          return false;
        }
      }
      return true;
    }
  }

  /** The rows still in quarantine (not resolved), by the batch that quarantined them. */
  private Map<String, List<Row>> candidates(
      SourceDef source, LakeTable quarantine, Set<String> resolved, Optional<String> rule) {
    String relation = "q_" + source.name();
    engine.exposeLakeRelations(
        List.of(
            new LakeRelation(
                SCRATCH_SCHEMA,
                relation,
                quarantine.columns(),
                quarantine.files().stream().map(DataFile::path).toList())));
    QueryResult result =
        engine.query(
            "SELECT _batch, _file, _line, _record, _rules, "
                + LakeViews.key(engine.dialect(), "_batch")
                + ", _errors FROM "
                + quoted(SCRATCH_SCHEMA)
                + "."
                + quoted(relation)
                + " ORDER BY _batch, _file, _line",
            Integer.MAX_VALUE);
    if (rule.isPresent()) {
      Set<String> quarantined = new TreeSet<>();
      for (List<Object> values : result.rows()) {
        quarantined.addAll(FailedRules.names((String) values.get(6)));
      }
      FailedRules.requireKnown(
          source.name(),
          rule.get(),
          FailedRules.known(compiler.compile(source).rules(), quarantined));
    }
    Map<String, List<Row>> byBatch = new TreeMap<>();
    for (List<Object> values : result.rows()) {
      if (rule.isPresent() && !FailedRules.selectsAny(rule.get(), (String) values.get(6))) {
        continue;
      }
      Row row =
          new Row(
              (String) values.get(1),
              ((Number) values.get(2)).longValue(),
              values.get(3) == null ? "" : (String) values.get(3),
              values.get(4) == null ? "" : (String) values.get(4),
              (String) values.get(5));
      if (!resolved.contains(row.key())) {
        byBatch.computeIfAbsent((String) values.get(0), b -> new ArrayList<>()).add(row);
      }
    }
    return byBatch;
  }

  /** One split per file, each read again from its rows' texts, in the order of the rows. */
  private static SourceInput input(SourceConnector connector, List<Row> rows) {
    Map<String, List<SourceConnector.Original>> byFile = new LinkedHashMap<>();
    for (Row row : rows) {
      byFile
          .computeIfAbsent(row.file(), f -> new ArrayList<>())
          .add(new SourceConnector.Original(row.line(), row.text(), row.transformed()));
    }
    List<Split> splits =
        byFile.keySet().stream().map(file -> new Split(file, "", file, 0)).toList();
    return SourceInput.pushed(
        splits,
        (split, sink) -> {
          List<SourceConnector.Original> originals = byFile.get(split.key());
          StoredText stored = new StoredText(split.key(), originals, sink);
          connector.reread(split.key(), originals, stored);
          stored.finish();
        });
  }

  /**
   * Stages every record with the text it has in quarantine, whatever the connector made of it (the
   * functions may rewrite a record they rejected before), so that a row quarantined again has the
   * key of the row it came from. Checks the {@link SourceConnector#reread} contract: one event per
   * original, in order.
   */
  private static final class StoredText implements RecordSink {
    private final String split;
    private final List<SourceConnector.Original> originals;
    private final RecordSink delegate;
    private int next;

    StoredText(String split, List<SourceConnector.Original> originals, RecordSink delegate) {
      this.split = split;
      this.originals = originals;
      this.delegate = delegate;
    }

    private String text(long position) {
      if (next >= originals.size() || originals.get(next).position() != position) {
        throw SluiceException.internal(
            String.format(
                "The connector re-read record %d of '%s' out of turn (expected %s)",
                position,
                split,
                next < originals.size() ? "position " + originals.get(next).position() : "none"),
            null);
      }
      return originals.get(next++).text();
    }

    @Override
    public void record(long position, String original, String[] values) {
      delegate.record(position, text(position), values);
    }

    @Override
    public void malformed(long position, String original, String reason) {
      delegate.malformed(position, text(position), reason);
    }

    @Override
    public void rejected(long position, String original, String rule, String reason) {
      delegate.rejected(position, text(position), rule, reason);
    }

    void finish() {
      if (next != originals.size()) {
        throw SluiceException.internal(
            String.format(
                "The connector re-read %d of the %d quarantined records of '%s'",
                next, originals.size(), split),
            null);
      }
    }
  }

  /** The keys of the rows an engine quarantined again (as keys of batch {@code original}). */
  private Set<String> failingKeys(
      LakeTable quarantine, String original, List<DataFile> quarantined) {
    if (quarantined.isEmpty()) {
      return Set.of();
    }
    engine.exposeLakeRelations(
        List.of(
            new LakeRelation(
                SCRATCH_SCHEMA,
                "failed",
                quarantine.columns(),
                quarantined.stream().map(DataFile::path).toList())));
    QueryResult result =
        engine.query(
            "SELECT DISTINCT "
                + LakeViews.key(engine.dialect(), engine.dialect().literal(original))
                + " FROM "
                + quoted(SCRATCH_SCHEMA)
                + "."
                + quoted("failed"),
            Integer.MAX_VALUE);
    Set<String> keys = new HashSet<>();
    for (List<Object> row : result.rows()) {
      keys.add((String) row.get(0));
    }
    return keys;
  }

  /**
   * When batch {@code batchId} was ingested (its quarantine commit), so that the late-event rule
   * judges a replayed row as it judged it first; the replay's start when that commit has expired.
   */
  private static Instant ingestedAt(LakeTable quarantine, String batchId, Instant fallback) {
    for (Snapshot snapshot : quarantine.snapshots()) {
      if (batchId.equals(snapshot.summary().get(PipelineRunner.BATCH_ID))) {
        String at = snapshot.summary().get(PipelineRunner.INGESTED_AT);
        return at != null ? Instant.parse(at) : Instant.ofEpochMilli(snapshot.timestampMillis());
      }
    }
    return fallback;
  }

  private List<CompiledRule> rules(SourceDef source, CompiledSource compiled, Instant ingestedAt) {
    Optional<CompiledRule> late = compiler.late(source, ingestedAt);
    if (late.isEmpty()) {
      return compiled.rules();
    }
    List<CompiledRule> rules = new ArrayList<>(compiled.rules());
    rules.add(late.get());
    return rules;
  }

  private String quoted(String identifier) {
    return engine.dialect().quote(identifier);
  }

  private long millisSince(Instant start) {
    return clock.instant().toEpochMilli() - start.toEpochMilli();
  }
}
