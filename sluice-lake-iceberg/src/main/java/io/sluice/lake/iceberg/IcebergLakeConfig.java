package io.sluice.lake.iceberg;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.lake.LakeContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The resolved options of an Iceberg lake. Keys and defaults are defined here only; {@link
 * IcebergLakeFactory} documents them.
 *
 * @param catalogUri JDBC URL of the catalog database
 * @param warehouse root location of table data and metadata: an absolute local path or a URI
 * @param lakeDirectory the default home of catalog and warehouse ({@code <state>/lake})
 */
record IcebergLakeConfig(String catalogUri, String warehouse, Path lakeDirectory) {
  static final String CATALOG_URI = "catalog-uri";
  static final String WAREHOUSE = "warehouse";
  static final List<String> KEYS = List.of(CATALOG_URI, WAREHOUSE);

  static final String SQLITE_PREFIX = "jdbc:sqlite:";

  // Two letters at least, so that a Windows drive ("C:\...") is not taken for a URI scheme.
  private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  IcebergLakeConfig {
    requireNonNull(catalogUri, "catalogUri is null");
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(lakeDirectory, "lakeDirectory is null");
  }

  static String defaultCatalogUri(Path lakeDirectory) {
    return SQLITE_PREFIX + lakeDirectory.resolve("catalog.db");
  }

  static Path defaultWarehouse(Path lakeDirectory) {
    return lakeDirectory.resolve("warehouse");
  }

  /**
   * Resolves the options of {@code context}.
   *
   * @throws SluiceException (USER) for an unknown key, naming the closest known key, or an invalid
   *     value
   */
  static IcebergLakeConfig from(LakeContext context) {
    Path lakeDirectory = context.stateDirectory().toAbsolutePath().normalize().resolve("lake");
    Map<String, String> options = context.options();
    List<String> problems = new ArrayList<>();
    options.keySet().stream()
        .filter(key -> !KEYS.contains(key))
        .sorted()
        .forEach(
            key ->
                problems.add(
                    "unknown option '%s'%s (known options: %s)"
                        .formatted(
                            key,
                            closest(key).map(k -> ", did you mean '" + k + "'?").orElse(""),
                            String.join(", ", KEYS))));

    String catalogUri = options.getOrDefault(CATALOG_URI, defaultCatalogUri(lakeDirectory)).trim();
    if (!catalogUri.startsWith("jdbc:")) {
      problems.add(
          "option '%s' must be a JDBC URL such as jdbc:sqlite:/path/catalog.db, got '%s'"
              .formatted(CATALOG_URI, catalogUri));
    }
    String warehouse =
        options.getOrDefault(WAREHOUSE, defaultWarehouse(lakeDirectory).toString()).trim();
    if (!isUri(warehouse) && !Path.of(warehouse).isAbsolute()) {
      problems.add(
          "option '%s' must be an absolute path or a URI, got '%s'"
              .formatted(WAREHOUSE, warehouse));
    }
    if (!problems.isEmpty()) {
      throw SluiceException.user(
          "Invalid options for lake 'iceberg': %s", String.join("; ", problems));
    }
    return new IcebergLakeConfig(catalogUri, warehouse, lakeDirectory);
  }

  boolean isSqlite() {
    return catalogUri.startsWith(SQLITE_PREFIX);
  }

  /** The SQLite database file, when the catalog is a SQLite file (not in memory). */
  Optional<Path> sqliteFile() {
    if (!isSqlite()) {
      return Optional.empty();
    }
    String name = catalogUri.substring(SQLITE_PREFIX.length());
    int query = name.indexOf('?');
    if (query >= 0) {
      name = name.substring(0, query);
    }
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    }
    if (name.isEmpty() || name.startsWith(":memory:") || name.startsWith(":resource:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(name).toAbsolutePath());
  }

  /** The warehouse as a local folder, unless it is on another file system. */
  Optional<Path> localWarehouse() {
    return localPath(warehouse);
  }

  /** {@code location} as a local path, or empty when it names another file system. */
  static Optional<Path> localPath(String location) {
    if (location.startsWith("file:")) {
      return Optional.of(Path.of(URI.create(location)));
    }
    return isUri(location) ? Optional.empty() : Optional.of(Path.of(location));
  }

  private static boolean isUri(String location) {
    return URI_SCHEME.matcher(location).matches();
  }

  private static Optional<String> closest(String key) {
    String lower = key.toLowerCase(Locale.ROOT).replace('_', '-');
    return KEYS.stream()
        .filter(known -> distance(lower, known) <= Math.max(2, known.length() / 3))
        .min(Comparator.comparingInt(known -> distance(lower, known)));
  }

  private static int distance(String a, String b) {
    return io.sluice.config.DidYouMean.distance(a, b);
  }
}
