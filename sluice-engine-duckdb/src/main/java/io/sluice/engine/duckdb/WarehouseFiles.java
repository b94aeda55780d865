package io.sluice.engine.duckdb;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The warehouse file and its published snapshots ({@code <state-dir>/snapshots/warehouse-<millis>
 * .duckdb}): consistent copies the writer makes after a checkpoint, so that readers never need the
 * file a writer holds. DuckDB lets one process write a database file and, meanwhile, no other
 * process open it at all; within one process a second instance on the same file would read pages
 * the writer is changing.
 *
 * <p>A snapshot is a byte copy with the warehouse file's modification time: while the warehouse
 * file has that size and time and no write-ahead log, the snapshot is the warehouse as it is.
 */
final class WarehouseFiles {
  /**
   * Published snapshots kept; older ones are deleted (a reader that has one open keeps reading).
   */
  static final int KEEP = 3;

  private static final Pattern NAME = Pattern.compile("warehouse-(\\d{13})\\.duckdb");
  private static final Set<Path> WRITTEN_HERE = ConcurrentHashMap.newKeySet();

  private WarehouseFiles() {}

  /** A published snapshot. */
  record Snapshot(Path file, Instant published) {}

  /** Opens a file for reading; throws the driver's error. */
  @FunctionalInterface
  interface Opener<T> {
    T open(Path file) throws SQLException;
  }

  static void writing(Path warehouse) {
    WRITTEN_HERE.add(warehouse);
  }

  static void released(Path warehouse) {
    WRITTEN_HERE.remove(warehouse);
  }

  static Path folder(Path stateDirectory) {
    return stateDirectory.toAbsolutePath().resolve("snapshots");
  }

  static boolean isLockConflict(SQLException e) {
    return e.getMessage() != null
        && e.getMessage().toLowerCase(Locale.ROOT).contains("could not set lock");
  }

  /** The published snapshots, newest first. */
  static List<Snapshot> snapshots(Path stateDirectory) {
    Path folder = folder(stateDirectory);
    List<Snapshot> found = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return found;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path file : files) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (m.matches()) {
          found.add(new Snapshot(file, Instant.ofEpochMilli(Long.parseLong(m.group(1)))));
        }
      }
    } catch (IOException e) {
      throw SluiceException.external("Cannot list the warehouse snapshots in " + folder, e);
    }
    found.sort(Comparator.comparing(Snapshot::published).reversed());
    return found;
  }

  /** Whether {@code snapshot} holds exactly what the warehouse file holds now. */
  static boolean current(Snapshot snapshot, Path warehouse) {
    try {
      Path wal = warehouse.resolveSibling(warehouse.getFileName() + ".wal");
      if (Files.exists(wal) && Files.size(wal) > 0) {
        return false;
      }
      BasicFileAttributes live = Files.readAttributes(warehouse, BasicFileAttributes.class);
      BasicFileAttributes copy = Files.readAttributes(snapshot.file(), BasicFileAttributes.class);
      // Milliseconds: a copy keeps the modification time only that precisely on some systems.
      return live.size() == copy.size()
          && live.lastModifiedTime().toMillis() == copy.lastModifiedTime().toMillis();
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw SluiceException.external("Cannot read the attributes of " + warehouse, e);
    }
  }

  /**
   * Copies the checkpointed warehouse file to a new snapshot (temporary file, fsync, atomic rename)
   * and deletes all but the newest {@link #KEEP}. The caller holds the file for writing and writes
   * nothing meanwhile.
   */
  static Snapshot publish(Path warehouse, Path stateDirectory, Instant now) {
    Path folder = folder(stateDirectory);
    try {
      Files.createDirectories(folder);
      List<Snapshot> existing = snapshots(stateDirectory);
      long millis = now.toEpochMilli();
      if (!existing.isEmpty()) {
        millis = Math.max(millis, existing.get(0).published().toEpochMilli() + 1);
      }
      Path target = folder.resolve(String.format(Locale.ROOT, "warehouse-%013d.duckdb", millis));
      Path temp = folder.resolve(target.getFileName() + ".tmp");
      Files.copy(
          warehouse, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        // Some file systems cannot sync a folder; the rename is durable at the next sync anyway,
        // and a lost snapshot is only an older one read.
      }
      // Copies a killed writer left half-made: one writer at a time publishes, so none is ours.
      try (DirectoryStream<Path> stale = Files.newDirectoryStream(folder, "warehouse-*.tmp")) {
        for (Path file : stale) {
          Files.deleteIfExists(file);
        }
      }
      List<Snapshot> all = snapshots(stateDirectory);
      for (Snapshot old : all.subList(Math.min(KEEP, all.size()), all.size())) {
        Files.deleteIfExists(old.file());
      }
      return new Snapshot(target, Instant.ofEpochMilli(millis));
    } catch (IOException e) {
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Cannot publish a snapshot of the warehouse " + warehouse + " in " + folder + ": " + e,
          e);
    }
  }

  /**
   * Opens the file a reader should read: the newest snapshot when it is current, else the warehouse
   * file itself when no writer holds it, else the newest snapshot.
   *
   * @throws SluiceException (EXTERNAL) when a writer holds the warehouse and nothing was published
   */
  static <T> Opened<T> openForReading(Path warehouse, Path stateDirectory, Opener<T> opener) {
    List<Snapshot> snapshots = snapshots(stateDirectory);
    Optional<Snapshot> newest = snapshots.stream().findFirst();
    try {
      if (newest.isPresent() && current(newest.get(), warehouse)) {
        return new Opened<>(opener.open(newest.get().file()), Optional.empty());
      }
      if (!WRITTEN_HERE.contains(warehouse)) {
        try {
          return new Opened<>(opener.open(warehouse), Optional.empty());
        } catch (SQLException e) {
          if (!isLockConflict(e) || newest.isEmpty()) {
            throw e;
          }
        }
      } else if (newest.isEmpty()) {
        throw new SluiceException(
            ErrorCategory.EXTERNAL,
            "The warehouse "
                + warehouse
                + " is being written by this process and has no published snapshot yet; retry in"
                + " a moment");
      }
      return new Opened<>(opener.open(newest.get().file()), Optional.of(newest.get().published()));
    } catch (SQLException e) {
      if (isLockConflict(e)) {
        throw new SluiceException(
            ErrorCategory.EXTERNAL,
            "The warehouse "
                + warehouse
                + " is being written by another process and no snapshot of it has been published"
                + " yet (sluice run and sluice serve publish one in "
                + folder(stateDirectory)
                + "); retry when it finishes",
            e);
      }
      throw new SluiceException(
          ErrorCategory.EXTERNAL,
          "Cannot open the DuckDB warehouse " + warehouse + " for reading: " + e.getMessage(),
          e);
    }
  }

  /** What {@link #openForReading} opened. */
  record Opened<T>(T value, Optional<Instant> snapshotTime) {}
}
