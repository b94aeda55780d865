package io.sluice.core.run;

import io.sluice.api.engine.Engine;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.QueryResult;
import io.sluice.api.engine.SqlDialect;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The warehouse's views over the lake: {@code lake.<source>} (clean), {@code raw.<source>} and
 * {@code quarantine.<source>}. The quarantine view leaves out the rows a replay landed in clean
 * (their keys are in the clean table's history); the whole table stays readable as {@code
 * sluice_quarantine.<source>}.
 */
final class LakeViews {
  /** The schema of the unfiltered quarantine tables. */
  static final String ALL_QUARANTINE_SCHEMA = "sluice_quarantine";

  /**
   * Bump when the views' definitions change shape, so that warehouses made by an earlier version
   * re-create them even though no table changed.
   */
  private static final String FORMAT = "2";

  private static final List<String> NAMESPACES =
      List.of(LakeLayout.CLEAN, LakeLayout.RAW, LakeLayout.QUARANTINE);

  private LakeViews() {}

  /**
   * (Re)defines the views of every source whose tables exist, unless the warehouse records that
   * they were defined from the tables as they are (same snapshots and columns) and still has them:
   * a run with nothing new then reads no manifest and leaves the warehouse unchanged.
   */
  static void expose(Project project, Lake lake, Engine engine) {
    expose(project, lake, engine, Map.of());
  }

  /**
   * As {@link #expose(Project, Lake, Engine)}, with tables the caller already holds as they are now
   * (e.g. those a batch just committed to), which are not loaded from the catalog again. Views are
   * versioned per table: a micro-batch that committed to raw and clean leaves the quarantine views
   * alone.
   */
  static void expose(Project project, Lake lake, Engine engine, Map<TableId, LakeTable> loaded) {
    SqlDialect dialect = engine.dialect();
    List<LakeRelation> relations = new ArrayList<>();
    List<String> filtered = new ArrayList<>();
    Map<String, String> versions = new LinkedHashMap<>();
    Set<String> existing = null;
    for (SourceDef source : project.sources()) {
      Map<String, LakeTable> tables = new LinkedHashMap<>();
      for (String namespace : NAMESPACES) {
        TableId id = new TableId(namespace, source.name());
        LakeTable held = loaded.get(id);
        if (held != null) {
          tables.put(namespace, held);
        } else {
          lake.load(id).ifPresent(table -> tables.put(namespace, table));
        }
      }
      if (!tables.containsKey(LakeLayout.CLEAN)) {
        continue;
      }
      Set<String> resolved = BatchHistory.of(tables.get(LakeLayout.CLEAN).snapshots()).resolved();
      for (Map.Entry<String, LakeTable> entry : tables.entrySet()) {
        String namespace = entry.getKey();
        LakeTable table = entry.getValue();
        // The quarantine view's filter follows from the clean table's history: part of its version.
        String version =
            version(engine, table, namespace.equals(LakeLayout.QUARANTINE) ? resolved : Set.of());
        String key = stateKey(source, namespace);
        if (engine.state(key).filter(version::equals).isPresent()) {
          if (existing == null) {
            existing = existingViews(engine);
          }
          if (existing.containsAll(viewsOf(source, namespace))) {
            continue;
          }
        }
        versions.put(key, version);
        String schema = namespace.equals(LakeLayout.CLEAN) ? LakeLayout.LAKE_SCHEMA : namespace;
        List<String> files = table.files().stream().map(DataFile::path).toList();
        relations.add(new LakeRelation(schema, source.name(), table.columns(), files));
        if (namespace.equals(LakeLayout.QUARANTINE)) {
          relations.add(
              new LakeRelation(ALL_QUARANTINE_SCHEMA, source.name(), table.columns(), files));
          if (!resolved.isEmpty()) {
            filtered.add(
                "CREATE OR REPLACE VIEW "
                    + dialect.quote(LakeLayout.QUARANTINE)
                    + "."
                    + dialect.quote(source.name())
                    + " AS SELECT * FROM "
                    + dialect.quote(ALL_QUARANTINE_SCHEMA)
                    + "."
                    + dialect.quote(source.name())
                    + " WHERE "
                    + key(dialect, "_batch")
                    + " NOT IN (SELECT k FROM (VALUES "
                    + resolved.stream()
                        .map(k -> "(" + dialect.literal(k) + ")")
                        .collect(Collectors.joining(", "))
                    + ") AS r(k))");
          }
        }
      }
    }
    if (relations.isEmpty()) {
      return;
    }
    if (filtered.isEmpty()) {
      // The versions with the views, in one commit.
      engine.exposeLakeRelations(relations, versions);
      return;
    }
    engine.exposeLakeRelations(relations);
    for (String sql : filtered) {
      engine.query(sql, 0);
    }
    // After the views: a run that stops in between re-creates them next time.
    versions.forEach(engine::recordState);
  }

  private static String stateKey(SourceDef source, String namespace) {
    return "lake-views:" + source.name() + ":" + namespace;
  }

  /**
   * What a table's views are defined from: its current snapshot and columns (its files follow from
   * its snapshot), and for the quarantine views the keys replays resolved.
   */
  private static String version(Engine engine, LakeTable table, Set<String> resolved) {
    StringBuilder version =
        new StringBuilder(FORMAT)
            .append(' ')
            .append(engine.getClass().getName())
            .append('\n')
            .append(table.currentSnapshot().map(s -> Long.toString(s.id())).orElse("-"))
            .append(' ')
            .append(table.columns());
    if (!resolved.isEmpty()) {
      version.append("\nresolved ").append(resolved.size()).append(' ').append(resolved.hashCode());
    }
    return version.toString();
  }

  /** The views {@link #expose} defines for a source's table in {@code namespace}. */
  private static Set<String> viewsOf(SourceDef source, String namespace) {
    Set<String> views = new TreeSet<>();
    if (namespace.equals(LakeLayout.CLEAN)) {
      views.add(LakeLayout.LAKE_SCHEMA + "." + source.name());
    } else {
      views.add(namespace + "." + source.name());
    }
    if (namespace.equals(LakeLayout.QUARANTINE)) {
      views.add(ALL_QUARANTINE_SCHEMA + "." + source.name());
    }
    return views;
  }

  /** The warehouse's views in the schemas {@link #expose} defines, as {@code schema.name}. */
  private static Set<String> existingViews(Engine engine) {
    Set<String> views = new TreeSet<>();
    QueryResult result =
        engine.query(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type ="
                + " 'VIEW' AND table_schema IN ('"
                + String.join(
                    "', '",
                    List.of(
                        LakeLayout.LAKE_SCHEMA,
                        LakeLayout.RAW,
                        LakeLayout.QUARANTINE,
                        ALL_QUARANTINE_SCHEMA))
                + "')",
            Integer.MAX_VALUE);
    for (List<Object> row : result.rows()) {
      views.add(row.get(0) + "." + row.get(1));
    }
    return views;
  }

  /**
   * The key of a quarantine row, an SQL expression over its columns: {@code batch/line/hash/file},
   * where hash is the first 16 hex digits of the MD5 of {@code _record} (records at the same
   * position, such as elements of a one-line JSON array, differ by it).
   *
   * @param batch the expression for the batch that quarantined the row
   */
  static String key(SqlDialect dialect, String batch) {
    return batch
        + " || '/' || CAST("
        + dialect.quote("_line")
        + " AS "
        + dialect.typeName(io.sluice.api.type.DataType.STRING)
        + ") || '/' || substr(md5(coalesce("
        + dialect.quote("_record")
        + ", '')), 1, 16) || '/' || "
        + dialect.quote("_file");
  }
}
