package io.sluice.core.project;

import io.sluice.config.DidYouMean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the {@code relationships} checks of a project's sources (the referenced dataset and column
 * exist, the types compare, no cycle) and orders the sources so that every referenced dataset is
 * processed before the datasets that reference it; otherwise by name.
 */
final class Relationships {
  private Relationships() {}

  /**
   * The sources in an order where each comes after those its relationships refer to.
   *
   * @param broken sources whose files have problems: a reference to one is not checked, so that
   *     their own problems are not echoed as misleading ones here
   */
  static List<SourceDef> ordered(List<SourceDef> sources, Set<String> broken, Problems problems) {
    Map<String, SourceDef> byName = new LinkedHashMap<>();
    sources.stream()
        .sorted(Comparator.comparing(SourceDef::name))
        .forEach(source -> byName.put(source.name(), source));
    Map<String, Set<String>> references = new LinkedHashMap<>();
    for (SourceDef source : byName.values()) {
      Set<String> targets = new LinkedHashSet<>();
      for (ColumnDef column : source.columns()) {
        for (CheckDef check : column.checks()) {
          if (check.kind() == CheckDef.Kind.RELATIONSHIPS
              && !broken.contains(check.toDataset().orElseThrow())) {
            referenced(source, column, check, byName, problems).ifPresent(targets::add);
          }
        }
      }
      references.put(source.name(), targets);
    }
    List<SourceDef> ordered = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    for (String name : byName.keySet()) {
      visit(name, byName, references, done, new LinkedHashSet<>(), ordered, problems);
    }
    return ordered;
  }

  private static Optional<String> referenced(
      SourceDef source,
      ColumnDef column,
      CheckDef check,
      Map<String, SourceDef> byName,
      Problems problems) {
    String to = check.toDataset().orElseThrow();
    String field = check.toField().orElseThrow();
    String where = "source '" + source.name() + "', column '" + column.name() + "': ";
    SourceDef target = byName.get(to);
    if (target == null) {
      problems.add(
          check.location(),
          where
              + "relationships refers to dataset '"
              + to
              + "', which is not a source of the project"
              + DidYouMean.hint(to, byName.keySet()));
      return Optional.empty();
    }
    if (to.equals(source.name())) {
      problems.add(
          check.location(),
          where + "relationships cannot refer to the dataset itself ('" + to + "')");
      return Optional.empty();
    }
    Optional<ColumnDef> targetColumn =
        target.columns().stream().filter(c -> c.name().equals(field)).findFirst();
    if (targetColumn.isEmpty()) {
      problems.add(
          check.location(),
          where
              + "relationships refers to column '"
              + field
              + "' of '"
              + to
              + "', which has no such column"
              + DidYouMean.hint(field, target.columns().stream().map(ColumnDef::name).toList()));
      return Optional.empty();
    }
    if (!comparable(column, targetColumn.get())) {
      problems.add(
          check.location(),
          where
              + "relationships compares a "
              + column.type()
              + " with "
              + to
              + "."
              + field
              + ", a "
              + targetColumn.get().type()
              + "; declare both with comparable types");
      return Optional.empty();
    }
    return Optional.of(to);
  }

  private static boolean comparable(ColumnDef a, ColumnDef b) {
    return family(a) == family(b);
  }

  private static int family(ColumnDef column) {
    return switch (column.type().kind()) {
      case INT, BIGINT, DOUBLE, DECIMAL -> 0;
      case STRING -> 1;
      case BOOLEAN -> 2;
      case DATE, TIMESTAMP -> 3;
    };
  }

  private static void visit(
      String name,
      Map<String, SourceDef> byName,
      Map<String, Set<String>> references,
      Set<String> done,
      Set<String> path,
      List<SourceDef> ordered,
      Problems problems) {
    if (done.contains(name)) {
      return;
    }
    if (!path.add(name)) {
      List<String> cycle = new ArrayList<>(path);
      cycle = cycle.subList(cycle.indexOf(name), cycle.size());
      cycle.add(name);
      problems.add(
          byName.get(name).location(),
          "relationships form a cycle: "
              + String.join(" -> ", cycle)
              + " (each dataset must be processed after the ones it refers to)");
      done.add(name);
      ordered.add(byName.get(name));
      return;
    }
    for (String target : references.getOrDefault(name, Set.of())) {
      visit(target, byName, references, done, path, ordered, problems);
    }
    path.remove(name);
    if (done.add(name)) {
      ordered.add(byName.get(name));
    }
  }
}
