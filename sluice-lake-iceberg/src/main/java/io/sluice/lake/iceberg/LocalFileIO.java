package io.sluice.lake.iceberg;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * The lake's Iceberg file IO: local locations (a path, or a {@code file:} URI) through {@code
 * java.nio}, any other file system through Hadoop's file IO, made on first use.
 *
 * <p>Hadoop's file IO for local files cost every command that opened the lake about a third of a
 * second of start-up: its configuration parses Hadoop's default XML resources, and the first file
 * system it resolves service-loads every file system Hadoop has, which pulls in its user and group
 * lookup and metrics. A local lake now loads none of it. Same semantics as Hadoop's raw local file
 * system: {@link OutputFile#create()} fails when the file exists, parent folders are created, a
 * missing file reads as {@link NotFoundException}, deleting a missing file does nothing.
 */
final class LocalFileIO implements FileIO {
  private final Supplier<Configuration> hadoopConf;
  private Map<String, String> properties = Map.of();
  private HadoopFileIO hadoop;

  /**
   * @param hadoopConf the Hadoop configuration for locations on other file systems, asked for on
   *     first such location
   */
  LocalFileIO(Supplier<Configuration> hadoopConf) {
    this.hadoopConf = hadoopConf;
  }

  @Override
  public void initialize(Map<String, String> properties) {
    this.properties = Map.copyOf(properties);
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public InputFile newInputFile(String location) {
    return local(location)
        .<InputFile>map(path -> new LocalInput(location, path, -1))
        .orElseGet(() -> hadoop().newInputFile(location));
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return local(location)
        .<InputFile>map(path -> new LocalInput(location, path, length))
        .orElseGet(() -> hadoop().newInputFile(location, length));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return local(location)
        .<OutputFile>map(path -> new LocalOutput(location, path))
        .orElseGet(() -> hadoop().newOutputFile(location));
  }

  @Override
  public void deleteFile(String location) {
    Optional<Path> path = local(location);
    if (path.isEmpty()) {
      hadoop().deleteFile(location);
      return;
    }
    try {
      Files.deleteIfExists(path.get());
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to delete file: " + location, e);
    }
  }

  @Override
  public synchronized void close() {
    if (hadoop != null) {
      hadoop.close();
    }
  }

  private synchronized HadoopFileIO hadoop() {
    if (hadoop == null) {
      hadoop = new HadoopFileIO(hadoopConf.get());
      hadoop.initialize(properties);
    }
    return hadoop;
  }

  private static Optional<Path> local(String location) {
    try {
      return IcebergLakeConfig.localPath(location);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not a URI java.nio can read: Hadoop's own parsing decides
    }
  }

  private static NotFoundException notFound(String location, IOException e) {
    return new NotFoundException(e, "File does not exist: %s", location);
  }

  private record LocalInput(String location, Path path, long knownLength) implements InputFile {
    @Override
    public long getLength() {
      if (knownLength >= 0) {
        return knownLength;
      }
      try {
        return Files.size(path);
      } catch (NoSuchFileException e) {
        throw notFound(location, e);
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to get the length of " + location, e);
      }
    }

    @Override
    public SeekableInputStream newStream() {
      try {
        return new ChannelInputStream(FileChannel.open(path, StandardOpenOption.READ));
      } catch (NoSuchFileException e) {
        throw notFound(location, e);
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to open input stream for file: " + location, e);
      }
    }

    @Override
    public boolean exists() {
      return Files.exists(path);
    }
  }

  private record LocalOutput(String location, Path path) implements OutputFile {
    @Override
    public PositionOutputStream create() {
      return open(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private PositionOutputStream open(StandardOpenOption... options) {
      try {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        OutputStream out = Files.newOutputStream(path, withWrite(options));
        return new CountingOutputStream(new BufferedOutputStream(out, 64 * 1024));
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException(e, "Path already exists: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to create file: " + location, e);
      }
    }

    private static StandardOpenOption[] withWrite(StandardOpenOption... options) {
      StandardOpenOption[] all = java.util.Arrays.copyOf(options, options.length + 1);
      all[options.length] = StandardOpenOption.WRITE;
      return all;
    }

    @Override
    public InputFile toInputFile() {
      return new LocalInput(location, path, -1);
    }
  }

  /** A file read through its channel: positioned reads and seeks without a buffer of its own. */
  private static final class ChannelInputStream extends SeekableInputStream {
    private final FileChannel channel;

    ChannelInputStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getPos() throws IOException {
      return channel.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      channel.position(newPos);
    }

    @Override
    public int read() throws IOException {
      ByteBuffer one = ByteBuffer.allocate(1);
      int n = channel.read(one);
      return n <= 0 ? -1 : one.get(0) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public long skip(long n) throws IOException {
      if (n <= 0) {
        return 0;
      }
      long position = channel.position();
      long skipped = Math.min(n, Math.max(0, channel.size() - position));
      channel.position(position + skipped);
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - channel.position()));
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** An output stream that knows how many bytes were written through it. */
  private static final class CountingOutputStream extends PositionOutputStream {
    private final OutputStream out;
    private long position;

    CountingOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      position += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
