package io.sluice.core.dashboard;

import io.sluice.core.run.RunSummary;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names by which dashboards tell what changed in the warehouse: a model by its name, a source
 * by each of its relations ({@code lake.orders}, {@code raw.orders}, {@code quarantine.orders},
 * {@code sluice_quarantine.orders}), all lower case.
 */
public final class WarehouseRelations {
  /** The schema of a source's clean rows in SQL. */
  public static final String CLEAN = "lake";

  /** The schemas in which each source has a relation. */
  public static final List<String> SOURCE_SCHEMAS =
      List.of(CLEAN, "raw", "quarantine", "sluice_quarantine");

  /** The placeholders of the time range, besides a dashboard's variables. */
  public static final List<String> TIME_PLACEHOLDERS = List.of("from", "to");

  private WarehouseRelations() {}

  /** Every relation of {@code source}. */
  public static Set<String> ofSource(String source) {
    Set<String> names = new TreeSet<>();
    String name = source.toLowerCase(Locale.ROOT);
    for (String schema : SOURCE_SCHEMAS) {
      names.add(schema + "." + name);
    }
    return names;
  }

  /**
   * The relations a run changed: each source's that read records, each model it built (a model it
   * skipped kept its rows).
   */
  public static Set<String> changedBy(RunSummary summary) {
    Set<String> changed = new TreeSet<>();
    for (RunSummary.SourceRun source : summary.sources()) {
      if (source.rowsRead() > 0) {
        changed.addAll(ofSource(source.source()));
      }
    }
    for (RunSummary.ModelRun model : summary.models()) {
      if (!model.action().equals("skipped")) {
        changed.add(model.model().toLowerCase(Locale.ROOT));
      }
    }
    return changed;
  }
}
