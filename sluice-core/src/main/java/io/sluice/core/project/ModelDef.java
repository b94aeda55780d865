package io.sluice.core.project;

import static java.util.Objects.requireNonNull;

import io.sluice.api.engine.ModelRequest.Materialization;
import java.util.List;

/**
 * A SQL model.
 *
 * @param name model name (the file name without {@code .sql})
 * @param location the SQL file
 * @param template the file's text, a Jinja template
 * @param materialization from {@code config(materialized=...)}; default {@code view}
 * @param uniqueKey from {@code config(unique_key=...)}: a column or list of columns; empty if none
 * @param refs models it references with {@code ref()}, sorted
 * @param sources sources it references with {@code source()}, sorted
 * @param description from {@code schema.yml}, possibly empty
 * @param tags from {@code config(tags=...)}, sorted; for selectors such as {@code tag:daily}
 */
public record ModelDef(
    String name,
    Location location,
    String template,
    Materialization materialization,
    List<String> uniqueKey,
    List<String> refs,
    List<String> sources,
    String description,
    List<String> tags) {
  public ModelDef {
    requireNonNull(name, "name is null");
    requireNonNull(location, "location is null");
    requireNonNull(template, "template is null");
    requireNonNull(materialization, "materialization is null");
    uniqueKey = List.copyOf(uniqueKey);
    refs = List.copyOf(refs);
    sources = List.copyOf(sources);
    requireNonNull(description, "description is null");
    tags = List.copyOf(tags);
  }
}
