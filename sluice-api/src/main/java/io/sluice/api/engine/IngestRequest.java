package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import io.sluice.api.lake.DataFile;
import java.util.List;

/**
 * One batch of one source: stage, map, validate and write.
 *
 * <p>The engine writes three tables. <b>raw</b> columns are taken by name from the staging
 * relation: {@code _batch} (the batch id), {@code _file} (split key), {@code _line} (position),
 * {@code _record} (verbatim input) and {@code s$<field>} columns are available. <b>clean</b> takes
 * the mapped columns plus {@code _batch}, {@code _file}, {@code _line} for every row that passes
 * all rules. <b>quarantine</b> takes {@code _batch}, {@code _file}, {@code _line}, {@code _record},
 * {@code _rules} (comma-separated failed rule names) and {@code _errors} (a JSON array of objects
 * with {@code rule}, {@code column}, {@code message}, {@code value}) for every other row, including
 * malformed input (rule {@code parse}).
 *
 * @param source source name, for messages
 * @param batchId batch id, written into every row
 * @param fields staging field names, in {@link io.sluice.api.source.RecordSink} value order
 * @param input where the records come from
 * @param columns the dataset's columns
 * @param rules rules in evaluation order
 * @param existingClean data files already in the clean table (for uniqueness)
 * @param raw target for the raw table
 * @param clean target for the clean table
 * @param quarantine target for the quarantine table
 */
public record IngestRequest(
    String source,
    String batchId,
    List<String> fields,
    SourceInput input,
    List<MappedColumn> columns,
    List<CompiledRule> rules,
    List<DataFile> existingClean,
    TableTarget raw,
    TableTarget clean,
    TableTarget quarantine) {
  public IngestRequest {
    requireNonNull(source, "source is null");
    requireNonNull(batchId, "batchId is null");
    fields = List.copyOf(fields);
    requireNonNull(input, "input is null");
    columns = List.copyOf(columns);
    rules = List.copyOf(rules);
    existingClean = List.copyOf(existingClean);
    requireNonNull(raw, "raw is null");
    requireNonNull(clean, "clean is null");
    requireNonNull(quarantine, "quarantine is null");
  }
}
