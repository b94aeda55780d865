package io.sluice.core.run;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What a backfill is asked to do: the input of {@link Backfills#run} and {@link Backfills#plan}.
 *
 * @param from first day to reprocess (UTC, inclusive)
 * @param to last day to reprocess (UTC, inclusive)
 * @param select dbt-style selectors of the sources and models (see {@link
 *     io.sluice.core.project.Selection}); empty: the whole project
 * @param exclude selectors to leave out of {@code select}
 * @param mode which partitions to (re)do
 * @param parallel how many partitions are processed at once, at least 1
 */
public record BackfillRequest(
    LocalDate from,
    LocalDate to,
    List<String> select,
    List<String> exclude,
    Mode mode,
    int parallel) {

  /** The most days one backfill covers (ten years): a typo in a year is caught before it runs. */
  public static final int MAX_DAYS = 3660;

  /** The most partitions processed at once. */
  public static final int MAX_PARALLEL = 64;

  public BackfillRequest {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    select = List.copyOf(select);
    exclude = List.copyOf(exclude);
    requireNonNull(mode, "mode is null");
    if (from.isAfter(to)) {
      throw SluiceException.user(
          "Cannot backfill from %s to %s: --from is after --to (both days are included; for one"
              + " day give the same date twice)",
          from, to);
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_DAYS) {
      throw SluiceException.user(
          "Cannot backfill from %s to %s: %d days is more than the %d one backfill covers; split"
              + " it into several backfills",
          from, to, days, MAX_DAYS);
    }
    if (parallel < 1 || parallel > MAX_PARALLEL) {
      throw SluiceException.user(
          "Cannot backfill with --parallel %d: give a number of partitions from 1 to %d",
          parallel, MAX_PARALLEL);
    }
  }

  /** Which partitions a backfill (re)does. */
  public enum Mode {
    /** The partitions this backfill has not done yet (the default: a re-run resumes). */
    MISSING,
    /** Only the partitions whose last attempt failed (and the models, if not rebuilt yet). */
    FAILED,
    /** Every partition again, those already done included (a new round). */
    ALL;

    /** The name users type: {@code missing}, {@code failed}, {@code all}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a label.
     *
     * @throws SluiceException (USER) naming the accepted values
     */
    public static Mode parse(String label) {
      for (Mode mode : values()) {
        if (mode.label().equals(label)) {
          return mode;
        }
      }
      throw SluiceException.user(
          "Unknown backfill mode '%s': use missing, failed or all", String.valueOf(label));
    }
  }

  /**
   * Parses a day given as {@code YYYY-MM-DD}.
   *
   * @param option the option it was given to, for the message ({@code --from})
   * @throws SluiceException (USER) for anything else
   */
  public static LocalDate day(String option, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw SluiceException.user(
          "Cannot read %s '%s': give a day as YYYY-MM-DD (e.g. 2024-01-31)", option, text);
    }
  }

  /**
   * The backfill of a run request's window (see {@link RunRequest#window()}): its days, selectors
   * and exclusions, resuming ({@link Mode#MISSING}) one day at a time.
   *
   * @throws SluiceException (USER) for a window that does not start and end at midnight UTC
   */
  public static BackfillRequest of(RunRequest request) {
    RunRequest.Window window =
        request
            .window()
            .orElseThrow(() -> new IllegalArgumentException("the run request has no window"));
    LocalDate first = LocalDate.ofInstant(window.start(), ZoneOffset.UTC);
    LocalDate end = LocalDate.ofInstant(window.end(), ZoneOffset.UTC);
    if (!first.atStartOfDay(ZoneOffset.UTC).toInstant().equals(window.start())
        || !end.atStartOfDay(ZoneOffset.UTC).toInstant().equals(window.end())) {
      throw SluiceException.user(
          "Cannot backfill the window [%s, %s): a backfill reprocesses whole days, so the window"
              + " must start and end at midnight UTC",
          window.start(), window.end());
    }
    return new BackfillRequest(
        first, end.minusDays(1), request.select(), request.exclude(), Mode.MISSING, 1);
  }

  /** The days covered, in order. */
  public List<LocalDate> days() {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      days.add(day);
    }
    return days;
  }

  /** The event-time interval covered: from the start of {@code from} to the end of {@code to}. */
  public RunRequest.Window window() {
    return new RunRequest.Window(
        from.atStartOfDay(ZoneOffset.UTC).toInstant(),
        to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /**
   * The backfill's id: the same for the same days and selection, so that running the same command
   * again (whatever its mode and parallelism) continues the same backfill. {@code
   * bf-20240101-20240107}, with a hash of the selectors when there are any.
   */
  public String id() {
    String days = "bf-" + compact(from) + "-" + compact(to);
    if (select.isEmpty() && exclude.isEmpty()) {
      return days;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (String.join(" ", select) + "\n" + String.join(" ", exclude))
                      .getBytes(StandardCharsets.UTF_8));
      return days + "-" + HexFormat.of().formatHex(hash).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw SluiceException.internal("SHA-256 is missing from this JVM", e);
    }
  }

  private static String compact(LocalDate day) {
    return day.toString().replace("-", "");
  }
}
