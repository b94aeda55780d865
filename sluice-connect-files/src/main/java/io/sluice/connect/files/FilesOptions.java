package io.sluice.connect.files;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.api.source.SourceContext;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of a {@code files} source, checked. Every key and default is defined here, once;
 * {@link #REFERENCE} describes them for the docs.
 *
 * @param path a file, a directory or a glob, relative to the project directory or absolute
 * @param format the files' format
 * @param csv CSV options (defaults unless the format is CSV)
 * @param json JSON options (defaults unless the format is JSON)
 * @param onChange what planning does with an already landed file that changed
 */
record FilesOptions(
    String path, FileFormat format, CsvOptions csv, JsonOptions json, OnChange onChange) {

  static final String PATH = "path";
  static final String FORMAT = "format";
  static final String CSV = "csv";
  static final String JSON = "json";
  static final String ON_CHANGE = "on-change";
  static final OnChange ON_CHANGE_DEFAULT = OnChange.FAIL;

  static final String CSV_HEADER = "header";
  static final boolean CSV_HEADER_DEFAULT = true;
  static final String CSV_DELIMITER = "delimiter";
  static final char CSV_DELIMITER_DEFAULT = ',';
  static final char TSV_DELIMITER_DEFAULT = '\t';
  static final String CSV_QUOTE = "quote";
  static final char CSV_QUOTE_DEFAULT = '"';
  static final String CSV_ESCAPE = "escape";
  static final String CSV_NULL_VALUE = "null-value";
  static final String CSV_NULL_VALUE_DEFAULT = "";
  static final String CSV_SKIP_LINES = "skip-lines";
  static final int CSV_SKIP_LINES_DEFAULT = 0;
  static final String ENCODING = "encoding";
  static final Charset ENCODING_DEFAULT = StandardCharsets.UTF_8;

  /**
   * One option for the reference docs.
   *
   * @param key the full key, nested keys joined with a dot ({@code csv.delimiter})
   * @param defaultValue the default as a user would write it, or {@code (required)}
   * @param description what it does
   */
  record OptionDoc(String key, String defaultValue, String description) {
    OptionDoc {
      requireNonNull(key, "key is null");
      requireNonNull(defaultValue, "defaultValue is null");
      requireNonNull(description, "description is null");
    }
  }

  /** Every option of the {@code files} connector, for generated reference docs. */
  static final List<OptionDoc> REFERENCE =
      List.of(
          new OptionDoc(
              PATH,
              "(required)",
              "A file, a directory (the files directly in it) or a glob (`*`, `?`, `[ab]`, `{a,b}`,"
                  + " `**` for any depth), relative to the project directory or absolute. Files"
                  + " whose name starts with `.` or ends with `.crc` or `.tmp` are ignored in"
                  + " directories and globs."),
          new OptionDoc(
              FORMAT,
              "from the extension of `path`",
              "`csv`, `json` (NDJSON or one JSON array) or `parquet`. Without it, `.csv`/`.tsv`"
                  + " mean csv, `.json`/`.ndjson`/`.jsonl` mean json, `.parquet` means parquet."),
          new OptionDoc(
              ON_CHANGE,
              ON_CHANGE_DEFAULT.optionValue(),
              "What to do when a file that was already landed has changed: `fail` (stop with an"
                  + " error naming the file), `skip` (leave it out, with a note in the run), or"
                  + " `append` (land the whole file again)."),
          new OptionDoc(
              CSV + "." + CSV_HEADER,
              String.valueOf(CSV_HEADER_DEFAULT),
              "Whether the first row names the columns. Without a header, a field's path is a"
                  + " 1-based column number (`1`) or `column1`."),
          new OptionDoc(
              CSV + "." + CSV_DELIMITER,
              "`,` (a tab when `path` ends in `.tsv`)",
              "The field separator: one character; `\\t` means a tab."),
          new OptionDoc(
              CSV + "." + CSV_QUOTE,
              String.valueOf(CSV_QUOTE_DEFAULT),
              "The character that encloses fields containing delimiters, quotes or newlines."),
          new OptionDoc(
              CSV + "." + CSV_ESCAPE,
              "same as `quote`",
              "The character that escapes a quote inside a quoted field. The default, equal to"
                  + " `quote`, means RFC 4180 doubled quotes (`\"\"`)."),
          new OptionDoc(
              CSV + "." + ENCODING,
              ENCODING_DEFAULT.name(),
              "The files' character set. Bytes that are not valid in it make the row malformed."),
          new OptionDoc(
              CSV + "." + CSV_NULL_VALUE,
              "\"\" (empty)",
              "Unquoted field text that means null. A quoted field is never null."),
          new OptionDoc(
              CSV + "." + CSV_SKIP_LINES,
              String.valueOf(CSV_SKIP_LINES_DEFAULT),
              "Lines to skip at the start of each file, before the header. They still count for"
                  + " line numbers."),
          new OptionDoc(
              JSON + "." + ENCODING,
              ENCODING_DEFAULT.name(),
              "The files' character set; it must be ASCII-compatible (UTF-8, ISO-8859-1,"
                  + " windows-1252, ...)."));

  private static final Set<String> KEYS = Set.of(PATH, FORMAT, CSV, JSON, ON_CHANGE);
  private static final Set<String> CSV_KEYS =
      Set.of(
          CSV_HEADER,
          CSV_DELIMITER,
          CSV_QUOTE,
          CSV_ESCAPE,
          ENCODING,
          CSV_NULL_VALUE,
          CSV_SKIP_LINES);
  private static final Set<String> JSON_KEYS = Set.of(ENCODING);

  FilesOptions {
    requireNonNull(path, "path is null");
    requireNonNull(format, "format is null");
    requireNonNull(csv, "csv is null");
    requireNonNull(json, "json is null");
    requireNonNull(onChange, "onChange is null");
  }

  /**
   * Checks and reads the options of {@code context}.
   *
   * @throws SluiceException (USER) naming the source and the offending option
   */
  static FilesOptions parse(SourceContext context) {
    return parse(context.sourceName(), context.options());
  }

  /**
   * Checks and reads the options of source {@code sourceName}.
   *
   * @throws SluiceException (USER) naming the source and the offending option
   */
  static FilesOptions parse(String sourceName, Map<String, Object> options) {
    OptionReader top = new OptionReader(sourceName, "", options);
    top.rejectUnknown(KEYS);
    String path = top.requiredString(PATH);
    if (path.isBlank()) {
      throw top.invalid(PATH, "must not be empty");
    }
    FileFormat format = parseFormat(top, path);
    OnChange onChange =
        top.string(ON_CHANGE)
            .map(
                value ->
                    OnChange.fromOptionValue(value)
                        .orElseThrow(
                            () ->
                                top.invalid(
                                    ON_CHANGE,
                                    "must be fail, skip or append, found '%s'%s",
                                    value,
                                    Suggestions.didYouMean(
                                        value, List.of("fail", "skip", "append")))))
            .orElse(ON_CHANGE_DEFAULT);
    char defaultDelimiter =
        Compression.withoutExtension(lastSegment(path)).toLowerCase(Locale.ROOT).endsWith(".tsv")
            ? TSV_DELIMITER_DEFAULT
            : CSV_DELIMITER_DEFAULT;
    CsvOptions csv = CsvOptions.defaults(defaultDelimiter);
    JsonOptions json = JsonOptions.defaults();
    if (top.has(CSV)) {
      if (format != FileFormat.CSV) {
        throw top.invalid(
            CSV, "only applies to format csv, but the format is %s", format.optionValue());
      }
      csv = parseCsv(top.nested(CSV), defaultDelimiter);
    }
    if (top.has(JSON)) {
      if (format != FileFormat.JSON) {
        throw top.invalid(
            JSON, "only applies to format json, but the format is %s", format.optionValue());
      }
      json = parseJson(top.nested(JSON));
    }
    return new FilesOptions(path, format, csv, json, onChange);
  }

  private static FileFormat parseFormat(OptionReader top, String path) {
    if (top.has(FORMAT)) {
      String value = top.requiredString(FORMAT);
      return FileFormat.fromOptionValue(value)
          .orElseThrow(
              () ->
                  top.invalid(
                      FORMAT,
                      "must be csv, json or parquet, found '%s'%s",
                      value,
                      Suggestions.didYouMean(value, List.of("csv", "json", "parquet"))));
    }
    return FileFormat.fromFileName(lastSegment(path))
        .orElseThrow(
            () ->
                SluiceException.user(
                    "Source '%s': cannot tell the format of '%s' from its extension (.csv, .tsv,"
                        + " .json, .ndjson, .jsonl or .parquet); set option 'format' to csv, json"
                        + " or parquet",
                    top.sourceName(), path));
  }

  private static CsvOptions parseCsv(OptionReader csv, char defaultDelimiter) {
    csv.rejectUnknown(CSV_KEYS);
    boolean header = csv.bool(CSV_HEADER).orElse(CSV_HEADER_DEFAULT);
    char delimiter = csv.character(CSV_DELIMITER).orElse(defaultDelimiter);
    char quote = csv.character(CSV_QUOTE).orElse(CSV_QUOTE_DEFAULT);
    char escape = csv.character(CSV_ESCAPE).orElse(quote);
    Charset encoding = csv.charset(ENCODING).orElse(ENCODING_DEFAULT);
    String nullValue = csv.string(CSV_NULL_VALUE).orElse(CSV_NULL_VALUE_DEFAULT);
    int skipLines = csv.integer(CSV_SKIP_LINES).orElse(CSV_SKIP_LINES_DEFAULT);
    if (skipLines < 0) {
      throw csv.invalid(CSV_SKIP_LINES, "must be 0 or more, found %d", skipLines);
    }
    if (delimiter == quote) {
      throw csv.invalid(CSV_QUOTE, "must differ from the delimiter '%s'", printable(delimiter));
    }
    if (delimiter == escape) {
      throw csv.invalid(CSV_ESCAPE, "must differ from the delimiter '%s'", printable(delimiter));
    }
    if (nullValue.indexOf('\n') >= 0 || nullValue.indexOf('\r') >= 0) {
      throw csv.invalid(CSV_NULL_VALUE, "must not contain a line break");
    }
    return new CsvOptions(header, delimiter, quote, escape, encoding, nullValue, skipLines);
  }

  private static JsonOptions parseJson(OptionReader json) {
    json.rejectUnknown(JSON_KEYS);
    Charset encoding = json.charset(ENCODING).orElse(ENCODING_DEFAULT);
    if (!isAsciiCompatible(encoding)) {
      throw json.invalid(
          ENCODING,
          "'%s' is not supported for JSON: JSON lines are split on the newline byte, so the"
              + " encoding must store ASCII characters as single bytes (UTF-8, ISO-8859-1, ...)",
          encoding.name());
    }
    return new JsonOptions(encoding);
  }

  static boolean isAsciiCompatible(Charset charset) {
    if (!charset.canEncode()) {
      return false;
    }
    String probe = "\n\r\t {}[]\":,.-+0123456789eE\\/truefalsn";
    return Arrays.equals(probe.getBytes(charset), probe.getBytes(StandardCharsets.US_ASCII));
  }

  static String lastSegment(String path) {
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }

  static String printable(char c) {
    switch (c) {
      case '\t':
        return "\\t";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      default:
        return String.valueOf(c);
    }
  }

  /** Reads typed values out of one YAML map, with errors naming the source and the full key. */
  private static final class OptionReader {
    private final String sourceName;
    private final String prefix;
    private final Map<?, ?> values;

    OptionReader(String sourceName, String prefix, Map<?, ?> values) {
      this.sourceName = sourceName;
      this.prefix = prefix;
      this.values = values;
    }

    String sourceName() {
      return sourceName;
    }

    boolean has(String key) {
      return values.get(key) != null;
    }

    void rejectUnknown(Set<String> known) {
      List<String> problems = new ArrayList<>();
      for (Object key : new TreeSet<>(values.keySet().stream().map(String::valueOf).toList())) {
        if (!known.contains(key)) {
          problems.add(
              "'"
                  + prefix
                  + key
                  + "'"
                  + Suggestions.didYouMean((String) key, new TreeSet<>(known)));
        }
      }
      if (!problems.isEmpty()) {
        throw SluiceException.user(
            "Source '%s': unknown option%s %s; known options%s: %s",
            sourceName,
            problems.size() == 1 ? "" : "s",
            String.join(", ", problems),
            prefix.isEmpty() ? "" : " in '" + prefix.substring(0, prefix.length() - 1) + "'",
            String.join(", ", new TreeSet<>(known)));
      }
    }

    OptionReader nested(String key) {
      Object value = values.get(key);
      if (!(value instanceof Map<?, ?> map)) {
        throw invalid(key, "must be a map of options, found %s", describe(value));
      }
      return new OptionReader(sourceName, prefix + key + ".", map);
    }

    String requiredString(String key) {
      return string(key)
          .orElseThrow(
              () ->
                  SluiceException.user(
                      "Source '%s': option '%s%s' is required", sourceName, prefix, key));
    }

    Optional<String> string(String key) {
      Object value = values.get(key);
      if (value == null) {
        return Optional.empty();
      }
      if (!(value instanceof String text)) {
        throw invalid(key, "must be text, found %s (quote it in YAML)", describe(value));
      }
      return Optional.of(text);
    }

    Optional<Boolean> bool(String key) {
      Object value = values.get(key);
      if (value == null) {
        return Optional.empty();
      }
      if (!(value instanceof Boolean flag)) {
        throw invalid(key, "must be true or false, found %s", describe(value));
      }
      return Optional.of(flag);
    }

    Optional<Integer> integer(String key) {
      Object value = values.get(key);
      if (value == null) {
        return Optional.empty();
      }
      if ((value instanceof Integer || value instanceof Long || value instanceof Short)
          && ((Number) value).longValue() == ((Number) value).intValue()) {
        return Optional.of(((Number) value).intValue());
      }
      throw invalid(key, "must be a whole number, found %s", describe(value));
    }

    Optional<Character> character(String key) {
      return string(key)
          .map(
              text -> {
                if (text.equals("\\t")) {
                  return '\t';
                }
                if (text.length() != 1) {
                  throw invalid(key, "must be a single character, found '%s'", text);
                }
                char c = text.charAt(0);
                if (c == '\n' || c == '\r' || Character.isSurrogate(c)) {
                  throw invalid(key, "cannot be '%s'", printable(c));
                }
                return c;
              });
    }

    Optional<Charset> charset(String key) {
      return string(key)
          .map(
              name -> {
                try {
                  return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                  throw invalid(
                      key, "'%s' is not a character set this Java runtime supports", name);
                }
              });
    }

    SluiceException invalid(String key, String format, Object... args) {
      return SluiceException.user(
          "Source '%s': option '%s%s' %s", sourceName, prefix, key, String.format(format, args));
    }

    private static String describe(Object value) {
      if (value instanceof String text) {
        return "text '" + text + "'";
      }
      if (value instanceof Number || value instanceof Boolean) {
        return (value instanceof Boolean ? "boolean " : "number ") + value;
      }
      if (value instanceof Map) {
        return "a map";
      }
      if (value instanceof List) {
        return "a list";
      }
      return String.valueOf(value);
    }
  }
}
