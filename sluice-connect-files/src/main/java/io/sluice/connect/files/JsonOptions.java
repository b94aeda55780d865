package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;

/**
 * How JSON files are parsed (the {@code json} option map).
 *
 * @param encoding the files' character set; must encode ASCII as single bytes, because NDJSON is
 *     split into lines on the newline byte
 */
record JsonOptions(Charset encoding) {
  JsonOptions {
    requireNonNull(encoding, "encoding is null");
  }

  static JsonOptions defaults() {
    return new JsonOptions(FilesOptions.ENCODING_DEFAULT);
  }
}
