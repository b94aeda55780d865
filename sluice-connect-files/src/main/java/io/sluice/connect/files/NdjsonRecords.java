package io.sluice.connect.files;

import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceField;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Observes JSON object records handed over one at a time as UTF-8 bytes (pushed records, read from
 * a log), finding the same fields and kinds as {@link JsonRecords.Observer} does with a JSON parser
 * for each, but straight from the bytes ({@link NdjsonObserver}, which backs the one-pass scan of
 * NDJSON files); and tells for each record whether it may stand as one line of an NDJSON file an
 * engine reads itself (see {@link #add}). One split at a time, one thread.
 */
public final class NdjsonRecords {
  private final NdjsonObserver observer =
      new NdjsonObserver(
          new JsonSchemaScanner(StandardCharsets.UTF_8, FilesConnector.MAX_RECORD_SIZE));

  /**
   * Observes one record, {@code bytes[from, to)}.
   *
   * @return whether the record, as it is, is one NDJSON line that an engine reads as exactly this
   *     record: it starts with <code>{</code>, is valid UTF-8, holds no control byte but tab (no LF
   *     or CR: a JSON array's element may span lines), and is at most 1 MiB
   */
  public boolean add(byte[] bytes, int from, int to) {
    if (NdjsonPrescan.isOneLine(bytes, from, to)) {
      observer.lines(bytes, from, to);
      return true;
    }
    observer.record(new String(bytes, from, to - from, StandardCharsets.UTF_8));
    return false;
  }

  /**
   * Whether every field's path is made of plain object keys, which an engine's JSON paths address;
   * a numeric or otherwise unusual segment may mean an array index to the connector's own reader,
   * so such a source is not handed to the engine as NDJSON.
   */
  public static boolean pathsAreObjectKeys(List<SourceField> fields) {
    return fields.stream()
        .allMatch(
            f ->
                java.util.Arrays.stream(f.path().split("\\.", -1))
                    .allMatch(segment -> segment.matches("[A-Za-z_][A-Za-z0-9_$-]*")));
  }

  /** The fields seen so far, in the order first seen. */
  public List<ObservedField> fields() {
    return observer.fields();
  }
}
