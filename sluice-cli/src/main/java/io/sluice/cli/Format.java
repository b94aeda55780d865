package io.sluice.cli;

import io.sluice.core.run.QualityGate;
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

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.2fs", millis / 1000.0);
  }

  static String rate(long rows, long millis) {
    return millis <= 0 ? "-" : count(Math.round(rows * 1000.0 / millis));
  }

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
