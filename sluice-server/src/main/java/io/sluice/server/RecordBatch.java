package io.sluice.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The records of one request body: a JSON array of objects (or one object), or NDJSON (one object
 * per line). Each record is kept as the exact bytes it was sent as.
 *
 * <p>Request-level problems (a body that is not JSON at all, too many records, a record over the
 * size limit) fail the whole request; a record that is not a valid JSON object (NDJSON lines, array
 * elements that are not objects) is rejected on its own and the others are accepted.
 */
final class RecordBatch {
  enum Format {
    JSON,
    NDJSON
  }

  /**
   * A record refused on its own.
   *
   * @param index its index in the request (0-based, counting every record)
   * @param line its line in the body (1-based), or 0 for a JSON array element
   * @param reason why
   */
  record Rejected(int index, long line, String reason) {}

  private final List<Rejected> rejected = new ArrayList<>();
  private byte[] body;
  // The accepted records, kept as slices of the body: record i is body[bounds[2i], bounds[2i+1]).
  private int[] bounds = new int[64];
  private String[] keys; // the accepted records' partition keys (or null); null without a key path
  private int accepted;
  private final JsonFactory factory;
  private final int maxRecordBytes;
  private final int maxRecords;
  private final String[] keyPath; // null: no partition key
  private final byte[][] keyNames; // keyPath in UTF-8, for JsonScan.key
  private int count;

  private RecordBatch(JsonFactory factory, int maxRecordBytes, int maxRecords, String keyPath) {
    this.factory = factory;
    this.maxRecordBytes = maxRecordBytes;
    this.maxRecords = maxRecords;
    this.keyPath = keyPath == null ? null : keyPath.split("\\.", -1);
    if (this.keyPath == null) {
      this.keyNames = null;
    } else {
      this.keyNames = new byte[this.keyPath.length][];
      for (int i = 0; i < this.keyPath.length; i++) {
        this.keyNames[i] = this.keyPath[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
    }
  }

  /** The number of accepted records. */
  int accepted() {
    return accepted;
  }

  /** The request body the accepted records are slices of. */
  byte[] body() {
    return body;
  }

  /**
   * The accepted records' slices of {@link #body()}: record i is {@code body[bounds[2i], bounds[2i
   * + 1])}, for i below {@link #accepted()}.
   */
  int[] bounds() {
    return bounds;
  }

  /** The partition key of accepted record i, or null (always null without a key path). */
  String key(int i) {
    return keys == null ? null : keys[i];
  }

  List<Rejected> rejected() {
    return rejected;
  }

  int count() {
    return count;
  }

  /**
   * Splits a body into records.
   *
   * @param keyPath dotted JSON path of the partition key, or null
   * @throws HttpError 400 for a body that is not JSON, 413 for a limit
   */
  static RecordBatch parse(
      JsonFactory factory,
      byte[] body,
      int length,
      Format format,
      int maxRecordBytes,
      int maxRecords,
      String keyPath)
      throws HttpError {
    RecordBatch batch = new RecordBatch(factory, maxRecordBytes, maxRecords, keyPath);
    batch.body = body;
    if (format == Format.NDJSON) {
      batch.readLines(body, length);
    } else {
      batch.readJson(body, length);
    }
    if (batch.count == 0) {
      throw new HttpError(400, "the body holds no records");
    }
    return batch;
  }

  private void readLines(byte[] body, int length) throws HttpError {
    int start = skipByteOrderMark(body, length);
    long line = 0;
    while (start < length) {
      int end = start;
      while (end < length && body[end] != '\n') {
        end++;
      }
      line++;
      int from = start;
      int to = end;
      while (from < to && isSpace(body[from])) {
        from++;
      }
      while (to > from && isSpace(body[to - 1])) {
        to--;
      }
      if (to > from) {
        record(body, from, to, line);
      }
      start = end + 1;
    }
  }

  private void record(byte[] body, int from, int to, long line) throws HttpError {
    int index = nextIndex();
    checkSize(index, to - from);
    if (JsonScan.skipObject(body, from, to) == to) {
      accept(body, from, to);
      return;
    }
    // Not plainly valid: Jackson's verdict (and its message) stands.
    int bad = Utf8.firstInvalid(body, from, to);
    if (bad >= 0) {
      rejected.add(
          new Rejected(index, line, "invalid UTF-8 at byte " + (bad - from + 1) + " of the line"));
      return;
    }
    try (JsonParser parser = factory.createParser(body, from, to - from)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        rejected.add(new Rejected(index, line, "not a JSON object but " + kind(first)));
        return;
      }
      parser.skipChildren();
      JsonToken after = parser.nextToken();
      if (after != null) {
        rejected.add(
            new Rejected(
                index,
                line,
                "unexpected "
                    + kind(after)
                    + " after the object at column "
                    + parser.currentTokenLocation().getColumnNr()));
        return;
      }
    } catch (JsonProcessingException e) {
      rejected.add(new Rejected(index, line, "malformed JSON: " + describe(e)));
      return;
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
    accept(body, from, to);
  }

  private void readJson(byte[] body, int length) throws HttpError {
    int start = skipByteOrderMark(body, length);
    if (readJsonQuickly(body, start, length)) {
      return;
    }
    accepted = 0;
    count = 0;
    int bad = Utf8.firstInvalid(body, start, length);
    if (bad >= 0) {
      throw new HttpError(400, "the body is not valid UTF-8 (at byte " + (bad + 1) + ")");
    }
    try (JsonParser parser = factory.createParser(body, start, length - start)) {
      JsonToken first = parser.nextToken();
      if (first == JsonToken.START_OBJECT) {
        int from = start + (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        int to = start + (int) parser.currentLocation().getByteOffset();
        expectEnd(parser, "object");
        int index = nextIndex();
        checkSize(index, to - from);
        accept(body, from, to);
        return;
      }
      if (first != JsonToken.START_ARRAY) {
        throw new HttpError(
            400,
            "a JSON body must be an array of objects or one object, not "
                + kind(first)
                + " (send NDJSON with Content-Type: application/x-ndjson)");
      }
      while (true) {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_ARRAY) {
          break;
        }
        int index = nextIndex();
        int from = start + (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        int to = start + (int) parser.currentLocation().getByteOffset();
        checkSize(index, to - from);
        if (token != JsonToken.START_OBJECT) {
          rejected.add(new Rejected(index, 0, "not a JSON object but " + kind(token)));
          continue;
        }
        accept(body, from, to);
      }
      expectEnd(parser, "array");
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "malformed JSON body: " + describe(e));
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
  }

  /**
   * Reads a JSON body in one pass with {@link JsonScan}; false, having maybe accepted some records,
   * when the body is anything but a valid array of valid objects (or one object) within the limits:
   * Jackson then reads it again to say what is wrong, or to take what the quick pass leaves to it.
   */
  private boolean readJsonQuickly(byte[] body, int start, int length) {
    int i = JsonScan.space(body, start, length);
    if (i < length && body[i] == '{') {
      int end = JsonScan.skipObject(body, i, length);
      if (end < 0 || JsonScan.space(body, end, length) != length || !fits(end - i)) {
        return false;
      }
      count++;
      accept(body, i, end);
      return true;
    }
    if (i >= length || body[i] != '[') {
      return false;
    }
    i = JsonScan.space(body, i + 1, length);
    if (i < length && body[i] == ']') {
      return false; // no records: Jackson's pass answers it
    }
    while (true) {
      int end = JsonScan.skipObject(body, i, length);
      if (end < 0 || !fits(end - i)) {
        return false;
      }
      count++;
      accept(body, i, end);
      i = JsonScan.space(body, end, length);
      if (i >= length) {
        return false;
      }
      if (body[i] == ']') {
        return JsonScan.space(body, i + 1, length) == length;
      }
      if (body[i] != ',') {
        return false;
      }
      i = JsonScan.space(body, i + 1, length);
    }
  }

  /** Whether one more record of this size is within the limits (else the full pass says so). */
  private boolean fits(int bytes) {
    return count < maxRecords && bytes <= maxRecordBytes;
  }

  private static void expectEnd(JsonParser parser, String what) throws IOException, HttpError {
    JsonToken after = parser.nextToken();
    if (after != null) {
      JsonLocation at = parser.currentTokenLocation();
      throw new HttpError(
          400,
          "unexpected "
              + kind(after)
              + " after the "
              + what
              + " at line "
              + at.getLineNr()
              + " column "
              + at.getColumnNr());
    }
  }

  private int nextIndex() throws HttpError {
    if (count == maxRecords) {
      throw new HttpError(
          413,
          "the request holds more than "
              + maxRecords
              + " records (serve.max-records-per-request); split it");
    }
    return count++;
  }

  private void checkSize(int index, int bytes) throws HttpError {
    if (bytes > maxRecordBytes) {
      throw new HttpError(
          413,
          "record "
              + index
              + " is "
              + bytes
              + " bytes, more than the limit of "
              + maxRecordBytes
              + " (serve.max-record-bytes)");
    }
  }

  private void accept(byte[] body, int from, int to) {
    String key = null;
    if (keyPath != null) {
      try {
        key = JsonScan.key(body, from, to, keyNames);
        if (key == JsonScan.UNDECIDED) {
          key = keyOf(body, from, to - from);
        }
      } catch (IOException e) {
        throw new IllegalStateException("a validated record failed to parse", e);
      }
    }
    if (2 * accepted + 2 > bounds.length) {
      bounds = Arrays.copyOf(bounds, 2 * bounds.length);
    }
    bounds[2 * accepted] = from;
    bounds[2 * accepted + 1] = to;
    if (keyPath != null) {
      if (keys == null || accepted == keys.length) {
        keys = Arrays.copyOf(keys == null ? new String[0] : keys, Math.max(16, 2 * accepted));
      }
      keys[accepted] = key;
    }
    accepted++;
  }

  /** The scalar at the key path, as text; null when it is missing, null or not a scalar. */
  private String keyOf(byte[] body, int offset, int length) throws IOException {
    try (JsonParser parser = factory.createParser(body, offset, length)) {
      parser.nextToken();
      int depth = 0;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!name.equals(keyPath[depth])) {
          parser.skipChildren();
          continue;
        }
        if (depth == keyPath.length - 1) {
          return value.isScalarValue() && value != JsonToken.VALUE_NULL ? parser.getText() : null;
        }
        if (value != JsonToken.START_OBJECT) {
          return null;
        }
        depth++;
      }
      return null;
    }
  }

  private static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    return (newline >= 0 ? message.substring(0, newline) : message) + where;
  }

  private static String kind(JsonToken token) {
    if (token == null) {
      return "the end of the input";
    }
    switch (token) {
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      case START_OBJECT:
        return "an object";
      default:
        return token.name().toLowerCase(Locale.ROOT);
    }
  }

  private static int skipByteOrderMark(byte[] body, int length) {
    return length >= 3
            && (body[0] & 0xFF) == 0xEF
            && (body[1] & 0xFF) == 0xBB
            && (body[2] & 0xFF) == 0xBF
        ? 3
        : 0;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
