package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;

/**
 * How CSV files are parsed (the {@code csv} option map).
 *
 * @param header whether the first (non-skipped, non-blank) row names the columns
 * @param delimiter the field separator
 * @param quote the character that encloses a field
 * @param escape the character that escapes a quote inside a quoted field; equal to {@code quote}
 *     for RFC 4180 doubled quotes
 * @param encoding the files' character set, decoded strictly
 * @param nullValue the unquoted field text that means null
 * @param skipLines physical lines skipped before the header (they still count for line numbers)
 */
record CsvOptions(
    boolean header,
    char delimiter,
    char quote,
    char escape,
    Charset encoding,
    String nullValue,
    int skipLines) {
  CsvOptions {
    requireNonNull(encoding, "encoding is null");
    requireNonNull(nullValue, "nullValue is null");
    if (delimiter == quote || delimiter == escape) {
      throw new IllegalArgumentException("delimiter must differ from quote and escape");
    }
    if (skipLines < 0) {
      throw new IllegalArgumentException("skipLines is negative");
    }
  }

  /** The defaults, with {@code delimiter} as given (a tab for {@code .tsv} paths). */
  static CsvOptions defaults(char delimiter) {
    return new CsvOptions(
        FilesOptions.CSV_HEADER_DEFAULT,
        delimiter,
        FilesOptions.CSV_QUOTE_DEFAULT,
        FilesOptions.CSV_QUOTE_DEFAULT,
        FilesOptions.ENCODING_DEFAULT,
        FilesOptions.CSV_NULL_VALUE_DEFAULT,
        FilesOptions.CSV_SKIP_LINES_DEFAULT);
  }
}
