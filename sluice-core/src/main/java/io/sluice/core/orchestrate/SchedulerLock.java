package io.sluice.core.orchestrate;

import io.sluice.api.SluiceException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The one-scheduler-per-project lock: {@code scheduler.lock} in the project's state folder, held
 * (an operating-system file lock) by the process whose scheduler runs, and holding who that is
 * (pid, host, since) for the others to report. The lock ends with its process, also on kill -9.
 */
public final class SchedulerLock implements AutoCloseable {
  /** The lock file's name in the state folder. */
  public static final String FILE = "scheduler.lock";

  private final FileChannel channel;
  private final FileLock lock;
  private final Holder holder;

  private SchedulerLock(FileChannel channel, FileLock lock, Holder holder) {
    this.channel = channel;
    this.lock = lock;
    this.holder = holder;
  }

  /**
   * Who holds the lock.
   *
   * @param pid the process id
   * @param host the host name
   * @param since when it took the lock
   */
  public record Holder(long pid, String host, Instant since) {
    static Holder parse(String text) {
      String[] parts = text.strip().split(" ", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException("not a lock holder: " + text);
      }
      return new Holder(Long.parseLong(parts[0]), parts[2], Instant.parse(parts[1]));
    }

    String format() {
      return pid + " " + since + " " + host + "\n";
    }

    /** "the scheduler of this project runs in process 1234 on host x since ...". */
    public String describe() {
      return "the scheduler of this project runs in process "
          + pid
          + " on host "
          + host
          + " since "
          + since;
    }
  }

  /**
   * What {@link #tryAcquire} found.
   *
   * @param lock the lock, when this process took it
   * @param heldBy who holds it otherwise (empty when the file does not say yet: the other process
   *     is just taking it)
   */
  public record Attempt(Optional<SchedulerLock> lock, Optional<Holder> heldBy) {
    public boolean acquired() {
      return lock.isPresent();
    }

    /** Why this process may not schedule, for a status or a message. */
    public String refusal() {
      return heldBy
          .map(Holder::describe)
          .orElse("the scheduler of this project runs in another process");
    }
  }

  /**
   * Takes the lock of the project whose state folder is {@code stateDirectory}, or reports who
   * holds it.
   */
  public static Attempt tryAcquire(Path stateDirectory, Clock clock) {
    Path file = stateDirectory.resolve(FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(stateDirectory);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this very process holds it (another scheduler in the same JVM)
      }
      if (lock == null) {
        Optional<Holder> holder = read(file);
        channel.close();
        return new Attempt(Optional.empty(), holder);
      }
      Holder holder = new Holder(ProcessHandle.current().pid(), hostName(), clock.instant());
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.format().getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      return new Attempt(Optional.of(new SchedulerLock(channel, lock, holder)), Optional.empty());
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw SluiceException.external("Cannot take the scheduler lock " + file, e);
    }
  }

  /** Who holds the lock of this state folder now, if anyone does (as its file says). */
  static Optional<Holder> read(Path file) {
    try {
      return Optional.of(Holder.parse(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // being written by its holder, or left by an old one
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  public Holder holder() {
    return holder;
  }

  @Override
  public void close() {
    try {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    } catch (IOException e) {
      throw SluiceException.external("Cannot release the scheduler lock", e);
    }
  }
}
