package io.sluice.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Folders of files that no table references (a replay's, a backfill's), removed after use. */
final class ScratchFolder {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchFolder.class);

  private ScratchFolder() {}

  /**
   * Deletes {@code directory} and what it holds; a failure is only logged: the files are referenced
   * by no table, what went wrong before (if anything) is what the caller must report, and leftovers
   * in a table's folder are orphans that maintenance removes.
   *
   * @param owner whose folder it is, for the log ("the replay", "the backfill")
   */
  static void deleteQuietly(Path directory, String owner) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete the scratch folder of {}: {}", owner, directory, e);
    }
  }
}
