package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceField;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads JSON files: NDJSON (one object per line), or, when the first non-blank character of the
 * file is {@code [}, one JSON array of objects. Each NDJSON line is checked and parsed on its own,
 * so a bad line is reported and reading goes on; in an array, an element with a syntax error is
 * reported and reading goes on after it when its end can be told by brackets and quotes ({@link
 * ArrayElementEnd}), otherwise the rest of the file is reported as one malformed input.
 *
 * <p>Thread-safe: it keeps no state between files.
 */
final class JsonReader {
  private static final Pattern START_MARKER =
      Pattern.compile("\\s*\\(start marker at \\[Source: [^\\]]*\\]\\)");
  private static final Pattern SOURCE = Pattern.compile("\\s*(at )?\\[Source: [^\\]]*\\]");

  private final String sourceName;
  private final Charset encoding;
  private final boolean utf8;
  private final int maxLineBytes;
  private final JsonFactory factory;
  private final JsonFields fields;

  JsonReader(String sourceName, JsonOptions options, List<SourceField> fields, int maxLineBytes) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.encoding = options.encoding();
    this.utf8 = encoding.equals(StandardCharsets.UTF_8);
    this.maxLineBytes = maxLineBytes;
    this.factory =
        JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    this.fields = new JsonFields(sourceName, fields, factory);
  }

  void read(Path file, RecordSink sink) throws IOException {
    if (startsWithArray(file)) {
      readArray(file, sink);
    } else {
      readLines(file, sink);
    }
  }

  /** The field values of one JSON object record, given as text. */
  String[] extract(String json) throws IOException {
    try (JsonParser parser = factory.createParser(json)) {
      parser.nextToken();
      return fields.extract(parser);
    }
  }

  boolean startsWithArray(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      long offset = 0;
      while (channel.read(buffer) >= 0 || buffer.position() > 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          int b = buffer.get() & 0xFF;
          if (offset < 3 && utf8 && (b == 0xEF || b == 0xBB || b == 0xBF)) {
            offset++;
            continue; // a byte order mark
          }
          offset++;
          if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
            return b == '[';
          }
        }
        buffer.clear();
      }
      return false;
    }
  }

  private void readLines(Path file, RecordSink sink) throws IOException {
    CharsetDecoder decoder = utf8 ? null : strictDecoder();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteLines lines = new ByteLines(channel, maxLineBytes);
      while (lines.next()) {
        long line = lines.lineNumber();
        if (lines.tooLong()) {
          sink.malformed(
              line,
              new String(lines.truncated(), encoding),
              String.format(
                  "the line is %d bytes long, more than the limit of %d bytes; only its first %d"
                      + " bytes are kept",
                  lines.tooLongLength(), maxLineBytes, lines.truncated().length));
          continue;
        }
        byte[] bytes = lines.buffer();
        int start = lines.start();
        int end = lines.end();
        if (line == 1 && utf8 && hasByteOrderMark(bytes, start, end)) {
          start += 3;
        }
        if (isBlank(bytes, start, end)) {
          continue;
        }
        readLine(line, bytes, start, end, lines.offset() + (start - lines.start()), decoder, sink);
      }
    }
  }

  private void readLine(
      long line,
      byte[] bytes,
      int start,
      int end,
      long offset,
      CharsetDecoder decoder,
      RecordSink sink)
      throws IOException {
    String original;
    JsonParser parser;
    if (utf8) {
      int bad = Utf8.firstInvalid(bytes, start, end);
      original = new String(bytes, start, end - start, StandardCharsets.UTF_8);
      if (bad >= 0) {
        sink.malformed(
            line,
            original,
            String.format(
                "byte 0x%02X at byte offset %d (column %d) is not valid UTF-8",
                bytes[bad] & 0xFF, offset + (bad - start), bad - start + 1));
        return;
      }
      // Jackson guesses UTF-16 or UTF-32 from NUL bytes among the first four: the file is UTF-8.
      parser =
          hasNul(bytes, start, Math.min(end, start + 4))
              ? factory.createParser(original)
              : factory.createParser(bytes, start, end - start);
    } else {
      decoder.reset();
      ByteBuffer in = ByteBuffer.wrap(bytes, start, end - start);
      CharBuffer out = CharBuffer.allocate((int) ((end - start) * decoder.maxCharsPerByte()) + 1);
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        sink.malformed(
            line,
            new String(bytes, start, end - start, encoding),
            String.format(
                "byte 0x%02X at byte offset %d (column %d) is not valid %s",
                bytes[in.position()] & 0xFF,
                offset + (in.position() - start),
                in.position() - start + 1,
                encoding.name()));
        return;
      }
      decoder.flush(out);
      original = out.flip().toString();
      parser = factory.createParser(original);
    }
    parseObject(line, original, parser, sink);
  }

  /**
   * Parses one record from its text, as a line of an NDJSON file would be (the text may span lines:
   * an element of a JSON array). Invalid JSON or a non-object is reported malformed.
   */
  void readRecord(long position, String original, RecordSink sink) throws IOException {
    parseObject(position, original, factory.createParser(original), sink);
  }

  private void parseObject(long line, String original, JsonParser parser, RecordSink sink)
      throws IOException {
    String[] values = null;
    String reason;
    try (parser) {
      JsonToken token = parser.nextToken();
      if (token != JsonToken.START_OBJECT) {
        reason = "expected a JSON object, found " + kind(token);
      } else {
        values = fields.extract(parser);
        reason =
            parser.nextToken() == null
                ? null
                : "expected one JSON object on the line, but more follows at column "
                    + parser.currentTokenLocation().getColumnNr();
      }
    } catch (JsonProcessingException e) {
      reason = describe(e, false);
    }
    if (reason != null) {
      sink.malformed(line, original, reason);
    } else {
      sink.record(line, original, values);
    }
  }

  private void readArray(Path file, RecordSink sink) throws IOException {
    byte[] head = new byte[4];
    int headLength;
    try (InputStream in = Files.newInputStream(file)) {
      headLength = in.readNBytes(head, 0, head.length);
    }
    // As for lines: NUL bytes at the start would make Jackson guess another encoding than UTF-8.
    boolean decode = !utf8 || hasNul(head, 0, headLength);
    Segment segment = Segment.WHOLE_FILE;
    while (segment != null) {
      segment = readArray(file, sink, decode, segment);
    }
  }

  /**
   * Where a parser over an array file starts: the whole file, or, after a broken element was
   * skipped, the bytes from {@code offset} on with a {@code [} put before them, so that the
   * elements after the broken one are read as an array of their own.
   *
   * @param offset the file's byte offset where the parser's input starts
   * @param lineBase lines of the file before {@code offset}
   */
  private record Segment(long offset, long lineBase) {
    static final Segment WHOLE_FILE = new Segment(0, 0);

    boolean prefixed() {
      return offset > 0;
    }

    long line(JsonLocation location) {
      return lineBase + location.getLineNr();
    }

    /** The file's byte offset of a location of the parser (-1 when it has none). */
    long byteOffset(JsonLocation location) {
      long at = location.getByteOffset();
      return at < 0 ? -1 : offset + at - (prefixed() ? 1 : 0);
    }

    long column(JsonLocation location) {
      return prefixed() && location.getLineNr() == 1
          ? location.getColumnNr() - 1
          : location.getColumnNr();
    }
  }

  /**
   * Reads the array elements of one segment; returns the segment to go on with after a broken
   * element whose end can be found, or null when the file is done.
   */
  private Segment readArray(Path file, RecordSink sink, boolean decode, Segment segment)
      throws IOException {
    try (InputStream in = open(file, segment);
        JsonParser parser =
            decode
                ? factory.createParser(new InputStreamReader(in, strictDecoder()))
                : factory.createParser(in)) {
      JsonLocation resume = null;
      JsonLocation elementStart = null;
      try {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          throw new IllegalStateException("the file does not start with '['");
        }
        while (true) {
          resume = parser.currentLocation();
          elementStart = null;
          JsonToken token = parser.nextToken();
          if (token == JsonToken.END_ARRAY) {
            break;
          }
          elementStart = parser.currentTokenLocation();
          long line = segment.line(elementStart);
          LimitedWriter out = new LimitedWriter(maxLineBytes, ByteLines.TRUNCATED_BYTES);
          fields.copy(parser, out);
          if (out.overflowed()) {
            sink.malformed(
                line,
                out.toString(),
                String.format(
                    "the array element is longer than %d characters; only its first %d are kept",
                    maxLineBytes, out.length()));
          } else if (token != JsonToken.START_OBJECT) {
            sink.malformed(line, out.toString(), "expected a JSON object, found " + kind(token));
          } else {
            String text = out.toString();
            String[] values;
            try (JsonParser copy = factory.createParser(text)) {
              copy.nextToken();
              values = fields.extract(copy);
            }
            sink.record(line, text, values);
          }
        }
        elementStart = null;
        resume = parser.currentLocation();
        if (parser.nextToken() != null) {
          JsonLocation at = parser.currentTokenLocation();
          sink.malformed(
              segment.line(at),
              rest(file, segment, at),
              String.format(
                  "unexpected content after the end of the JSON array at line %d, column %d",
                  segment.line(at), segment.column(at)));
        }
        return null;
      } catch (JsonProcessingException e) {
        if (!decode && elementStart != null) {
          Segment next = skipBrokenElement(file, sink, segment, elementStart, e);
          if (next != null) {
            return next == Segment.WHOLE_FILE ? null : next;
          }
        }
        JsonLocation from = elementStart != null ? elementStart : resume;
        long line =
            elementStart != null
                ? segment.line(elementStart)
                : e.getLocation() != null ? segment.line(e.getLocation()) : 1;
        sink.malformed(
            line,
            from == null ? "" : rest(file, segment, from),
            describe(e, segment) + "; the rest of the file cannot be read as JSON");
      } catch (CharacterCodingException e) {
        JsonLocation from = elementStart != null ? elementStart : resume;
        sink.malformed(
            from == null ? 1 : segment.line(from),
            from == null ? "" : rest(file, segment, from),
            "bytes that are not valid "
                + encoding.name()
                + " (from here on, the rest of the file cannot be read)");
      }
      return null;
    }
  }

  private static InputStream open(Path file, Segment segment) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (!segment.prefixed()) {
      return in;
    }
    try {
      in.skipNBytes(segment.offset());
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(new byte[] {'['}), in);
  }

  /** The file's text from a location of a segment's parser, for a malformed input. */
  private String rest(Path file, Segment segment, JsonLocation location) throws IOException {
    if (!segment.prefixed()) {
      return restOfFile(file, location);
    }
    long at = segment.byteOffset(location);
    return at < 0 ? "" : bytesAt(file, at, ByteLines.TRUNCATED_BYTES);
  }

  /**
   * After a syntax error inside an array element: finds where the element ends by its brackets and
   * quotes alone (the error is inside it, e.g. a control character in a string or a doubled comma,
   * while its structure holds), reports the element as malformed, and returns the segment after it
   * — {@link Segment#WHOLE_FILE} when the array ended there. Returns null when the end cannot be
   * found (e.g. an unclosed string): then the rest of the file is reported as before.
   */
  private Segment skipBrokenElement(
      Path file,
      RecordSink sink,
      Segment segment,
      JsonLocation elementStart,
      JsonProcessingException e)
      throws IOException {
    long start = segment.byteOffset(elementStart);
    if (start < 0) {
      return null;
    }
    ArrayElementEnd.End end = ArrayElementEnd.find(file, start);
    if (end == null) {
      return null;
    }
    long length = end.end() - start;
    int kept = (int) Math.min(length, ByteLines.TRUNCATED_BYTES);
    String reason = describe(e, segment);
    if (kept < length) {
      reason +=
          String.format(
              " (the element is %d bytes long; only its first %d are kept)", length, kept);
    }
    long line = segment.line(elementStart);
    sink.malformed(line, bytesAt(file, start, kept), reason);
    if (!end.closed()) {
      return new Segment(end.next(), line - 1 + end.newlines());
    }
    if (end.trailingOffset() >= 0) {
      long at = line + end.newlines() + end.trailingNewlines();
      sink.malformed(
          at,
          bytesAt(file, end.trailingOffset(), ByteLines.TRUNCATED_BYTES),
          String.format("unexpected content after the end of the JSON array at line %d", at));
    }
    return Segment.WHOLE_FILE;
  }

  private String bytesAt(Path file, long offset, int max) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(offset);
      ByteBuffer buffer = ByteBuffer.allocate(max);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // keep reading
      }
      return new String(buffer.array(), 0, buffer.position(), encoding);
    }
  }

  /** Up to {@link ByteLines#TRUNCATED_BYTES} of the file's text from {@code location}. */
  private String restOfFile(Path file, JsonLocation location) throws IOException {
    int max = ByteLines.TRUNCATED_BYTES;
    if (location.getByteOffset() >= 0) {
      return bytesAt(file, location.getByteOffset(), max);
    }
    if (location.getCharOffset() >= 0) {
      try (Reader reader = new InputStreamReader(Files.newInputStream(file), encoding)) {
        long toSkip = location.getCharOffset();
        while (toSkip > 0) {
          long skipped = reader.skip(toSkip);
          if (skipped <= 0) {
            return "";
          }
          toSkip -= skipped;
        }
        char[] chars = new char[max];
        int length = 0;
        int read;
        while (length < max && (read = reader.read(chars, length, max - length)) > 0) {
          length += read;
        }
        return new String(chars, 0, length);
      }
    }
    return "";
  }

  private CharsetDecoder strictDecoder() {
    return encoding
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** Jackson's message without the location noise, with the column (and line) instead. */
  private static String describe(JsonProcessingException e, Segment segment) {
    String described = describe(e, true);
    JsonLocation location = e.getLocation();
    if (!segment.prefixed() || location == null || location.getColumnNr() <= 0) {
      return described;
    }
    return described.replaceFirst(
        " at line [0-9]+, column [0-9]+",
        " at line " + segment.line(location) + ", column " + segment.column(location));
  }

  static String describe(JsonProcessingException e, boolean withLine) {
    String message = e.getOriginalMessage();
    message = START_MARKER.matcher(message).replaceAll("");
    message = SOURCE.matcher(message).replaceAll("");
    JsonLocation location = e.getLocation();
    String where = "";
    if (location != null && location.getColumnNr() > 0) {
      where =
          withLine
              ? " at line " + location.getLineNr() + ", column " + location.getColumnNr()
              : " at column " + location.getColumnNr();
    }
    String hint =
        !withLine
                && (e instanceof JsonEOFException || message.startsWith("Unexpected end-of-input"))
            ? " (each line must hold one whole JSON object; to spread objects over several lines,"
                + " put them in one JSON array)"
            : "";
    return "invalid JSON" + where + ": " + message + hint;
  }

  private static String kind(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    switch (token) {
      case START_ARRAY:
        return "array";
      case VALUE_STRING:
        return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.asString() != null ? token.asString() : token.name();
    }
  }

  private static boolean hasByteOrderMark(byte[] bytes, int start, int end) {
    return end - start >= 3
        && (bytes[start] & 0xFF) == 0xEF
        && (bytes[start + 1] & 0xFF) == 0xBB
        && (bytes[start + 2] & 0xFF) == 0xBF;
  }

  private static boolean hasNul(byte[] bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBlank(byte[] bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Collects text up to a limit; past it, only counts that it overflowed. */
  private static final class LimitedWriter extends Writer {
    private final StringBuilder text = new StringBuilder();
    private final int limit;
    private final int keep;
    private boolean overflowed;

    LimitedWriter(int limit, int keep) {
      this.limit = limit;
      this.keep = Math.min(keep, limit);
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      if (overflowed) {
        return;
      }
      if (text.length() + length > limit) {
        overflowed = true;
        text.append(chars, offset, Math.min(length, limit - text.length()));
        text.setLength(Math.min(text.length(), keep));
        return;
      }
      text.append(chars, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    boolean overflowed() {
      return overflowed;
    }

    int length() {
      return text.length();
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
