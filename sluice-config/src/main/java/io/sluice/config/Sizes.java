package io.sluice.config;

import java.util.Locale;

/** Sizes as people read them, the same in every command and page. */
public final class Sizes {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

  private Sizes() {}

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 GiB}: binary units, one decimal. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
