package io.sluice.ui.pages;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The column-level lineage of one model: for each output column, the columns of the model's inputs
 * (lake tables as {@code lake.<source>}, other models by name) it derives from, found by walking
 * the statement's syntax tree as DuckDB's {@code json_serialize_sql} gives it. Common table
 * expressions and subqueries in FROM are followed through to the inputs; joins, aliases and set
 * operations are resolved.
 *
 * <p>Where the SQL does not say, the column is "not derivable" with the reason, rather than a
 * guess: a {@code *} (the output columns are only known once run), a window function, a subquery in
 * an expression, a table function, a column whose table cannot be told apart (an unqualified name
 * that several inputs hold, or none known).
 */
final class ColumnLineage {
  /**
   * An input column.
   *
   * @param relation the input as the model's SQL names it after rendering: {@code lake.orders} or a
   *     model's name
   * @param column the column's name
   */
  record Origin(String relation, String column) {}

  /**
   * One output column.
   *
   * @param name the column's name in the model
   * @param origins the input columns it derives from (empty for a constant or {@code count(*)})
   * @param copied whether it is an input column as is (through aliases, CTEs and subqueries)
   * @param notDerivable why its origins cannot be told, when they cannot
   */
  record Column(String name, Set<Origin> origins, boolean copied, Optional<String> notDerivable) {
    static Column unknown(String name, String why) {
      return new Column(name, Set.of(), false, Optional.of(why));
    }
  }

  /** What a FROM item offers a column reference: an input relation or a derived table. */
  private sealed interface Scope permits Input, Derived, Opaque {}

  /** An input relation, with its columns when the warehouse or the project knows them. */
  private record Input(String relation, Optional<List<String>> columns) implements Scope {}

  /** A CTE or a subquery: its own output columns, already traced to the inputs. */
  private record Derived(List<Column> columns) implements Scope {}

  /** A table function or anything else whose columns cannot be traced. */
  private record Opaque(String what) implements Scope {}

  private final String sql;
  private final Map<String, List<String>> catalog;

  /**
   * @param sql the rendered SQL the tree was parsed from (for the text of unnamed expressions)
   * @param catalog the columns of the relations the SQL may read, by lower-case name ({@code
   *     lake.orders}, {@code orders_enriched})
   */
  private ColumnLineage(String sql, Map<String, List<String>> catalog) {
    this.sql = requireNonNull(sql, "sql is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
  }

  /**
   * The lineage of the statement {@code serialized} (the JSON of {@code json_serialize_sql} over
   * {@code sql}).
   *
   * @throws IllegalArgumentException when the JSON holds a parse error or not one statement
   */
  static List<Column> of(String sql, JsonNode serialized, Map<String, List<String>> catalog) {
    if (serialized.path("error").asBoolean(false)) {
      throw new IllegalArgumentException(
          "the SQL does not parse: " + serialized.path("error_message").asText());
    }
    JsonNode statements = serialized.path("statements");
    if (statements.size() != 1) {
      throw new IllegalArgumentException("the SQL holds " + statements.size() + " statements");
    }
    return new ColumnLineage(sql, catalog).query(statements.get(0).path("node"), Map.of());
  }

  // -----------------------------------------------------------------------------------------------
  // Query nodes

  private List<Column> query(JsonNode node, Map<String, Scope> outerCtes) {
    Map<String, Scope> ctes = new LinkedHashMap<>(outerCtes);
    for (JsonNode cte : node.path("cte_map").path("map")) {
      String name = cte.path("key").asText().toLowerCase(Locale.ROOT);
      JsonNode value = cte.path("value");
      List<Column> columns = query(value.path("query_node"), ctes);
      ctes.put(name, new Derived(renamed(columns, value.path("aliases"))));
    }
    String type = node.path("type").asText();
    switch (type) {
      case "SELECT_NODE":
        return select(node, ctes);
      case "SET_OPERATION_NODE":
        return setOperation(node, ctes);
      case "RECURSIVE_CTE_NODE":
        return List.of(Column.unknown("*", "a recursive CTE"));
      default:
        return List.of(Column.unknown("*", "a " + type.toLowerCase(Locale.ROOT) + " query"));
    }
  }

  private List<Column> setOperation(JsonNode node, Map<String, Scope> ctes) {
    List<JsonNode> branches = new ArrayList<>();
    node.path("children").forEach(branches::add);
    if (branches.isEmpty()) {
      branches.add(node.path("left"));
      branches.add(node.path("right"));
    }
    List<Column> first = query(branches.get(0), ctes);
    List<List<Column>> others = new ArrayList<>();
    for (JsonNode branch : branches.subList(1, branches.size())) {
      others.add(query(branch, ctes));
    }
    List<Column> merged = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      Column column = first.get(i);
      Set<Origin> origins = new LinkedHashSet<>(column.origins());
      Optional<String> unknown = column.notDerivable();
      boolean copied = column.copied();
      for (List<Column> other : others) {
        if (i >= other.size() || other.get(i).name().equals("*")) {
          unknown = Optional.of("a set operation with a * in a branch");
          continue;
        }
        origins.addAll(other.get(i).origins());
        copied &= other.get(i).copied();
        if (unknown.isEmpty()) {
          unknown = other.get(i).notDerivable();
        }
      }
      merged.add(
          unknown.isPresent()
              ? Column.unknown(column.name(), unknown.get())
              : new Column(column.name(), origins, copied, Optional.empty()));
    }
    return merged;
  }

  private List<Column> select(JsonNode node, Map<String, Scope> ctes) {
    Map<String, Scope> scope = new LinkedHashMap<>();
    from(node.path("from_table"), ctes, scope);
    List<Column> columns = new ArrayList<>();
    for (JsonNode expression : node.path("select_list")) {
      String clazz = expression.path("class").asText();
      if (clazz.equals("STAR")) {
        String relation = expression.path("relation_name").asText();
        columns.add(
            Column.unknown(
                relation.isEmpty() ? "*" : relation + ".*",
                "a * (its columns are only known once the model runs)"));
        continue;
      }
      String name = name(expression);
      Trace trace = new Trace();
      trace(expression, scope, columns, trace);
      boolean copied =
          clazz.equals("COLUMN_REF")
              && trace.copied
              && trace.unknown == null
              && trace.origins.size() == 1;
      columns.add(
          trace.unknown != null
              ? Column.unknown(name, trace.unknown)
              : new Column(name, trace.origins, copied, Optional.empty()));
    }
    return columns;
  }

  private String name(JsonNode expression) {
    String alias = expression.path("alias").asText();
    if (!alias.isEmpty()) {
      return alias;
    }
    if (expression.path("class").asText().equals("COLUMN_REF")) {
      JsonNode names = expression.path("column_names");
      return names.get(names.size() - 1).asText();
    }
    int at = expression.path("query_location").asInt(-1);
    int length = expression.path("query_location_length").asInt(0);
    if (at >= 0 && length > 0 && at + length <= sql.length()) {
      return sql.substring(at, at + length);
    }
    return "(expression)";
  }

  // -----------------------------------------------------------------------------------------------
  // FROM

  private void from(JsonNode table, Map<String, Scope> ctes, Map<String, Scope> scope) {
    String type = table.path("type").asText();
    String alias = table.path("alias").asText().toLowerCase(Locale.ROOT);
    switch (type) {
      case "BASE_TABLE" -> {
        String name = table.path("table_name").asText().toLowerCase(Locale.ROOT);
        String schema = table.path("schema_name").asText().toLowerCase(Locale.ROOT);
        Scope found;
        if (schema.isEmpty() && ctes.containsKey(name)) {
          found = ctes.get(name);
        } else {
          String relation = schema.isEmpty() || schema.equals("main") ? name : schema + "." + name;
          found = new Input(relation, Optional.ofNullable(catalog.get(relation)));
        }
        scope.put(alias.isEmpty() ? name : alias, aliased(found, table.path("column_name_alias")));
      }
      case "JOIN" -> {
        from(table.path("left"), ctes, scope);
        from(table.path("right"), ctes, scope);
      }
      case "SUBQUERY" -> {
        List<Column> columns = query(table.path("subquery").path("node"), ctes);
        scope.put(
            alias.isEmpty() ? "(subquery)" : alias,
            new Derived(renamed(columns, table.path("column_name_alias"))));
      }
      case "EMPTY", "" -> {
        // FROM-less SELECT: no input.
      }
      default ->
          scope.put(
              alias.isEmpty() ? "(" + type.toLowerCase(Locale.ROOT) + ")" : alias,
              new Opaque(
                  type.equals("TABLE_FUNCTION")
                      ? "a table function"
                      : "a " + type.toLowerCase(Locale.ROOT) + " in FROM"));
    }
  }

  private static Scope aliased(Scope scope, JsonNode columnAliases) {
    if (columnAliases.isEmpty()) {
      return scope;
    }
    if (scope instanceof Derived derived) {
      return new Derived(renamed(derived.columns(), columnAliases));
    }
    return new Opaque("renamed columns of a table");
  }

  private static List<Column> renamed(List<Column> columns, JsonNode aliases) {
    if (aliases == null || aliases.isEmpty()) {
      return columns;
    }
    List<Column> renamed = new ArrayList<>(columns);
    for (int i = 0; i < aliases.size() && i < renamed.size(); i++) {
      Column column = renamed.get(i);
      renamed.set(
          i,
          new Column(
              aliases.get(i).asText(), column.origins(), column.copied(), column.notDerivable()));
    }
    return renamed;
  }

  // -----------------------------------------------------------------------------------------------
  // Expressions

  /** What an expression reads, as it is walked. */
  private static final class Trace {
    final Set<Origin> origins = new LinkedHashSet<>();
    boolean copied = true;
    String unknown;

    void fail(String why) {
      if (unknown == null) {
        unknown = why;
      }
    }
  }

  private void trace(
      JsonNode expression, Map<String, Scope> scope, List<Column> earlier, Trace trace) {
    String clazz = expression.path("class").asText();
    switch (clazz) {
      case "COLUMN_REF" -> column(expression.path("column_names"), scope, earlier, trace);
      case "WINDOW" -> trace.fail("a window function");
      case "SUBQUERY" -> trace.fail("a subquery in an expression");
      case "STAR" -> trace.fail("a * inside an expression");
      case "LAMBDA" -> trace.fail("a lambda");
      case "TYPE" -> {
        // A type name (of a CAST): reads no column.
      }
      default -> children(expression, scope, earlier, trace);
    }
  }

  /** Walks every nested expression of {@code node} (arguments, children, filters, CASE arms). */
  private void children(
      JsonNode node, Map<String, Scope> scope, List<Column> earlier, Trace trace) {
    for (JsonNode child : node) {
      if (child.isObject() && child.has("class")) {
        trace(child, scope, earlier, trace);
      } else if (child.isContainerNode()) {
        children(child, scope, earlier, trace);
      }
    }
  }

  private void column(JsonNode names, Map<String, Scope> scope, List<Column> earlier, Trace trace) {
    List<String> parts = new ArrayList<>();
    names.forEach(name -> parts.add(name.asText()));
    String column = parts.get(parts.size() - 1);
    if (parts.size() >= 2) {
      String qualifier = parts.get(parts.size() - 2).toLowerCase(Locale.ROOT);
      Scope qualified = scope.get(qualifier);
      if (qualified != null) {
        read(qualified, column, trace);
        return;
      }
      // Not a table: a struct field of a column (s.field), traced as the column.
      column = parts.get(0);
    }
    List<Scope> holders = new ArrayList<>();
    boolean someUnknown = false;
    for (Scope candidate : scope.values()) {
      Optional<Boolean> holds = holds(candidate, column);
      if (holds.isEmpty()) {
        someUnknown = true;
      } else if (holds.get()) {
        holders.add(candidate);
      }
    }
    if (holders.size() == 1) {
      read(holders.get(0), column, trace);
      return;
    }
    if (holders.size() > 1) {
      trace.fail("'" + column + "' is in more than one input and is not qualified");
      return;
    }
    // No input is known to hold it: an alias of an earlier output column (DuckDB allows that,
    // but an input's own column comes first, so only when every input's columns are known).
    Column alias = null;
    for (Column output : earlier) {
      if (output.name().equalsIgnoreCase(column)) {
        alias = output;
      }
    }
    if (!someUnknown && alias != null) {
      alias.notDerivable().ifPresent(trace::fail);
      trace.origins.addAll(alias.origins());
      trace.copied &= alias.copied();
    } else if (!someUnknown) {
      trace.fail("no input has a column '" + column + "'");
    } else if (scope.size() == 1 && alias == null) {
      read(scope.values().iterator().next(), column, trace);
    } else {
      trace.fail("cannot tell which input '" + column + "' is read from");
    }
  }

  /** Whether {@code scope} has {@code column}; empty when its columns are not known. */
  private static Optional<Boolean> holds(Scope scope, String column) {
    if (scope instanceof Input input) {
      return input.columns().map(columns -> columns.stream().anyMatch(column::equalsIgnoreCase));
    }
    if (scope instanceof Derived derived) {
      if (derived.columns().stream().anyMatch(c -> c.name().endsWith("*"))) {
        return derived.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(column))
            ? Optional.of(true)
            : Optional.empty();
      }
      return Optional.of(
          derived.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(column)));
    }
    return Optional.empty();
  }

  private static void read(Scope scope, String column, Trace trace) {
    if (scope instanceof Input input) {
      String name =
          input
              .columns()
              .flatMap(columns -> columns.stream().filter(column::equalsIgnoreCase).findFirst())
              .orElse(column);
      trace.origins.add(new Origin(input.relation(), name));
    } else if (scope instanceof Derived derived) {
      for (Column output : derived.columns()) {
        if (output.name().equalsIgnoreCase(column)) {
          output.notDerivable().ifPresent(trace::fail);
          trace.origins.addAll(output.origins());
          trace.copied &= output.copied();
          return;
        }
      }
      trace.fail("'" + column + "' comes from a * of a CTE or subquery");
    } else if (scope instanceof Opaque opaque) {
      trace.fail("'" + column + "' comes from " + opaque.what());
    }
  }
}
