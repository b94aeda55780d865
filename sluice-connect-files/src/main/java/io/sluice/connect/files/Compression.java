package io.sluice.connect.files;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * How the bytes of a file or object are compressed, told by the last extension of its name: {@code
 * .gz} (gzip) or {@code .zst} (Zstandard); anything else is read as it is. A compressed file of a
 * text format is read through its decompressed text: records, line numbers and quarantined
 * originals are those of the decompressed text, as if the file had been decompressed first.
 */
public enum Compression {
  NONE("none", ""),
  GZIP("gzip", ".gz"),
  ZSTD("zstd", ".zst");

  private final String label;
  private final String extension;

  Compression(String label, String extension) {
    this.label = label;
    this.extension = extension;
  }

  /** The compression's name in messages: {@code gzip}, {@code zstd}. */
  public String label() {
    return label;
  }

  /**
   * The compression of a file named {@code name} (a file name, a path, a glob or an object key).
   */
  public static Compression ofName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Compression compression : values()) {
      if (compression != NONE && lower.endsWith(compression.extension)) {
        return compression;
      }
    }
    return NONE;
  }

  /**
   * {@code name} without the extension of its compression: {@code a.csv.gz} gives {@code a.csv}.
   */
  public static String withoutExtension(String name) {
    Compression compression = ofName(name);
    return name.substring(0, name.length() - compression.extension.length());
  }

  /**
   * The decompressed bytes of {@code raw}, which the stream returned owns. A stream that is not
   * valid data of this compression, or that ends inside it, fails with a {@link CorruptException}
   * saying so.
   */
  public InputStream decompress(InputStream raw) throws IOException {
    switch (this) {
      case NONE:
        return raw;
      case GZIP:
        try {
          return new Checked(new GZIPInputStream(raw, 64 * 1024), this);
        } catch (ZipException | EOFException e) {
          raw.close();
          throw corrupt(e);
        }
      case ZSTD:
        return new Checked(new ZstdInputStream(raw), this);
      default:
        throw new AssertionError(this);
    }
  }

  private CorruptException corrupt(Exception e) {
    String why;
    if (e instanceof EOFException
        || (e.getMessage() != null && e.getMessage().contains("Not enough input bytes"))) {
      why = "it ends inside the compressed data (truncated?)";
    } else {
      why = "it is not valid " + label + " data (" + e.getMessage() + ")";
    }
    return new CorruptException(label + " decompression failed: " + why, e);
  }

  /** Compressed data that cannot be decompressed: not of the compression, or cut short. */
  public static final class CorruptException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Turns the decompressor's failures into {@link CorruptException}s. */
  private static final class Checked extends FilterInputStream {
    private final Compression compression;

    Checked(InputStream in, Compression compression) {
      super(in);
      this.compression = compression;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (ZipException | EOFException | MalformedInputException e) {
        throw compression.corrupt(e);
      } catch (IOException e) {
        throw compression.decompressorFailure(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (ZipException | EOFException | MalformedInputException e) {
        throw compression.corrupt(e);
      } catch (IOException e) {
        throw compression.decompressorFailure(e);
      }
    }
  }

  // aircompressor reports a truncated frame as a plain IOException; a gzip stream's own I/O
  // failures (the disk, the network) pass through unchanged.
  private IOException decompressorFailure(IOException e) {
    if (this == ZSTD
        && e.getMessage() != null
        && e.getMessage().contains("Not enough input bytes")) {
      return corrupt(e);
    }
    return e;
  }
}
