package io.sluice.core.run;

import io.sluice.api.engine.Engine;
import io.sluice.api.engine.LakeRelation;
import io.sluice.api.engine.SqlDialect;
import io.sluice.api.lake.DataFile;
import io.sluice.api.lake.Lake;
import io.sluice.api.lake.LakeTable;
import io.sluice.api.lake.TableId;
import io.sluice.core.project.Project;
import io.sluice.core.project.SourceDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

  private LakeViews() {}

  /** (Re)defines the views of every source whose tables exist. */
  static void expose(Project project, Lake lake, Engine engine) {
    SqlDialect dialect = engine.dialect();
    List<LakeRelation> relations = new ArrayList<>();
    List<String> filtered = new ArrayList<>();
    for (SourceDef source : project.sources()) {
      Optional<LakeTable> clean = lake.load(new TableId(LakeLayout.CLEAN, source.name()));
      if (clean.isEmpty()) {
        continue;
      }
      Set<String> resolved = BatchHistory.of(clean.get().snapshots()).resolved();
      for (String namespace : List.of(LakeLayout.CLEAN, LakeLayout.RAW, LakeLayout.QUARANTINE)) {
        Optional<LakeTable> table = lake.load(new TableId(namespace, source.name()));
        if (table.isEmpty()) {
          continue;
        }
        String schema = namespace.equals(LakeLayout.CLEAN) ? LakeLayout.LAKE_SCHEMA : namespace;
        List<String> files = table.get().files().stream().map(DataFile::path).toList();
        relations.add(new LakeRelation(schema, source.name(), table.get().columns(), files));
        if (namespace.equals(LakeLayout.QUARANTINE)) {
          relations.add(
              new LakeRelation(ALL_QUARANTINE_SCHEMA, source.name(), table.get().columns(), files));
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
    engine.exposeLakeRelations(relations);
    for (String sql : filtered) {
      engine.query(sql, 0);
    }
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
