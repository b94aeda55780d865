package io.sluice.api.engine;

import io.sluice.api.lake.DataFile;
import java.util.List;
import java.util.Map;

/**
 * What a batch produced.
 *
 * @param rowsRead records read, malformed ones included
 * @param rowsValid rows written to clean
 * @param rowsQuarantined rows written to quarantine ({@code rowsValid + rowsQuarantined ==
 *     rowsRead})
 * @param failuresByRule how many rows failed each rule (a row can fail several), sorted by key
 * @param raw files written for raw
 * @param clean files written for clean
 * @param quarantine files written for quarantine
 * @param rowsWarned rows written to clean that failed at least one rule of severity warn
 * @param cleanRemoved for a merge ({@link IngestRequest#merge()}): the clean table's files that
 *     {@code clean} replaces (they held keys of the batch); empty for an append
 * @param steps what the engine's steps cost (stage, validate, the writes), in the order they ran;
 *     empty when the engine does not measure them
 */
public record IngestResult(
    long rowsRead,
    long rowsValid,
    long rowsQuarantined,
    Map<String, Long> failuresByRule,
    List<DataFile> raw,
    List<DataFile> clean,
    List<DataFile> quarantine,
    long rowsWarned,
    List<DataFile> cleanRemoved,
    List<StepTiming> steps) {
  public IngestResult {
    failuresByRule = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(failuresByRule));
    raw = List.copyOf(raw);
    clean = List.copyOf(clean);
    quarantine = List.copyOf(quarantine);
    cleanRemoved = List.copyOf(cleanRemoved);
    steps = List.copyOf(steps);
  }

  /** A result without step timings. */
  public IngestResult(
      long rowsRead,
      long rowsValid,
      long rowsQuarantined,
      Map<String, Long> failuresByRule,
      List<DataFile> raw,
      List<DataFile> clean,
      List<DataFile> quarantine,
      long rowsWarned,
      List<DataFile> cleanRemoved) {
    this(
        rowsRead,
        rowsValid,
        rowsQuarantined,
        failuresByRule,
        raw,
        clean,
        quarantine,
        rowsWarned,
        cleanRemoved,
        List.of());
  }

  /** This result with the engine's step timings. */
  public IngestResult withSteps(List<StepTiming> engineSteps) {
    return new IngestResult(
        rowsRead,
        rowsValid,
        rowsQuarantined,
        failuresByRule,
        raw,
        clean,
        quarantine,
        rowsWarned,
        cleanRemoved,
        engineSteps);
  }

  /** The result of an appended batch. */
  public IngestResult(
      long rowsRead,
      long rowsValid,
      long rowsQuarantined,
      Map<String, Long> failuresByRule,
      List<DataFile> raw,
      List<DataFile> clean,
      List<DataFile> quarantine,
      long rowsWarned) {
    this(
        rowsRead,
        rowsValid,
        rowsQuarantined,
        failuresByRule,
        raw,
        clean,
        quarantine,
        rowsWarned,
        List.of());
  }

  /** A result with no warned rows. */
  public IngestResult(
      long rowsRead,
      long rowsValid,
      long rowsQuarantined,
      Map<String, Long> failuresByRule,
      List<DataFile> raw,
      List<DataFile> clean,
      List<DataFile> quarantine) {
    this(rowsRead, rowsValid, rowsQuarantined, failuresByRule, raw, clean, quarantine, 0);
  }
}
