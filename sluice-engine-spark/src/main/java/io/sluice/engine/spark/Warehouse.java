package io.sluice.engine.spark;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.api.SluiceException;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.lake.LakeColumn;
import io.sluice.api.type.DataType;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark engine's warehouse: a folder holding one Parquet folder per version of each model table
 * ({@code tables/<model>/<uuid>/}) and {@code manifest.json}, which names the current folders of
 * every model, the SQL of view models, the lake relations last exposed and the state values. The
 * manifest is replaced atomically (written aside, then moved over), so a model's data and its state
 * change together: a crash leaves either the old or the new version, and at worst an unreferenced
 * folder.
 */
final class Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);
  private static final String MANIFEST = "manifest.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern VIEW_DEFINITION =
      Pattern.compile("(?is)\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?VIEW\\s.*");

  private final Path directory;
  private final Map<String, Model> models = new LinkedHashMap<>();
  private final Map<String, LakeRelation> lake = new LinkedHashMap<>();
  private final List<String> statements = new ArrayList<>();
  private final Map<String, String> state = new LinkedHashMap<>();

  private Warehouse(Path directory) {
    this.directory = directory;
  }

  /** A model as the warehouse keeps it: a view's SQL, or a table's data folders. */
  record Model(String name, String sql, List<String> folders) {
    Model {
      requireNonNull(name, "name is null");
      requireNonNull(sql, "sql is null");
      folders = List.copyOf(folders);
    }

    static Model view(String name, String sql) {
      return new Model(name, sql, List.of());
    }

    static Model table(String name, List<String> folders) {
      return new Model(name, "", folders);
    }
  }

  /** The manifest as stored. */
  private record Manifest(
      int version,
      List<Model> models,
      List<Relation> lake,
      List<String> statements,
      Map<String, String> state) {}

  private record Relation(String schema, String name, List<Col> columns, List<String> files) {}

  private record Col(int fieldId, String name, String type) {}

  static Warehouse open(Path directory) {
    if (Files.isRegularFile(directory)) {
      throw SluiceException.user(
          "The Spark engine keeps its warehouse in a folder, but %s is a file (another engine's"
              + " warehouse?); set warehouse.path to a folder",
          directory);
    }
    Warehouse warehouse = new Warehouse(directory);
    Path manifest = directory.resolve(MANIFEST);
    if (Files.exists(manifest)) {
      try {
        Manifest stored = JSON.readValue(manifest.toFile(), new TypeReference<Manifest>() {});
        for (Model model : stored.models()) {
          warehouse.models.put(model.name(), model);
        }
        for (Relation relation : stored.lake()) {
          List<LakeColumn> columns = new ArrayList<>();
          for (Col c : relation.columns()) {
            columns.add(new LakeColumn(c.fieldId(), c.name(), DataType.parse(c.type())));
          }
          warehouse.lake.put(
              relation.schema() + "." + relation.name(),
              new LakeRelation(relation.schema(), relation.name(), columns, relation.files()));
        }
        warehouse.statements.addAll(stored.statements());
        warehouse.state.putAll(stored.state());
      } catch (IOException e) {
        throw SluiceException.external("Cannot read the Spark warehouse manifest " + manifest, e);
      }
    }
    return warehouse;
  }

  Path directory() {
    return directory;
  }

  Optional<Model> model(String name) {
    return Optional.ofNullable(models.get(name));
  }

  List<Model> models() {
    return List.copyOf(models.values());
  }

  List<LakeRelation> lakeRelations() {
    return List.copyOf(lake.values());
  }

  List<String> statements() {
    return List.copyOf(statements);
  }

  Optional<String> state(String key) {
    return Optional.ofNullable(state.get(key));
  }

  /** A new, not yet existing folder for a version of a model table. */
  String newTableFolder(String model) {
    return directory
        .resolve("tables")
        .resolve(model)
        .resolve(UUID.randomUUID().toString())
        .toString();
  }

  /** Records a model's new definition and a state value in one manifest replacement. */
  void commit(Model model, String stateKey, String stateValue) {
    // Re-inserted so that the order of the manifest is the order models can be redefined in.
    models.remove(model.name());
    models.put(model.name(), model);
    state.put(stateKey, stateValue);
    save();
  }

  void putLakeRelations(List<LakeRelation> relations) {
    for (LakeRelation relation : relations) {
      lake.put(relation.schema() + "." + relation.name(), relation);
    }
    save();
  }

  /** Keeps a view definition run as a query, to redefine it when the warehouse is reopened. */
  void putStatement(String statement) {
    statements.remove(statement);
    statements.add(statement);
    save();
  }

  static boolean isViewDefinition(String sql) {
    return VIEW_DEFINITION.matcher(sql).matches();
  }

  private void save() {
    List<Relation> relations = new ArrayList<>();
    for (LakeRelation relation : lake.values()) {
      List<Col> columns = new ArrayList<>();
      for (LakeColumn c : relation.columns()) {
        columns.add(new Col(c.fieldId(), c.name(), c.type().toString()));
      }
      relations.add(new Relation(relation.schema(), relation.name(), columns, relation.files()));
    }
    Manifest manifest = new Manifest(1, List.copyOf(models.values()), relations, statements, state);
    Path target = directory.resolve(MANIFEST);
    Path temp = directory.resolve(MANIFEST + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(directory);
      JSON.writeValue(temp.toFile(), manifest);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw SluiceException.external("Cannot write the Spark warehouse manifest " + target, e);
    }
  }

  /**
   * SQL reading exactly these Parquet files or folders. Several paths are one Hadoop glob ({@code
   * /{a/x.parquet,b/y.parquet}}), so that Spark lists them as one relation.
   */
  static String parquetScan(List<String> paths) {
    return "parquet.`" + parquetLocation(paths).replace("`", "``") + "`";
  }

  /** One path, or a Hadoop glob naming exactly these paths. */
  static String parquetLocation(List<String> paths) {
    String location;
    if (paths.size() == 1) {
      location = paths.get(0);
    } else {
      StringBuilder glob = new StringBuilder("/{");
      for (int i = 0; i < paths.size(); i++) {
        String path = paths.get(i);
        if (!path.startsWith("/")) {
          throw SluiceException.internal("Not an absolute local path: " + path, null);
        }
        glob.append(i == 0 ? "" : ",").append(escapeGlob(path.substring(1)));
      }
      location = glob.append('}').toString();
    }
    return location;
  }

  private static String escapeGlob(String path) {
    StringBuilder out = new StringBuilder();
    for (char c : path.toCharArray()) {
      if ("{}[]*?\\,".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Removes what Hadoop's local file system writes besides the data (checksums, markers). */
  static void deleteNonParquet(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path path : walk.filter(Files::isRegularFile).toList()) {
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet")) {
          Files.delete(path);
        }
      }
    } catch (IOException e) {
      throw SluiceException.external("Cannot tidy " + folder, e);
    }
  }

  /** Deletes a folder that no manifest references (any more). */
  static void deleteQuietly(String folder) {
    Path path = Path.of(folder);
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      // The folder is no longer referenced: it wastes space but changes no result.
      LOG.warn("Cannot delete the unreferenced warehouse folder " + folder, e);
    }
  }
}
