package io.sluice.core.orchestrate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.api.SluiceException;
import io.sluice.core.run.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the scheduler keeps across restarts, per schedule: the last due time it handled (to catch up
 * what it missed while down) and a pause or resume asked for at run time (which overrides {@code
 * paused} of sluice.yaml). Kept in {@code <state-dir>/scheduler/schedules.json}, written
 * atomically. Not thread-safe: the scheduler guards it.
 */
final class SchedulerState {
  static final String FILE = "scheduler/schedules.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final Map<String, Entry> entries;

  /**
   * One schedule's record.
   *
   * @param lastDue the last due time handled (ISO-8601), or null
   * @param paused a pause (true) or resume (false) asked for at run time, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Entry(@JsonProperty("last-due") String lastDue, @JsonProperty("paused") Boolean paused) {}

  private SchedulerState(Path file, Map<String, Entry> entries) {
    this.file = file;
    this.entries = entries;
  }

  static SchedulerState load(Path stateDirectory) {
    Path file = stateDirectory.resolve(FILE);
    if (!Files.exists(file)) {
      return new SchedulerState(file, new TreeMap<>());
    }
    try {
      Map<String, Entry> read = JSON.readValue(file.toFile(), new TypeReference<>() {});
      return new SchedulerState(file, new TreeMap<>(read));
    } catch (IOException e) {
      throw new SluiceException(
          io.sluice.api.ErrorCategory.EXTERNAL,
          "Cannot read the scheduler's state "
              + file
              + " ("
              + e.getMessage()
              + "); delete it to start afresh (runs missed while no scheduler ran are then not"
              + " caught up, and pauses asked for through the API are forgotten)",
          e);
    }
  }

  Optional<Instant> lastDue(String schedule) {
    return Optional.ofNullable(entries.get(schedule)).map(Entry::lastDue).map(Instant::parse);
  }

  Optional<Boolean> paused(String schedule) {
    return Optional.ofNullable(entries.get(schedule)).map(Entry::paused);
  }

  void lastDue(String schedule, Instant due) {
    Entry entry = entries.getOrDefault(schedule, new Entry(null, null));
    entries.put(schedule, new Entry(due.toString(), entry.paused()));
  }

  void paused(String schedule, boolean paused) {
    Entry entry = entries.getOrDefault(schedule, new Entry(null, null));
    entries.put(schedule, new Entry(entry.lastDue(), paused));
  }

  void save() {
    try {
      StateStore.writeAtomically(file, JSON.writeValueAsBytes(entries));
    } catch (IOException e) {
      throw SluiceException.external("Cannot write the scheduler's state " + file, e);
    }
  }
}
