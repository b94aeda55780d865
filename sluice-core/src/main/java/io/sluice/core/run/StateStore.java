package io.sluice.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.Split;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The project's state folder outside the lake and the warehouse: batch intents (the write-ahead
 * record of what a batch consumes) and the run lock. The run history is beside them ({@link
 * io.sluice.core.history.RunHistories}).
 *
 * <p>Truth lives in the lake: a source's consumed positions are the {@code sluice.splits} of its
 * clean table's snapshots. An intent only makes a batch that crashed before its clean commit
 * repeatable with exactly the same splits.
 */
public final class StateStore {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  public StateStore(Path stateDirectory) {
    this.root = stateDirectory;
  }

  public Path root() {
    return root;
  }

  /**
   * A batch about to be processed.
   *
   * @param batchId the batch
   * @param splits exactly the splits it consumes
   */
  public record Intent(String batchId, List<Split> splits) {
    public Intent {
      splits = List.copyOf(splits);
    }
  }

  Optional<Intent> intent(String source) {
    Path file = intentFile(source);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), Intent.class));
    } catch (IOException e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Cannot read the batch intent "
              + file
              + " (a damaged intent cannot be recovered automatically; if no run is in progress,"
              + " delete it and run again): "
              + e.getMessage(),
          e);
    }
  }

  void writeIntent(String source, Intent intent) {
    try {
      writeAtomically(intentFile(source), JSON.writeValueAsBytes(intent));
    } catch (IOException e) {
      throw SluiceException.external("Cannot write the batch intent for " + source, e);
    }
  }

  void clearIntent(String source) {
    try {
      Files.deleteIfExists(intentFile(source));
    } catch (IOException e) {
      throw SluiceException.external("Cannot remove the batch intent for " + source, e);
    }
  }

  private Path intentFile(String source) {
    return root.resolve("intents").resolve(source + ".json");
  }

  /** Takes the project's run lock, or fails naming the lock file. Release by closing. */
  public AutoCloseable lock() {
    Path file = root.resolve("run.lock");
    try {
      Files.createDirectories(root);
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        // This process holds it already: e.g. a backfill asked for through serve's API while
        // serve's processor starts a micro-batch.
        channel.close();
        throw new SluiceException(
            ErrorCategory.EXTERNAL,
            "Another run of this process is in progress on this project (it holds "
                + file
                + "); try again when it has finished");
      }
      if (lock == null) {
        channel.close();
        // Retryable: the other run ends, and a scheduled run retries with backoff.
        throw new SluiceException(
            ErrorCategory.EXTERNAL,
            "Another sluice process is running on this project (it holds "
                + file
                + "); try again when it has finished");
      }
      return () -> {
        lock.release();
        channel.close();
      };
    } catch (IOException e) {
      throw SluiceException.external("Cannot take the run lock " + file, e);
    }
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw SluiceException.internal("Cannot write JSON", e);
    }
  }

  static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (IOException e) {
      throw SluiceException.internal("Cannot read JSON: " + json, e);
    }
  }

  /** Writes through a temporary file, fsyncs and renames, so readers see all or nothing. */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(content));
      channel.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
