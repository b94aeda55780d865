package io.sluice.connect.files;

import java.util.Locale;
import java.util.Optional;

/** The file formats the {@code files} connector reads. */
enum FileFormat {
  CSV("csv"),
  JSON("json"),
  PARQUET("parquet");

  private final String optionValue;

  FileFormat(String optionValue) {
    this.optionValue = optionValue;
  }

  /** The value of the {@code format} option that selects this format. */
  String optionValue() {
    return optionValue;
  }

  static Optional<FileFormat> fromOptionValue(String value) {
    for (FileFormat format : values()) {
      if (format.optionValue.equals(value)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  /**
   * The format implied by the extension of a file name or glob: {@code .csv}/{@code .tsv} for CSV,
   * {@code .json}/{@code .ndjson}/{@code .jsonl} for JSON, {@code .parquet} for Parquet; the same
   * names of CSV and JSON with {@code .gz} or {@code .zst} after them for compressed files.
   */
  static Optional<FileFormat> fromFileName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    Compression compression = Compression.ofName(lower);
    if (compression != Compression.NONE) {
      // Parquet compresses inside the file: only text formats are read compressed.
      Optional<FileFormat> inner = fromFileName(Compression.withoutExtension(lower));
      return inner.filter(format -> format != PARQUET);
    }
    if (lower.endsWith(".csv") || lower.endsWith(".tsv")) {
      return Optional.of(CSV);
    }
    if (lower.endsWith(".json") || lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) {
      return Optional.of(JSON);
    }
    if (lower.endsWith(".parquet")) {
      return Optional.of(PARQUET);
    }
    return Optional.empty();
  }
}
