package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Lists the regular files that the {@code path} option of a source names: a file, a directory (the
 * files directly in it) or a glob. In directories and globs, hidden files and folders (a name
 * starting with {@code .}) and files ending in {@code .crc} or {@code .tmp} are ignored: they are
 * checksums and files still being written by other tools.
 */
final class FileLister {
  /**
   * A file that was found.
   *
   * @param file absolute, normalized path
   * @param size size in bytes when listed
   * @param modifiedMillis last modification time when listed
   */
  record Listed(Path file, long size, long modifiedMillis) {
    Listed {
      requireNonNull(file, "file is null");
    }
  }

  private final String sourceName;
  private final String pathOption;

  /** The literal path, or the directory in which the glob is matched. */
  private final Path base;

  /** The glob below {@code base}, or null for a literal path. */
  private final Pattern glob;

  private final int maxDepth;

  FileLister(String sourceName, Path projectDirectory, String pathOption) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.pathOption = requireNonNull(pathOption, "pathOption is null");
    Path root = projectDirectory.toAbsolutePath().normalize();
    String[] segments = pathOption.split("/", -1);
    int firstGlob = -1;
    for (int i = 0; i < segments.length; i++) {
      if (Glob.isGlob(segments[i])) {
        firstGlob = i;
        break;
      }
    }
    if (firstGlob < 0) {
      this.base = root.resolve(pathOption).normalize();
      this.glob = null;
      this.maxDepth = 1;
      return;
    }
    String prefix = String.join("/", Arrays.asList(segments).subList(0, firstGlob));
    String remainder =
        String.join("/", Arrays.asList(segments).subList(firstGlob, segments.length));
    if (pathOption.startsWith("/") && prefix.isEmpty()) {
      prefix = "/";
    }
    this.base = root.resolve(prefix).normalize();
    try {
      this.glob = Glob.compile(remainder);
    } catch (IllegalArgumentException e) {
      throw SluiceException.user(
          "Source '%s': option 'path' is not a valid glob: %s (in '%s')",
          sourceName, e.getMessage(), pathOption);
    }
    this.maxDepth = remainder.contains("**") ? Integer.MAX_VALUE : segments.length - firstGlob;
  }

  /**
   * The matching regular files, in no particular order.
   *
   * @throws SluiceException USER when the path (or the folder a glob starts in) does not exist,
   *     EXTERNAL when the file system cannot be read
   */
  List<Listed> list() {
    try {
      return glob == null ? listLiteral() : listGlob();
    } catch (UncheckedIOException e) {
      throw cannotList(e.getCause());
    } catch (IOException e) {
      throw cannotList(e);
    }
  }

  private List<Listed> listLiteral() throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(base, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      Path parent = base.getParent();
      if (parent != null && Files.isDirectory(parent)) {
        // The file has not arrived yet: nothing to read, which is not an error.
        return List.of();
      }
      throw SluiceException.user(
          "Source '%s': path '%s' does not exist (%s), and neither does its folder",
          sourceName, pathOption, base);
    }
    if (attributes.isRegularFile()) {
      return List.of(new Listed(base, attributes.size(), attributes.lastModifiedTime().toMillis()));
    }
    if (!attributes.isDirectory()) {
      throw SluiceException.user(
          "Source '%s': path '%s' (%s) is neither a regular file nor a folder",
          sourceName, pathOption, base);
    }
    return walk(null);
  }

  private List<Listed> listGlob() throws IOException {
    if (!Files.isDirectory(base)) {
      throw SluiceException.user(
          "Source '%s': the folder '%s' in which path '%s' is matched %s",
          sourceName, base, pathOption, Files.exists(base) ? "is not a folder" : "does not exist");
    }
    return walk(glob);
  }

  private List<Listed> walk(Pattern pattern) throws IOException {
    List<Listed> found = new ArrayList<>();
    Files.walkFileTree(
        base,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        maxDepth,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(base) && isIgnored(dir)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && !isIgnored(file) && matches(pattern, file)) {
              found.add(
                  new Listed(
                      file.toAbsolutePath().normalize(),
                      attrs.size(),
                      attrs.lastModifiedTime().toMillis()));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException || e instanceof FileSystemLoopException) {
              // Deleted while listing, or a symbolic link back up the tree (listed once already).
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return found;
  }

  private boolean matches(Pattern pattern, Path file) {
    if (pattern == null) {
      return true;
    }
    StringBuilder relative = new StringBuilder();
    for (Path segment : base.relativize(file)) {
      if (relative.length() > 0) {
        relative.append('/');
      }
      relative.append(segment);
    }
    return pattern.matcher(relative).matches();
  }

  static boolean isIgnored(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return false;
    }
    String text = name.toString();
    String lower = text.toLowerCase(Locale.ROOT);
    return text.startsWith(".") || lower.endsWith(".crc") || lower.endsWith(".tmp");
  }

  private SluiceException cannotList(IOException e) {
    String what =
        e instanceof FileSystemException fse && fse.getFile() != null
            ? "'" + fse.getFile() + "'" + (fse.getReason() != null ? ": " + fse.getReason() : "")
            : String.valueOf(e.getMessage());
    return SluiceException.external(
        String.format(
            "Source '%s': cannot list the files of path '%s': cannot read %s (%s)",
            sourceName, pathOption, what, e.getClass().getSimpleName()),
        e);
  }
}
