package io.sluice.connect.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.Secrets;
import io.sluice.api.SluiceException;
import io.sluice.api.log.IngestLog;
import io.sluice.api.log.LogRecord;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.PushSettings;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.connect.files.JsonRecords;
import io.sluice.connect.files.NdjsonRecords;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code stream} source: JSON object records pushed over HTTP into the project's ingest log, one
 * stream per source (named after it). Each partition of the stream is a split that runs from the
 * committed offset to the end of what is durable (at most {@code max-batch-records} over all
 * partitions); its position is the offset after its last record. A record's position is its log
 * offset.
 *
 * <p>Planning releases to the log every record below the committed positions, so that retention may
 * delete them: they are in the lake.
 *
 * <p>Without record functions, one read of a split from the log both observes its fields and copies
 * its records byte for byte, one per line, into an NDJSON file that the engine reads itself ({@link
 * #nativeFormat}), instead of this connector parsing every record ({@link #read}). A split with a
 * record that cannot stand as one line (a JSON array's element that spans lines) is read record by
 * record, so that quarantine keeps each record's exact text. A copy lives in the state folder's
 * {@code tmp} until its batch commits, the next plan, or {@link #close}; copies a crashed process
 * left behind are deleted by the first copy this process makes.
 */
final class StreamConnector implements SourceConnector {
  static final String SPLIT_PREFIX = "partition-";
  private static final Pattern LOCATION =
      Pattern.compile("stream:([^/]+)/(\\d+)@(\\d+)\\.\\.(\\d+)");
  private static final int READ_CHUNK = 8192;

  private static final String COPY_SUFFIX = ".ndjson";

  /** The folders of copies cleared of an earlier process's leftovers, by this process. */
  private static final Set<Path> CLEARED = ConcurrentHashMap.newKeySet();

  private final String stream;
  private final Supplier<IngestLog> log;
  private final RecordTransform transform;
  private final JsonRecords json;
  private final SourceContext context;
  private final int maxBatchRecords;
  // An engine's JSON paths address object keys only; a numeric segment may mean an array index.
  private final boolean jsonPathsAreKeys;
  private final Path copies;
  // What the one read of each split found, by split key, until its batch commits or the next plan.
  private final Map<String, Pass> passes = new HashMap<>();

  StreamConnector(SourceContext context) {
    this.stream = context.sourceName();
    this.log = context.ingestLog();
    this.transform = context.transform();
    this.json = JsonRecords.of(stream, context.fields());
    this.context = context;
    this.jsonPathsAreKeys = NdjsonRecords.pathsAreObjectKeys(context.fields());
    this.copies = context.stateDirectory().resolve("tmp");
    Object max = context.options().getOrDefault("max-batch-records", 1_000_000);
    this.maxBatchRecords = ((Number) max).intValue();
    if (maxBatchRecords < 1) {
      throw SluiceException.user(
          "Source '%s': max-batch-records must be at least 1, got %d", stream, maxBatchRecords);
    }
  }

  /**
   * The token and partition key pushes use, the token read from its variable or file now (so that a
   * {@code run} that only drains the log needs no token).
   */
  private static PushSettings push(SourceContext context) {
    Map<String, Object> options = context.options();
    Optional<String> token = Optional.empty();
    if (!"none".equals(options.getOrDefault(StreamSpec.AUTH.name(), "token"))) {
      Optional<String> variable =
          Optional.ofNullable((String) options.get(StreamSpec.TOKEN_ENV.name()));
      Optional<String> file =
          Optional.ofNullable((String) options.get(StreamSpec.TOKEN_FILE.name()));
      if (variable.isEmpty() && file.isEmpty()) {
        throw SluiceException.user(
            "Source '%s': a stream source needs a bearer token for its pushes: set"
                + " stream.token-env or stream.token-file, or stream.auth: none",
            context.sourceName());
      }
      token =
          Optional.of(
              Secrets.read(
                  "Source '" + context.sourceName() + "'",
                  "stream.token",
                  context.sourceFile().toString(),
                  "the bearer token that pushes to the stream carry",
                  variable,
                  file.map(f -> context.projectDirectory().resolve(f).normalize()),
                  context.environment()));
    }
    return new PushSettings(
        token, Optional.ofNullable((String) options.get(StreamSpec.PARTITION_KEY.name())));
  }

  @Override
  public Optional<PushSettings> push() {
    return Optional.of(push(context));
  }

  @Override
  public SplitPlan plan(Map<String, String> committed) {
    forgetPasses();
    IngestLog ingestLog = log.get();
    int partitions = ingestLog.partitions(stream);
    long[] from = new long[partitions];
    long[] waiting = new long[partitions];
    long total = 0;
    for (int p = 0; p < partitions; p++) {
      String position = committed.get(SPLIT_PREFIX + p);
      long start = ingestLog.startOffset(stream, p);
      if (position != null) {
        long offset = Long.parseLong(position);
        ingestLog.release(stream, p, offset);
        if (offset < start) {
          throw SluiceException.internal(
              String.format(
                  "Stream '%s' partition %d: the lake has records up to offset %d, but the ingest"
                      + " log starts at %d: records were deleted before they were landed",
                  stream, p, offset, start),
              null);
        }
        start = offset;
      }
      from[p] = start;
      waiting[p] = Math.max(0, ingestLog.endOffset(stream, p) - start);
      total += waiting[p];
    }
    List<Split> splits = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      if (waiting[p] == 0) {
        continue;
      }
      // Over the cap, every partition gets its share of the batch, in proportion to its backlog.
      long take =
          total <= maxBatchRecords
              ? waiting[p]
              : Math.max(1, (long) ((double) waiting[p] * maxBatchRecords / total));
      long end = from[p] + take;
      splits.add(
          new Split(
              SPLIT_PREFIX + p,
              Long.toString(end),
              "stream:" + stream + "/" + p + "@" + from[p] + ".." + end,
              0));
    }
    return new SplitPlan(splits, List.of());
  }

  @Override
  public void committed(Map<String, String> positions) {
    IngestLog ingestLog = log.get();
    positions.forEach(
        (key, position) -> {
          Pass pass = passes.remove(key);
          if (pass != null) {
            pass.delete();
          }
          if (key.startsWith(SPLIT_PREFIX)) {
            ingestLog.release(
                stream,
                Integer.parseInt(key.substring(SPLIT_PREFIX.length())),
                Long.parseLong(position));
          }
        });
  }

  /** Deletes the copies made for earlier splits; none is needed once a new plan is made. */
  private void forgetPasses() {
    passes.values().forEach(Pass::delete);
    passes.clear();
  }

  /** Deletes the copies this connector made. */
  @Override
  public void close() {
    forgetPasses();
  }

  /**
   * NDJSON, the split's records copied byte for byte one per line, at {@link NativeFormat#PATH},
   * the first line's position its first offset; empty with record functions, with fields that are
   * not plain object keys, or when a record cannot stand as one line.
   */
  @Override
  public Optional<NativeFormat> nativeFormat(Split split) {
    requireNonNull(split, "split is null");
    if (!transform.isIdentity() || !jsonPathsAreKeys) {
      return Optional.empty();
    }
    Pass pass = pass(split);
    if (pass.copy() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new NativeFormat(
            "ndjson",
            Map.of(
                NativeFormat.PATH,
                pass.copy().toString(),
                NativeFormat.FIRST_POSITION,
                Long.toString(pass.range().from()))));
  }

  /**
   * Every leaf path of the split's records with the widest kind of value seen (as for JSON files),
   * from the read that also copies them for the engine; none when record functions reshape the
   * records.
   */
  @Override
  public Optional<List<ObservedField>> observe(Split split) {
    requireNonNull(split, "split is null");
    if (!transform.isIdentity()) {
      return Optional.empty();
    }
    return Optional.of(pass(split).fields());
  }

  /** The one read of {@code split}: made now unless made for this very split since the plan. */
  private Pass pass(Split split) {
    Pass pass = passes.get(split.key());
    if (pass != null && pass.location().equals(split.location())) {
      return pass;
    }
    if (pass != null) {
      pass.delete();
    }
    pass = read(split);
    passes.put(split.key(), pass);
    return pass;
  }

  /**
   * Reads the split once: observes every record, and copies them for the engine while each can
   * stand as one line. Small splits are copied too: a native read of 1,000 records measured no
   * dearer than reading them record by record (issue 18).
   */
  private Pass read(Split split) {
    Range range = range(split);
    // The log first: only the process that holds it clears the copies a crashed one left.
    log.get();
    NdjsonRecords observer = new NdjsonRecords();
    NdjsonCopy copy = jsonPathsAreKeys ? NdjsonCopy.create(newCopy(range)) : null;
    try {
      forEach(
          range,
          records -> {
            for (LogRecord record : records) {
              byte[] payload = record.payload();
              boolean line = observer.add(payload, 0, payload.length);
              if (copy != null && !copy.abandoned()) {
                if (line) {
                  copy.append(payload);
                } else {
                  copy.abandon();
                }
              }
            }
          });
      Path file = copy == null || copy.abandoned() ? null : copy.finish();
      return new Pass(split.location(), range, observer.fields(), file);
    } catch (RuntimeException e) {
      if (copy != null) {
        copy.abandon();
      }
      throw e;
    }
  }

  /**
   * A new file for the copy of {@code range}, in a folder cleared of a crashed process's copies.
   */
  private Path newCopy(Range range) {
    try {
      if (CLEARED.add(copies.toAbsolutePath().normalize())) {
        deleteCopies(copies);
      }
      Files.createDirectories(copies);
      return Files.createTempFile(
          copies, SPLIT_PREFIX + range.partition() + "@" + range.from() + "-", COPY_SUFFIX);
    } catch (IOException e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Source '" + stream + "': cannot create a copy of its records in " + copies + ": " + e,
          e);
    }
  }

  /** Deletes every copy in {@code folder} (left by a process that ended without deleting them). */
  private static void deleteCopies(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + COPY_SUFFIX)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public void read(Split split, RecordSink sink) {
    requireNonNull(split, "split is null");
    forEach(range(split), records -> records.forEach(record -> deliver(record, sink)));
  }

  /** The records of a split: a partition's offsets {@code [from, end)}. */
  private record Range(int partition, long from, long end) {}

  private Range range(Split split) {
    Matcher location = LOCATION.matcher(split.location());
    if (!location.matches() || !location.group(1).equals(stream)) {
      throw SluiceException.internal(
          "Source '" + stream + "': not a split of this stream: " + split.location(), null);
    }
    return new Range(
        Integer.parseInt(location.group(2)),
        Long.parseLong(location.group(3)),
        Long.parseLong(location.group(4)));
  }

  /** The split's records, in offset order, a chunk at a time. */
  private void forEach(Range range, Consumer<List<LogRecord>> action) {
    int partition = range.partition();
    long offset = range.from();
    long end = range.end();
    IngestLog ingestLog = log.get();
    while (offset < end) {
      List<LogRecord> records =
          ingestLog.read(stream, partition, offset, (int) Math.min(READ_CHUNK, end - offset));
      if (records.isEmpty()) {
        throw SluiceException.external(
            String.format(
                "Stream '%s' partition %d: records %d..%d are not in the ingest log",
                stream, partition, offset, end - 1),
            null);
      }
      action.accept(records);
      offset += records.size();
    }
  }

  /** Each original is parsed on its own, through the functions unless they already ran on it. */
  @Override
  public void reread(String splitKey, List<Original> originals, RecordSink sink) {
    requireNonNull(sink, "sink is null");
    for (Original original : originals) {
      deliver(original.position(), original.text(), original.transformed(), sink);
    }
  }

  private void deliver(LogRecord record, RecordSink sink) {
    deliver(record.offset(), new String(record.payload(), UTF_8), false, sink);
  }

  private void deliver(long offset, String original, boolean transformed, RecordSink sink) {
    RecordTransform.Result result =
        transformed ? new RecordTransform.Keep(original) : transform.apply(original);
    if (result instanceof RecordTransform.Reject reject) {
      sink.rejected(offset, original, reject.rule(), reject.message());
      return;
    }
    String text = ((RecordTransform.Keep) result).json();
    String[] values;
    try {
      values = json.extract(text);
    } catch (IOException | RuntimeException e) {
      sink.malformed(offset, text, "not a JSON object: " + e.getMessage());
      return;
    }
    sink.record(offset, text, values);
  }

  /**
   * What one read of a split found: its fields, and the copy of its records for the engine (null
   * when it has none).
   */
  private record Pass(String location, Range range, List<ObservedField> fields, Path copy) {
    void delete() {
      if (copy != null) {
        NdjsonCopy.deleteQuietly(copy);
      }
    }
  }
}
