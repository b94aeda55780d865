package io.sluice.connect.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
final class StreamConnector implements SourceConnector {
  static final String SPLIT_PREFIX = "partition-";
  private static final Pattern LOCATION =
      Pattern.compile("stream:([^/]+)/(\\d+)@(\\d+)\\.\\.(\\d+)");
  private static final int READ_CHUNK = 8192;

  private final String stream;
  private final Supplier<IngestLog> log;
  private final RecordTransform transform;
  private final JsonRecords json;
  private final SourceContext context;
  private final int maxBatchRecords;

  StreamConnector(SourceContext context) {
    this.stream = context.sourceName();
    this.log = context.ingestLog();
    this.transform = context.transform();
    this.json = JsonRecords.of(stream, context.fields());
    this.context = context;
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
          if (key.startsWith(SPLIT_PREFIX)) {
            ingestLog.release(
                stream,
                Integer.parseInt(key.substring(SPLIT_PREFIX.length())),
                Long.parseLong(position));
          }
        });
  }

  @Override
  public Optional<NativeFormat> nativeFormat(Split split) {
    return Optional.empty();
  }

  /**
   * Every leaf path of the split's records with the widest kind of value seen (as for JSON files),
   * reading the split from the log once more; none when record functions reshape the records.
   */
  @Override
  public Optional<List<ObservedField>> observe(Split split) {
    requireNonNull(split, "split is null");
    if (!transform.isIdentity()) {
      return Optional.empty();
    }
    JsonRecords.Observer observer = new JsonRecords.Observer();
    forEach(split, record -> observer.add(new String(record.payload(), UTF_8)));
    return Optional.of(observer.fields());
  }

  @Override
  public void read(Split split, RecordSink sink) {
    requireNonNull(split, "split is null");
    forEach(split, record -> deliver(record, sink));
  }

  /** The split's records, in offset order. */
  private void forEach(Split split, Consumer<LogRecord> action) {
    Matcher location = LOCATION.matcher(split.location());
    if (!location.matches() || !location.group(1).equals(stream)) {
      throw SluiceException.internal(
          "Source '" + stream + "': not a split of this stream: " + split.location(), null);
    }
    int partition = Integer.parseInt(location.group(2));
    long offset = Long.parseLong(location.group(3));
    long end = Long.parseLong(location.group(4));
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
      records.forEach(action);
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
}
