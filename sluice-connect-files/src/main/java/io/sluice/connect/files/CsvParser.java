package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.RecordSink;
import io.sluice.api.source.SourceField;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one CSV file (RFC 4180 plus the options in {@link CsvOptions}) into a {@link RecordSink},
 * streaming: memory stays bounded by the longest record, itself capped.
 *
 * <p>A record ends at a line end outside quotes: LF, CR LF, or a lone CR (classic Mac OS), mixed
 * freely within a file, as lenient RFC 4180 readers accept them; a line end inside a quoted field
 * is part of the value. A record with no character at all (an empty line) is not a record.
 *
 * <p>Bytes are decoded strictly into a char buffer; a byte sequence that is not valid in the
 * encoding becomes U+FFFD in the buffer and is remembered, so the record containing it is reported
 * malformed with the byte offset. The parser is a state machine over the chars; records are sliced
 * out of the buffer without copying char by char, and only the requested fields become strings.
 *
 * <p>Not thread-safe; one instance reads one file.
 */
final class CsvParser {
  /** How much of an over-long record is kept as its original text. */
  static final int TRUNCATED_ORIGINAL_CHARS = 64 * 1024;

  private static final int INITIAL_CHARS = 128 * 1024;
  private static final int INPUT_BYTES = 128 * 1024;

  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  private static final int ESCAPED = 3;
  private static final int AFTER_QUOTE = 4;

  private static final byte F_QUOTED = 1;
  private static final byte F_ESCAPED = 2;

  private final String sourceName;
  private final String fileKey;
  private final CsvOptions options;
  private final List<SourceField> fields;
  private final int maxRecordChars;
  private final char delimiter;
  private final char quote;
  private final char escape;

  private final ReadableByteChannel channel;
  private final CharsetDecoder decoder;
  private final ByteBuffer in = ByteBuffer.allocate(INPUT_BYTES).flip();

  /** Absolute byte offset of {@code in}'s index 0. */
  private long inBase;

  private boolean inputEof;
  private boolean decoderFlushed;
  private final ArrayDeque<DecodeError> decodeErrors = new ArrayDeque<>();

  private char[] buf;
  private int limit;
  private int pos;

  /** Absolute char index of {@code buf[0]}. */
  private long bufBase;

  /** The next physical line's number. */
  private long line = 1;

  /** The last line ended with CR: an LF right after it belongs to that line end (CRLF). */
  private boolean pendingLf;

  // The record last returned by nextRecord().
  private int recStart;
  private int recEnd;
  private long recLine;
  private long recAbsStart;
  private long recAbsEnd;
  private int fieldCount;
  private int[] fieldStart = new int[64];
  private int[] fieldEnd = new int[64];
  private byte[] fieldFlags = new byte[64];
  private String error;
  private boolean overflowed;
  private String truncatedOriginal;

  CsvParser(
      String sourceName,
      String fileKey,
      CsvOptions options,
      List<SourceField> fields,
      ReadableByteChannel channel,
      int maxRecordChars) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.fileKey = requireNonNull(fileKey, "fileKey is null");
    this.options = requireNonNull(options, "options is null");
    this.fields = List.copyOf(fields);
    this.channel = requireNonNull(channel, "channel is null");
    if (maxRecordChars < 16) {
      throw new IllegalArgumentException("maxRecordChars is too small: " + maxRecordChars);
    }
    this.maxRecordChars = maxRecordChars;
    this.delimiter = options.delimiter();
    this.quote = options.quote();
    this.escape = options.escape();
    this.decoder =
        options
            .encoding()
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    this.buf = new char[Math.min(INITIAL_CHARS, maxRecordChars)];
  }

  /**
   * The 0-based column of each field when the file has no header: its path is {@code "3"} or {@code
   * "column3"}.
   *
   * @throws SluiceException (USER) for a path that is neither
   */
  static int[] columnsWithoutHeader(String sourceName, List<SourceField> fields) {
    int[] columns = new int[fields.size()];
    for (int i = 0; i < columns.length; i++) {
      SourceField field = fields.get(i);
      String path = field.path();
      String digits = path.startsWith("column") ? path.substring("column".length()) : path;
      int column = parseColumnNumber(digits);
      if (column < 1) {
        throw SluiceException.user(
            "Source '%s': field '%s' has path '%s', but option 'csv.header' is false, so a path"
                + " must be a column number counted from 1 ('1', '2', ...) or 'column1',"
                + " 'column2', ...",
            sourceName, field.name(), path);
      }
      columns[i] = column - 1;
    }
    return columns;
  }

  private static int parseColumnNumber(String digits) {
    if (digits.isEmpty() || digits.length() > 9 || digits.charAt(0) == '0') {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(digits);
  }

  /** Reads the whole file into {@code sink}. */
  void parse(RecordSink sink) throws IOException {
    fill();
    if (pos < limit && buf[pos] == '\uFEFF') {
      pos++;
    }
    skipLines(options.skipLines());

    int[] columns = options.header() ? null : columnsWithoutHeader(sourceName, fields);
    int expectedFields = -1;
    String expectedFrom = null;
    while (nextRecord()) {
      String decodeError = takeDecodeError();
      if (decodeError == null && isBlank()) {
        continue;
      }
      if (columns == null) {
        String reason = reason(decodeError);
        if (reason != null) {
          throw new SluiceException(
              ErrorCategory.DATA,
              String.format(
                  "Source '%s': the header of file '%s' (line %d) cannot be read: %s",
                  sourceName, fileKey, recLine, reason));
        }
        columns = mapHeader();
        expectedFields = fieldCount;
        expectedFrom = "from the header";
        continue;
      }
      String reason = reason(decodeError);
      if (reason == null && expectedFields >= 0 && fieldCount != expectedFields) {
        reason =
            String.format(
                "expected %d field%s (%s) but found %d",
                expectedFields, expectedFields == 1 ? "" : "s", expectedFrom, fieldCount);
      }
      if (reason != null) {
        sink.malformed(recLine, original(), reason);
        continue;
      }
      if (expectedFields < 0) {
        expectedFields = fieldCount;
        expectedFrom = "as on line " + recLine;
        checkColumnsExist(columns);
      }
      String[] values = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        values[i] = columns[i] < 0 ? null : value(columns[i]);
      }
      sink.record(recLine, original(), values);
    }
  }

  /**
   * The text of the file's header record (after the skipped and blank lines), as it appears in the
   * file; empty when the file holds no record.
   *
   * @throws SluiceException (DATA) when the header cannot be read
   */
  java.util.Optional<String> header() throws IOException {
    fill();
    if (pos < limit && buf[pos] == '\uFEFF') {
      pos++;
    }
    skipLines(options.skipLines());
    while (nextRecord()) {
      String decodeError = takeDecodeError();
      if (decodeError == null && isBlank()) {
        continue;
      }
      String reason = reason(decodeError);
      if (reason != null) {
        throw new SluiceException(
            ErrorCategory.DATA,
            String.format(
                "Source '%s': the header of file '%s' (line %d) cannot be read: %s",
                sourceName, fileKey, recLine, reason));
      }
      return java.util.Optional.of(original());
    }
    return java.util.Optional.empty();
  }

  /**
   * The column names of the file's header record, in order; empty when the file holds no record.
   *
   * @throws SluiceException (DATA) when the header cannot be read
   */
  java.util.Optional<List<String>> headerNames() throws IOException {
    if (header().isEmpty()) {
      return java.util.Optional.empty();
    }
    List<String> names = new ArrayList<>(fieldCount);
    for (int f = 0; f < fieldCount; f++) {
      names.add(text(f));
    }
    return java.util.Optional.of(names);
  }

  private String reason(String decodeError) {
    if (overflowed) {
      return (decodeError != null ? decodeError + "; " : error != null ? error + "; " : "")
          + "the record is longer than "
          + maxRecordChars
          + " characters; only its first "
          + Math.min(TRUNCATED_ORIGINAL_CHARS, maxRecordChars)
          + " are kept";
    }
    return decodeError != null ? decodeError : error;
  }

  private void checkColumnsExist(int[] columns) {
    for (int i = 0; i < columns.length; i++) {
      if (columns[i] >= fieldCount) {
        throw SluiceException.user(
            "Source '%s': field '%s' reads column %d, but line %d of file '%s' has only %d"
                + " field%s",
            sourceName,
            fields.get(i).name(),
            columns[i] + 1,
            recLine,
            fileKey,
            fieldCount,
            fieldCount == 1 ? "" : "s");
      }
    }
  }

  private int[] mapHeader() {
    List<String> names = new ArrayList<>(fieldCount);
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> duplicates = new HashMap<>();
    for (int f = 0; f < fieldCount; f++) {
      String name = text(f);
      names.add(name);
      Integer previous = index.putIfAbsent(name, f);
      if (previous != null) {
        duplicates.putIfAbsent(name, f);
      }
    }
    int[] columns = new int[fields.size()];
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      SourceField field = fields.get(i);
      Integer column = index.get(field.path());
      if (column == null && field.optional()) {
        // Schema drift is judged (and reported) by the runtime; here the field reads NULL.
        columns[i] = -1;
      } else if (column == null) {
        String suggestion =
            Suggestions.closest(field.path(), names)
                .map(name -> "; did you mean '" + name + "'?")
                .orElse("");
        problems.add(
            String.format(
                "no column '%s' (for field '%s')%s", field.path(), field.name(), suggestion));
      } else if (duplicates.containsKey(field.path())) {
        problems.add(
            String.format(
                "column '%s' (for field '%s') appears twice, as columns %d and %d",
                field.path(), field.name(), column + 1, duplicates.get(field.path()) + 1));
      } else {
        columns[i] = column;
      }
    }
    if (!problems.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': the header of file '%s' (line %d) has %s. The header's columns are: %s",
          sourceName, fileKey, recLine, String.join(", ", problems), String.join(", ", names));
    }
    return columns;
  }

  private boolean isBlank() {
    return !overflowed
        && error == null
        && fieldCount == 1
        && fieldFlags[0] == 0
        && fieldEnd[0] == fieldStart[0];
  }

  private String original() {
    if (overflowed) {
      return truncatedOriginal;
    }
    return new String(buf, recStart, recEnd - recStart);
  }

  /** Field {@code f} as text, with the null value applied to unquoted fields. */
  private String value(int f) {
    if (fieldFlags[f] == 0) {
      int start = recStart + fieldStart[f];
      int length = recStart + fieldEnd[f] - start;
      String nullValue = options.nullValue();
      if (length == nullValue.length() && regionEquals(start, nullValue)) {
        return null;
      }
      return new String(buf, start, length);
    }
    return text(f);
  }

  /** Field {@code f} as text, unquoted and unescaped. */
  private String text(int f) {
    int start = recStart + fieldStart[f];
    int end = recStart + fieldEnd[f];
    if ((fieldFlags[f] & F_ESCAPED) == 0) {
      return new String(buf, start, end - start);
    }
    StringBuilder text = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = buf[i];
      if (i + 1 < end) {
        char next = buf[i + 1];
        if (c == quote && next == quote) {
          text.append(quote);
          i++;
          continue;
        }
        if (c == escape && escape != quote && (next == quote || next == escape)) {
          text.append(next);
          i++;
          continue;
        }
      }
      text.append(c);
    }
    return text.toString();
  }

  private boolean regionEquals(int start, String text) {
    for (int i = 0; i < text.length(); i++) {
      if (buf[start + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void skipLines(int count) throws IOException {
    int skipped = 0;
    while (skipped < count) {
      if (pos >= limit) {
        recStart = pos;
        if (!fill()) {
          break;
        }
      }
      char c = buf[pos++];
      if (c == '\n' && pendingLf) {
        pendingLf = false;
      } else if (c == '\n' || c == '\r') {
        pendingLf = c == '\r';
        skipped++;
        line++;
      } else {
        pendingLf = false;
      }
    }
    recStart = pos;
    // Bad bytes in skipped lines do not matter: the user asked to skip them.
    while (!decodeErrors.isEmpty() && decodeErrors.peek().charIndex() < bufBase + pos) {
      decodeErrors.poll();
    }
  }

  /**
   * Parses the next record (which may be blank or malformed) into the record fields; false at the
   * end of the input.
   */
  private boolean nextRecord() throws IOException {
    if (pendingLf) {
      pendingLf = false;
      if (pos >= limit) {
        recStart = pos;
        fill();
      }
      if (pos < limit && buf[pos] == '\n') {
        pos++;
      }
    }
    final char delimiter = this.delimiter;
    final char quote = this.quote;
    final char escape = this.escape;
    recStart = pos;
    recLine = line;
    recAbsStart = bufBase + pos;
    fieldCount = 0;
    error = null;
    overflowed = false;
    truncatedOriginal = null;
    int state = FIELD_START;
    int start = 0; // relative to recStart
    int closeQuote = 0; // relative to recStart
    byte flags = 0;
    long quoteLine = 0;
    char[] b = buf;
    int i = pos;
    int lim = limit;
    while (true) {
      if (i >= lim) {
        pos = i;
        if (!fill()) {
          return endAtEof(state, start, closeQuote, flags, quoteLine);
        }
        b = buf;
        i = pos;
        lim = limit;
      }
      char c = b[i];
      switch (state) {
        case FIELD_START:
          start = i - recStart;
          if (c == quote) {
            flags = F_QUOTED;
            quoteLine = line;
            state = QUOTED;
          } else if (c == delimiter) {
            endField(start, start, (byte) 0);
          } else if (c == '\n' || c == '\r') {
            endField(start, start, (byte) 0);
            return endRecord(i);
          } else {
            flags = 0;
            state = UNQUOTED;
          }
          i++;
          break;
        case UNQUOTED:
          while (i < lim && (c = b[i]) != delimiter && c != '\n' && c != '\r') {
            i++;
          }
          if (i >= lim) {
            break;
          }
          if (c == delimiter) {
            endField(start, i - recStart, flags);
            state = FIELD_START;
            i++;
          } else {
            endField(start, i - recStart, flags);
            return endRecord(i);
          }
          break;
        case QUOTED:
          while (i < lim && (c = b[i]) != quote && c != escape && c != '\n' && c != '\r') {
            i++;
          }
          if (i >= lim) {
            break;
          }
          if (c == '\n' || c == '\r') {
            countLineEnd(b, i);
          } else if (c == quote) {
            closeQuote = i - recStart;
            state = AFTER_QUOTE;
          } else {
            flags |= F_ESCAPED;
            state = ESCAPED;
          }
          i++;
          break;
        case ESCAPED:
          if (c == '\n' || c == '\r') {
            countLineEnd(b, i);
          }
          state = QUOTED;
          i++;
          break;
        case AFTER_QUOTE:
          if (c == quote) {
            flags |= F_ESCAPED;
            state = QUOTED;
          } else if (c == delimiter) {
            endField(start + 1, closeQuote, flags);
            state = FIELD_START;
          } else if (c == '\n' || c == '\r') {
            endField(start + 1, closeQuote, flags);
            return endRecord(i);
          } else {
            afterQuoteError(c);
            state = UNQUOTED;
          }
          i++;
          break;
        default:
          throw new IllegalStateException("state " + state);
      }
    }
  }

  private void afterQuoteError(char c) {
    if (error == null) {
      error =
          String.format(
              "unexpected character '%s' after the closing quote of field %d (a quote inside a"
                  + " quoted field must be escaped as %s)",
              FilesOptions.printable(c),
              fieldCount + 1,
              escape == quote ? "" + quote + quote : "" + escape + quote);
    }
  }

  private void endField(int start, int end, byte flags) {
    if (!overflowed) {
      if (fieldCount == fieldStart.length) {
        int capacity = fieldCount * 2;
        fieldStart = Arrays.copyOf(fieldStart, capacity);
        fieldEnd = Arrays.copyOf(fieldEnd, capacity);
        fieldFlags = Arrays.copyOf(fieldFlags, capacity);
      }
      fieldStart[fieldCount] = start;
      fieldEnd[fieldCount] = end;
      fieldFlags[fieldCount] = flags;
    }
    fieldCount++;
  }

  /** Counts a line end inside a quoted field: CR, LF, or both (CRLF) as one. */
  private void countLineEnd(char[] b, int i) {
    if (b[i] == '\r' || i == recStart || b[i - 1] != '\r') {
      line++;
    }
  }

  /**
   * Ends the record at the line end at {@code newline}: LF, CR, or CR LF (the LF is skipped when
   * the next record starts, as it may not be read yet).
   */
  private boolean endRecord(int newline) {
    recEnd = newline;
    pendingLf = buf[newline] == '\r';
    line++;
    pos = newline + 1;
    recAbsEnd = bufBase + pos;
    return true;
  }

  private boolean endAtEof(int state, int start, int closeQuote, byte flags, long quoteLine) {
    int i = pos;
    if (state == FIELD_START && fieldCount == 0 && i == recStart && !overflowed) {
      return false;
    }
    recEnd = i;
    switch (state) {
      case FIELD_START:
        endField(i - recStart, i - recStart, (byte) 0);
        break;
      case UNQUOTED:
        endField(start, recEnd - recStart, flags);
        break;
      case AFTER_QUOTE:
        endField(start + 1, closeQuote, flags);
        break;
      default: // QUOTED, ESCAPED
        if (error == null) {
          error =
              String.format(
                  "unterminated quoted field: the quote that opens field %d on line %d is not"
                      + " closed before the end of the file",
                  fieldCount + 1, quoteLine);
        }
        if (recEnd > recStart && buf[recEnd - 1] == '\n') {
          recEnd--;
        }
        if (recEnd > recStart && buf[recEnd - 1] == '\r') {
          recEnd--;
        }
        endField(start, recEnd - recStart, flags);
    }
    recAbsEnd = bufBase + i;
    return true;
  }

  /** The decoding error inside the current record, if any, as a reason; drops earlier ones. */
  private String takeDecodeError() {
    while (!decodeErrors.isEmpty() && decodeErrors.peek().charIndex() < recAbsStart) {
      decodeErrors.poll();
    }
    if (decodeErrors.isEmpty() || decodeErrors.peek().charIndex() >= recAbsEnd) {
      return null;
    }
    DecodeError first = decodeErrors.poll();
    int more = 0;
    while (!decodeErrors.isEmpty() && decodeErrors.peek().charIndex() < recAbsEnd) {
      decodeErrors.poll();
      more++;
    }
    boolean one = first.bytes().indexOf(' ') < 0;
    return String.format(
        "%s %s at byte offset %d %s not valid %s%s",
        one ? "byte" : "bytes",
        first.bytes(),
        first.byteOffset(),
        one ? "is" : "are",
        options.encoding().name(),
        more == 0 ? "" : " (and " + more + " more invalid sequence" + (more == 1 ? "" : "s") + ")");
  }

  /**
   * Keeps the chars from {@code recStart}, makes room and decodes more input; false at the end of
   * the input. Shifts {@code pos} and {@code recStart} with the buffer.
   */
  private boolean fill() throws IOException {
    if (recStart > 0) {
      int keep = limit - recStart;
      System.arraycopy(buf, recStart, buf, 0, keep);
      bufBase += recStart;
      pos -= recStart;
      limit = keep;
      recStart = 0;
    }
    if (limit == buf.length) {
      if (buf.length >= maxRecordChars) {
        // Too long to keep: remember its start for the report and drop the rest as it streams by.
        if (!overflowed) {
          overflowed = true;
          truncatedOriginal = new String(buf, 0, Math.min(limit, TRUNCATED_ORIGINAL_CHARS));
        }
        bufBase += limit;
        pos -= limit;
        limit = 0;
      } else {
        buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxRecordChars));
      }
    }
    return decode();
  }

  private boolean decode() throws IOException {
    int before = limit;
    CharBuffer out = CharBuffer.wrap(buf, limit, buf.length - limit);
    while (!decoderFlushed) {
      CoderResult result = decoder.decode(in, out, inputEof);
      if (result.isUnderflow()) {
        if (inputEof) {
          if (decoder.flush(out).isOverflow()) {
            break;
          }
          decoderFlushed = true;
        } else {
          readInput();
        }
      } else if (result.isOverflow()) {
        break;
      } else {
        if (!out.hasRemaining()) {
          break; // reported again, and handled, on the next call
        }
        int length = result.length();
        decodeErrors.add(
            new DecodeError(
                bufBase + out.position(), inBase + in.position(), hex(in, in.position(), length)));
        in.position(in.position() + length);
        out.put('\uFFFD');
      }
    }
    limit = out.position();
    return limit > before;
  }

  private void readInput() throws IOException {
    inBase += in.position();
    in.compact();
    int read;
    do {
      read = channel.read(in);
    } while (read == 0 && in.hasRemaining());
    in.flip();
    if (read < 0) {
      inputEof = true;
    }
  }

  private static String hex(ByteBuffer bytes, int start, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      if (i > 0) {
        text.append(' ');
      }
      text.append(String.format("0x%02X", bytes.get(start + i) & 0xFF));
    }
    return text.toString();
  }

  private record DecodeError(long charIndex, long byteOffset, String bytes) {}
}
