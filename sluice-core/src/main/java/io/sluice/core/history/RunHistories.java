package io.sluice.core.history;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.api.SluiceException;
import io.sluice.core.project.Project;
import io.sluice.core.run.RunRequest;
import io.sluice.core.run.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Opens a project's run history. */
public final class RunHistories {
  /** The history's file in the project's state folder. */
  public static final String FILE = "history.db";

  /** The run history of earlier versions, one JSON summary per line; imported once. */
  static final String OLD_FILE = "runs.jsonl";

  /** What {@link #OLD_FILE} is renamed to once imported. */
  static final String IMPORTED_FILE = "runs.jsonl.imported";

  private RunHistories() {}

  /**
   * Opens the run history of {@code project} ({@code <state-dir>/history.db}), creating it when
   * missing, importing the {@code runs.jsonl} of an earlier version once, and removing the runs
   * that ended more than {@code history.retention} ago. Close it when done. When the project has a
   * {@code lineage} transport, every run saved through it is also sent as OpenLineage events (see
   * {@link io.sluice.core.lineage.Lineage}).
   *
   * @throws SluiceException (EXTERNAL) when the file cannot be opened
   */
  public static RunHistory open(Project project) {
    return open(project, Clock.systemUTC());
  }

  /** Like {@link #open(Project)}, with the clock that retention is measured by. */
  public static RunHistory open(Project project, Clock clock) {
    Path folder = project.stateDirectory();
    SqliteRunHistory history =
        SqliteRunHistory.open(
            folder.resolve(FILE), project.orchestration().historyRetention(), clock);
    try {
      importOldHistory(history, folder);
    } catch (RuntimeException e) {
      try {
        history.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    return io.sluice.core.lineage.Lineage.observe(project, history, System.getenv());
  }

  /**
   * Imports {@code runs.jsonl} (each line a run with one attempt), then renames it {@code
   * runs.jsonl.imported}. Ids are derived from the runs' start, so that two processes importing at
   * once, or an import a crash interrupted before the rename, record each run once. Lines that
   * cannot be read (a torn last line after a crash) are left out, as earlier versions did.
   */
  private static void importOldHistory(SqliteRunHistory history, Path folder) {
    Path old = folder.resolve(OLD_FILE);
    if (!Files.exists(old)) {
      return;
    }
    List<RunRecord> runs = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(old, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        RunSummary summary;
        try {
          summary = SqliteRunHistory.fromJson(line, new TypeReference<RunSummary>() {});
        } catch (SluiceException e) {
          continue;
        }
        runs.add(imported(summary));
      }
    } catch (IOException e) {
      throw SluiceException.external("Cannot read the old run history " + old, e);
    }
    history.saveAll(runs);
    try {
      Files.move(old, folder.resolve(IMPORTED_FILE), StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      // another process imported it at the same time and renamed it first
    } catch (IOException e) {
      throw SluiceException.external(
          "Imported " + old + " into " + history.file() + " but cannot rename it", e);
    }
  }

  private static RunRecord imported(RunSummary summary) {
    Instant started = Instant.parse(summary.startedAt());
    Optional<Instant> ended = Optional.of(started.plusMillis(summary.millis()));
    RunRequest request =
        new RunRequest(summary.select(), List.of(), false, Optional.empty(), summary.trigger());
    RunRecord.Attempt attempt =
        new RunRecord.Attempt(
            1,
            started,
            ended,
            summary.status(),
            Optional.ofNullable(summary.errorCategory()),
            summary.error(),
            "",
            Optional.of(summary));
    return new RunRecord(
        RunIds.imported(started), request, summary.status(), started, ended, List.of(attempt));
  }
}
