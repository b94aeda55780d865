package io.sluice.api.engine;

import static java.util.Objects.requireNonNull;

import io.sluice.api.lake.DataFile;
import java.util.List;

/**
 * One batch of one source: stage, map, validate and write.
 *
 * <p>The engine writes three tables. <b>raw</b> columns are taken by name from the staging
 * relation: {@code _batch} (the batch id), {@code _file} (split key), {@code _line} (position),
 * {@code _record} (verbatim input), {@code _op} (for a merge: {@code upsert}, {@code delete}, NULL
 * for malformed input) and {@code s$<field>} columns are available. <b>clean</b> takes the mapped
 * columns plus {@code _batch}, {@code _file}, {@code _line} for every row that passes all rules.
 * <b>quarantine</b> takes {@code _batch}, {@code _file}, {@code _line}, {@code _record}, {@code
 * _rules} (comma-separated failed rule names) and {@code _errors} (a JSON array of objects with
 * {@code rule}, {@code column}, {@code message}, {@code value}) for every other row, including
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
 * @param merge when present, the batch is merged into the clean table on a primary key instead of
 *     appended (see {@link Merge})
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
    TableTarget quarantine,
    java.util.Optional<Merge> merge) {
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
    requireNonNull(merge, "merge is null");
  }

  /** A batch that is appended to the clean table. */
  public IngestRequest(
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
    this(
        source,
        batchId,
        fields,
        input,
        columns,
        rules,
        existingClean,
        raw,
        clean,
        quarantine,
        java.util.Optional.empty());
  }

  /**
   * How a batch merges into the clean table. Per key, the batch's last valid change in read order
   * (splits in input order, records by position) wins: a record replaces every clean row with its
   * key, a {@link io.sluice.api.source.RecordSink#deleted delete} removes them. Duplicate keys in a
   * batch are not a failure; a change with a NULL key column is quarantined under rule {@code
   * primary-key}; deletes are judged by their key alone (no other rule applies to them). The engine
   * finds the clean files that may hold the batch's keys through {@code candidates}, rewrites those
   * that do without the batch's keys, and reports them in {@link IngestResult#cleanRemoved()};
   * {@link IngestResult#clean()} then holds the rewritten files and the batch's surviving rows. Raw
   * gets every change, with column {@code _op} ({@code upsert}, {@code delete}; NULL for malformed
   * input) when the raw target has it.
   *
   * @param primaryKey the key columns, all mapped columns
   * @param candidates the clean files that may hold rows within the given ranges of the key columns
   *     (see {@link io.sluice.api.lake.LakeTable#filesOverlapping}); a subset of {@link
   *     IngestRequest#existingClean()}
   */
  public record Merge(
      List<String> primaryKey,
      java.util.function.Function<List<io.sluice.api.lake.KeyRange>, List<DataFile>> candidates) {
    public Merge {
      primaryKey = List.copyOf(primaryKey);
      requireNonNull(candidates, "candidates is null");
      if (primaryKey.isEmpty()) {
        throw new IllegalArgumentException("a merge needs a primary key");
      }
    }
  }
}
