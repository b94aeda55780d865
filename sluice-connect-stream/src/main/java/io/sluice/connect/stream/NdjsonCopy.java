package io.sluice.connect.stream;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An NDJSON file being written: records appended byte for byte, each followed by LF, through one
 * buffer. Abandoned (closed and deleted) when a record turns out unfit, or on a failure. Not
 * synced: the engine reads it in this process, and a crash loses nothing the log does not hold.
 */
final class NdjsonCopy {
  private static final int BUFFER = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private boolean abandoned;

  private NdjsonCopy(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** Starts writing {@code file} (which exists, empty). */
  static NdjsonCopy create(Path file) {
    try {
      return new NdjsonCopy(file, FileChannel.open(file, StandardOpenOption.WRITE));
    } catch (IOException e) {
      deleteQuietly(file);
      throw failure(file, e);
    }
  }

  boolean abandoned() {
    return abandoned;
  }

  /** Appends one record and its LF. */
  void append(byte[] record) {
    try {
      if (record.length + 1 > buffer.remaining()) {
        flush();
        if (record.length + 1 > buffer.capacity()) {
          write(ByteBuffer.wrap(record));
          buffer.put((byte) '\n');
          return;
        }
      }
      buffer.put(record).put((byte) '\n');
    } catch (IOException e) {
      abandon();
      throw failure(file, e);
    }
  }

  /** Writes what is buffered and closes the file; returns it. */
  Path finish() {
    try {
      flush();
      channel.close();
      return file;
    } catch (IOException e) {
      abandon();
      throw failure(file, e);
    }
  }

  /** Closes and deletes the file; nothing more is written. */
  void abandon() {
    if (abandoned) {
      return;
    }
    abandoned = true;
    try {
      channel.close();
    } catch (IOException e) {
      // Only written to, and deleted next: nothing is lost.
    }
    deleteQuietly(file);
  }

  private void flush() throws IOException {
    buffer.flip();
    write(buffer);
    buffer.clear();
  }

  private void write(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /** Deletes a copy; one that cannot be deleted now goes with the next process's first copy. */
  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left for the next process, whose first copy clears the folder.
    }
  }

  private static SluiceException failure(Path file, IOException e) {
    return new SluiceException(
        ErrorCategory.EXTERNAL, "Cannot write the copy of stream records " + file + ": " + e, e);
  }
}
