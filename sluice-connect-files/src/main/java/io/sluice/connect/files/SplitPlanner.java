package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.StepMeter;
import io.sluice.api.engine.StepTiming;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plans the files of a source into splits: one per file never landed, one per changed file when the
 * policy is {@link OnChange#APPEND}. A file whose size and modification time equal the committed
 * fingerprint's is taken as unchanged without reading it; otherwise its CRC32C decides.
 *
 * <p>The files to read are read in parallel, one per core at most, each once by the connector's
 * {@link Scanner}: besides the fingerprint, it may learn what the run asks of the file next (its
 * fields, whether the engine may read it), kept with the plan.
 */
final class SplitPlanner {
  /** The step that lists the source's files; its rows are the files listed. */
  static final String LIST_STEP = "plan: list files";

  /**
   * The step that reads the new and changed files once (fingerprint, and for NDJSON the engine's
   * check and the fields); its rows are the files read, its bytes in their sizes.
   */
  static final String READ_STEP = "plan: read new files";

  private final String sourceName;
  private final Path projectDirectory;
  private final FileLister lister;
  private final OnChange onChange;
  private final Scanner scanner;

  /** Reads a file to fingerprint it, learning on the way what else the connector wants. */
  @FunctionalInterface
  interface Scanner {
    FileScan scan(Path file, long size, long modifiedMillis) throws IOException;
  }

  /**
   * A plan and what reading its files told.
   *
   * @param plan the splits
   * @param scans each split's file's scan, by split key
   */
  record Planned(SplitPlan plan, Map<String, FileScan> scans) {}

  SplitPlanner(
      String sourceName,
      Path projectDirectory,
      FileLister lister,
      OnChange onChange,
      Scanner scanner) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.projectDirectory = projectDirectory.toAbsolutePath().normalize();
    this.lister = requireNonNull(lister, "lister is null");
    this.onChange = requireNonNull(onChange, "onChange is null");
    this.scanner = requireNonNull(scanner, "scanner is null");
  }

  SplitPlan plan(Map<String, String> committed) {
    return planScanned(committed).plan();
  }

  Planned planScanned(Map<String, String> committed) {
    requireNonNull(committed, "committed is null");
    StepMeter listing = StepMeter.start();
    List<Candidate> candidates = new ArrayList<>();
    for (FileLister.Listed listed : lister.list()) {
      candidates.add(new Candidate(key(listed.file()), listed));
    }
    candidates.sort(Comparator.comparing(Candidate::key));
    StepTiming listFiles = listing.stop(LIST_STEP, candidates.size());

    List<Candidate> toRead = new ArrayList<>();
    Map<String, Fingerprint> previousByKey = new HashMap<>();
    for (Candidate candidate : candidates) {
      FileLister.Listed listed = candidate.listed();
      String previousPosition = committed.get(candidate.key());
      if (previousPosition != null) {
        Fingerprint previous = parsePosition(candidate.key(), previousPosition);
        if (previous.sameSizeAndTime(listed.size(), listed.modifiedMillis())) {
          continue;
        }
        previousByKey.put(candidate.key(), previous);
      }
      toRead.add(candidate);
    }
    StepMeter reading = StepMeter.start();
    List<Optional<FileScan>> read = scanAll(toRead);
    long bytes = toRead.stream().mapToLong(candidate -> candidate.listed().size()).sum();
    StepTiming readNew = reading.stop(READ_STEP, toRead.size(), bytes, 0);

    List<Split> splits = new ArrayList<>();
    Map<String, FileScan> scans = new HashMap<>();
    List<String> skipped = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < toRead.size(); i++) {
      Candidate candidate = toRead.get(i);
      FileLister.Listed listed = candidate.listed();
      Fingerprint previous = previousByKey.get(candidate.key());
      Optional<FileScan> current = read.get(i);
      if (current.isEmpty()) {
        continue; // deleted since it was listed: gone files are not an error
      }
      Fingerprint now = current.get().fingerprint();
      if (previous != null) {
        if (previous.crc32c() == now.crc32c()) {
          continue; // only touched: same bytes
        }
        String change = "'" + candidate.key() + "' (" + previous.describeChange(now) + ")";
        switch (onChange) {
          case FAIL:
            changed.add(change);
            continue;
          case SKIP:
            skipped.add(
                "file "
                    + change
                    + " changed after it was landed; left out because on-change is 'skip'");
            continue;
          case APPEND:
            break;
        }
      }
      splits.add(
          new Split(candidate.key(), now.position(), listed.file().toString(), listed.size()));
      scans.put(candidate.key(), current.get());
    }
    if (!changed.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': %s already landed %s changed since: %s. Set option 'on-change' to 'skip'"
              + " to leave changed files out, or to 'append' to land them again (their records"
              + " are then landed a second time)",
          sourceName,
          changed.size() == 1 ? "a file that was" : changed.size() + " files that were",
          changed.size() == 1 ? "has" : "have",
          String.join("; ", changed));
    }
    return new Planned(new SplitPlan(splits, skipped, List.of(listFiles, readNew)), scans);
  }

  /** Reads the candidates' files, in parallel when there are several; empty for a gone file. */
  private List<Optional<FileScan>> scanAll(List<Candidate> candidates) {
    int threads = Math.min(candidates.size(), Runtime.getRuntime().availableProcessors());
    if (threads <= 1) {
      List<Optional<FileScan>> scans = new ArrayList<>();
      for (Candidate candidate : candidates) {
        scans.add(scan(candidate));
      }
      return scans;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "sluice-plan-" + sourceName);
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<Optional<FileScan>>> futures = new ArrayList<>();
      for (Candidate candidate : candidates) {
        futures.add(pool.submit(() -> scan(candidate)));
      }
      List<Optional<FileScan>> scans = new ArrayList<>();
      for (Future<Optional<FileScan>> future : futures) {
        scans.add(future.get());
      }
      return scans;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new SluiceException(ErrorCategory.INTERNAL, "Source '" + sourceName + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceException(
          ErrorCategory.INTERNAL,
          "Source '" + sourceName + "': interrupted while reading its files",
          e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The split key: the path relative to the project with {@code /}, or absolute if outside. */
  /** The file a split key names. */
  Path location(String key) {
    return projectDirectory.resolve(key);
  }

  String key(Path file) {
    Path path = file.startsWith(projectDirectory) ? projectDirectory.relativize(file) : file;
    String separator = path.getFileSystem().getSeparator();
    String text = path.toString();
    return separator.equals("/") ? text : text.replace(separator, "/");
  }

  private Fingerprint parsePosition(String key, String position) {
    return Fingerprint.parse(position)
        .orElseThrow(
            () ->
                new SluiceException(
                    ErrorCategory.INTERNAL,
                    String.format(
                        "Source '%s': the committed position '%s' of file '%s' is not a file"
                            + " fingerprint (size:mtimeMillis:crc32c)",
                        sourceName, position, key)));
  }

  private Optional<FileScan> scan(Candidate candidate) {
    FileLister.Listed listed = candidate.listed();
    try {
      return Optional.of(scanner.scan(listed.file(), listed.size(), listed.modifiedMillis()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw SluiceException.external(
          String.format(
              "Source '%s': cannot read file '%s' (%s) to fingerprint it: %s",
              sourceName, candidate.key(), listed.file(), e),
          e);
    }
  }

  private record Candidate(String key, FileLister.Listed listed) {}
}
