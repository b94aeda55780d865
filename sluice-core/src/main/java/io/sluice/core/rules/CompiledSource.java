package io.sluice.core.rules;

import io.sluice.api.engine.CompiledRule;
import io.sluice.api.engine.MappedColumn;
import io.sluice.api.source.SourceField;
import java.util.List;

/**
 * A source's mapping and rules in an engine's SQL.
 *
 * @param fields the fields to read from each record, staged as {@code s$<name>}
 * @param columns the dataset's columns
 * @param rules every rule, in evaluation order
 */
public record CompiledSource(
    List<SourceField> fields, List<MappedColumn> columns, List<CompiledRule> rules) {
  public CompiledSource {
    fields = List.copyOf(fields);
    columns = List.copyOf(columns);
    rules = List.copyOf(rules);
  }

  public List<String> fieldNames() {
    return fields.stream().map(SourceField::name).toList();
  }
}
