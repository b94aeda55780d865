package io.sluice.core.lineage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends each event as one line to a file. The line is written whole under an exclusive file lock,
 * so that events of several threads or processes ({@code sluice run} beside {@code sluice serve})
 * never interleave and no line is torn; the file is not synced (a crash may lose the last events,
 * never leave half of one).
 */
final class FileLineageTransport implements LineageTransport {
  private final Path file;

  FileLineageTransport(Path file) {
    this.file = requireNonNull(file, "file is null");
  }

  @Override
  public synchronized void send(String json) throws IOException {
    if (json.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("an event must be one line");
    }
    Path parent = file.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      FileLock lock = channel.lock();
      try {
        while (line.hasRemaining()) {
          channel.write(line);
        }
      } finally {
        lock.release();
      }
    }
  }

  @Override
  public String target() {
    return file.toString();
  }
}
