package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.nio.file.Path;

/**
 * Where something was written in a project: a file and a 1-based line and column (0 when unknown).
 */
public record Location(Path file, int line, int column) {
  public Location {
    requireNonNull(file, "file is null");
  }

  public static Location of(Path file) {
    return new Location(file, 0, 0);
  }

  @Override
  public String toString() {
    return format(file.toString());
  }

  /**
   * The location with the file relative to {@code base} when it lies inside it, e.g. {@code
   * sources/orders.yaml:12:5} for a project folder.
   */
  public String display(Path base) {
    if (!file.startsWith(base) || file.equals(base)) {
      return toString();
    }
    return format(base.relativize(file).toString().replace(File.separatorChar, '/'));
  }

  private String format(String path) {
    if (line <= 0) {
      return path;
    }
    return column <= 0 ? path + ":" + line : path + ":" + line + ":" + column;
  }
}
