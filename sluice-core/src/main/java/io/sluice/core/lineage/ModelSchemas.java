package io.sluice.core.lineage;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.QueryCursor;
import io.sluice.api.engine.WarehouseReader;
import io.sluice.core.project.ModelDef;
import io.sluice.core.project.Project;
import io.sluice.core.run.ProjectRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The columns of the project's models as the warehouse has them, for the {@code schema} facet of
 * model outputs: read with a read-only warehouse reader (the newest published snapshot while
 * another process or {@code serve} writes), once per model and version of its SQL, since only a
 * changed model changes its columns. A model the reader cannot see yet (not built, not published)
 * has no schema until a later event.
 */
final class ModelSchemas {
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

  /** A column as the warehouse names its type. */
  record Field(String name, String type) {}

  private final Project project;
  private final Map<String, List<Field>> known = new ConcurrentHashMap<>();

  ModelSchemas(Project project) {
    this.project = requireNonNull(project, "project is null");
  }

  /** The columns of {@code models}, for those the warehouse has; opens a reader only if needed. */
  Map<String, List<Field>> columns(List<ModelDef> models) {
    Map<String, List<Field>> found = new java.util.HashMap<>();
    List<ModelDef> unknown = new ArrayList<>();
    for (ModelDef model : models) {
      List<Field> fields = known.get(key(model));
      if (fields == null) {
        unknown.add(model);
      } else {
        found.put(model.name(), fields);
      }
    }
    if (unknown.isEmpty()) {
      return found;
    }
    try (WarehouseReader reader = ProjectRuntime.openReader(project, QUERY_TIMEOUT, 1 << 20)) {
      for (ModelDef model : unknown) {
        read(reader, model)
            .ifPresent(
                fields -> {
                  known.put(key(model), fields);
                  found.put(model.name(), fields);
                });
      }
    } catch (RuntimeException e) {
      // no warehouse yet, or an engine without a sandboxed reader: the events go without schemas
    }
    return found;
  }

  private static Optional<List<Field>> read(WarehouseReader reader, ModelDef model) {
    String sql = "SELECT * FROM \"" + model.name().replace("\"", "\"\"") + "\" LIMIT 0";
    try (QueryCursor cursor = reader.query(sql)) {
      List<Field> fields = new ArrayList<>();
      for (int i = 0; i < cursor.columns().size(); i++) {
        fields.add(new Field(cursor.columns().get(i), cursor.types().get(i)));
      }
      return Optional.of(List.copyOf(fields));
    } catch (RuntimeException e) {
      return Optional.empty(); // not in the warehouse (yet)
    }
  }

  private static String key(ModelDef model) {
    return model.name()
        + "\n"
        + java.util.UUID.nameUUIDFromBytes(model.template().getBytes(StandardCharsets.UTF_8));
  }
}
