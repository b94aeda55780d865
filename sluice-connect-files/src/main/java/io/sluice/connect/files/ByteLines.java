package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code \n} (a {@code \r} before it is dropped), streaming.
 * Lines longer than the limit are not kept: their first bytes are, and their length is counted.
 *
 * <p>After {@link #next()} returns true, the line is {@code buffer()[start() .. end())}, valid
 * until the next call.
 */
final class ByteLines {
  static final int TRUNCATED_BYTES = 64 * 1024;
  private static final int INITIAL_BYTES = 128 * 1024;

  private final ReadableByteChannel channel;
  private final int maxLineBytes;
  private byte[] buf;
  private int limit;
  private int pos;

  /** Where the search for the end of the current line continues. */
  private int scan;

  private boolean eof;

  /** Absolute offset of {@code buf[0]}. */
  private long bufBase;

  private long nextLine = 1;

  private int lineStart;
  private int lineEnd;
  private long lineNumber;
  private long lineOffset;
  private boolean tooLong;
  private long tooLongLength;
  private byte[] truncated;

  ByteLines(ReadableByteChannel channel, int maxLineBytes) {
    this.channel = requireNonNull(channel, "channel is null");
    this.maxLineBytes = maxLineBytes;
    this.buf = new byte[Math.min(INITIAL_BYTES, maxLineBytes + 2)];
  }

  /** Reads the next line; false at the end of the input. */
  boolean next() throws IOException {
    lineStart = pos;
    lineNumber = nextLine;
    lineOffset = bufBase + pos;
    tooLong = false;
    tooLongLength = 0;
    truncated = null;
    scan = pos;
    while (true) {
      byte[] b = buf;
      int lim = limit;
      int i = scan;
      while (i < lim && b[i] != '\n') {
        i++;
      }
      scan = i;
      if (i < lim) {
        lineEnd = i;
        pos = i + 1;
        nextLine++;
        break;
      }
      if (!fill()) {
        if (scan == lineStart && !tooLong) {
          return false;
        }
        lineEnd = limit;
        pos = limit;
        break;
      }
    }
    if (lineEnd > lineStart && buf[lineEnd - 1] == '\r') {
      lineEnd--;
    }
    if (tooLong) {
      tooLongLength += lineEnd - lineStart;
    } else if (lineEnd - lineStart > maxLineBytes) {
      tooLong = true;
      tooLongLength = lineEnd - lineStart;
      truncated =
          Arrays.copyOfRange(buf, lineStart, Math.min(lineEnd, lineStart + TRUNCATED_BYTES));
    }
    return true;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (lineStart > 0) {
      int keep = limit - lineStart;
      System.arraycopy(buf, lineStart, buf, 0, keep);
      bufBase += lineStart;
      pos -= lineStart;
      scan -= lineStart;
      limit = keep;
      lineStart = 0;
    }
    if (limit == buf.length) {
      if (buf.length >= maxLineBytes + 2) {
        if (!tooLong) {
          tooLong = true;
          truncated = Arrays.copyOf(buf, Math.min(limit, TRUNCATED_BYTES));
        }
        tooLongLength += limit;
        bufBase += limit;
        pos = 0;
        scan = 0;
        limit = 0;
      } else {
        buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxLineBytes + 2L));
      }
    }
    ByteBuffer target = ByteBuffer.wrap(buf, limit, buf.length - limit);
    int read;
    do {
      read = channel.read(target);
    } while (read == 0);
    if (read < 0) {
      eof = true;
      return false;
    }
    limit += read;
    return true;
  }

  byte[] buffer() {
    return buf;
  }

  int start() {
    return lineStart;
  }

  int end() {
    return lineEnd;
  }

  long lineNumber() {
    return lineNumber;
  }

  /** Absolute byte offset of the line's first byte. */
  long offset() {
    return lineOffset;
  }

  /** Whether the line is longer than the limit; then only {@link #truncated()} is kept. */
  boolean tooLong() {
    return tooLong;
  }

  /** The length of a too-long line, in bytes. */
  long tooLongLength() {
    return tooLongLength;
  }

  byte[] truncated() {
    return truncated;
  }
}
