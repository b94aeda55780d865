package io.sluice.engine.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads the lines of one byte range of an NDJSON file with their line numbers, so that a file can
 * be read by several tasks at once and still number its lines exactly as one reader from its start
 * would (from 1, blank lines counted).
 *
 * <p>A range {@code [start, end)} owns the lines that <em>start</em> in it: a line starts at byte 0
 * or right after an LF, and ends before the next LF or at the end of the file (an LF at the very
 * end does not start another line). The reader is given the number of LFs in {@code [0, start)}
 * ({@link #countNewlines}, run over the ranges before) and a stream positioned at {@code start - 1}
 * (at 0 for the first range), and reads on past {@code end} to finish its last line.
 */
final class NdjsonLineReader {
  private static final int BLOCK = 1 << 16;

  private final InputStream in;
  private final long end;
  private byte[] buffer = new byte[BLOCK];

  /** Buffered bytes are {@code buffer[from, to)}; {@code buffer[from]} is at offset {@code at}. */
  private int from;

  private int to;
  private long at;
  private boolean eof;

  private long nextNumber;
  private boolean started;

  private long number;
  private int lineOffset;
  private int lineLength;

  /**
   * @param in the file, positioned at {@code start - 1}, or at 0 when {@code start} is 0
   * @param start the first byte of the range
   * @param end the byte after the range
   * @param newlinesBefore the number of LF bytes in {@code [0, start)}
   */
  NdjsonLineReader(InputStream in, long start, long end, long newlinesBefore) {
    this.in = in;
    this.end = end;
    this.at = start == 0 ? 0 : start - 1;
    this.nextNumber = newlinesBefore + 1;
    // At 0 a line starts; elsewhere the reader first skips to just after the first LF at or after
    // start - 1 (the LF at start - 1 itself is already counted in newlinesBefore).
    this.started = start == 0;
  }

  /** Moves to the next line that starts in the range; false at the end of the range. */
  boolean next() throws IOException {
    if (!started) {
      started = true;
      int newline = findNewline();
      if (newline < 0) {
        return false;
      }
      if (newline > from) {
        // The first LF was not the byte at start - 1: it is in the range, so not yet counted.
        nextNumber++;
      }
      consume(newline + 1);
    }
    if (at >= end) {
      return false;
    }
    int newline = findNewline();
    if (newline < 0) {
      // The last line of the file, without a final LF; or nothing left at all.
      if (to == from) {
        return false;
      }
      newline = to;
    }
    number = nextNumber++;
    lineOffset = from;
    lineLength = newline - from;
    consume(Math.min(newline + 1, to));
    return true;
  }

  /** The current line's number in its file, from 1. */
  long number() {
    return number;
  }

  /** The buffer that holds the current line (valid until the next call of {@link #next()}). */
  byte[] bytes() {
    return buffer;
  }

  int offset() {
    return lineOffset;
  }

  int length() {
    return lineLength;
  }

  /** Whether the current line is empty or only spaces and tabs. */
  boolean blank() {
    for (int i = lineOffset; i < lineOffset + lineLength; i++) {
      if (buffer[i] != ' ' && buffer[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  private void consume(int upTo) {
    at += upTo - from;
    from = upTo;
  }

  /** The index of the next LF in the buffer, reading more as needed; -1 at the end of the file. */
  private int findNewline() throws IOException {
    int scan = from;
    while (true) {
      for (int i = scan; i < to; i++) {
        if (buffer[i] == '\n') {
          return i;
        }
      }
      scan = to;
      if (eof) {
        return -1;
      }
      int shift = fill();
      scan -= shift;
    }
  }

  /** Reads more bytes after {@code to}, compacting or growing the buffer; returns the shift. */
  private int fill() throws IOException {
    int shift = from;
    if (from > 0) {
      System.arraycopy(buffer, from, buffer, 0, to - from);
      to -= from;
      from = 0;
    }
    if (to == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    }
    int read = in.read(buffer, to, buffer.length - to);
    if (read < 0) {
      eof = true;
    } else {
      to += read;
    }
    return shift;
  }

  /** The number of LF bytes in the next {@code length} bytes of {@code in}. */
  static long countNewlines(InputStream in, long length) throws IOException {
    byte[] block = new byte[BLOCK * 16];
    long count = 0;
    long left = length;
    while (left > 0) {
      int read = in.read(block, 0, (int) Math.min(block.length, left));
      if (read < 0) {
        break;
      }
      for (int i = 0; i < read; i++) {
        if (block[i] == '\n') {
          count++;
        }
      }
      left -= read;
    }
    return count;
  }
}
