package io.sluice.connect.files;

import static io.sluice.config.ConfigType.bool;
import static io.sluice.config.ConfigType.character;
import static io.sluice.config.ConfigType.integer;
import static io.sluice.config.ConfigType.oneOf;
import static io.sluice.config.ConfigType.section;
import static io.sluice.config.ConfigType.string;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Optional;

/**
 * The keys of the {@code files} connector, written at the top level of a source file. Defined once,
 * here: the core checks source files with them, the reference page is generated from them, and
 * {@link FilesOptions} reads the checked values.
 */
public final class FilesSpec {
  private FilesSpec() {}

  public static final ConfigKey<Boolean> CSV_HEADER =
      ConfigKey.builder(FilesOptions.CSV_HEADER, bool())
          .doc(
              "The first line holds the column names. Without a header, a field's path is a"
                  + " 1-based column number (`1`) or `column1`.")
          .defaultValue(FilesOptions.CSV_HEADER_DEFAULT)
          .build();
  public static final ConfigKey<String> CSV_DELIMITER =
      ConfigKey.builder(FilesOptions.CSV_DELIMITER, character())
          .doc("Field separator; `\"\\t\"` for a tab.")
          .defaultDoc("`,` (a tab when `path` ends in `.tsv`)")
          .build();
  public static final ConfigKey<String> CSV_QUOTE =
      ConfigKey.builder(FilesOptions.CSV_QUOTE, character())
          .doc("Character that quotes a field.")
          .defaultValue(String.valueOf(FilesOptions.CSV_QUOTE_DEFAULT))
          .build();
  public static final ConfigKey<String> CSV_ESCAPE =
      ConfigKey.builder(FilesOptions.CSV_ESCAPE, character())
          .doc(
              "Character that escapes a quote inside a quoted field; the default, equal to"
                  + " `quote`, means RFC 4180 doubled quotes (`\"\"`).")
          .defaultDoc("the `quote` character")
          .build();
  public static final ConfigKey<String> ENCODING =
      ConfigKey.builder(FilesOptions.ENCODING, charset())
          .doc("Character set of the files; bytes not valid in it make the record malformed.")
          .defaultValue(FilesOptions.ENCODING_DEFAULT.name())
          .build();
  public static final ConfigKey<String> CSV_NULL_VALUE =
      ConfigKey.builder(FilesOptions.CSV_NULL_VALUE, ConfigType.string())
          .doc("Unquoted field text read as NULL; a quoted field is never NULL.")
          .defaultValue(FilesOptions.CSV_NULL_VALUE_DEFAULT)
          .build();
  public static final ConfigKey<Integer> CSV_SKIP_LINES =
      ConfigKey.builder(FilesOptions.CSV_SKIP_LINES, integer(0))
          .doc(
              "Lines to skip at the start of each file, before the header; they still count for"
                  + " line numbers.")
          .defaultValue(FilesOptions.CSV_SKIP_LINES_DEFAULT)
          .build();
  public static final ConfigDef CSV_DEF =
      ConfigDef.builder("csv", "How CSV files are read (format `csv`).")
          .add(
              CSV_HEADER,
              CSV_DELIMITER,
              CSV_QUOTE,
              CSV_ESCAPE,
              ENCODING,
              CSV_NULL_VALUE,
              CSV_SKIP_LINES)
          .build();
  public static final ConfigDef JSON_DEF =
      ConfigDef.builder(
              "json",
              "How JSON files are read (format `json`): one object per line, or an array of objects.")
          .add(ENCODING)
          .build();

  public static final ConfigKey<String> PATH =
      ConfigKey.builder(FilesOptions.PATH, string())
          .doc(
              "Files to read: a file, a folder (the files directly in it) or a glob (`*`, `?`,"
                  + " `[ab]`, `{a,b}`, `**` for any depth) such as `data/orders/*.csv`, relative to"
                  + " the project folder or absolute. Files whose name starts with `.` or ends with"
                  + " `.crc` or `.tmp` are ignored in folders and globs.")
          .required()
          .build();
  public static final ConfigKey<String> FORMAT =
      ConfigKey.builder(
              FilesOptions.FORMAT,
              oneOf(
                  Arrays.stream(FileFormat.values())
                      .map(FileFormat::optionValue)
                      .toArray(String[]::new)))
          .doc(
              "File format: `csv`, `json` (NDJSON or one JSON array) or `parquet`. CSV and JSON"
                  + " files may be compressed, `.gz` (gzip) or `.zst` (Zstandard), told by the"
                  + " file's last extension: they are read through their decompressed text (line"
                  + " numbers are those of the text).")
          .defaultDoc(
              "from the path's extension: `.csv` / `.tsv`, `.json` / `.jsonl` / `.ndjson`,"
                  + " `.parquet`; CSV and JSON names also with `.gz` or `.zst` after them")
          .build();
  public static final ConfigKey<ConfigValues> CSV =
      ConfigKey.builder(FilesOptions.CSV, section(CSV_DEF)).doc(CSV_DEF.doc()).build();
  public static final ConfigKey<ConfigValues> JSON =
      ConfigKey.builder(FilesOptions.JSON, section(JSON_DEF)).doc(JSON_DEF.doc()).build();
  public static final ConfigKey<String> ON_CHANGE =
      ConfigKey.builder(
              FilesOptions.ON_CHANGE,
              oneOf(
                  Arrays.stream(OnChange.values())
                      .map(OnChange::optionValue)
                      .toArray(String[]::new)))
          .doc(
              "When a file already read has changed: `fail` the run (naming the file), `skip` the"
                  + " file (with a note in the run), or `append` its rows again.")
          .defaultDoc("`defaults.on-change` of sluice.yaml, else `fail`")
          .build();

  /** Every option of the connector. */
  public static final ConfigDef OPTIONS =
      ConfigDef.builder("files connector", "Options of the `files` connector.")
          .add(PATH, FORMAT, CSV, JSON, ON_CHANGE)
          .build();

  private static ConfigType<String> charset() {
    return string()
        .withCheck(
            name -> {
              try {
                return Charset.isSupported(name)
                    ? Optional.empty()
                    : Optional.of("unknown encoding '" + name + "'");
              } catch (IllegalArgumentException e) {
                return Optional.of("unknown encoding '" + name + "'");
              }
            });
  }
}
