package io.sluice.ui.pages;

import java.time.Duration;
import java.util.Locale;

/** How pages show numbers, ages and durations. */
public final class Format {
  private Format() {}

  /** An age such as {@code 4s ago}, {@code 12m ago}, {@code 3h ago}, {@code 2d ago}. */
  public static String age(Duration age) {
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 60) {
      return seconds + "s ago";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m ago";
    }
    if (seconds < 86_400) {
      return seconds / 3600 + "h ago";
    }
    return seconds / 86_400 + "d ago";
  }

  /** A duration such as {@code 850 ms}, {@code 4.2 s}, {@code 3m 20s}. */
  public static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    return millis / 60_000 + "m " + (millis % 60_000) / 1000 + "s";
  }

  /** A share as a percentage with one decimal, e.g. {@code 99.5%}. */
  public static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
