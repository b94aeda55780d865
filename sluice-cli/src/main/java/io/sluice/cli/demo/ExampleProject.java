package io.sluice.cli.demo;

import io.sluice.api.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The example shop project ({@code examples/shop} in the source tree), packaged by the build as
 * class path resources under {@code examples/shop/}. Read from {@code target/classes} in a
 * development build and from the jar in a release.
 */
public final class ExampleProject {
  /** The resource folder of the example. */
  public static final String RESOURCE_ROOT = "examples/shop";

  // A file every version of the example has, used to find where the example is.
  private static final String ANCHOR = "sluice.yaml";

  private ExampleProject() {}

  /**
   * Copies the example's files into {@code target} (created if absent), overwriting files of the
   * same name.
   *
   * @return the copied files relative to {@code target}, with {@code /} separators, sorted
   */
  public static List<String> copyTo(Path target) {
    URL anchor = ExampleProject.class.getClassLoader().getResource(RESOURCE_ROOT + "/" + ANCHOR);
    if (anchor == null) {
      throw SluiceException.internal(
          "The example project is missing from the class path (resource "
              + RESOURCE_ROOT
              + "/"
              + ANCHOR
              + "); the sluice-cli build packages it from examples/shop",
          null);
    }
    try {
      URI uri = anchor.toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem jar;
        boolean opened = false;
        try {
          jar = FileSystems.newFileSystem(uri, Map.of());
          opened = true;
        } catch (FileSystemAlreadyExistsException e) {
          jar = FileSystems.getFileSystem(uri);
        }
        try {
          return copyTree(jar.getPath("/" + RESOURCE_ROOT), target);
        } finally {
          if (opened) {
            jar.close();
          }
        }
      }
      return copyTree(Path.of(uri).getParent(), target);
    } catch (URISyntaxException | IOException e) {
      throw SluiceException.external(
          "Cannot copy the example project from " + anchor + " to " + target + ": " + e, e);
    }
  }

  private static List<String> copyTree(Path root, Path target) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<String> copied = new ArrayList<>();
    for (Path file : files) {
      List<String> parts = new ArrayList<>();
      for (Path part : root.relativize(file)) {
        parts.add(part.toString());
      }
      String relative = String.join("/", parts);
      Path destination =
          target.resolve(relative.replace("/", target.getFileSystem().getSeparator()));
      Files.createDirectories(destination.getParent());
      try (InputStream in = Files.newInputStream(file)) {
        Files.copy(in, destination, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      copied.add(relative);
    }
    copied.sort(null);
    return List.copyOf(copied);
  }
}
