package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.core.run.QualityGate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number formatting for summaries. */
final class Format {
  private Format() {}

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** See {@link QualityGate#percent}: never 100.00% when a row failed. */
  static String percent(double ratio) {
    return QualityGate.percent(ratio);
  }

  /**
   * A value of a query result as text: date-times in ISO-8601 ({@code 2026-11-25T11:50:00}, with
   * the offset when the value has one), everything else as {@link String#valueOf}.
   */
  static String value(Object value) {
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

  /**
   * The JSON writer of every {@code --format json}: keys are kebab-case like the project's own
   * ({@code rows-read}), records included.
   */
  static ObjectMapper json() {
    return new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT);
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.2fs", millis / 1000.0);
  }

  static String rate(long rows, long millis) {
    return millis <= 0 ? "-" : count(Math.round(rows * 1000.0 / millis));
  }
}
