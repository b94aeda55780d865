package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.ObservedField;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.RecordTransform;
import io.sluice.api.source.SourceConnector.Original;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the records of one local file of a source's format (CSV, JSON or Parquet), compressed or
 * not, as the {@code files} connector does: the reading other connectors of files (object storage)
 * share, so that formats, positions and quarantine are the same wherever a file comes from.
 *
 * <p>A compressed file ({@link Compression}) is read through its decompressed text: CSV as a
 * stream, JSON (whose arrays and malformed lines are read again by offset) from a decompressed copy
 * in a temporary folder, deleted when the file is read. Used from one thread at a time.
 */
public final class RecordFiles {
  private final String sourceName;
  private final FileFormat format;
  private final CsvOptions csvOptions;
  private final JsonOptions jsonOptions;
  private final List<SourceField> fields;
  private final RecordTransform transform;
  private final JsonReader jsonReader;
  private final int maxRecordSize;

  RecordFiles(
      String sourceName,
      FileFormat format,
      CsvOptions csv,
      JsonOptions json,
      List<SourceField> fields,
      RecordTransform transform,
      int maxRecordSize) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.format = requireNonNull(format, "format is null");
    this.csvOptions = requireNonNull(csv, "csv is null");
    this.jsonOptions = requireNonNull(json, "json is null");
    this.fields = List.copyOf(fields);
    this.transform = requireNonNull(transform, "transform is null");
    this.maxRecordSize = maxRecordSize;
    // Check field paths now, so that a bad path is a configuration error before any file is read.
    if (format == FileFormat.CSV && !csv.header()) {
      CsvParser.columnsWithoutHeader(sourceName, fields);
    }
    this.jsonReader =
        format == FileFormat.JSON ? new JsonReader(sourceName, json, fields, maxRecordSize) : null;
  }

  /**
   * The reading of a source whose format options are written as the {@code files} connector's are:
   * {@code format} (else told by the extension of {@code namePattern}, compression extensions
   * aside), {@code csv: {...}} and {@code json: {...}}.
   *
   * @param context the source; its fields and record functions are used
   * @param formatOptions {@code format}, {@code csv} and {@code json}, as written
   * @param namePattern the names of the files read (a glob, a prefix), for the format's default
   * @throws SluiceException (USER) naming the source and the offending option
   */
  public static RecordFiles create(
      SourceContext context, Map<String, Object> formatOptions, String namePattern) {
    Map<String, Object> options = new HashMap<>(formatOptions);
    // Only the format's default is told from the names: any name does when there are none.
    options.put(FilesOptions.PATH, namePattern.isEmpty() ? "*" : namePattern);
    FilesOptions parsed =
        FilesOptions.parse(
            new SourceContext(
                context.sourceName(), context.projectDirectory(), options, context.fields()));
    return new RecordFiles(
        context.sourceName(),
        parsed.format(),
        parsed.csv(),
        parsed.json(),
        context.fields(),
        context.transform(),
        FilesConnector.MAX_RECORD_SIZE);
  }

  /**
   * The format (its option value) that the extension of {@code name} implies, compression
   * extensions aside, if it implies one: what {@link #create} takes when no {@code format} is set.
   */
  public static Optional<String> formatOf(String name) {
    return FileFormat.fromFileName(FilesOptions.lastSegment(name)).map(FileFormat::optionValue);
  }

  /** The format's option value: {@code csv}, {@code json} or {@code parquet}. */
  public String format() {
    return format.optionValue();
  }

  /** Whether a file of this format, compressed as {@code compression}, can be read at all. */
  public Optional<String> unsupported(String key, Compression compression) {
    if (format == FileFormat.PARQUET && compression != Compression.NONE) {
      return Optional.of(
          String.format(
              "Source '%s': file '%s' is a %s-compressed Parquet file; Parquet compresses its"
                  + " pages itself, so Sluice reads Parquet files only uncompressed (.gz and .zst"
                  + " apply to CSV and JSON)",
              sourceName, key, compression.label()));
    }
    return Optional.empty();
  }

  /**
   * Reads every record of {@code file} into {@code sink}.
   *
   * @param key the split's key, for messages
   * @param file the file, on local disk
   * @param compression how it is compressed
   * @param tempDirectory where a decompressed copy may be kept while reading, created on demand
   * @throws IOException when the file cannot be read, or its compressed data is corrupt ({@link
   *     Compression.CorruptException})
   */
  public void read(
      String key, Path file, Compression compression, Path tempDirectory, RecordSink sink)
      throws IOException {
    requireNonNull(sink, "sink is null");
    checkSupported(key, compression);
    switch (format) {
      case CSV:
        try (ReadableByteChannel channel = open(file, compression)) {
          new CsvParser(sourceName, key, csvOptions, fields, channel, maxRecordSize).parse(sink);
        }
        break;
      case JSON:
        RecordSink target =
            transform.isIdentity() ? sink : new TransformingSink(transform, jsonReader, sink);
        try (Decompressed plain = decompressed(file, compression, tempDirectory)) {
          jsonReader.read(plain.file(), target);
        }
        break;
      case PARQUET:
        throw new SluiceException(
            ErrorCategory.INTERNAL,
            String.format(
                "Source '%s': the engine must read parquet natively (file '%s'); Sluice does not"
                    + " read parquet record by record",
                sourceName, key));
    }
  }

  /**
   * The fields {@code file} has: a CSV header's names (type {@code text}), none for CSV without a
   * header; JSON's leaf paths with the widest kind of value seen, scanning the whole file (empty
   * when record functions reshape records); Parquet's leaf columns, from its footer.
   */
  public Optional<List<ObservedField>> observe(
      String key, Path file, Compression compression, Path tempDirectory) throws IOException {
    checkSupported(key, compression);
    switch (format) {
      case CSV:
        if (!csvOptions.header()) {
          return Optional.empty();
        }
        try (ReadableByteChannel channel = open(file, compression)) {
          return new CsvParser(sourceName, key, csvOptions, fields, channel, maxRecordSize)
              .headerNames()
              .map(names -> names.stream().map(n -> new ObservedField(n, "text")).toList());
        }
      case JSON:
        if (!transform.isIdentity()) {
          // Functions reshape records: the raw file's fields are not what the columns read.
          return Optional.empty();
        }
        try (Decompressed plain = decompressed(file, compression, tempDirectory)) {
          return Optional.of(
              new JsonSchemaScanner(jsonOptions.encoding(), maxRecordSize)
                  .scan(plain.file(), jsonReader.startsWithArray(plain.file())));
        }
      case PARQUET:
        return Optional.of(ParquetSchemaReader.read(file));
      default:
        return Optional.empty();
    }
  }

  /** Whether reading CSV records again needs the header of their file. */
  public boolean rereadNeedsFile() {
    return format == FileFormat.CSV && csvOptions.header();
  }

  /** Opens a file for {@link #reread}: the raw, possibly compressed bytes of a split's file. */
  @FunctionalInterface
  public interface FileOpener {
    InputStream open() throws IOException;
  }

  /**
   * Reads quarantined records again ({@link io.sluice.api.source.SourceConnector#reread}). JSON:
   * each original is parsed on its own; records the functions have not seen yet go through them
   * first. CSV: each original is parsed on its own after its file's header (read again with {@code
   * file} when {@link #rereadNeedsFile}).
   *
   * @param file opens the split's file, raw; compressed as {@code compression}
   */
  public void reread(
      String key,
      List<Original> originals,
      RecordSink sink,
      FileOpener file,
      Compression compression)
      throws IOException {
    requireNonNull(sink, "sink is null");
    switch (format) {
      case JSON:
        for (Original original : originals) {
          RecordSink target =
              original.transformed() || transform.isIdentity()
                  ? sink
                  : new TransformingSink(transform, jsonReader, sink);
          jsonReader.readRecord(original.position(), original.text(), target);
        }
        break;
      case CSV:
        rereadCsv(key, originals, sink, file, compression);
        break;
      case PARQUET:
        throw SluiceException.user(
            "Source '%s' reads Parquet files: its quarantined records cannot be replayed (only"
                + " CSV and JSON records can)",
            sourceName);
    }
  }

  private void rereadCsv(
      String key, List<Original> originals, RecordSink sink, FileOpener file, Compression c)
      throws IOException {
    CsvOptions csv = csvOptions;
    String header = "";
    if (csv.header()) {
      try (ReadableByteChannel channel = Channels.newChannel(c.decompress(file.open()))) {
        header =
            new CsvParser(sourceName, key, csv, fields, channel, maxRecordSize)
                    .header()
                    .orElseThrow(
                        () ->
                            SluiceException.user(
                                "Source '%s': cannot replay the records of '%s': the file has no"
                                    + " header any more",
                                sourceName, key))
                + "\n";
      }
    }
    CsvOptions single =
        new CsvOptions(
            csv.header(),
            csv.delimiter(),
            csv.quote(),
            csv.escape(),
            csv.encoding(),
            csv.nullValue(),
            0);
    for (Original original : originals) {
      byte[] text = (header + original.text() + "\n").getBytes(csv.encoding());
      OneRecordSink one = new OneRecordSink(original, sink);
      new CsvParser(
              sourceName,
              key,
              single,
              fields,
              Channels.newChannel(new ByteArrayInputStream(text)),
              maxRecordSize)
          .parse(one);
      one.finish();
    }
  }

  private void checkSupported(String key, Compression compression) {
    unsupported(key, compression)
        .ifPresent(
            message -> {
              throw SluiceException.user("%s", message);
            });
  }

  private static ReadableByteChannel open(Path file, Compression compression) throws IOException {
    if (compression == Compression.NONE) {
      return FileChannel.open(file, StandardOpenOption.READ);
    }
    return Channels.newChannel(compression.decompress(Files.newInputStream(file)));
  }

  /** {@code file} itself, or a decompressed copy of it deleted on close. */
  private static Decompressed decompressed(Path file, Compression compression, Path tempDirectory)
      throws IOException {
    if (compression == Compression.NONE) {
      return new Decompressed(file, false);
    }
    Files.createDirectories(tempDirectory);
    Path copy = Files.createTempFile(tempDirectory, ".decompressed-", ".tmp");
    try (InputStream in = compression.decompress(Files.newInputStream(file));
        OutputStream out = Files.newOutputStream(copy)) {
      in.transferTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    return new Decompressed(copy, true);
  }

  private record Decompressed(Path file, boolean temporary) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (temporary) {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * Passes on what the parser made of one original, at the original's position; anything but
   * exactly one record (the text held none, or several) is reported malformed.
   */
  private static final class OneRecordSink implements RecordSink {
    private final Original original;
    private final RecordSink delegate;
    private int seen;
    private String[] values;
    private String reason;

    OneRecordSink(Original original, RecordSink delegate) {
      this.original = original;
      this.delegate = delegate;
    }

    @Override
    public void record(long position, String text, String[] values) {
      seen++;
      this.values = values;
    }

    @Override
    public void malformed(long position, String text, String reason) {
      seen++;
      this.reason = reason;
    }

    void finish() {
      if (seen != 1) {
        delegate.malformed(
            original.position(),
            original.text(),
            seen == 0 ? "the record is empty" : "the text holds " + seen + " CSV records, not one");
      } else if (reason != null) {
        delegate.malformed(original.position(), original.text(), reason);
      } else {
        delegate.record(original.position(), original.text(), values);
      }
    }
  }
}
