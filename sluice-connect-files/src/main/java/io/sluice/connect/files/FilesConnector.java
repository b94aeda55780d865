package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.NativeFormat;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@code files} source: plans files as splits and reads CSV and JSON record by record. */
final class FilesConnector implements SourceConnector {
  /**
   * The largest record kept in memory: chars of a CSV record, bytes of an NDJSON line, chars of a
   * JSON array element. Larger ones are reported malformed with their start.
   */
  static final int MAX_RECORD_SIZE = 16 * 1024 * 1024;

  private final String sourceName;
  private final FilesOptions options;
  private final List<SourceField> fields;
  private final FileLister lister;
  private final SplitPlanner planner;
  private final RecordFiles files;
  private final Path tempDirectory;
  private final RecordTransform transform;
  private final int maxRecordSize;
  // An engine's JSON paths address object keys only; a numeric segment may mean an array index.
  private final boolean jsonPathsAreKeys;
  // What planning learnt of each split's file, by location: read once, asked of several times.
  private final Map<String, FileScan> scans = new ConcurrentHashMap<>();

  FilesConnector(SourceContext context, FilesOptions options, int maxRecordSize) {
    this.sourceName = context.sourceName();
    this.options = requireNonNull(options, "options is null");
    this.fields = context.fields();
    this.transform = context.transform();
    this.maxRecordSize = maxRecordSize;
    this.jsonPathsAreKeys = NdjsonRecords.pathsAreObjectKeys(fields);
    this.lister = new FileLister(sourceName, context.projectDirectory(), options.path());
    this.planner =
        new SplitPlanner(
            sourceName, context.projectDirectory(), lister, options.onChange(), this::scan);
    this.tempDirectory = context.stateDirectory().resolve("tmp");
    this.files =
        new RecordFiles(
            sourceName,
            options.format(),
            options.csv(),
            options.json(),
            fields,
            transform,
            maxRecordSize);
  }

  /**
   * Plans the new files, reading each once (in parallel): for its fingerprint and, for NDJSON read
   * as is, for what {@link #nativeFormat} and {@link #observe} answer next about the same split.
   */
  @Override
  public SplitPlan plan(Map<String, String> committed) {
    SplitPlanner.Planned planned = planner.planScanned(committed);
    planned
        .plan()
        .splits()
        .forEach(split -> scans.put(split.location(), planned.scans().get(split.key())));
    return planned.plan();
  }

  /** How the planner reads a file: in one pass with its NDJSON checks when they apply. */
  private FileScan scan(Path file, long size, long modifiedMillis) throws IOException {
    if (!observesNdjson(file)) {
      return FileScan.fingerprint(file, size, modifiedMillis);
    }
    JsonSchemaScanner scanner = new JsonSchemaScanner(options.json().encoding(), maxRecordSize);
    return FileScan.ndjson(
        file,
        size,
        modifiedMillis,
        new FileScan.JsonScan() {
          @Override
          public JsonSchemaScanner fallback() {
            return scanner;
          }

          @Override
          public List<ObservedField> scan(Path file) throws IOException {
            return files
                .observe(planner.key(file), file, Compression.NONE, tempDirectory)
                .orElseThrow();
          }
        });
  }

  /**
   * Whether a file's fields are JSON leaf paths found line by line from its UTF-8 bytes: what the
   * one-pass scan observes. Other files are observed when asked, by {@link RecordFiles}.
   */
  private boolean observesNdjson(Path file) {
    return options.format() == FileFormat.JSON
        && transform.isIdentity()
        && Compression.ofName(file.toString()) == Compression.NONE
        && options.json().encoding().equals(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The scan of a split's file made while planning it, if it is of this very file version. */
  private Optional<FileScan> planned(Split split) {
    FileScan scan = scans.get(split.location());
    return scan != null && scan.fingerprint().position().equals(split.position())
        ? Optional.of(scan)
        : Optional.empty();
  }

  /** The first files by key, unread. */
  @Override
  public List<Split> sample(int max) {
    return lister.list().stream()
        .map(
            listed ->
                new Split(planner.key(listed.file()), "", listed.file().toString(), listed.size()))
        .sorted(java.util.Comparator.comparing(Split::key))
        .limit(max)
        .toList();
  }

  @Override
  public Optional<NativeFormat> nativeFormat(Split split) {
    requireNonNull(split, "split is null");
    Compression compression = Compression.ofName(split.location());
    Optional<String> unsupported = files.unsupported(split.key(), compression);
    if (unsupported.isPresent()) {
      throw SluiceException.user("%s", unsupported.get());
    }
    if (options.format() == FileFormat.PARQUET) {
      return Optional.of(new NativeFormat("parquet", Map.of()));
    }
    // A compressed file is read by the connector, through its decompressed text.
    if (compression == Compression.NONE
        && options.format() == FileFormat.JSON
        && jsonPathsAreKeys
        && transform.isIdentity()
        && options.json().encoding().equals(java.nio.charset.StandardCharsets.UTF_8)) {
      try {
        Optional<FileScan> planned = planned(split).filter(scan -> scan.fields() != null);
        boolean readable =
            planned.isPresent()
                ? planned.get().engineReadable()
                : NdjsonPrescan.engineReadable(Path.of(split.location()));
        if (readable) {
          return Optional.of(new NativeFormat("ndjson", Map.of()));
        }
      } catch (IOException e) {
        throw new SluiceException(
            ErrorCategory.EXTERNAL,
            "Cannot read " + split.key() + " of source '" + sourceName + "': " + e.getMessage(),
            e);
      }
    }
    return Optional.empty();
  }

  /**
   * CSV: the header's column names (type {@code text}); none for a file without a header. JSON:
   * every leaf path with the widest kind of value seen, scanning the whole file (its records as
   * read, before record functions). Parquet: every leaf column of the file's schema, read from its
   * footer alone (nested columns as dotted paths, lists as {@code array}).
   */
  @Override
  public Optional<List<ObservedField>> observe(Split split) {
    requireNonNull(split, "split is null");
    Optional<List<ObservedField>> planned =
        planned(split).map(FileScan::fields).filter(fields -> fields != null);
    if (planned.isPresent()) {
      return planned;
    }
    Path file = Path.of(split.location());
    try {
      if (observesNdjson(file)) {
        // Not planned here (a recovered batch, sluice validate): one pass, kept for nativeFormat.
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        FileScan scan = scan(file, attributes.size(), attributes.lastModifiedTime().toMillis());
        scans.put(split.location(), scan);
        return Optional.of(scan.fields());
      }
      return files.observe(split.key(), file, Compression.ofName(split.location()), tempDirectory);
    } catch (IOException e) {
      throw cannotRead(split, file, e);
    }
  }

  @Override
  public void read(Split split, RecordSink sink) {
    requireNonNull(split, "split is null");
    requireNonNull(sink, "sink is null");
    Path file = Path.of(split.location());
    try {
      files.read(split.key(), file, Compression.ofName(split.location()), tempDirectory, sink);
    } catch (IOException e) {
      throw cannotRead(split, file, e);
    }
  }

  private SluiceException cannotRead(Split split, Path file, IOException e) {
    String why;
    if (e instanceof NoSuchFileException) {
      why = "it no longer exists, although it did when the batch was planned";
    } else if (e instanceof AccessDeniedException) {
      why = "permission denied";
    } else {
      why = e.getMessage();
    }
    return SluiceException.external(
        String.format(
            "Source '%s': cannot read file '%s' (%s): %s", sourceName, split.key(), file, why),
        e);
  }

  /**
   * JSON: each original is parsed on its own; records the functions have not seen yet (rejected by
   * them, or unparseable) go through the functions first. CSV: each original is parsed on its own
   * after the header of its file (read again from the file, which must still exist when the source
   * has a header), so that fields are found by header name exactly as in the first read.
   */
  @Override
  public void reread(String splitKey, List<Original> originals, RecordSink sink) {
    requireNonNull(splitKey, "splitKey is null");
    requireNonNull(sink, "sink is null");
    Path file = planner.location(splitKey);
    try {
      files.reread(
          splitKey,
          originals,
          sink,
          () -> Files.newInputStream(file),
          Compression.ofName(file.getFileName().toString()));
    } catch (NoSuchFileException e) {
      throw SluiceException.user(
          "Source '%s': cannot replay the quarantined CSV records of '%s': the file is gone, and"
              + " its header is needed to find the columns",
          sourceName, splitKey);
    } catch (IOException e) {
      throw SluiceException.external(
          String.format(
              "Source '%s': cannot read the quarantined records of '%s' again: %s",
              sourceName, splitKey, e),
          e);
    }
  }
}
