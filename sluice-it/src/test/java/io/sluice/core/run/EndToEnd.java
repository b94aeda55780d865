package io.sluice.core.run;

import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.core.project.ProjectLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a project folder through the runtime facade, as {@code sluice run} does without its
 * printing, and reads its warehouse as {@code sluice query --format csv} prints it: for tests that
 * check what a run lands, without the CLI.
 */
public final class EndToEnd {
  private EndToEnd() {}

  /**
   * One incremental run of the whole project, loaded afresh from {@code project} (as each command
   * loads it), through {@link ProjectRuntime#runOnce}.
   *
   * @throws io.sluice.api.SluiceException when the project is invalid or the run failed
   */
  public static RunSummary run(Path project) {
    return ProjectRuntime.runOnce(
        ProjectLoader.load(project.toAbsolutePath().normalize()),
        RunRequest.all("manual"),
        Clock.systemUTC(),
        RunListener.NONE);
  }

  /**
   * The result of {@code sql} on the project's warehouse as CSV text: a header line, then a line
   * per row, NULL as an empty field, timestamps in ISO form, fields with a comma, quote or line end
   * quoted; every line ends with a line feed.
   */
  public static String queryCsv(Path project, String sql) {
    StringBuilder csv = new StringBuilder();
    try (WarehouseReader reader =
            ProjectRuntime.openReader(
                ProjectLoader.load(project.toAbsolutePath().normalize()), Duration.ZERO, 0, true);
        QueryCursor cursor = reader.query(sql)) {
      csv.append(String.join(",", cursor.columns().stream().map(EndToEnd::field).toList()))
          .append('\n');
      while (cursor.next()) {
        List<String> fields = new ArrayList<>();
        for (Object value : cursor.row()) {
          fields.add(value == null ? "" : field(text(value)));
        }
        csv.append(String.join(",", fields)).append('\n');
      }
    }
    return csv.toString();
  }

  /** The rows of {@link #queryCsv}, without the header. */
  public static List<String> queryRows(Path project, String sql) {
    List<String> lines = List.of(queryCsv(project, sql).strip().split("\n"));
    return lines.subList(1, lines.size());
  }

  private static String text(Object value) {
    if (value instanceof java.sql.Timestamp timestamp) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(timestamp.toLocalDateTime());
    }
    if (value instanceof LocalDateTime dateTime) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(dateTime);
    }
    if (value instanceof OffsetDateTime dateTime) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(dateTime);
    }
    if (value instanceof java.sql.Time time) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format(time.toLocalTime());
    }
    return String.valueOf(value);
  }

  private static String field(String value) {
    if (value.contains(",")
        || value.contains("\"")
        || value.contains("\n")
        || value.contains("\r")) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }
}
