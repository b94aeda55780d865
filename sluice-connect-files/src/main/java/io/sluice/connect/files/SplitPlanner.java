package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans the files of a source into splits: one per file never landed, one per changed file when the
 * policy is {@link OnChange#APPEND}. A file whose size and modification time equal the committed
 * fingerprint's is taken as unchanged without reading it; otherwise its CRC32C decides.
 */
final class SplitPlanner {
  private static final int CRC_BUFFER_BYTES = 1 << 20;

  private final String sourceName;
  private final Path projectDirectory;
  private final FileLister lister;
  private final OnChange onChange;

  SplitPlanner(String sourceName, Path projectDirectory, FileLister lister, OnChange onChange) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.projectDirectory = projectDirectory.toAbsolutePath().normalize();
    this.lister = requireNonNull(lister, "lister is null");
    this.onChange = requireNonNull(onChange, "onChange is null");
  }

  SplitPlan plan(Map<String, String> committed) {
    requireNonNull(committed, "committed is null");
    List<Candidate> candidates = new ArrayList<>();
    for (FileLister.Listed listed : lister.list()) {
      candidates.add(new Candidate(key(listed.file()), listed));
    }
    candidates.sort(Comparator.comparing(Candidate::key));

    ByteBuffer buffer = ByteBuffer.allocateDirect(CRC_BUFFER_BYTES);
    List<Split> splits = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Candidate candidate : candidates) {
      FileLister.Listed listed = candidate.listed();
      String previousPosition = committed.get(candidate.key());
      Fingerprint previous = null;
      if (previousPosition != null) {
        previous = parsePosition(candidate.key(), previousPosition);
        if (previous.sameSizeAndTime(listed.size(), listed.modifiedMillis())) {
          continue;
        }
      }
      Optional<Fingerprint> current = fingerprint(candidate, buffer);
      if (current.isEmpty()) {
        continue; // deleted since it was listed: gone files are not an error
      }
      Fingerprint now = current.get();
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
    return new SplitPlan(splits, skipped);
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

  private Optional<Fingerprint> fingerprint(Candidate candidate, ByteBuffer buffer) {
    FileLister.Listed listed = candidate.listed();
    try {
      int crc = Fingerprint.crc32c(listed.file(), buffer);
      return Optional.of(new Fingerprint(listed.size(), listed.modifiedMillis(), crc));
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
